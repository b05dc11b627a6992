import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../../../../src/domains/otc/sources/api-errors.js';
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
