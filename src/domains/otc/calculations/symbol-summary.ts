/**
 * Symbol summary (domain-spec §10.1, gold): one row per (week, tier, symbol) with total volume and trades,
 * the number of distinct venues, and the average trade size. Pure and order-independent in its results;
 * output sorted by (week, tier, symbol) so reruns write identical tables.
 */
import { addCount, divideCounts, isZeroCount } from '../count.js';
import type { Tier } from '../tiers.js';
import type { Count, VenueRow } from '../types.js';
import { compareText, partitionKey } from './grouping.js';

export interface SymbolSummary {
  readonly weekEnding: string;
  readonly tier: Tier;
  readonly symbol: string;
  readonly captureId?: string;
  readonly totalVolume: Count;
  readonly totalTrades: Count;
  readonly venueCount: number;
  /** volume / trades; null when there are no trades and also when the ratio is 0 (reference behaviour). */
  readonly avgTradeSize: number | null;
  /** Latest source lastUpdateDate among the symbol's rows (carried, not stored). */
  readonly maxSourceLastUpdateDate: string | null;
}

/** The §10.1 average: null for 0 trades and for a 0 result, so "no meaningful size" has one spelling. */
export function symbolAvgTradeSize(volume: Count, trades: Count): number | null {
  if (isZeroCount(trades)) return null;
  const avg = divideCounts(volume, trades);
  return avg === 0 ? null : avg;
}

interface Acc {
  readonly first: VenueRow;
  volume: Count;
  trades: Count;
  firstMpid: string;
  mpids: Set<string> | null;
  maxLud: string | null;
}

export function computeSymbolSummaries(rows: Iterable<VenueRow>): SymbolSummary[] {
  const groups = new Map<string, Acc>();
  for (const r of rows) {
    const key = partitionKey(r, r.symbol);
    const acc = groups.get(key);
    const lud = r.sourceLastUpdateDate ?? null;
    if (acc === undefined) {
      groups.set(key, {
        first: r,
        volume: r.totalShares,
        trades: r.totalTrades,
        firstMpid: r.mpid,
        mpids: null,
        maxLud: lud,
      });
      continue;
    }
    acc.volume = addCount(acc.volume, r.totalShares);
    acc.trades = addCount(acc.trades, r.totalTrades);
    if (r.mpid !== acc.firstMpid) (acc.mpids ??= new Set([acc.firstMpid])).add(r.mpid);
    if (lud !== null && (acc.maxLud === null || lud > acc.maxLud)) acc.maxLud = lud;
  }
  const out: SymbolSummary[] = [];
  for (const acc of groups.values()) {
    const f = acc.first;
    out.push({
      weekEnding: f.weekEnding,
      tier: f.tier,
      symbol: f.symbol,
      ...(f.captureId === undefined ? {} : { captureId: f.captureId }),
      totalVolume: acc.volume,
      totalTrades: acc.trades,
      venueCount: acc.mpids === null ? 1 : acc.mpids.size,
      avgTradeSize: symbolAvgTradeSize(acc.volume, acc.trades),
      maxSourceLastUpdateDate: acc.maxLud,
    });
  }
  return out.sort(
    (a, b) =>
      compareText(a.weekEnding, b.weekEnding) ||
      compareText(a.tier, b.tier) ||
      compareText(a.captureId ?? '', b.captureId ?? '') ||
      compareText(a.symbol, b.symbol),
  );
}
