/**
 * Share and trade counts are plain decimal integers (optional sign, surrounding whitespace allowed).
 * `1000.5`, `1e10`, `1,000`, `abc` and empty all fail: a count that needs interpretation is a reject, not
 * a guess. Hand-rolled and range-based because it runs twice per row; up to 15 digits cannot exceed 2^53,
 * so those accumulate directly, and only longer values go through BigInt.
 */
import { fromBigInt } from '../count.js';
import type { Count } from '../types.js';
import { trimEnd, trimStart } from './cells.js';

const SAFE_DIGITS = 15;

/** The exact integer in `t[a, b)`, or null when it is not a plain integer. */
export function parseCountRange(t: string, a0: number, b0: number): Count | null {
  let i = trimStart(t, a0, b0);
  const n = trimEnd(t, i, b0);
  let negative = false;
  const first = t.charCodeAt(i);
  if (first === 45 /* - */ || first === 43 /* + */) {
    negative = first === 45;
    i++;
  }
  if (i >= n) return null;
  if (n - i > SAFE_DIGITS) {
    for (let j = i; j < n; j++) {
      const c = t.charCodeAt(j);
      if (c < 48 || c > 57) return null;
    }
    const big = BigInt(t.slice(i, n));
    return fromBigInt(negative ? -big : big);
  }
  let value = 0;
  for (; i < n; i++) {
    const d = t.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    value = value * 10 + d;
  }
  return negative && value !== 0 ? -value : value;
}

/** The exact integer in `text`, or null when it is not a plain integer. */
export function parseCount(text: string): Count | null {
  return parseCountRange(text, 0, text.length);
}
