/**
 * The publication calendar (docs/autopilot.md, "Publication calendar"): when FINRA owes us week W of a
 * tier. Pure: the caller supplies the schedule (a `core_expected_schedules` row) and the exchange
 * holidays it knows.
 *
 * - nominal due date = W + 7 × lag_weeks (a Friday when W is one: domain-spec §1 lags).
 * - due date = the first trading day on or after the nominal date (weekends and exchange holidays are
 *   skipped: NMS Tier 1's week ending 2026-06-19 is nominally due on Friday 2026-07-03, Independence Day
 *   observed on XNYS, so it is due on Monday 2026-07-06).
 * - due_at = due date 00:00 UTC: from then on a sync may find the week.
 * - late_at = the end of the due date (next day 00:00 UTC) + grace_hours: a week still without a
 *   published capture then is late.
 *
 * A year whose holidays are unknown (no calendar capture, no shipped file) counts weekends only; the
 * result names such years in `unknown_calendar_years` so the caller can say that a due date may be a day
 * early.
 */
import { addDays, dayOfWeek, toEpochDay } from '../../../core/dates.js';
import { isTradingDay } from '../../calendar/calculations/trading-days.js';
import type { Tier } from '../tiers.js';

export interface PublicationSchedule {
  readonly tier: Tier;
  readonly lagWeeks: number;
  readonly graceHours: number;
  /** The exchange whose holidays move a due date (XNYS by default). */
  readonly exchangeCode: string;
  readonly cadence: string;
}

/** The holidays a caller knows: `years` are the calendar years whose holidays `holidays` holds completely. */
export interface HolidayCalendar {
  readonly holidays: ReadonlySet<string>;
  readonly years: ReadonlySet<number>;
}

export interface WeekDue {
  readonly week_ending: string;
  readonly tier: Tier;
  readonly nominal_due_date: string;
  readonly due_date: string;
  /** ISO instant: the due date at 00:00 UTC. */
  readonly due_at: string;
  /** ISO instant: the end of the due date plus the grace. */
  readonly late_at: string;
  /** Holidays (weekdays) the due date was moved past, ascending. */
  readonly holidays_skipped: readonly string[];
  /** Years looked at whose holidays are unknown (weekends only were skipped there). */
  readonly unknown_calendar_years: readonly number[];
}

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

function instantOf(date: string, plusMs = 0): string {
  return new Date(toEpochDay(date) * MS_PER_DAY + plusMs).toISOString();
}

/** When week `weekEnding` of the schedule's tier is due and when it becomes late. */
export function publicationDue(schedule: PublicationSchedule, weekEnding: string, calendar: HolidayCalendar): WeekDue {
  const nominal = addDays(weekEnding, 7 * schedule.lagWeeks);
  const skipped: string[] = [];
  const unknown = new Set<number>();
  let due = nominal;
  for (;;) {
    const year = Number(due.slice(0, 4));
    if (!calendar.years.has(year)) unknown.add(year);
    if (isTradingDay(due, calendar.holidays)) break;
    const dow = dayOfWeek(due);
    if (dow !== 0 && dow !== 6) skipped.push(due);
    due = addDays(due, 1);
  }
  return {
    week_ending: weekEnding,
    tier: schedule.tier,
    nominal_due_date: nominal,
    due_date: due,
    due_at: instantOf(due),
    late_at: instantOf(due, MS_PER_DAY + schedule.graceHours * MS_PER_HOUR),
    holidays_skipped: skipped,
    unknown_calendar_years: [...unknown].sort((a, b) => a - b),
  };
}

/** The Friday on or before a date. */
export function fridayOnOrBefore(date: string): string {
  return addDays(date, -((dayOfWeek(date) + 2) % 7));
}

/** Whether the week is due at `now` (its due date has begun). */
export function isDue(due: WeekDue, now: Date): boolean {
  return now.getTime() >= Date.parse(due.due_at);
}

/** Whether the week, if still absent at `now`, is late. */
export function isPastGrace(due: WeekDue, now: Date): boolean {
  return now.getTime() >= Date.parse(due.late_at);
}

/**
 * The newest week ending that is due at `now`. Holidays only ever move a due date later, so the answer is
 * the Friday on or before `now − lag` or, when that week's due date was moved past `now`, an earlier one.
 */
export function latestDueWeek(schedule: PublicationSchedule, now: Date, calendar: HolidayCalendar): string {
  const today = now.toISOString().slice(0, 10);
  let week = fridayOnOrBefore(addDays(today, -7 * schedule.lagWeeks));
  while (!isDue(publicationDue(schedule, week, calendar), now)) week = addDays(week, -7);
  return week;
}

/** The `count` newest due weeks at `now`, newest first. */
export function dueWeeks(schedule: PublicationSchedule, now: Date, calendar: HolidayCalendar, count: number): string[] {
  const latest = latestDueWeek(schedule, now, calendar);
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(addDays(latest, -7 * i));
  return out;
}

/** The calendar years whose holidays can move the due dates of weeks `from`..`to` (both Fridays). */
export function calendarYearsFor(schedule: PublicationSchedule, from: string, to: string): number[] {
  // A due date moves at most a few days past its nominal date (a holiday Friday, then a weekend, then a
  // holiday Monday), so the years of nominal..nominal+7 days cover every date looked at.
  const first = Number(addDays(from, 7 * schedule.lagWeeks).slice(0, 4));
  const last = Number(addDays(to, 7 * schedule.lagWeeks + 7).slice(0, 4));
  const out: number[] = [];
  for (let y = first; y <= last; y++) out.push(y);
  return out;
}
