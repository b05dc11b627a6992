/**
 * The hand-rolled ISO date parser every row goes through (src/core/dates.ts): each position and rule it
 * checks, with the exact answer, so a relaxed check cannot pass (issue 15: its mutants survived the
 * pipeline-level tests, which only ever feed it good dates).
 */
import { describe, expect, it } from 'vitest';
import {
  addDays,
  dayName,
  daysBetween,
  formatCompactDate,
  fromEpochDay,
  parseCompactDate,
  parseIsoDate,
  toEpochDay,
  tryParseIsoDate,
} from '../../../src/core/dates.js';
import { SpineError } from '../../../src/core/errors.js';

describe('tryParseIsoDate', () => {
  it.each([
    ['2025-12-22', '2025-12-22'],
    ['2024-02-29', '2024-02-29'],
    ['2000-02-29', '2000-02-29'],
    ['0001-01-01', '0001-01-01'],
    ['9999-12-31', '9999-12-31'],
    ['2025-12-22T10:00:00Z', '2025-12-22'],
    ['2025-12-22t10:00', '2025-12-22'],
    ['2025-12-22 10:00:00', '2025-12-22'],
    ['2025-01-31', '2025-01-31'],
    ['2025-04-30', '2025-04-30'],
  ])('%s → %s', (text, date) => {
    expect(tryParseIsoDate(text)).toBe(date);
  });

  it.each([
    ['2025-12-2', 'too short'],
    ['2025-12-22X', 'a longer value not followed by T or a space'],
    ['2025-12-221', 'a digit after the date'],
    ['2025/12/22', 'no dashes'],
    ['2025-12/22', 'no second dash'],
    ['2025/12-22', 'no first dash'],
    ['20251-2-22', 'dash misplaced'],
    ['2a25-12-22', 'a letter in the year'],
    ['202:-12-22', "a ':' (just above the digits) in the year"],
    ['202/-12-22', "a '/' (just below the digits) in the year"],
    ['2025-1a-22', 'a letter in the month'],
    ['2025-12-2a', 'a letter in the day'],
    ['a025-12-22', 'a letter first'],
    ['0000-12-22', 'year 0'],
    ['2025-00-22', 'month 0'],
    ['2025-13-01', 'month 13'],
    ['2025-12-00', 'day 0'],
    ['2025-02-29', 'not a leap year'],
    ['1900-02-29', 'century, not a leap year'],
    ['2025-04-31', 'April has 30 days'],
    ['2025-01-32', 'January has 31 days'],
  ])('%s is refused (%s)', (text) => {
    expect(tryParseIsoDate(text)).toBeNull();
  });

  it('reads every digit of the year', () => {
    expect(tryParseIsoDate('1234-05-06')).toBe('1234-05-06');
    expect(toEpochDay('1234-05-06')).toBe(Math.round(Date.UTC(1234, 4, 6) / 86_400_000));
  });
});

describe('parseIsoDate', () => {
  it('returns the date, and refuses a bad one with INVALID_DATE naming what and the value', () => {
    expect(parseIsoDate('2025-12-22T00:00:00')).toBe('2025-12-22');
    let err: unknown;
    try {
      parseIsoDate('2025-02-30', 'week_ending');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpineError);
    expect((err as SpineError).code).toBe('INVALID_DATE');
    expect((err as SpineError).message).toBe("Invalid week_ending: '2025-02-30'. Expected a real date as YYYY-MM-DD");
    expect((err as SpineError).details).toEqual({ value: '2025-02-30' });
    expect((err as SpineError).nonRetryable).toBe(true);
    expect(() => parseIsoDate('x')).toThrow("Invalid date: 'x'. Expected a real date as YYYY-MM-DD");
  });
});

describe('compact dates and day arithmetic', () => {
  it('parses YYYYMMDD only when it is eight digits and a real date', () => {
    expect(parseCompactDate('20251222')).toBe('2025-12-22');
    expect(parseCompactDate('20250230')).toBeNull();
    expect(parseCompactDate('120251222')).toBeNull();
    expect(parseCompactDate('2025122')).toBeNull();
    expect(parseCompactDate('x20251222')).toBeNull();
    expect(parseCompactDate('20251222x')).toBeNull();
    expect(formatCompactDate('2025-12-22')).toBe('20251222');
  });

  it('counts days across months, years and the epoch', () => {
    expect(toEpochDay('1970-01-01')).toBe(0);
    expect(fromEpochDay(20_444)).toBe('2025-12-22');
    expect(addDays('2025-12-29', 7)).toBe('2026-01-05');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(daysBetween('2025-12-12', '2025-12-19')).toBe(7);
    expect(daysBetween('2025-12-19', '2025-12-12')).toBe(-7);
    expect(dayName('2025-12-19')).toBe('Friday');
    expect(dayName('1969-12-28')).toBe('Sunday');
  });
});
