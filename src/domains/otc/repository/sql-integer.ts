import { fromBigInt } from '../count.js';
import type { Count } from '../types.js';

/** Rows read with `safeIntegers(true)` give bigints; fold them back to the canonical exact Count. */
export function fromSqlInteger(v: number | bigint): Count {
  return typeof v === 'bigint' ? fromBigInt(v) : v;
}
