/**
 * Rows read with `safeIntegers(true)` hold every INTEGER as a bigint. Readers that hand rows to users fold
 * the ones that fit a double back to numbers, so only counts beyond ±(2^53 − 1) stay bigints and keep all
 * of their digits (the default driver mode would round 9007199254740993 to …992).
 */
const MAX = BigInt(Number.MAX_SAFE_INTEGER);

export function foldExactInteger(v: unknown): unknown {
  return typeof v === 'bigint' && v <= MAX && v >= -MAX ? Number(v) : v;
}

export function exactRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = foldExactInteger(v);
  return out;
}
