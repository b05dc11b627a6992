/** Trading-day arithmetic and the shipped calendars (domain-spec §16 "Cross-domain and calendar", §18.2). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseHolidayFile } from '../../../../src/domains/calendar/calculations/holiday-file.js';
import type { CalendarFile } from '../../../../src/domains/calendar/calculations/holiday-file.js';
import {
  countDays,
  datesInRange,
  isTradingDay,
  monthlyTradingDays,
  monthPeriod,
  tradingDaysIn,
  yearPeriod,
  yearsTouched,
  yearTradingDays,
} from '../../../../src/domains/calendar/calculations/trading-days.js';

function shipped(name: string): CalendarFile {
  const path = fileURLToPath(new URL(`../../../../data/calendars/${name}`, import.meta.url));
  return parseHolidayFile(readFileSync(path, 'utf8'), path);
}

const holidaysOf = (c: CalendarFile): Set<string> => new Set(c.holidays.map((h) => h.date));
const XNYS_2025 = holidaysOf(shipped('xnys_2025.json'));
const XNYS_2026 = holidaysOf(shipped('xnys_2026.json'));
const NONE = new Set<string>();

describe('countDays', () => {
  it('Fri → Tue counts 3 trading days and 2 weekend days', () => {
    expect(countDays('2025-01-10', '2025-01-14', NONE)).toEqual({
      calendarDays: 5,
      tradingDays: 3,
      weekendDays: 2,
      holidays: 0,
    });
  });

  it('Wed 1 Jan → Fri 3 Jan 2025 counts 2 trading days and 1 holiday', () => {
    expect(countDays('2025-01-01', '2025-01-03', XNYS_2025)).toEqual({
      calendarDays: 3,
      tradingDays: 2,
      weekendDays: 0,
      holidays: 1,
    });
  });

  it('counts a holiday on a weekend as a weekend day, never twice', () => {
    expect(countDays('2026-07-04', '2026-07-05', new Set(['2026-07-04']))).toEqual({
      calendarDays: 2,
      tradingDays: 0,
      weekendDays: 2,
      holidays: 0,
    });
  });

  it('is empty when the range is reversed, and one day when from = to', () => {
    expect(countDays('2025-01-14', '2025-01-10', NONE).calendarDays).toBe(0);
    expect(datesInRange('2025-01-14', '2025-01-14')).toEqual(['2025-01-14']);
  });

  it('lists the trading days of the MLK week (Mon 20 Jan 2025 closed)', () => {
    expect(tradingDaysIn('2025-01-20', '2025-01-24', XNYS_2025)).toEqual([
      '2025-01-21',
      '2025-01-22',
      '2025-01-23',
      '2025-01-24',
    ]);
    expect(isTradingDay('2025-01-20', XNYS_2025)).toBe(false);
    expect(isTradingDay('2025-01-18', NONE)).toBe(false);
  });

  it('refuses impossible dates', () => {
    expect(() => countDays('2025-02-30', '2025-03-02', NONE)).toThrow(/2025-02-30/);
  });
});

describe('periods', () => {
  it('the annual period runs from 1 January to 31 December', () => {
    expect(yearPeriod(2025)).toEqual({ start: '2025-01-01', end: '2025-12-31' });
    expect(countDays(yearPeriod(2024).start, yearPeriod(2024).end, NONE).calendarDays).toBe(366);
  });

  it('months end on their last day, February 29 in a leap year', () => {
    expect(monthPeriod(2024, 2)).toEqual({ start: '2024-02-01', end: '2024-02-29' });
    expect(monthPeriod(2025, 2).end).toBe('2025-02-28');
    expect(monthPeriod(2025, 12)).toEqual({ start: '2025-12-01', end: '2025-12-31' });
  });

  it('a week touches one calendar year, or two across New Year', () => {
    expect(yearsTouched('2025-01-13', '2025-01-17')).toEqual([2025]);
    expect(yearsTouched('2025-12-29', '2026-01-02')).toEqual([2025, 2026]);
  });
});

describe('monthlyTradingDays on the shipped XNYS calendars', () => {
  it('January 2025: 21 trading days, 31 calendar days, 2 holidays', () => {
    const jan = monthlyTradingDays(2025, XNYS_2025)[0];
    expect(jan).toMatchObject({ year: 2025, month: 1, tradingDays: 21, calendarDays: 31, holidays: 2 });
  });

  it('has 12 months whose parts add up, and 2025 has 251 scheduled trading days', () => {
    const months = monthlyTradingDays(2025, XNYS_2025);
    expect(months.map((m) => m.month)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    for (const m of months) expect(m.tradingDays + m.weekendDays + m.holidays).toBe(m.calendarDays);
    expect(months.reduce((s, m) => s + m.holidays, 0)).toBe(10);
    expect(yearTradingDays(2025, XNYS_2025)).toEqual({
      calendarDays: 365,
      tradingDays: 251,
      weekendDays: 104,
      holidays: 10,
    });
  });

  it('July 2026 loses Friday the 3rd (Independence Day observed)', () => {
    const jul = monthlyTradingDays(2026, XNYS_2026)[6];
    expect(jul).toMatchObject({ month: 7, calendarDays: 31, holidays: 1, tradingDays: 22 });
    expect(isTradingDay('2026-07-03', XNYS_2026)).toBe(false);
  });
});
