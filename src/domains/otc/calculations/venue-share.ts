/**
 * Venue market share (domain-spec §10.2): per (week, tier, MPID) across all symbols, volume as a 0..1
 * fraction of the tier's volume, ranked by volume with ties kept in first-appearance order (stable sort).
 * Invariant failures are returned as data so the pipeline can record a FAIL quality row instead of
 * crashing (reference bug §2 #8).
 */
import { addCount, compareCount, divideCounts, isNegativeCount, isZeroCount } from '../count.js';
import type { Tier } from '../tiers.js';
import type { Count, VenueRow } from '../types.js';
import { groupBy, partitionKey } from './grouping.js';

export const SHARE_SUM_TOLERANCE = 1e-4;

export interface VenueShare {
  readonly weekEnding: string;
  readonly tier: Tier;
  readonly captureId?: string;
  readonly mpid: string;
  readonly totalVolume: Count;
  readonly totalTrades: Count;
  readonly symbolCount: number;
  /** venue volume / tier volume, a 0..1 fraction (0 when the tier total is 0). */
  readonly marketSharePct: number;
  /** 1..N by volume descending. */
  readonly rank: number;
}

/** One venue's totals over a partition, before shares and ranks. */
export interface VenueTotal {
  readonly weekEnding: string;
  readonly tier: Tier;
  readonly captureId?: string;
  readonly mpid: string;
  readonly totalVolume: Count;
  readonly totalTrades: Count;
  readonly symbolCount: number;
}

/**
 * Shares and ranks of one partition's venues, given in first-appearance order (the order their first rows
 * come in): share = volume / the partition's volume (0 when that is 0), rank by volume descending with
 * ties kept in the given order (stable sort). Output ordered by rank.
 */
export function rankVenueTotals(venues: readonly VenueTotal[]): VenueShare[] {
  let total: Count = 0;
  for (const v of venues) total = addCount(total, v.totalVolume);
  const sorted = [...venues].sort((a, b) => compareCount(b.totalVolume, a.totalVolume));
  return sorted.map((v, i) => ({
    weekEnding: v.weekEnding,
    tier: v.tier,
    ...(v.captureId === undefined ? {} : { captureId: v.captureId }),
    mpid: v.mpid,
    totalVolume: v.totalVolume,
    totalTrades: v.totalTrades,
    symbolCount: v.symbolCount,
    marketSharePct: isZeroCount(total) ? 0 : divideCounts(v.totalVolume, total),
    rank: i + 1,
  }));
}

interface Acc {
  readonly first: VenueRow;
  volume: Count;
  trades: Count;
  readonly symbols: Set<string>;
}

/** Output grouped by partition (first-appearance order) and ordered by rank within each. */
export function computeVenueShares(rows: Iterable<VenueRow>): VenueShare[] {
  const partitions = new Map<string, Map<string, Acc>>();
  for (const r of rows) {
    const pk = partitionKey(r);
    let venues = partitions.get(pk);
    if (venues === undefined) {
      venues = new Map<string, Acc>();
      partitions.set(pk, venues);
    }
    const acc = venues.get(r.mpid);
    if (acc === undefined) {
      venues.set(r.mpid, { first: r, volume: r.totalShares, trades: r.totalTrades, symbols: new Set([r.symbol]) });
    } else {
      acc.volume = addCount(acc.volume, r.totalShares);
      acc.trades = addCount(acc.trades, r.totalTrades);
      acc.symbols.add(r.symbol);
    }
  }
  const out: VenueShare[] = [];
  for (const venues of partitions.values()) {
    const totals = [...venues.values()].map((a): VenueTotal => ({
      weekEnding: a.first.weekEnding,
      tier: a.first.tier,
      ...(a.first.captureId === undefined ? {} : { captureId: a.first.captureId }),
      mpid: a.first.mpid,
      totalVolume: a.volume,
      totalTrades: a.trades,
      symbolCount: a.symbols.size,
    }));
    out.push(...rankVenueTotals(totals));
  }
  return out;
}

export type VenueShareRule = 'SHARE_SUM' | 'RANK_SEQUENCE' | 'NEGATIVE_VOLUME' | 'NEGATIVE_SHARE';

export interface InvariantViolation {
  readonly rule: VenueShareRule;
  readonly weekEnding: string;
  readonly tier: Tier;
  readonly mpid?: string;
  readonly message: string;
}

export type VenueShareLike = Pick<
  VenueShare,
  'weekEnding' | 'tier' | 'mpid' | 'totalVolume' | 'marketSharePct' | 'rank'
> & {
  readonly captureId?: string;
};

/** Per partition: |Σ share − 1| ≤ 1e-4, ranks exactly 1..N, no negative volume or share. Empty list = no violations. */
export function checkVenueShareInvariants(
  shares: readonly VenueShareLike[],
  tolerance = SHARE_SUM_TOLERANCE,
): InvariantViolation[] {
  const out: InvariantViolation[] = [];
  for (const group of groupBy(shares, (s) => partitionKey(s)).values()) {
    const { weekEnding, tier } = group[0] ?? { weekEnding: '', tier: 'OTC' as Tier };
    let sum = 0;
    for (const s of group) {
      sum += s.marketSharePct;
      if (isNegativeCount(s.totalVolume)) {
        const message = `venue ${s.mpid} has negative volume ${s.totalVolume}`;
        out.push({ rule: 'NEGATIVE_VOLUME', weekEnding, tier, mpid: s.mpid, message });
      }
      if (s.marketSharePct < 0) {
        out.push({
          rule: 'NEGATIVE_SHARE',
          weekEnding,
          tier,
          mpid: s.mpid,
          message: `venue ${s.mpid} has negative share ${s.marketSharePct}`,
        });
      }
    }
    if (Math.abs(sum - 1) > tolerance) {
      out.push({
        rule: 'SHARE_SUM',
        weekEnding,
        tier,
        message: `venue shares sum to ${sum}, expected 1 ± ${tolerance}`,
      });
    }
    const ranks = group.map((s) => s.rank).sort((a, b) => a - b);
    if (ranks.some((r, i) => r !== i + 1)) {
      out.push({
        rule: 'RANK_SEQUENCE',
        weekEnding,
        tier,
        message: `ranks are [${ranks.join(', ')}], expected 1..${ranks.length}`,
      });
    }
  }
  return out;
}
