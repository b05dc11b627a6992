import { describe, expect, it } from 'vitest';
import { parseAsOf } from '../../../src/core/query/point-in-time.js';
import { parseInstant } from '../../../src/core/time-window.js';

const NOW = new Date('2026-01-10T12:00:00.000Z');

describe('--as-of forms', () => {
  it('reads now and durations back from now, as --since does', () => {
    expect(parseAsOf('now', undefined, NOW)).toEqual({
      kind: 'instant',
      capturedAt: '2026-01-10T12:00:00.000000+00:00',
    });
    expect(parseAsOf('2h', undefined, NOW)).toEqual({
      kind: 'instant',
      capturedAt: '2026-01-10T10:00:00.000000+00:00',
    });
    expect(parseAsOf('7d', undefined, NOW)).toEqual({
      kind: 'instant',
      capturedAt: '2026-01-03T12:00:00.000000+00:00',
    });
    expect(parseAsOf('90m', undefined, NOW)).toEqual({
      kind: 'instant',
      capturedAt: '2026-01-10T10:30:00.000000+00:00',
    });
  });

  it('reads a date as the end of that day and an instant as given', () => {
    expect(parseAsOf('2025-12-20', undefined, NOW)).toEqual({
      kind: 'instant',
      capturedAt: '2025-12-20T23:59:59.999000+00:00',
    });
    expect(parseAsOf('2025-12-20T10:00:00+01:00', undefined, NOW)).toEqual({
      kind: 'instant',
      capturedAt: '2025-12-20T09:00:00.000000+00:00',
    });
  });

  it('takes anything else as a capture id (resolved later, short forms included)', () => {
    expect(parseAsOf('bc978c', undefined, NOW)).toEqual({ kind: 'capture', captureId: 'bc978c' });
    expect(parseAsOf('latest')).toEqual({ kind: 'latest' });
    expect(parseAsOf('2025-12-20', '2025-12-22')).toEqual({ kind: 'published', sourceDate: '2025-12-22' });
  });

  it('refuses a malformed date-like value naming the forms', () => {
    expect(() => parseAsOf('2025-13-45T00:00:00Z', undefined, NOW)).toThrow(
      "--as-of must be 'latest', a moment (now, 2h, 7d, 2025-12-20, 2025-12-20T10:00:00Z) or a capture id",
    );
  });
});

describe('--as-of edge forms', () => {
  it('reads a blank or padded value as latest and trims a padded capture id', () => {
    expect(parseAsOf(undefined, undefined, NOW)).toEqual({ kind: 'latest' });
    expect(parseAsOf('   ', undefined, NOW)).toEqual({ kind: 'latest' });
    expect(parseAsOf(' latest ', undefined, NOW)).toEqual({ kind: 'latest' });
    expect(parseAsOf(' bc978c ', undefined, NOW)).toEqual({ kind: 'capture', captureId: 'bc978c' });
  });

  it('takes an instant without a zone as UTC and accepts z and +hhmm offsets', () => {
    expect(parseAsOf('2025-12-20T10:00:00', undefined, NOW)).toEqual({
      kind: 'instant',
      capturedAt: '2025-12-20T10:00:00.000000+00:00',
    });
    expect(parseAsOf('2025-12-20T10:00:00z', undefined, NOW)).toEqual({
      kind: 'instant',
      capturedAt: '2025-12-20T10:00:00.000000+00:00',
    });
    expect(parseAsOf('2025-12-20T10:00:00-0230', undefined, NOW)).toEqual({
      kind: 'instant',
      capturedAt: '2025-12-20T12:30:00.000000+00:00',
    });
  });

  it('does not take a date followed by other text for a moment: it is a capture id', () => {
    expect(parseAsOf('2025-12-20x', undefined, NOW)).toEqual({ kind: 'capture', captureId: '2025-12-20x' });
    expect(parseAsOf('x2025-12-20', undefined, NOW)).toEqual({ kind: 'capture', captureId: 'x2025-12-20' });
  });

  it('refuses a bad instant with INVALID_PARAMS and a bad --published-as-of with INVALID_DATE', () => {
    const refused = (code: string, message: string): unknown => expect.objectContaining({ code, message });
    expect(() => parseAsOf('2025-12-20T99:00', undefined, NOW)).toThrow(
      refused(
        'INVALID_PARAMS',
        "--as-of must be 'latest', a moment (now, 2h, 7d, 2025-12-20, 2025-12-20T10:00:00Z) or a capture id, got '2025-12-20T99:00'",
      ),
    );
    for (const bad of ['2025-12-2', 'x2025-12-22', '2025-12-22x']) {
      expect(() => parseAsOf(undefined, bad, NOW)).toThrow(
        refused('INVALID_DATE', `--published-as-of must be a date YYYY-MM-DD, got '${bad}'`),
      );
    }
  });
});

describe('--since now', () => {
  it('is the current instant', () => {
    expect(parseInstant('since', 'now', NOW)).toBe('2026-01-10T12:00:00.000Z');
  });
});
