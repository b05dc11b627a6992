/**
 * Per-symbol venue analytics (domain-spec §10.3, gold tables): how a symbol's volume splits across venues,
 * how concentrated that split is (HHI), and (re-exported) how it splits across tiers. HHI is a 0..1 fraction
 * (Σ share², exactly 1.0 for a single venue), not the ×10,000 "points" convention: > 0.25 concentrated,
 * < 0.15 competitive.
 */
import { addCount, divideCounts, isZeroCount } from '../count.js';
import type { Count, VenueRow } from '../types.js';
import { groupBy, keyFields, partitionKey } from './grouping.js';
import type { SymbolKeyed } from './grouping.js';

export { weeklySymbolTierVolumeShare } from './tier-volume-share.js';
export type { SymbolTierVolumeShare } from './tier-volume-share.js';

export interface SymbolVenueVolume extends SymbolKeyed {
  readonly mpid: string;
  /** The row's venue name, defaulting to the MPID. */
  readonly venueName: string;
  readonly totalVolume: Count;
  readonly tradeCount: Count;
}

/** weekly_symbol_venue_volume: a reshape of normalised rows. */
export function weeklySymbolVenueVolume(rows: Iterable<VenueRow>): SymbolVenueVolume[] {
  const out: SymbolVenueVolume[] = [];
  for (const r of rows) {
    const venueName = r.venueName ?? null;
    out.push({
      ...keyFields(r),
      mpid: r.mpid,
      venueName: venueName ?? r.mpid,
      totalVolume: r.totalShares,
      tradeCount: r.totalTrades,
    });
  }
  return out;
}

export interface SymbolVenueShare extends SymbolKeyed {
  readonly mpid: string;
  readonly venueName: string;
  readonly venueVolume: Count;
  readonly totalSymbolVolume: Count;
  /** venue / symbol volume, 0..1 (0 when the symbol's total is 0). */
  readonly venueShare: number;
}

/** weekly_symbol_venue_share: each venue's fraction of its symbol's volume in (week, tier, capture). */
export function weeklySymbolVenueShare(rows: Iterable<VenueRow>): SymbolVenueShare[] {
  const out: SymbolVenueShare[] = [];
  for (const group of groupBy(rows, (r) => partitionKey(r, r.symbol)).values()) {
    let total: Count = 0;
    for (const r of group) total = addCount(total, r.totalShares);
    for (const r of group) {
      out.push({
        ...keyFields(r),
        mpid: r.mpid,
        venueName: r.venueName ?? r.mpid,
        venueVolume: r.totalShares,
        totalSymbolVolume: total,
        venueShare: isZeroCount(total) ? 0 : divideCounts(r.totalShares, total),
      });
    }
  }
  return out;
}

export interface SymbolVenueHhi extends SymbolKeyed {
  /** Σ venue_share², 0..1. */
  readonly hhi: number;
  readonly venueCount: number;
  readonly totalSymbolVolume: Count;
}

/** weekly_symbol_venue_concentration_hhi, from the venue-share rows. */
export function weeklySymbolVenueHhi(shares: Iterable<SymbolVenueShare>): SymbolVenueHhi[] {
  const out: SymbolVenueHhi[] = [];
  for (const group of groupBy(shares, (s) => partitionKey(s, s.symbol)).values()) {
    const first = group[0];
    if (first === undefined) continue;
    let hhi = 0;
    for (const s of group) hhi += s.venueShare * s.venueShare;
    out.push({ ...keyFields(first), hhi, venueCount: group.length, totalSymbolVolume: first.totalSymbolVolume });
  }
  return out;
}
