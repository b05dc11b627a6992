import { describe, expect, it } from 'vitest';
import {
  bodySnippet,
  describeError,
  redactUrl,
  SourceUnavailableError,
} from '../../../../../src/domains/otc/sources/api-errors.js';
import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
} from '../../../../../src/domains/otc/sources/http-retry.js';
import { parseJsonExact, quoteNumberLiterals } from '../../../../../src/domains/otc/sources/json-exact.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-12-15T10:00:00Z');
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Mon, 15 Dec 2025 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 15 Dec 2025 09:00:00 GMT', now)).toBe(0);
  });
  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
  });
});

describe('backoffDelayMs', () => {
  it('doubles from the base delay up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((a) => backoffDelayMs(DEFAULT_RETRY_POLICY, a))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000,
    ]);
  });
});

describe('redactUrl', () => {
  it('hides query values and user info but keeps the keys', () => {
    expect(redactUrl('https://u:p@api.example.org/data?token=abc&x=1')).toBe(
      'https://api.example.org/data?token=***&x=***',
    );
    expect(redactUrl('https://api.finra.org/data/group/otcMarket/name/weeklySummary')).toBe(
      'https://api.finra.org/data/group/otcMarket/name/weeklySummary',
    );
  });
});

describe('parseJsonExact', () => {
  it('keeps every number as its literal text', () => {
    expect(parseJsonExact('[{"a": 98765432109876543210, "b": -1.5e3, "c": 0, "d": [1,2]}]')).toEqual([
      { a: '98765432109876543210', b: '-1.5e3', c: '0', d: ['1', '2'] },
    ]);
  });
  it('leaves digits inside strings alone, escaped quotes included', () => {
    const text = '{"k\\"1": "x \\" 12 \\\\", "n": 3}';
    expect(parseJsonExact(text)).toEqual({ 'k"1': 'x " 12 \\', n: '3' });
  });
  it('returns text without numbers unchanged and still rejects malformed numbers', () => {
    expect(quoteNumberLiterals('["a", true, null]')).toBe('["a", true, null]');
    expect(() => parseJsonExact('[01]')).toThrow(SyntaxError);
    expect(() => parseJsonExact('[1.]')).toThrow(SyntaxError);
    expect(() => parseJsonExact('[1,')).toThrow(SyntaxError);
  });
});

describe('the other message helpers of api-errors.ts', () => {
  it('SourceUnavailableError: url, rule and message in one line; file/line/rule details; cause only when given', () => {
    const cause = new Error('ECONNRESET');
    const err = new SourceUnavailableError(
      'https://api.example.org/x',
      'HTTP_503',
      'gave up after 3 attempts',
      { status: 503 },
      cause,
    );
    expect(err.message).toBe('https://api.example.org/x: HTTP_503: gave up after 3 attempts');
    expect(err.code).toBe('SOURCE_UNAVAILABLE');
    expect(err.name).toBe('SourceUnavailableError');
    expect(err.details).toEqual({ file: 'https://api.example.org/x', line: 0, rule: 'HTTP_503', status: 503 });
    expect(err.cause).toBe(cause);
    expect('cause' in new SourceUnavailableError('u', 'R', 'm')).toBe(false);
  });

  it('redactUrl of something that is not a URL keeps what precedes the query', () => {
    expect(redactUrl('not a url?token=abc')).toBe('not a url');
    expect(redactUrl('')).toBe('');
  });

  it('bodySnippet puts the body on one line and cuts it at max characters with an ellipsis', () => {
    expect(bodySnippet('  a\n\tb   c  ')).toBe('a b c');
    expect(bodySnippet('abcdef', 6)).toBe('abcdef');
    expect(bodySnippet('abcdefg', 6)).toBe('abcdef…');
    expect(bodySnippet('x'.repeat(201))).toBe(`${'x'.repeat(200)}…`);
  });

  it('describeError adds the cause code or message unless the message already says it', () => {
    expect(
      describeError(new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) })),
    ).toBe('fetch failed (ECONNREFUSED)');
    expect(describeError(new Error('fetch failed', { cause: new Error('socket hang up') }))).toBe(
      'fetch failed (socket hang up)',
    );
    expect(describeError(new Error('timed out (ETIMEDOUT)', { cause: { code: 'ETIMEDOUT' } }))).toBe(
      'timed out (ETIMEDOUT)',
    );
    expect(describeError(new Error('plain', { cause: { code: '' } }))).toBe('plain');
    expect(describeError(new Error('plain'))).toBe('plain');
    expect(describeError('a string')).toBe('a string');
  });
});
