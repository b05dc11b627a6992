/**
 * Rolling 6-week statistics (domain-spec §10.4). The trend compares the *earliest and latest weeks
 * present* in the window, not necessarily the target week, and a symbol needs at least 2 weeks; both are
 * deliberate reference behaviours. Inputs must already be one row per (week, tier, symbol), i.e. the
 * latest capture per week ("Policy A"), which is the caller's query.
 */
import { ErrorCodes, SpineError } from '../../../core/errors.js';
import { windowWeeks } from '../../../core/week-ending.js';
import { addCount, compareCount, countToNumber, divideCounts, isZeroCount, subCount } from '../count.js';
import type { Tier } from '../tiers.js';
import type { Count } from '../types.js';
import { compareText, groupBy } from './grouping.js';

export const ROLLING_WINDOW_WEEKS = 6;
export const ROLLING_MIN_WEEKS = 2;
export const TREND_THRESHOLD_PCT = 5;

export type TrendDirection = 'UP' | 'DOWN' | 'FLAT';

export interface RollingInput {
  readonly weekEnding: string;
  readonly tier: Tier;
  readonly symbol: string;
  readonly totalVolume: Count;
  readonly totalTrades: Count;
}

export interface RollingRow {
  /** The target week the row belongs to. */
  readonly weekEnding: string;
  readonly tier: Tier;
  readonly symbol: string;
  readonly avgVolume: number;
  readonly avgTrades: number;
  readonly minVolume: Count;
  readonly maxVolume: Count;
  readonly trendDirection: TrendDirection;
  readonly trendPct: number;
  readonly weeksInWindow: number;
  /** weeksInWindow ≥ the window size (stored as 1/0). */
  readonly isComplete: boolean;
  readonly firstWeek: string;
  readonly lastWeek: string;
}

/** (last − first) / first × 100, 0 when first is 0; the same operation order as the reference. */
export function trendPct(first: Count, last: Count): number {
  if (isZeroCount(first)) return 0;
  return (countToNumber(subCount(last, first)) / countToNumber(first)) * 100;
}

export function trendDirection(pct: number): TrendDirection {
  return pct > TREND_THRESHOLD_PCT ? 'UP' : pct < -TREND_THRESHOLD_PCT ? 'DOWN' : 'FLAT';
}

/**
 * One row per (tier, symbol) with ≥ 2 weeks in `windowWeeks(targetWeek, k)`; rows outside the window are
 * ignored. Sorted by tier, then symbol. Throws if a (week, tier, symbol) appears twice.
 */
export function computeRolling(
  rows: Iterable<RollingInput>,
  targetWeek: string,
  opts: { readonly windowWeeks?: number } = {},
): RollingRow[] {
  const k = opts.windowWeeks ?? ROLLING_WINDOW_WEEKS;
  const window = new Set(windowWeeks(targetWeek, k));
  const inWindow = [...rows].filter((r) => window.has(r.weekEnding));
  const out: RollingRow[] = [];
  for (const group of groupBy(inWindow, (r) => `${r.tier}\u001f${r.symbol}`).values()) {
    if (group.length < ROLLING_MIN_WEEKS) continue;
    group.sort((a, b) => compareText(a.weekEnding, b.weekEnding));
    const dup = group.find((r, i) => i > 0 && group[i - 1]?.weekEnding === r.weekEnding);
    if (dup !== undefined) {
      throw new SpineError(
        ErrorCodes.INTERNAL_ERROR,
        `rolling input has two rows for ${dup.tier} ${dup.symbol} week ${dup.weekEnding}; pass one capture per week`,
      );
    }
    const first = group[0] as RollingInput;
    const last = group[group.length - 1] as RollingInput;
    let volume: Count = 0;
    let trades: Count = 0;
    let min = first.totalVolume;
    let max = first.totalVolume;
    for (const r of group) {
      volume = addCount(volume, r.totalVolume);
      trades = addCount(trades, r.totalTrades);
      if (compareCount(r.totalVolume, min) < 0) min = r.totalVolume;
      if (compareCount(r.totalVolume, max) > 0) max = r.totalVolume;
    }
    const pct = trendPct(first.totalVolume, last.totalVolume);
    out.push({
      weekEnding: targetWeek,
      tier: first.tier,
      symbol: first.symbol,
      avgVolume: divideCounts(volume, group.length),
      avgTrades: divideCounts(trades, group.length),
      minVolume: min,
      maxVolume: max,
      trendDirection: trendDirection(pct),
      trendPct: pct,
      weeksInWindow: group.length,
      isComplete: group.length >= k,
      firstWeek: first.weekEnding,
      lastWeek: last.weekEnding,
    });
  }
  return out.sort((a, b) => compareText(a.tier, b.tier) || compareText(a.symbol, b.symbol));
}
