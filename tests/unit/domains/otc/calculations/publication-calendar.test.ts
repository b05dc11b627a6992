/** The publication calendar: lags per tier, holidays and weekends, grace, year boundaries, unknown years. */
import { describe, expect, it } from 'vitest';
import {
  calendarYearsFor,
  dueWeeks,
  fridayOnOrBefore,
  isDue,
  isPastGrace,
  latestDueWeek,
  publicationDue,
} from '../../../../../src/domains/otc/calculations/publication-calendar.js';
import type {
  HolidayCalendar,
  PublicationSchedule,
} from '../../../../../src/domains/otc/calculations/publication-calendar.js';

const T1: PublicationSchedule = { tier: 'NMS_TIER_1', lagWeeks: 2, graceHours: 24, exchangeCode: 'XNYS', cadence: '' };
const T2: PublicationSchedule = { tier: 'NMS_TIER_2', lagWeeks: 4, graceHours: 24, exchangeCode: 'XNYS', cadence: '' };
const OTC: PublicationSchedule = { tier: 'OTC', lagWeeks: 4, graceHours: 0, exchangeCode: 'XNYS', cadence: '' };

/** XNYS 2025 and 2026 regular closures (data/calendars). */
const XNYS: HolidayCalendar = {
  years: new Set([2025, 2026]),
  holidays: new Set([
    '2025-01-01', '2025-01-20', '2025-02-17', '2025-04-18', '2025-05-26', '2025-06-19', '2025-07-04',
    '2025-09-01', '2025-11-27', '2025-12-25',
    '2026-01-01', '2026-01-19', '2026-02-16', '2026-04-03', '2026-05-25', '2026-06-19', '2026-07-03',
    '2026-09-07', '2026-11-26', '2026-12-25',
  ]), // prettier-ignore
};
const NONE: HolidayCalendar = { years: new Set(), holidays: new Set() };

describe('publicationDue', () => {
  it('NMS Tier 1 is due two weeks after the week ends, late at the end of that day plus the grace', () => {
    expect(publicationDue(T1, '2025-12-12', XNYS)).toEqual({
      week_ending: '2025-12-12',
      tier: 'NMS_TIER_1',
      nominal_due_date: '2025-12-26',
      due_date: '2025-12-26',
      due_at: '2025-12-26T00:00:00.000Z',
      late_at: '2025-12-28T00:00:00.000Z',
      holidays_skipped: [],
      unknown_calendar_years: [],
    });
  });

  it('NMS Tier 2 and OTC are due four weeks after the week ends; grace 0 is late at the end of the due day', () => {
    expect(publicationDue(T2, '2025-12-12', XNYS)).toMatchObject({
      due_date: '2026-01-09',
      late_at: '2026-01-11T00:00:00.000Z',
    });
    expect(publicationDue(OTC, '2025-12-12', XNYS)).toMatchObject({
      nominal_due_date: '2026-01-09',
      due_date: '2026-01-09',
      late_at: '2026-01-10T00:00:00.000Z',
    });
  });

  it('a due date on a holiday Friday moves past the weekend to Monday', () => {
    // 2026-07-03: Independence Day observed. 2025-04-18: Good Friday.
    expect(publicationDue(T1, '2026-06-19', XNYS)).toMatchObject({
      nominal_due_date: '2026-07-03',
      due_date: '2026-07-06',
      due_at: '2026-07-06T00:00:00.000Z',
      late_at: '2026-07-08T00:00:00.000Z',
      holidays_skipped: ['2026-07-03'],
    });
    expect(publicationDue(OTC, '2025-03-21', XNYS)).toMatchObject({
      nominal_due_date: '2025-04-18',
      due_date: '2025-04-21',
      holidays_skipped: ['2025-04-18'],
    });
  });

  it('skips consecutive closures: a holiday Friday and a holiday Monday', () => {
    const cal: HolidayCalendar = { years: new Set([2025]), holidays: new Set(['2025-07-04', '2025-07-07']) };
    expect(publicationDue(T1, '2025-06-20', cal)).toMatchObject({
      due_date: '2025-07-08',
      holidays_skipped: ['2025-07-04', '2025-07-07'],
    });
  });

  it('crosses the year boundary: New Year’s Day 2027 is unknown without a 2027 calendar', () => {
    // 2026-12-18 + 2 weeks = Friday 2027-01-01. Without 2027 holidays only weekends count, and it says so.
    expect(publicationDue(T1, '2026-12-18', XNYS)).toMatchObject({
      nominal_due_date: '2027-01-01',
      due_date: '2027-01-01',
      unknown_calendar_years: [2027],
      holidays_skipped: [],
    });
    const with2027: HolidayCalendar = { years: new Set([2026, 2027]), holidays: new Set(['2027-01-01']) };
    expect(publicationDue(T1, '2026-12-18', with2027)).toMatchObject({
      due_date: '2027-01-04',
      holidays_skipped: ['2027-01-01'],
      unknown_calendar_years: [],
    });
    // A December week of OTC is due in January of the next year.
    expect(publicationDue(OTC, '2025-12-26', XNYS)).toMatchObject({ due_date: '2026-01-23' });
  });

  it('counts weekends even when no year has holidays', () => {
    expect(publicationDue(T1, '2024-12-13', NONE)).toMatchObject({
      due_date: '2024-12-27',
      unknown_calendar_years: [2024],
    });
  });
});

describe('isDue and isPastGrace', () => {
  const due = publicationDue(T1, '2025-12-12', XNYS);
  it('is due from 00:00 UTC of the due date', () => {
    expect(isDue(due, new Date('2025-12-25T23:59:59.999Z'))).toBe(false);
    expect(isDue(due, new Date('2025-12-26T00:00:00.000Z'))).toBe(true);
  });
  it('is past grace from late_at on', () => {
    expect(isPastGrace(due, new Date('2025-12-27T23:59:59.999Z'))).toBe(false);
    expect(isPastGrace(due, new Date('2025-12-28T00:00:00.000Z'))).toBe(true);
  });
});

describe('latestDueWeek and dueWeeks', () => {
  it('the newest due week of NMS Tier 1 on a Friday due date is the week two weeks earlier', () => {
    expect(latestDueWeek(T1, new Date('2025-12-26T00:00:00Z'), XNYS)).toBe('2025-12-12');
    expect(latestDueWeek(T1, new Date('2025-12-25T23:00:00Z'), XNYS)).toBe('2025-12-05');
  });

  it('a week whose due date moved past a holiday is not due on the holiday', () => {
    expect(latestDueWeek(T1, new Date('2026-07-03T12:00:00Z'), XNYS)).toBe('2026-06-12');
    expect(latestDueWeek(T1, new Date('2026-07-06T00:00:00Z'), XNYS)).toBe('2026-06-19');
  });

  it('lists the newest due weeks, newest first', () => {
    expect(dueWeeks(OTC, new Date('2026-01-12T09:00:00Z'), XNYS, 3)).toEqual([
      '2025-12-12',
      '2025-12-05',
      '2025-11-28',
    ]);
  });
});

describe('helpers', () => {
  it('fridayOnOrBefore', () => {
    expect(fridayOnOrBefore('2025-12-12')).toBe('2025-12-12');
    expect(fridayOnOrBefore('2025-12-18')).toBe('2025-12-12');
    expect(fridayOnOrBefore('2025-12-13')).toBe('2025-12-12');
  });
  it('calendarYearsFor covers the due dates of the weeks', () => {
    expect(calendarYearsFor(T1, '2025-06-06', '2025-12-19')).toEqual([2025, 2026]);
    expect(calendarYearsFor(T1, '2025-06-06', '2025-11-28')).toEqual([2025]);
  });
});
