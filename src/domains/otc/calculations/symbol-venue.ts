/**
 * Per-symbol venue analytics (domain-spec §10.3, gold tables): how a symbol's volume splits across venues,
 * how concentrated that split is (HHI), and how its volume splits across tiers. HHI is a 0..1 fraction
 * (Σ share², exactly 1.0 for a single venue), not the ×10,000 "points" convention: > 0.25 concentrated,
 * < 0.15 competitive.
 */
import { addCount, divideCounts, isZeroCount } from '../count.js';
import type { Tier } from '../tiers.js';
import type { Count, VenueRow } from '../types.js';
import { groupBy, partitionKey } from './grouping.js';

export const SYMBOL_SHARE_TOLERANCE = 1e-4;

interface SymbolKeyed {
  readonly weekEnding: string;
  readonly tier: Tier;
  readonly symbol: string;
  readonly captureId?: string;
}

function keyFields(r: SymbolKeyed): SymbolKeyed {
  const base = { weekEnding: r.weekEnding, tier: r.tier, symbol: r.symbol };
  return r.captureId === undefined ? base : { ...base, captureId: r.captureId };
}

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
    out.push({ ...keyFields(r), mpid: r.mpid, venueName: venueName ?? r.mpid, totalVolume: r.totalShares, tradeCount: r.totalTrades });
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

export interface SymbolTierVolumeShare extends SymbolKeyed {
  readonly tierVolume: Count;
  readonly totalSymbolVolumeAllTiers: Count;
  /** This tier's fraction of the symbol's volume over all tiers of (week, capture), 0..1. */
  readonly tierVolumeShare: number;
}

/**
 * weekly_symbol_tier_volume_share. The cross-tier total is per (week, symbol, capture), so it only says
 * something when the tiers share a capture; with one capture per tier every share is 1.0 (as in the reference).
 */
export function weeklySymbolTierVolumeShare(rows: Iterable<VenueRow>): SymbolTierVolumeShare[] {
  const perTier = new Map<string, { first: VenueRow; volume: Count }>();
  for (const r of rows) {
    const key = partitionKey(r, r.symbol);
    const acc = perTier.get(key);
    if (acc === undefined) perTier.set(key, { first: r, volume: r.totalShares });
    else acc.volume = addCount(acc.volume, r.totalShares);
  }
  const allTiers = new Map<string, Count>();
  const crossKey = (r: VenueRow): string => `${r.weekEnding}\u001f${r.captureId ?? ''}\u001f${r.symbol}`;
  for (const { first, volume } of perTier.values()) {
    const k = crossKey(first);
    allTiers.set(k, addCount(allTiers.get(k) ?? 0, volume));
  }
  const out: SymbolTierVolumeShare[] = [];
  for (const { first, volume } of perTier.values()) {
    const total = allTiers.get(crossKey(first)) ?? 0;
    out.push({
      ...keyFields(first),
      tierVolume: volume,
      totalSymbolVolumeAllTiers: total,
      tierVolumeShare: isZeroCount(total) ? 0 : divideCounts(volume, total),
    });
  }
  return out;
}

export interface SymbolInvariantViolation {
  readonly rule: 'SHARE_RANGE' | 'SHARE_SUM' | 'HHI_RANGE' | 'VENUE_COUNT';
  readonly symbol: string;
  readonly weekEnding: string;
  readonly tier: Tier;
  readonly message: string;
}

/** 0 ≤ share ≤ 1 per row; Σ share = 1 ± 1e-4 per (symbol, week, tier, capture) with volume. */
export function checkSymbolVenueShareInvariants(
  shares: readonly SymbolVenueShare[],
  tolerance = SYMBOL_SHARE_TOLERANCE,
): SymbolInvariantViolation[] {
  const out: SymbolInvariantViolation[] = [];
  for (const group of groupBy(shares, (s) => partitionKey(s, s.symbol)).values()) {
    let sum = 0;
    for (const s of group) {
      sum += s.venueShare;
      if (!(s.venueShare >= 0 && s.venueShare <= 1)) {
        out.push({ rule: 'SHARE_RANGE', ...pick(s), message: `${s.symbol}/${s.mpid} share ${s.venueShare} outside 0..1` });
      }
    }
    const first = group[0];
    if (first !== undefined && Math.abs(sum - 1) > tolerance) {
      out.push({ rule: 'SHARE_SUM', ...pick(first), message: `${first.symbol} venue shares sum to ${sum}, expected 1 ± ${tolerance}` });
    }
  }
  return out;
}

/** 0 ≤ HHI ≤ 1 (with float slack of 1e-12) and venue_count > 0. */
export function checkHhiInvariants(rows: readonly SymbolVenueHhi[]): SymbolInvariantViolation[] {
  const out: SymbolInvariantViolation[] = [];
  for (const r of rows) {
    if (!(r.hhi >= 0 && r.hhi <= 1 + 1e-12)) out.push({ rule: 'HHI_RANGE', ...pick(r), message: `${r.symbol} HHI ${r.hhi} outside 0..1` });
    if (r.venueCount <= 0) out.push({ rule: 'VENUE_COUNT', ...pick(r), message: `${r.symbol} venue_count ${r.venueCount} is not > 0` });
  }
  return out;
}

function pick(r: SymbolKeyed): { symbol: string; weekEnding: string; tier: Tier } {
  return { symbol: r.symbol, weekEnding: r.weekEnding, tier: r.tier };
}
