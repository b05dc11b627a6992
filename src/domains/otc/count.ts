/**
 * Exact arithmetic on `Count` (number | bigint). The common path stays on plain numbers because a million
 * additions on bigint are an order of magnitude slower; we switch to bigint only when a result would leave
 * the safe-integer range, and fold back to number when it returns. Invariant: a bigint Count is always
 * outside ±Number.MAX_SAFE_INTEGER, so `typeof` alone tells which representation a value has.
 */
import type { Count } from './types.js';

const MAX = Number.MAX_SAFE_INTEGER;
const MAX_BIG = BigInt(Number.MAX_SAFE_INTEGER);

/** SQLite's INTEGER range: a signed 64-bit integer. */
export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

/**
 * True when SQLite can store the count as an INTEGER. A number Count is always safe (|v| < 2^53); only a
 * bigint can be out of range, so the hot path pays one `typeof`.
 */
export function fitsInt64(v: Count): boolean {
  return typeof v === 'number' || (v >= INT64_MIN && v <= INT64_MAX);
}

/** Canonical Count for a bigint: a number when it is safe. */
export function fromBigInt(v: bigint): Count {
  return v <= MAX_BIG && v >= -MAX_BIG ? Number(v) : v;
}

export function addCount(a: Count, b: Count): Count {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a + b;
    if (s <= MAX && s >= -MAX) return s;
  }
  return fromBigInt(BigInt(a) + BigInt(b));
}

export function subCount(a: Count, b: Count): Count {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a - b;
    if (s <= MAX && s >= -MAX) return s;
  }
  return fromBigInt(BigInt(a) - BigInt(b));
}

/** Sum of many counts; exact whatever their size. */
export function sumCounts(values: Iterable<Count>): Count {
  let total: Count = 0;
  for (const v of values) total = addCount(total, v);
  return total;
}

/** −1, 0 or 1. */
export function compareCount(a: Count, b: Count): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function countEquals(a: Count, b: Count): boolean {
  return typeof a === 'number' && typeof b === 'number' ? a === b : BigInt(a) === BigInt(b);
}

export function isNegativeCount(v: Count): boolean {
  return typeof v === 'number' ? v < 0 : v < 0n;
}

export function isZeroCount(v: Count): boolean {
  return v === 0 || v === 0n;
}

/** Nearest double (exact below 2^53); for ratios and means. */
export function countToNumber(v: Count): number {
  return typeof v === 'number' ? v : Number(v);
}

/**
 * a / b as a double. When both fit in 2^53 this is one correctly rounded IEEE division, the same value
 * Python's int / int gives, which is what makes the golden fractions match to the last digit.
 */
export function divideCounts(a: Count, b: Count): number {
  return countToNumber(a) / countToNumber(b);
}
