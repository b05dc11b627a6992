/**
 * Grouping keys and ordering shared by the calculations. Keys join fields with a control character that
 * cannot occur in parsed symbols or MPIDs; captures are part of every partition so rows of two captures
 * of one week are never summed together. Ordering is by UTF-16 code unit (like SQLite's default BINARY
 * collation and Python's str ordering), never locale-dependent.
 */
import type { Tier } from '../tiers.js';

const SEP = '\u001f';

export interface Partitioned {
  readonly weekEnding: string;
  readonly tier: Tier;
  readonly captureId?: string;
}

/** (week, tier, capture[, a]) as one Map key. */
export function partitionKey(p: Partitioned, a?: string): string {
  const key = p.weekEnding + SEP + p.tier + SEP + (p.captureId ?? '');
  return a === undefined ? key : key + SEP + a;
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Groups items by key, keeping first-appearance order of keys and input order within a group. */
export function groupBy<T>(items: Iterable<T>, keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [item]);
    else g.push(item);
  }
  return groups;
}

/** The (week, tier, symbol[, capture]) identity every per-symbol row carries. */
export interface SymbolKeyed {
  readonly weekEnding: string;
  readonly tier: Tier;
  readonly symbol: string;
  readonly captureId?: string;
}

export function keyFields(r: SymbolKeyed): SymbolKeyed {
  const base = { weekEnding: r.weekEnding, tier: r.tier, symbol: r.symbol };
  return r.captureId === undefined ? base : { ...base, captureId: r.captureId };
}
