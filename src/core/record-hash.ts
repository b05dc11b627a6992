/**
 * record_hash (domain-spec §6.3): the first 32 hex characters of SHA-256 over
 * `{week_ending}|{tier}|{symbol}|{mpid}|{total_shares}|{total_trades}`, each part as parsed (raw tier text,
 * the row's own week, uppercased symbol and MPID). It identifies a source row across captures, so the
 * exact text being hashed is a compatibility contract with the reference and must not change.
 *
 * It runs once per parsed row (a million times in the benchmark), so it uses the one-shot `crypto.hash`
 * (Node ≥ 20.12, about 3× faster than `createHash` for short inputs) and falls back to `createHash`.
 */
import * as crypto from 'node:crypto';

const HASH_HEX_LENGTH = 32;

type OneShotHash = (algorithm: string, data: string, outputEncoding: 'hex') => string;

const oneShot: OneShotHash | undefined = typeof crypto.hash === 'function' ? crypto.hash : undefined;

/** SHA-256 of a UTF-8 string as hex, truncated to 32 characters. */
export function sha256Hex32(text: string): string {
  const hex =
    oneShot !== undefined ? oneShot('sha256', text, 'hex') : crypto.createHash('sha256').update(text).digest('hex');
  return hex.slice(0, HASH_HEX_LENGTH);
}

/** Counts as the hash sees them: decimal integers without separators (exact for bigint too). */
export type HashCount = number | bigint;

/** Hash of one source row, e.g. `2025-12-19|NMS Tier 1|AAPL|NITE|1000|10` → `1aefc07523b2b54b696d3f884c991a4d`. */
export function recordHash(
  weekEnding: string,
  tierText: string,
  symbol: string,
  mpid: string,
  totalShares: HashCount,
  totalTrades: HashCount,
): string {
  return sha256Hex32(`${weekEnding}|${tierText}|${symbol}|${mpid}|${totalShares}|${totalTrades}`);
}
