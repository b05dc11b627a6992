/**
 * Which weeks of a tier are due on a given day. This is the one place sync asks; it is meant to be swapped
 * for the publication calendar (`core_expected_schedules`, docs/autopilot.md "Publication calendar") once
 * that lands, without touching the rest of sync.
 *
 * Until then: week W of a tier is due on W + the tier's publication lag (domain-spec §1: two weeks for
 * NMS Tier 1, four for NMS Tier 2 and OTC). No holiday shift and no grace: sync may ask a little early
 * (an absent answer is recorded and the week is asked again on the next run), never later than due.
 */
import { addDays } from '../../../core/dates.js';
import { nearestFridayOnOrAfter, previousWeek } from '../../../core/week-ending.js';
import type { Tier } from '../tiers.js';

/** Publication lag in weeks (domain-spec §1). */
export const PUBLICATION_LAG_WEEKS: Readonly<Record<Tier, number>> = { NMS_TIER_1: 2, NMS_TIER_2: 4, OTC: 4 };

/** The day week `week` of `tier` is expected from FINRA. */
export function dueDate(tier: Tier, week: string): string {
  return addDays(week, 7 * PUBLICATION_LAG_WEEKS[tier]);
}

/** The newest week of `tier` that is due on `today` (a Friday). */
export function latestDueWeek(tier: Tier, today: string): string {
  // The Friday on or before `today` - lag weeks is the newest W with W + lag <= today.
  const friday = nearestFridayOnOrAfter(today);
  const onOrBefore = friday === today ? friday : previousWeek(friday);
  return previousWeek(onOrBefore, PUBLICATION_LAG_WEEKS[tier]);
}
