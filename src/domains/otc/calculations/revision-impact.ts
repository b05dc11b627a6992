/**
 * What a revision of (tier, W) touches (issue 13, docs/autopilot.md "Revision-aware recompute"), as pure
 * functions. A new capture of week W changes the symbol summaries other derived data read:
 * - the rolling window of every week T with W in windowWeeks(T, k), i.e. T = W … W+(k−1), same tier;
 * - W's tier_volume_share of every other tier (its denominator sums all tiers' volume of the week).
 * W's own capture computed both afresh when it was published, so W itself is not in the list.
 */
import { addDays } from '../../../core/dates.js';
import { ROLLING_WINDOW_WEEKS } from './rolling.js';
import { compareText } from './grouping.js';
import { TIERS } from '../tiers.js';
import type { Tier } from '../tiers.js';

export const DERIVED_ROLLING = 'finra_otc_transparency_symbol_rolling_6w';
export const DERIVED_TIER_SHARE = 'finra_otc_transparency_weekly_symbol_tier_volume_share';
export type DerivedDataset = typeof DERIVED_ROLLING | typeof DERIVED_TIER_SHARE;

/** One (week, tier) partition whose derived dataset read the revised week. */
export interface Touched {
  readonly week_ending: string;
  readonly tier: Tier;
  readonly dataset: DerivedDataset;
}

/**
 * The partitions a revision of (tier, week) can make stale, limited to those `published` says exist
 * (`published(week, tier)` is true when the partition has a published capture). Rolling first (by week),
 * then the cross-tier shares (by tier).
 */
export function revisionTouches(
  revised: { readonly week_ending: string; readonly tier: Tier },
  published: (week: string, tier: Tier) => boolean,
  windowWeeks: number = ROLLING_WINDOW_WEEKS,
): Touched[] {
  const out: Touched[] = [];
  for (let i = 1; i < windowWeeks; i++) {
    const week = addDays(revised.week_ending, 7 * i);
    if (published(week, revised.tier)) out.push({ week_ending: week, tier: revised.tier, dataset: DERIVED_ROLLING });
  }
  for (const tier of TIERS) {
    if (tier !== revised.tier && published(revised.week_ending, tier)) {
      out.push({ week_ending: revised.week_ending, tier, dataset: DERIVED_TIER_SHARE });
    }
  }
  return out;
}

/** A stale input, as findStaleDerived (revisions/stale.ts) reports it. */
export interface StaleInput {
  readonly week_ending: string;
  readonly tier: Tier;
  /** The latest published capture of (week_ending, tier) that holds the stale rows. */
  readonly capture_id: string;
  /** The derived table, e.g. finra_otc_transparency_symbol_rolling_6w. */
  readonly dataset: string;
  readonly input_week_ending: string;
  readonly input_tier: Tier;
  /** The capture the rows were computed from, no longer the latest published one of its (week, tier). */
  readonly input_capture_id: string;
  /** The latest published capture of the input's (week, tier) now; null when it has none left. */
  readonly superseded_by: string | null;
}

/** One recompute: a new capture of (week, tier) carrying `capture_id`'s source rows, with `datasets` recomputed. */
export interface RecomputeTarget {
  readonly week_ending: string;
  readonly tier: Tier;
  /** The latest published capture now, whose rows the new capture carries. */
  readonly capture_id: string;
  readonly datasets: readonly string[];
  /** Why, one line per stale input: "<dataset> read <week> <tier> capture X, now Y". */
  readonly reasons: readonly string[];
}

const SHORT: Readonly<Record<string, string>> = {
  [DERIVED_ROLLING]: 'rolling_6w',
  [DERIVED_TIER_SHARE]: 'tier_volume_share',
};

/** A dataset's short name for messages (rolling_6w, tier_volume_share). */
export function datasetLabel(dataset: string): string {
  return SHORT[dataset] ?? dataset;
}

/**
 * Groups stale inputs into one target per capture, optionally kept to what `touched` lists (a revision's
 * own reach). Sorted by tier, then week, so a run's order and its report are deterministic.
 */
export function planRecompute(stale: readonly StaleInput[], touched?: readonly Touched[]): RecomputeTarget[] {
  const allowed = touched ? new Set(touched.map((t) => `${t.week_ending}|${t.tier}|${t.dataset}`)) : undefined;
  const byCapture = new Map<string, { t: StaleInput; datasets: Set<string>; reasons: string[] }>();
  for (const s of stale) {
    if (allowed && !allowed.has(`${s.week_ending}|${s.tier}|${s.dataset}`)) continue;
    const entry = byCapture.get(s.capture_id) ?? { t: s, datasets: new Set<string>(), reasons: [] };
    entry.datasets.add(s.dataset);
    entry.reasons.push(
      `${datasetLabel(s.dataset)} read ${s.input_week_ending} ${s.input_tier} capture ${s.input_capture_id}, ` +
        (s.superseded_by ? `superseded by ${s.superseded_by}` : 'which no longer has a published capture'),
    );
    byCapture.set(s.capture_id, entry);
  }
  return [...byCapture.values()]
    .map(({ t, datasets, reasons }) => ({
      week_ending: t.week_ending,
      tier: t.tier,
      capture_id: t.capture_id,
      datasets: [...datasets].sort(),
      reasons,
    }))
    .sort((a, b) => compareText(a.tier, b.tier) || compareText(a.week_ending, b.week_ending));
}
