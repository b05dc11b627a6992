/**
 * `--since` / `--until` / `--older-than` / `--as-of` instants (src/core/time-window.ts): every form, with the
 * exact instant it means, and the exact refusal (issue 15: the module's mutants survived the indirect tests).
 */
import { describe, expect, it } from 'vitest';
import { SpineError } from '../../../src/core/errors.js';
import { isRelativeInstant, parseInstant } from '../../../src/core/time-window.js';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const at = (value: string): string => parseInstant('since', value, NOW);

describe('isRelativeInstant', () => {
  it.each(['now', 'NOW', ' now ', '90m', '15min', '24h', '7d', '2w', '7 d', '3H', '10MIN'])('%s is relative', (v) => {
    expect(isRelativeInstant(v)).toBe(true);
  });

  it.each(['', 'nowish', 'later', '7', 'd', '7y', '-7d', '7dd', 'x7d', '2025-12-01', '2025-12-01T10:00:00Z', '1.5h'])(
    '%s is not',
    (v) => {
      expect(isRelativeInstant(v)).toBe(false);
    },
  );
});

describe('parseInstant', () => {
  it('now is the given instant, in any case and padding', () => {
    expect(at('now')).toBe('2026-03-10T12:00:00.000Z');
    expect(at(' Now ')).toBe('2026-03-10T12:00:00.000Z');
  });

  it('durations count back from now, one unit each', () => {
    expect(at('90m')).toBe('2026-03-10T10:30:00.000Z');
    expect(at('90min')).toBe('2026-03-10T10:30:00.000Z');
    expect(at('24h')).toBe('2026-03-09T12:00:00.000Z');
    expect(at('7d')).toBe('2026-03-03T12:00:00.000Z');
    expect(at('2w')).toBe('2026-02-24T12:00:00.000Z');
    expect(at('0d')).toBe('2026-03-10T12:00:00.000Z');
    expect(at('3H')).toBe('2026-03-10T09:00:00.000Z');
    expect(at(' 7 d ')).toBe('2026-03-03T12:00:00.000Z');
  });

  it('a date is midnight UTC of that day', () => {
    expect(at('2025-12-01')).toBe('2025-12-01T00:00:00.000Z');
    expect(at('2024-02-29')).toBe('2024-02-29T00:00:00.000Z');
  });

  it('an instant without a zone is UTC; z, Z and offsets with or without a colon are honoured', () => {
    expect(at('2025-12-01T10:00:00')).toBe('2025-12-01T10:00:00.000Z');
    expect(at('2025-12-01T10:00:00Z')).toBe('2025-12-01T10:00:00.000Z');
    expect(at('2025-12-01T10:00:00z')).toBe('2025-12-01T10:00:00.000Z');
    expect(at('2025-12-01T10:00:00+02:00')).toBe('2025-12-01T08:00:00.000Z');
    expect(at('2025-12-01T10:00:00-0130')).toBe('2025-12-01T11:30:00.000Z');
    expect(at('2025-12-01T10:00:00.250')).toBe('2025-12-01T10:00:00.250Z');
  });

  const refused = (flag: string, value: string): SpineError => {
    try {
      parseInstant(flag, value, NOW);
    } catch (err) {
      return err as SpineError;
    }
    throw new Error(`parseInstant accepted '${value}'`);
  };

  it.each(['', 'yesterday', '7y', '2025-02-30', '2025-13-01', '2025-12-01T25:00:00', '2025-12-01 10:00', '20251201'])(
    "refuses '%s' with INVALID_PARAMS naming the flag and the forms",
    (value) => {
      const err = refused('older-than', value);
      expect(err).toBeInstanceOf(SpineError);
      expect(err.code).toBe('INVALID_PARAMS');
      const why = `'${value}' is not 'now', a duration (90m, 24h, 7d, 2w), a date (2025-12-01) or an ISO instant (2025-12-01T10:00:00Z)`;
      expect(err.message).toBe(`Invalid --older-than: ${why}`);
      expect(err.details).toEqual({ missing: [], invalid: { 'older-than': why } });
    },
  );
});
