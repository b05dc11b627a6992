/**
 * The publication calendar's data: `core_expected_schedules` rows (migration 070) and the exchange
 * holidays that move due dates. Holidays of a year come from the year's latest calendar capture, else
 * from the shipped calendar file (read, not ingested), else they are unknown and only weekends move a
 * due date (docs/autopilot.md, "Publication calendar").
 */
import { existsSync, readFileSync } from 'node:fs';
import { addDays } from '../../../core/dates.js';
import type { Db } from '../../../core/db/open-database.js';
import { shippedCalendarPath } from '../../calendar/calendar-files.js';
import { parseHolidayFile } from '../../calendar/calculations/holiday-file.js';
import { holidaysOf, latestCalendarCapture } from '../../calendar/repository.js';
import { calendarYearsFor, dueWeeks } from '../calculations/publication-calendar.js';
import type { HolidayCalendar, PublicationSchedule } from '../calculations/publication-calendar.js';
import { OTC_DOMAIN } from '../constants.js';
import { TIERS } from '../tiers.js';
import type { Tier } from '../tiers.js';

interface ScheduleRow {
  readonly tier: string;
  readonly lag_weeks: number;
  readonly grace_hours: number;
  readonly exchange_code: string;
  readonly cadence: string;
}

/** The enabled schedules of the FINRA OTC domain in canonical tier order (optionally one tier). */
export function readSchedules(db: Db, tier?: Tier): PublicationSchedule[] {
  const rows = db
    .prepare(
      `SELECT tier, lag_weeks, grace_hours, exchange_code, cadence FROM core_expected_schedules
       WHERE domain = ? AND enabled = 1`,
    )
    .all(OTC_DOMAIN) as ScheduleRow[];
  return TIERS.filter((t) => tier === undefined || t === tier).flatMap((t) => {
    const r = rows.find((row) => row.tier === t);
    return r
      ? [
          {
            tier: t,
            lagWeeks: r.lag_weeks,
            graceHours: r.grace_hours,
            exchangeCode: r.exchange_code,
            cadence: r.cadence,
          },
        ]
      : [];
  });
}

/** Where a year's holidays came from: a calendar capture id, `shipped:<file>`, or null (unknown). */
export type HolidaySource = string | null;

export interface LoadedHolidays extends HolidayCalendar {
  readonly sources: ReadonlyMap<number, HolidaySource>;
}

function shippedHolidays(exchangeCode: string, year: number): { file: string; dates: string[] } | null {
  const file = shippedCalendarPath(exchangeCode, year);
  if (!existsSync(file)) return null;
  const parsed = parseHolidayFile(readFileSync(file, 'utf8'), file, { year, exchangeCode });
  return { file, dates: parsed.holidays.map((h) => h.date) };
}

/** The holidays of `exchangeCode` over `years`: ingested capture first, then the shipped file. */
export function loadHolidays(db: Db, exchangeCode: string, years: readonly number[]): LoadedHolidays {
  const holidays = new Set<string>();
  const known = new Set<number>();
  const sources = new Map<number, HolidaySource>();
  for (const year of years) {
    const capture = latestCalendarCapture(db, exchangeCode, year);
    if (capture) {
      for (const h of holidaysOf(db, capture.capture_id)) holidays.add(h.holiday_date);
      known.add(year);
      sources.set(year, capture.capture_id);
      continue;
    }
    const shipped = shippedHolidays(exchangeCode, year);
    if (shipped) {
      for (const d of shipped.dates) holidays.add(d);
      known.add(year);
      sources.set(year, `shipped:${exchangeCode.toLowerCase()}_${year}.json`);
    } else {
      sources.set(year, null);
    }
  }
  return { holidays, years: known, sources };
}

/**
 * The `count` newest weeks of `tier` that are due at `now`, newest first: what `spine status` shows by
 * default and what `spine sync` looks for. Empty when the tier has no enabled schedule.
 */
export function dueWeeksAt(db: Db, tier: Tier, now: Date, count: number): string[] {
  const schedule = readSchedules(db, tier)[0];
  if (!schedule) return [];
  const today = now.toISOString().slice(0, 10);
  const years = calendarYearsFor(schedule, addDays(today, -7 * (schedule.lagWeeks + count + 1)), today);
  return dueWeeks(schedule, now, loadHolidays(db, schedule.exchangeCode, years), count);
}
