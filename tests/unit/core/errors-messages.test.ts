/**
 * The error classes' own words and fields (src/core/errors.ts), exactly: a user reads these messages, and
 * the CLI maps `code` and `exitCode` (issue 15: these survived mutation, the CLI tests run dist/).
 */
import { describe, expect, it } from 'vitest';
import {
  BadParamsError,
  ErrorCodes,
  PipelineNotFoundError,
  SourceError,
  SpineError,
  toSpineError,
} from '../../../src/core/errors.js';

const withCode = (message: string, code: string, onCause = false): Error => {
  if (onCause) return new Error(message, { cause: Object.assign(new Error('inner'), { code }) });
  return Object.assign(new Error(message), { code });
};

describe('SpineError', () => {
  it('keeps the cause only when one is given, names itself and serialises code, message and details', () => {
    const cause = new Error('root');
    const err = new SpineError(ErrorCodes.IO_ERROR, 'disk', { cause, details: { path: '/x' } });
    expect(err.cause).toBe(cause);
    expect(err.name).toBe('SpineError');
    expect(err.toJSON()).toEqual({ code: 'IO_ERROR', message: 'disk', details: { path: '/x' } });
    const plain = new SpineError(ErrorCodes.INTERNAL_ERROR, 'x');
    expect('cause' in plain).toBe(false);
    expect(plain.details).toEqual({});
  });
});

describe('PipelineNotFoundError', () => {
  it('suggests the closest names, or says how many exist', () => {
    const names = ['finra.otc_transparency.week', 'finra.otc_transparency.backfill', 'calendar.ingest'];
    const close = new PipelineNotFoundError('finra.otc_transparency.weak', names);
    expect(close.message).toBe(
      'Pipeline not found: finra.otc_transparency.weak. Did you mean finra.otc_transparency.week?',
    );
    expect(close.name).toBe('PipelineNotFoundError');
    expect(close.details).toMatchObject({ suggestions: ['finra.otc_transparency.week'], hint: 'spine pipelines list' });
    const none = new PipelineNotFoundError('zzz', names);
    expect(none.message).toBe('Pipeline not found: zzz. 3 pipelines exist.');
    expect(none.details['suggestions']).toEqual([]);
  });
});

describe('BadParamsError', () => {
  it('is MISSING_REQUIRED for missing parameters only, else the given code, with one sentence per problem', () => {
    const missing = new BadParamsError(['week_ending', 'tier'], {});
    expect(missing.code).toBe('MISSING_REQUIRED');
    expect(missing.message).toBe('Missing required parameters: week_ending, tier');
    expect(missing.name).toBe('BadParamsError');
    const both = new BadParamsError(['tier'], { week_ending: 'not a date' });
    expect(both.code).toBe('INVALID_PARAMS');
    expect(both.message).toBe("Missing required parameters: tier. Invalid parameter 'week_ending': not a date");
    const invalidOnly = new BadParamsError([], { tier: 'unknown' }, ErrorCodes.INVALID_TIER);
    expect(invalidOnly.code).toBe('INVALID_TIER');
    expect(invalidOnly.message).toBe("Invalid parameter 'tier': unknown");
    expect(BadParamsError.describe(['file_path'], { week_ending: 'bad' }, (n) => `--${n}`)).toBe(
      'Missing required --file_path. Invalid --week_ending: bad',
    );
  });
});

describe('SourceError', () => {
  it('names the file, the line when there is one, and the rule', () => {
    const err = new SourceError('data.csv', 3, 'KEY_COLLISION', 'duplicate key', { key: 'A' });
    expect(err.message).toBe('data.csv line 3: KEY_COLLISION: duplicate key');
    expect(err.name).toBe('SourceError');
    expect(err.details).toEqual({ file: 'data.csv', line: 3, rule: 'KEY_COLLISION', key: 'A' });
    expect(new SourceError('data.csv', 0, 'HEADER', 'no header').message).toBe('data.csv: HEADER: no header');
  });
});

describe('toSpineError on SQLite codes', () => {
  it.each([
    ['SQLITE_BUSY_SNAPSHOT', 'DATABASE_BUSY'],
    ['SQLITE_LOCKED_SHAREDCACHE', 'DATABASE_BUSY'],
    ['SQLITE_IOERR_WRITE', 'IO_ERROR'],
    ['SQLITE_CONSTRAINT_UNIQUE', 'DATABASE_ERROR'],
    ['SQLITE_READONLY', 'DATABASE_ERROR'],
  ])('%s (extended code, on the error or its cause) → %s with the code in details', (code, expected) => {
    for (const err of [withCode('boom', code), withCode('boom', code, true)]) {
      const e = toSpineError(err);
      expect(e.code).toBe(expected);
      expect(e.message).toBe('boom');
      expect(e.details).toEqual({ sqlite_code: code });
      expect(e.cause).toBe(err);
    }
  });

  it('a non-string or empty code is no code', () => {
    expect(toSpineError(Object.assign(new Error('x'), { code: 5 })).code).toBe('INTERNAL_ERROR');
    expect(toSpineError(Object.assign(new Error('x'), { code: '' })).code).toBe('INTERNAL_ERROR');
    expect(toSpineError('plain text').message).toBe('plain text');
  });
});
