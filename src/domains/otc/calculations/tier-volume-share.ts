/**
 * weekly_symbol_tier_volume_share (domain-spec §10.3): how one symbol's volume splits across tiers in a
 * week. Tier volumes are summed first, then divided by the symbol's total over all tiers of the same
 * (week, capture).
 */
import { addCount, divideCounts, isZeroCount } from '../count.js';
import type { Count, VenueRow } from '../types.js';
import { keyFields, partitionKey } from './grouping.js';
import type { SymbolKeyed } from './grouping.js';

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
