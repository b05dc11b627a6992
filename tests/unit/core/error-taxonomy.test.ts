/**
 * The error taxonomy (src/contracts/error-taxonomy.ts) and the one classification both backends apply
 * (`classifyFailure`, src/core/errors.ts): every code has one class, the class alone decides retries, dead
 * letters and exit codes, and Temporal's non-retryable list can only agree with an error's own flag.
 * SQLite failures are real ones from better-sqlite3 on a temp file, not imitations.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { classify, toApplicationFailure } from '../../../src/activities/failures.js';
import {
  ERROR_CLASS_RULES,
  ERROR_TAXONOMY,
  errorClassOf,
  isRetriedErrorType,
  NON_RETRYABLE_ERROR_TYPES,
} from '../../../src/contracts/error-taxonomy.js';
import type { ErrorCode } from '../../../src/contracts/error-taxonomy.js';
import { BadParamsError, classifyFailure, ErrorCodes, SourceError, SpineError } from '../../../src/core/errors.js';
import { checkInjectedFault, InjectedFault } from '../../../src/core/execution/fault-injection.js';
import { SourceUnavailableError } from '../../../src/domains/otc/sources/api-errors.js';
import { toTemporalRetryPolicy } from '../../../src/workflows/activity-options.js';
import { writeFaultsFile } from '../../helpers/test-pipelines.js';
import { tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

const ALL_CODES = Object.values(ErrorCodes);

/** Whatever `fn` throws. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

let dir: TempDir | undefined;
afterEach(() => {
  dir?.cleanup();
  dir = undefined;
});

function sqliteFile(): string {
  dir = tempDir('spine-taxonomy-');
  return dir.join('t.db');
}

describe('the taxonomy table', () => {
  it('gives every error code exactly one class, and every class a retry rule and an exit code', () => {
    expect(Object.keys(ERROR_TAXONOMY).sort()).toEqual([...ALL_CODES].sort());
    for (const code of ALL_CODES) expect(Object.keys(ERROR_CLASS_RULES)).toContain(ERROR_TAXONOMY[code]);
  });

  it('has the documented classes', () => {
    const byClass = (cls: string) => ALL_CODES.filter((c) => ERROR_TAXONOMY[c] === cls).sort();
    expect(byClass('request')).toEqual(
      ['INVALID_DATE', 'INVALID_PARAMS', 'INVALID_TIER', 'MISSING_REQUIRED', 'NOT_FOUND', 'PIPELINE_NOT_FOUND'].sort(),
    );
    expect(byClass('fatal')).toEqual(['CHILDREN_FAILED', 'QUALITY_GATE_FAILED', 'SOURCE_ERROR']);
    expect(byClass('transient')).toEqual(
      [
        'ACTIVITY_TIMEOUT',
        'ATTEMPT_LOST',
        'DATABASE_BUSY',
        'EXECUTION_FAILED',
        'IO_ERROR',
        'SOURCE_UNAVAILABLE',
      ].sort(),
    );
    expect(byClass('environment')).toEqual(['DATABASE_ERROR', 'TEMPORAL_UNAVAILABLE']);
    expect(byClass('internal')).toEqual(['INTERNAL_ERROR']);
    expect(byClass('cancelled')).toEqual(['CANCELLED', 'FENCED']);
    expect(ERROR_CLASS_RULES).toEqual({
      request: { retried: false, exitCode: 2 },
      fatal: { retried: false, exitCode: 1 },
      transient: { retried: true, exitCode: 1 },
      environment: { retried: false, exitCode: 3 },
      internal: { retried: true, exitCode: 1 },
      cancelled: { retried: false, exitCode: 1 },
    });
  });

  it('treats an unknown error type as internal: retried', () => {
    expect(errorClassOf('SOMETHING_NEW')).toBe('internal');
    expect(isRetriedErrorType('SOMETHING_NEW')).toBe(true);
  });

  it("derives every SpineError's flag and exit code from its code's class", () => {
    for (const code of ALL_CODES) {
      const e = new SpineError(code, 'x');
      const rule = ERROR_CLASS_RULES[ERROR_TAXONOMY[code]];
      expect({ code, nonRetryable: e.nonRetryable, exitCode: e.exitCode }).toEqual({
        code,
        nonRetryable: !rule.retried,
        exitCode: rule.exitCode,
      });
    }
  });

  it('refuses, at compile time, a non-retryable flag that contradicts the code', () => {
    // @ts-expect-error EXECUTION_FAILED is transient: it cannot be flagged non-retryable
    expect(new SpineError(ErrorCodes.EXECUTION_FAILED, 'x', { nonRetryable: true }).nonRetryable).toBe(false);
    // @ts-expect-error SOURCE_ERROR is fatal: it cannot be flagged retryable
    expect(new SpineError(ErrorCodes.SOURCE_ERROR, 'x', { nonRetryable: false }).nonRetryable).toBe(true);
    expect(new SpineError(ErrorCodes.NOT_FOUND, 'x', { nonRetryable: true }).nonRetryable).toBe(true);
  });
});

describe('Temporal agrees with the taxonomy', () => {
  it("lists exactly the codes whose class is not retried as the stage activity's nonRetryableErrorTypes", () => {
    const policy = toTemporalRetryPolicy({
      initialIntervalMs: 1,
      backoffCoefficient: 2,
      maximumIntervalMs: 10,
      maximumAttempts: 3,
    });
    expect([...(policy.nonRetryableErrorTypes ?? [])].sort()).toEqual(
      ALL_CODES.filter((c) => !ERROR_CLASS_RULES[ERROR_TAXONOMY[c]].retried).sort(),
    );
    expect(NON_RETRYABLE_ERROR_TYPES).not.toContain('SOURCE_UNAVAILABLE');
    expect(NON_RETRYABLE_ERROR_TYPES).toContain('SOURCE_ERROR');
  });

  it.each(ALL_CODES)('fails an activity with %s as a failure whose flag matches the list', (code: ErrorCode) => {
    const err = new SpineError(code, 'boom');
    const classified = classify(err);
    const failure = toApplicationFailure(err, classified, { attempt: 1 }) as unknown as {
      type: string;
      nonRetryable: boolean;
    };
    expect(failure.type).toBe(code);
    expect(failure.nonRetryable).toBe(NON_RETRYABLE_ERROR_TYPES.includes(code));
    expect(classified).toEqual({
      error: expect.objectContaining({ type: code, message: 'boom' }) as unknown,
      nonRetryable: !classifyFailure(err).retried,
    });
  });
});

describe('classifyFailure', () => {
  it('classifies the FINRA API staying unavailable as SOURCE_UNAVAILABLE (transient), bad data as SOURCE_ERROR (fatal)', () => {
    const unavailable = classifyFailure(new SourceUnavailableError('http://x', 'HTTP_UNAVAILABLE', 'gave up'));
    expect(unavailable).toMatchObject({
      errorClass: 'transient',
      retried: true,
      event: { type: 'SOURCE_UNAVAILABLE' },
    });
    expect(unavailable.error.exitCode).toBe(1);
    const bad = classifyFailure(new SourceError('f.csv', 1, 'HEADER_MISSING_COLUMN', 'no share column'));
    expect(bad).toMatchObject({ errorClass: 'fatal', retried: false, event: { type: 'SOURCE_ERROR' } });
  });

  it('classifies bad params as a request error and the injected test fault as transient', () => {
    expect(classifyFailure(new BadParamsError(['week_ending'], {}))).toMatchObject({
      errorClass: 'request',
      retried: false,
      event: { type: 'MISSING_REQUIRED' },
    });
    expect(classifyFailure(new InjectedFault('p/s', 1))).toMatchObject({ errorClass: 'transient', retried: true });
  });

  it('classifies a real SQLITE_BUSY (another connection holds the write lock) as DATABASE_BUSY, retried', () => {
    const file = sqliteFile();
    const a = new Database(file);
    const b = new Database(file, { timeout: 0 });
    try {
      a.exec('CREATE TABLE t (x INTEGER)');
      a.exec('BEGIN IMMEDIATE');
      const err = thrown(() => b.prepare('INSERT INTO t VALUES (1)').run());
      expect((err as { code?: string }).code).toBe('SQLITE_BUSY');
      expect(classifyFailure(err)).toMatchObject({
        errorClass: 'transient',
        retried: true,
        event: { type: 'DATABASE_BUSY' },
        error: { details: { sqlite_code: 'SQLITE_BUSY' } },
      });
      a.exec('ROLLBACK');
    } finally {
      a.close();
      b.close();
    }
  });

  it('classifies a real constraint violation as DATABASE_ERROR (environment, not retried)', () => {
    const db = new Database(sqliteFile());
    try {
      db.exec('CREATE TABLE t (x INTEGER PRIMARY KEY)');
      db.exec('INSERT INTO t VALUES (1)');
      const err = thrown(() => db.exec('INSERT INTO t VALUES (1)'));
      expect(classifyFailure(err)).toMatchObject({
        errorClass: 'environment',
        retried: false,
        event: { type: 'DATABASE_ERROR' },
      });
    } finally {
      db.close();
    }
  });

  it("classifies SQLite's SUM() integer overflow (a set-based total) as a fatal VALUE_OUT_OF_RANGE, not a database error", () => {
    const db = new Database(sqliteFile());
    try {
      db.exec('CREATE TABLE t (x INTEGER)');
      db.prepare('INSERT INTO t VALUES (?), (?)').run(2n ** 62n, 2n ** 62n);
      const err = thrown(() => db.prepare('SELECT SUM(x) FROM t').get());
      const c = classifyFailure(err);
      expect(c).toMatchObject({ errorClass: 'fatal', retried: false, event: { type: 'SOURCE_ERROR' } });
      expect(c.event.message).toMatch(/^VALUE_OUT_OF_RANGE: .*integer overflow/);
      expect(c.error.details).toEqual({ rule: 'VALUE_OUT_OF_RANGE' });
    } finally {
      db.close();
    }
  });

  it('classifies an integer too big for SQLite (a sum of in-range counts) as a fatal VALUE_OUT_OF_RANGE, not internal', () => {
    const db = new Database(sqliteFile());
    try {
      db.exec('CREATE TABLE t (x INTEGER)');
      const err = thrown(() => db.prepare('INSERT INTO t VALUES (?)').run(2n ** 62n + 2n ** 62n));
      expect(err).toBeInstanceOf(RangeError);
      const c = classifyFailure(err);
      expect(c).toMatchObject({ errorClass: 'fatal', retried: false, event: { type: 'SOURCE_ERROR' } });
      expect(c.event.message).toMatch(/^VALUE_OUT_OF_RANGE: /);
      expect(c.error.details).toEqual({ rule: 'VALUE_OUT_OF_RANGE' });
    } finally {
      db.close();
    }
  });

  it.each(['EIO', 'EBUSY', 'EMFILE', 'ENFILE', 'EAGAIN', 'ECONNRESET', 'ETIMEDOUT'])(
    'classifies errno %s (on the error or its cause) as IO_ERROR, retried',
    (code) => {
      const direct = Object.assign(new Error(`${code}: i/o failed`), { code, errno: -5, syscall: 'read' });
      expect(classifyFailure(direct)).toMatchObject({ retried: true, event: { type: 'IO_ERROR' } });
      const wrapped = new TypeError('fetch failed', { cause: direct });
      expect(classifyFailure(wrapped)).toMatchObject({ retried: true, event: { type: 'IO_ERROR' } });
    },
  );

  it('classifies a real missing file (ENOENT) and anything unknown as INTERNAL_ERROR', async () => {
    const { readFile } = await import('node:fs/promises');
    const missing = await readFile('/nonexistent/spine-taxonomy').catch((e: unknown) => e);
    expect(classifyFailure(missing)).toMatchObject({ errorClass: 'internal', retried: true });
    expect(classifyFailure(new TypeError('x is undefined'))).toMatchObject({
      errorClass: 'internal',
      retried: true,
      event: { type: 'INTERNAL_ERROR', message: 'x is undefined' },
    });
    expect(classifyFailure('a string')).toMatchObject({ event: { type: 'INTERNAL_ERROR', message: 'a string' } });
  });

  it('lets the fault hook throw foreign errors that go through the same rules', () => {
    dir = tempDir('spine-taxonomy-');
    const env = {
      SPINE_FAULTS_FILE: writeFaultsFile(dir.join('faults.json'), {
        'p/busy': { failAttempts: 1, error: 'SQLITE_BUSY' },
        'p/eio': { always: true, error: 'EIO' },
        'p/plain': { always: true },
      }),
    };
    expect(classifyFailure(thrown(() => checkInjectedFault('p', 'busy', 1, env))).event.type).toBe('DATABASE_BUSY');
    checkInjectedFault('p', 'busy', 2, env); // attempt 2 passes
    expect(classifyFailure(thrown(() => checkInjectedFault('p', 'eio', 4, env))).event.type).toBe('IO_ERROR');
    expect(classifyFailure(thrown(() => checkInjectedFault('p', 'plain', 1, env))).event.type).toBe('EXECUTION_FAILED');
  });
});
