/**
 * Trading-day arithmetic (domain-spec §10.6, §16 "Cross-domain and calendar"). Pure functions over
 * canonical `YYYY-MM-DD` text: a trading day is a weekday that is not an exchange holiday. A holiday that
 * falls on a weekend counts as a weekend day, never twice.
 */
import { addDays, dayOfWeek, daysBetween, parseIsoDate } from '../../../core/dates.js';

export interface DayCounts {
  /** Every day in the range, both ends included. */
  readonly calendarDays: number;
  readonly tradingDays: number;
  readonly weekendDays: number;
  /** Holidays that fall on a weekday inside the range. */
  readonly holidays: number;
}

export interface MonthTradingDays extends DayCounts {
  readonly year: number;
  readonly month: number;
}

export interface Period {
  readonly start: string;
  readonly end: string;
}

export function isWeekend(date: string): boolean {
  const d = dayOfWeek(date);
  return d === 0 || d === 6;
}

export function isTradingDay(date: string, holidays: ReadonlySet<string>): boolean {
  return !isWeekend(date) && !holidays.has(date);
}

/** Every date from `from` to `to`, both included; empty when `from` is after `to`. */
export function datesInRange(from: string, to: string): string[] {
  const start = parseIsoDate(from, 'range start');
  const n = daysBetween(start, parseIsoDate(to, 'range end'));
  const out: string[] = [];
  for (let i = 0; i <= n; i++) out.push(addDays(start, i));
  return out;
}

/** Counts the days of an inclusive range: Fri→Tue is 5 calendar days, 3 trading days and 2 weekend days. */
export function countDays(from: string, to: string, holidays: ReadonlySet<string>): DayCounts {
  let tradingDays = 0;
  let weekendDays = 0;
  let holidayCount = 0;
  const dates = datesInRange(from, to);
  for (const d of dates) {
    if (isWeekend(d)) weekendDays++;
    else if (holidays.has(d)) holidayCount++;
    else tradingDays++;
  }
  return { calendarDays: dates.length, tradingDays, weekendDays, holidays: holidayCount };
}

/** The trading days of an inclusive range, in order. */
export function tradingDaysIn(from: string, to: string, holidays: ReadonlySet<string>): string[] {
  return datesInRange(from, to).filter((d) => isTradingDay(d, holidays));
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** The annual period: 1 January to 31 December of `year`. */
export function yearPeriod(year: number): Period {
  return { start: `${pad(year, 4)}-01-01`, end: `${pad(year, 4)}-12-31` };
}

/** A month as an inclusive period (`monthPeriod(2024, 2)` ends on the 29th). */
export function monthPeriod(year: number, month: number): Period {
  const start = `${pad(year, 4)}-${pad(month, 2)}-01`;
  const next = month === 12 ? `${pad(year + 1, 4)}-01-01` : `${pad(year, 4)}-${pad(month + 1, 2)}-01`;
  return { start, end: addDays(next, -1) };
}

/** Every calendar year an inclusive range touches, ascending (a Mon–Fri week touches one or two). */
export function yearsTouched(from: string, to: string): number[] {
  const first = Number(parseIsoDate(from, 'range start').slice(0, 4));
  const last = Number(parseIsoDate(to, 'range end').slice(0, 4));
  const out: number[] = [];
  for (let y = first; y <= last; y++) out.push(y);
  return out;
}

/** Per-month trading days, calendar days, weekend days and holidays of one exchange year (12 rows). */
export function monthlyTradingDays(year: number, holidays: ReadonlySet<string>): MonthTradingDays[] {
  const out: MonthTradingDays[] = [];
  for (let month = 1; month <= 12; month++) {
    const p = monthPeriod(year, month);
    out.push({ year, month, ...countDays(p.start, p.end, holidays) });
  }
  return out;
}

/** The whole year's counts (the sum of the months). */
export function yearTradingDays(year: number, holidays: ReadonlySet<string>): DayCounts {
  const p = yearPeriod(year);
  return countDays(p.start, p.end, holidays);
}
