/**
 * Duplicate (symbol, MPID) rows within one file (domain-spec §6.4, fixing reference bugs §2 #1 and #16).
 * An exact repeat is harmless and dropped as DUPLICATE. Two rows with different counts for one key are a
 * contradiction we cannot resolve, so *every* row of that key is rejected as CONFLICTING_DUPLICATE; since
 * the first row may already have been written when the conflict shows up, the tracker reports the
 * conflicting keys and lines at the end and the caller removes them.
 *
 * Memory is one Map entry per key (key string → slot) plus 24 bytes per slot in typed arrays, so a
 * million-row file costs tens of MB, not a retained copy of every record.
 */
import { countEquals } from './count.js';
import type { Count, RawOtcRecord } from './types.js';

export type DedupeInput = Pick<RawOtcRecord, 'line' | 'symbol' | 'mpid' | 'totalShares' | 'totalTrades'>;

export type DuplicateVerdict =
  /** First row of its key: keep it (unless the key later turns out to conflict). */
  | { readonly kind: 'first' }
  /** Same key and counts as `firstLine`: drop it and count it as DUPLICATE. */
  | { readonly kind: 'duplicate'; readonly firstLine: number }
  /** Same key as `firstLine` with different counts: do not keep it; `conflicts()` lists it at the end. */
  | { readonly kind: 'conflict'; readonly firstLine: number };

export interface ConflictingKey {
  readonly key: { readonly symbol: string; readonly mpid: string };
  /** The first (kept) line and every line that got a 'conflict' verdict, ascending. Lines already reported
   * as 'duplicate' are not repeated, so each line is rejected exactly once. */
  readonly lines: readonly number[];
}

const FIRST: DuplicateVerdict = { kind: 'first' };
const SEP = '\u001f';

export class DuplicateTracker {
  readonly #slots = new Map<string, number>();
  #lines = new Float64Array(1024);
  #shares = new Float64Array(1024);
  #trades = new Float64Array(1024);
  /** Counts that are bigint (rare) live here, keyed by slot; the typed arrays hold NaN for them. */
  readonly #bigCounts = new Map<number, readonly [Count, Count]>();
  readonly #conflicts = new Map<number, { symbol: string; mpid: string; lines: number[] }>();
  #duplicates = 0;

  add(r: DedupeInput): DuplicateVerdict {
    const key = r.symbol + SEP + r.mpid;
    const slot = this.#slots.get(key);
    if (slot === undefined) {
      this.#store(key, r);
      return FIRST;
    }
    const firstLine = this.#lines[slot] ?? 0;
    const conflict = this.#conflicts.get(slot);
    if (conflict !== undefined) {
      conflict.lines.push(r.line);
      return { kind: 'conflict', firstLine };
    }
    if (this.#sameCounts(slot, r.totalShares, r.totalTrades)) {
      this.#duplicates++;
      return { kind: 'duplicate', firstLine };
    }
    this.#conflicts.set(slot, { symbol: r.symbol, mpid: r.mpid, lines: [firstLine, r.line] });
    return { kind: 'conflict', firstLine };
  }

  /** Rows dropped as exact duplicates so far. */
  get duplicateCount(): number {
    return this.#duplicates;
  }

  /** Distinct (symbol, MPID) keys seen. */
  get keyCount(): number {
    return this.#slots.size;
  }

  /** Keys with contradicting rows, in order of first appearance. */
  conflicts(): ConflictingKey[] {
    return [...this.#conflicts.values()].map((c) => ({
      key: { symbol: c.symbol, mpid: c.mpid },
      lines: [...c.lines].sort((a, b) => a - b),
    }));
  }

  /** Every line listed by `conflicts()`. */
  conflictingLines(): Set<number> {
    const out = new Set<number>();
    for (const c of this.#conflicts.values()) for (const l of c.lines) out.add(l);
    return out;
  }

  #store(key: string, r: DedupeInput): void {
    const slot = this.#slots.size;
    if (slot === this.#lines.length) this.#grow();
    this.#slots.set(key, slot);
    this.#lines[slot] = r.line;
    if (typeof r.totalShares === 'number' && typeof r.totalTrades === 'number') {
      this.#shares[slot] = r.totalShares;
      this.#trades[slot] = r.totalTrades;
    } else {
      this.#shares[slot] = Number.NaN;
      this.#bigCounts.set(slot, [r.totalShares, r.totalTrades]);
    }
  }

  #sameCounts(slot: number, shares: Count, trades: Count): boolean {
    const big = this.#bigCounts.get(slot);
    if (big !== undefined) return countEquals(big[0], shares) && countEquals(big[1], trades);
    return this.#shares[slot] === shares && this.#trades[slot] === trades;
  }

  #grow(): void {
    const size = this.#lines.length * 2;
    this.#lines = grown(this.#lines, size);
    this.#shares = grown(this.#shares, size);
    this.#trades = grown(this.#trades, size);
  }
}

function grown(a: Float64Array<ArrayBuffer>, size: number): Float64Array<ArrayBuffer> {
  const next = new Float64Array(size);
  next.set(a);
  return next;
}
