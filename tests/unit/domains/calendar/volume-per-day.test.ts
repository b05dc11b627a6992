/** The pure volume-per-trading-day calculation (domain-spec §10.6, §16 "Cross-domain and calendar", §17.4). */
import { describe, expect, it } from 'vitest';
import {
  computeVolumePerTradingDay,
  perDayRounded,
  tradingWeek,
  VOLUME_PER_TRADING_DAY_CALC,
} from '../../../../src/domains/otc/calculations/volume-per-day.js';

const XNYS_2025 = new Set([
  '2025-01-01',
  '2025-01-20',
  '2025-02-17',
  '2025-04-18',
  '2025-05-26',
  '2025-06-19',
  '2025-07-04',
  '2025-09-01',
  '2025-11-27',
  '2025-12-25',
]);
const XNYS_2025_2026 = new Set([...XNYS_2025, '2026-01-01', '2026-01-19']);

describe('tradingWeek', () => {
  it('is Monday..Friday of the week ending', () => {
    expect(tradingWeek('2025-01-17')).toEqual({
      weekEnding: '2025-01-17',
      start: '2025-01-13',
      end: '2025-01-17',
      years: [2025],
    });
  });

  it('touches 2025 and 2026 for the week ending 2026-01-02', () => {
    expect(tradingWeek('2026-01-02').years).toEqual([2025, 2026]);
  });

  it('refuses a week ending that is not a Friday, suggesting the nearest one', () => {
    expect(() => tradingWeek('2025-01-15')).toThrow(/must be Friday.*Nearest Friday: 2025-01-17/);
  });
});

describe('computeVolumePerTradingDay', () => {
  it('1,000,000 shares / 5 days = 200,000 a day, and 5,000 trades = 1,000 a day', () => {
    const r = computeVolumePerTradingDay(
      tradingWeek('2025-01-17'),
      { totalShares: 1_000_000, totalTrades: 5_000 },
      XNYS_2025,
    );
    expect(r).toMatchObject({ tradingDays: 5, weekdays: 5, holidays: [], volumePerDay: 200_000, tradesPerDay: 1_000 });
    expect(r.calcName).toBe('volume_per_trading_day');
    expect(r.calcVersion).toBe('1.1.0');
    expect(VOLUME_PER_TRADING_DAY_CALC).toEqual({ name: 'volume_per_trading_day', version: '1.1.0' });
  });

  it('the MLK-day week has 4 trading days: 800,000 / 4 = 200,000', () => {
    const r = computeVolumePerTradingDay(
      tradingWeek('2025-01-24'),
      { totalShares: 800_000, totalTrades: 4_000 },
      XNYS_2025,
    );
    expect(r).toMatchObject({ tradingDays: 4, holidays: ['2025-01-20'], volumePerDay: 200_000, tradesPerDay: 1_000 });
  });

  it('the year-boundary week ending 2026-01-02 has 4 days: 1,000,000 / 4 = 250,000', () => {
    const r = computeVolumePerTradingDay(
      tradingWeek('2026-01-02'),
      { totalShares: 1_000_000, totalTrades: 1_000 },
      XNYS_2025_2026,
    );
    expect(r).toMatchObject({
      tradingDays: 4,
      calendarYears: [2025, 2026],
      holidays: ['2026-01-01'],
      volumePerDay: 250_000,
      tradesPerDay: 250,
    });
  });

  it('a Jan-8 holiday (the XNAS test calendar) gives 4 days where XNYS gives 5', () => {
    const week = tradingWeek('2025-01-10');
    const totals = { totalShares: 1_000_000, totalTrades: 5_000 };
    expect(computeVolumePerTradingDay(week, totals, XNYS_2025).tradingDays).toBe(5);
    const xnas = computeVolumePerTradingDay(week, totals, new Set([...XNYS_2025, '2025-01-08']));
    expect(xnas).toMatchObject({ tradingDays: 4, volumePerDay: 250_000, tradesPerDay: 1_250 });
  });

  it('gives 0 per day when a week has no trading days', () => {
    const allClosed = new Set(['2025-01-13', '2025-01-14', '2025-01-15', '2025-01-16', '2025-01-17']);
    const r = computeVolumePerTradingDay(tradingWeek('2025-01-17'), { totalShares: 10, totalTrades: 1 }, allClosed);
    expect(r).toMatchObject({ tradingDays: 0, weekdays: 5, volumePerDay: 0, tradesPerDay: 0 });
  });
});

describe('perDayRounded', () => {
  it('rounds half up to 2 decimals', () => {
    expect(perDayRounded(1_000, 3)).toBe(333.33);
    expect(perDayRounded(2_000, 3)).toBe(666.67);
    expect(perDayRounded(1_335_995_901, 5)).toBe(267_199_180.2);
    expect(perDayRounded(1, 8)).toBe(0.13); // 0.125 → 0.13: exact half, away from zero
    expect(perDayRounded(-1, 8)).toBe(-0.13);
  });

  it('gives the double nearest the exact quotient beyond 2^53', () => {
    // 2^53 + 1 is not a double: the result is the nearest one, 2^53 (ties to even), not 2^53 + 2.
    expect(perDayRounded((2n ** 53n + 1n) * 4n, 4)).toBe(2 ** 53);
    expect(perDayRounded(2n ** 53n * 100n + 1n, 100)).toBe(2 ** 53);
    expect(perDayRounded(10n ** 18n, 4)).toBe(2.5e17);
  });

  it('is 0 for zero or invalid divisors', () => {
    expect(perDayRounded(100, 0)).toBe(0);
    expect(perDayRounded(100, -1)).toBe(0);
    expect(perDayRounded(100, 1.5)).toBe(0);
  });
});

describe('volume per trading day, edges', () => {
  it("lists the week's weekday holidays in date order, including a Friday", () => {
    const r = computeVolumePerTradingDay(
      tradingWeek('2025-01-17'),
      { totalShares: 300, totalTrades: 3 },
      new Set(['2025-01-17', '2025-01-18', '2025-01-13', '2025-01-20']),
    );
    expect([r.holidays, r.tradingDays, r.weekdays, r.volumePerDay]).toEqual([['2025-01-13', '2025-01-17'], 3, 5, 100]);
  });

  it('keeps the leading zero of the cents and gives +0, not -0, for a zero total', () => {
    expect(perDayRounded(21, 20)).toBe(1.05);
    expect(perDayRounded(-21, 20)).toBe(-1.05);
    expect(perDayRounded(0, 5)).toBe(0);
    expect(Object.is(perDayRounded(0, 5), 0)).toBe(true);
  });
});
