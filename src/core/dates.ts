/**
 * Calendar dates as `YYYY-MM-DD` strings, always in UTC. Business dates (week_ending, file dates,
 * lastUpdateDate) have no time zone, so we never let a local-time `Date` near them: every helper
 * works on whole UTC days and returns canonical ISO text that compares correctly as a string.
 */
import { ErrorCodes, SpineError } from './errors.js';

const MS_PER_DAY = 86_400_000;

/** Day names indexed by `dayOfWeek` (0 = Sunday), used in user-facing messages. */
export const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
export type DayName = (typeof DAY_NAMES)[number];

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function digit(text: string, i: number): number {
  const c = text.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/**
 * Strict ISO date check. Accepts `YYYY-MM-DD`, or a longer ISO timestamp whose first 10 characters are a
 * date followed by `T` or a space (`2025-12-22T10:00:00`), and rejects impossible dates such as
 * `2025-02-30`. Returns the canonical 10-character date, or null. Hand-rolled because it runs once per row.
 */
export function tryParseIsoDate(text: string): string | null {
  const n = text.length;
  if (n < 10) return null;
  if (n > 10) {
    const sep = text.charCodeAt(10);
    if (sep !== 84 /* T */ && sep !== 116 /* t */ && sep !== 32 /* space */) return null;
  }
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return null;
  const y0 = digit(text, 0);
  const y1 = digit(text, 1);
  const y2 = digit(text, 2);
  const y3 = digit(text, 3);
  const m0 = digit(text, 5);
  const m1 = digit(text, 6);
  const d0 = digit(text, 8);
  const d1 = digit(text, 9);
  if ((y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1) < 0) return null;
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = m0 * 10 + m1;
  const day = d0 * 10 + d1;
  if (year < 1 || month < 1 || month > 12 || day < 1) return null;
  const max = month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (day > max) return null;
  return n === 10 ? text : text.slice(0, 10);
}

/** Like `tryParseIsoDate` but throws SpineError INVALID_DATE naming the value (for parameters). */
export function parseIsoDate(text: string, what = 'date'): string {
  const parsed = tryParseIsoDate(text);
  if (parsed === null) {
    throw new SpineError(ErrorCodes.INVALID_DATE, `Invalid ${what}: '${text}'. Expected a real date as YYYY-MM-DD`, {
      details: { value: text },
      nonRetryable: true,
    });
  }
  return parsed;
}

/** Days since 1970-01-01 for a canonical date (no validation: pass only parsed dates). */
export function toEpochDay(iso: string): number {
  const y = Number(iso.slice(0, 4));
  const m = Number(iso.slice(5, 7));
  const d = Number(iso.slice(8, 10));
  return Math.round(Date.UTC(y, m - 1, d) / MS_PER_DAY);
}

/** Inverse of `toEpochDay`. */
export function fromEpochDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The UTC calendar date of a timestamp, e.g. for "today" from an injected clock. */
export function formatIsoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** `YYYYMMDD` (file names such as `finra_otc_weekly_otc_20251222.csv`). */
export function formatCompactDate(iso: string): string {
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}`;
}

/** `20251222` → `2025-12-22`, or null when the digits are not a real date. */
export function parseCompactDate(text: string): string | null {
  if (!/^\d{8}$/.test(text)) return null;
  return tryParseIsoDate(`${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`);
}

export function addDays(iso: string, days: number): string {
  return fromEpochDay(toEpochDay(iso) + days);
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  return toEpochDay(b) - toEpochDay(a);
}

/** 0 = Sunday … 6 = Saturday, as `Date.getUTCDay`. 1970-01-01 was a Thursday. */
export function dayOfWeek(iso: string): number {
  return (((toEpochDay(iso) + 4) % 7) + 7) % 7;
}

export function dayName(iso: string): DayName {
  return DAY_NAMES[dayOfWeek(iso)] ?? 'Sunday';
}

export function isFriday(iso: string): boolean {
  return dayOfWeek(iso) === 5;
}
