/**
 * Volume per trading day (domain-spec §10.6), a cross-domain calculation: a FINRA week's totals divided
 * by the exchange's trading days in that week. Pure: the caller supplies the totals and the holidays.
 *
 * - Week range = week_ending − 4 days .. week_ending (Mon–Fri); the years touched are every calendar
 *   year in that range (the week ending 2026-01-02 touches 2025 and 2026).
 * - trading_days = days in the range that are neither weekend nor holiday.
 * - volume_per_day and trades_per_day = total / trading_days rounded half-up to 2 decimals, computed
 *   exactly on integers (no float error before the rounding); 0 when there are no trading days.
 */
import { addDays } from '../../../core/dates.js';
import { assertFriday } from '../../../core/week-ending.js';
import { countDays, isWeekend, yearsTouched } from '../../calendar/calculations/trading-days.js';
import type { Count } from '../types.js';

/** Calc identity reported with every result (§10.6). */
export const VOLUME_PER_TRADING_DAY_CALC = { name: 'volume_per_trading_day', version: '1.1.0' } as const;

export interface TradingWeek {
  readonly weekEnding: string;
  /** The Monday. */
  readonly start: string;
  /** The Friday (= weekEnding). */
  readonly end: string;
  /** Calendar years the range touches, ascending. */
  readonly years: readonly number[];
}

/** The Mon–Fri range of a week; a non-Friday week_ending is refused with the nearest Friday. */
export function tradingWeek(weekEnding: string): TradingWeek {
  const end = assertFriday(weekEnding);
  const start = addDays(end, -4);
  return { weekEnding: end, start, end, years: yearsTouched(start, end) };
}

/**
 * `total / divisor` rounded half-up (away from zero) to 2 decimals, exact for any integer total
 * (bigint included); 0 when the divisor is not a positive integer.
 */
export function perDayRounded(total: Count, divisor: number): number {
  if (!Number.isInteger(divisor) || divisor <= 0) return 0;
  const n = BigInt(total);
  const d = BigInt(divisor);
  const magnitude = n < 0n ? -n : n;
  const cents = (magnitude * 200n + d) / (2n * d);
  // Decimal text → double is correctly rounded, so the result is the double nearest the exact quotient.
  const text = `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
  return Number(n < 0n ? `-${text}` : text);
}

export interface WeekTotals {
  readonly totalShares: Count;
  readonly totalTrades: Count;
}

export interface VolumePerTradingDay {
  readonly weekEnding: string;
  readonly weekStart: string;
  readonly calendarYears: readonly number[];
  readonly weekdays: number;
  readonly tradingDays: number;
  /** Holiday dates that fell on a weekday of the week, ascending. */
  readonly holidays: readonly string[];
  readonly totalShares: Count;
  readonly totalTrades: Count;
  readonly volumePerDay: number;
  readonly tradesPerDay: number;
  readonly calcName: string;
  readonly calcVersion: string;
}

export function computeVolumePerTradingDay(
  week: TradingWeek,
  totals: WeekTotals,
  holidays: ReadonlySet<string>,
): VolumePerTradingDay {
  const counts = countDays(week.start, week.end, holidays);
  const inWeek = [...holidays].filter((d) => d >= week.start && d <= week.end && !isWeekend(d)).sort();
  return {
    weekEnding: week.weekEnding,
    weekStart: week.start,
    calendarYears: week.years,
    weekdays: counts.tradingDays + counts.holidays,
    tradingDays: counts.tradingDays,
    holidays: inWeek,
    totalShares: totals.totalShares,
    totalTrades: totals.totalTrades,
    volumePerDay: perDayRounded(totals.totalShares, counts.tradingDays),
    tradesPerDay: perDayRounded(totals.totalTrades, counts.tradingDays),
    calcName: VOLUME_PER_TRADING_DAY_CALC.name,
    calcVersion: VOLUME_PER_TRADING_DAY_CALC.version,
  };
}
