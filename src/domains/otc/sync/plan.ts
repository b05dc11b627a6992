/**
 * Which weeks one sync run asks the API about, per tier (pure; docs/autopilot.md "spine sync"):
 * - every due week from `fromWeek` (default: the last `lookbackWeeks` due weeks) that has no published
 *   capture (`absent`): it may have appeared since the last run;
 * - the newest `revisionWindow` due weeks even when captured (`revision_window`): FINRA may have revised
 *   them;
 * - an older captured week is skipped: this is what makes `--from W` resumable (a re-run after an
 *   interruption fetches only what the first run did not capture).
 */
import { previousWeek, weekRange } from '../../../core/week-ending.js';
import type { Tier } from '../tiers.js';

export type PlannedReason = 'absent' | 'revision_window';

export interface PlannedWeek {
  readonly tier: Tier;
  readonly weekEnding: string;
  readonly reason: PlannedReason;
}

export interface TierPlan {
  readonly tier: Tier;
  /** The newest due week; the range runs from `from` to it. */
  readonly latestDue: string;
  readonly from: string;
  readonly weeks: readonly PlannedWeek[];
  /** Captured weeks outside the revision window, not asked again. */
  readonly skipped: number;
}

export interface PlanInput {
  readonly tier: Tier;
  /** The newest due week of the tier (the publication calendar's answer). */
  readonly latestDue: string;
  readonly fromWeek?: string | undefined;
  readonly lookbackWeeks: number;
  readonly revisionWindow: number;
  /** Weeks of the tier that have a published capture. */
  readonly captured: ReadonlySet<string>;
}

export function planTier(input: PlanInput): TierPlan {
  const latestDue = input.latestDue;
  const from = input.fromWeek ?? previousWeek(latestDue, input.lookbackWeeks - 1);
  const windowStart = input.revisionWindow > 0 ? previousWeek(latestDue, input.revisionWindow - 1) : null;
  const weeks: PlannedWeek[] = [];
  let skipped = 0;
  for (const week of weekRange(from, latestDue)) {
    if (!input.captured.has(week)) weeks.push({ tier: input.tier, weekEnding: week, reason: 'absent' });
    else if (windowStart !== null && week >= windowStart)
      weeks.push({ tier: input.tier, weekEnding: week, reason: 'revision_window' });
    else skipped++;
  }
  return { tier: input.tier, latestDue, from, weeks, skipped };
}
