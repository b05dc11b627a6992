/**
 * Invariants of the per-symbol gold tables (domain-spec §10.3), returned as data so a pipeline can record
 * them as quality rows instead of failing.
 */
import type { Tier } from '../tiers.js';
import { groupBy, partitionKey } from './grouping.js';
import type { SymbolKeyed } from './grouping.js';
import type { SymbolVenueHhi, SymbolVenueShare } from './symbol-venue.js';

export const SYMBOL_SHARE_TOLERANCE = 1e-4;

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
        out.push({
          rule: 'SHARE_RANGE',
          ...pick(s),
          message: `${s.symbol}/${s.mpid} share ${s.venueShare} outside 0..1`,
        });
      }
    }
    const first = group[0];
    if (first !== undefined && Math.abs(sum - 1) > tolerance) {
      out.push({
        rule: 'SHARE_SUM',
        ...pick(first),
        message: `${first.symbol} venue shares sum to ${sum}, expected 1 ± ${tolerance}`,
      });
    }
  }
  return out;
}

/** 0 ≤ HHI ≤ 1 (with float slack of 1e-12) and venue_count > 0. */
export function checkHhiInvariants(rows: readonly SymbolVenueHhi[]): SymbolInvariantViolation[] {
  const out: SymbolInvariantViolation[] = [];
  for (const r of rows) {
    if (!(r.hhi >= 0 && r.hhi <= 1 + 1e-12))
      out.push({ rule: 'HHI_RANGE', ...pick(r), message: `${r.symbol} HHI ${r.hhi} outside 0..1` });
    if (r.venueCount <= 0)
      out.push({ rule: 'VENUE_COUNT', ...pick(r), message: `${r.symbol} venue_count ${r.venueCount} is not > 0` });
  }
  return out;
}

function pick(r: SymbolKeyed): { symbol: string; weekEnding: string; tier: Tier } {
  return { symbol: r.symbol, weekEnding: r.weekEnding, tier: r.tier };
}
