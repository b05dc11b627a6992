/**
 * Which weeks of a tier are due: the one place sync asks. It reads the publication calendar (migration 070
 * `core_expected_schedules` and exchange holidays, docs/autopilot.md "Publication calendar"), the same one
 * `spine status` uses, so sync fetches a week exactly when status starts to expect it.
 *
 * `dueDate` (lag only, no holidays) is what the fake FINRA API publishes by: holidays only move a due date
 * later, so the fake never publishes after the calendar says a week is due.
 */
import { addDays } from '../../../core/dates.js';
import type { Db } from '../../../core/db/open-database.js';
import { calendarYearsFor, latestDueWeek } from '../calculations/publication-calendar.js';
import { loadHolidays, readSchedules } from '../freshness/schedules.js';
import type { Tier } from '../tiers.js';

/** Publication lag in weeks (domain-spec §1), the seed of core_expected_schedules. */
export const PUBLICATION_LAG_WEEKS: Readonly<Record<Tier, number>> = { NMS_TIER_1: 2, NMS_TIER_2: 4, OTC: 4 };

/** Week + the tier's lag, without holidays. */
export function dueDate(tier: Tier, week: string): string {
  return addDays(week, 7 * PUBLICATION_LAG_WEEKS[tier]);
}

/** The newest week of `tier` due at `now` by the calendar; null when the tier's schedule is disabled. */
export function latestDueWeekAt(db: Db, tier: Tier, now: Date): string | null {
  const schedule = readSchedules(db, tier)[0];
  if (!schedule) return null;
  const today = now.toISOString().slice(0, 10);
  const years = calendarYearsFor(schedule, addDays(today, -7 * (schedule.lagWeeks + 2)), today);
  return latestDueWeek(schedule, now, loadHolidays(db, schedule.exchangeCode, years));
}
