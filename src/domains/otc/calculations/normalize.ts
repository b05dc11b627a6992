/**
 * The normalizer (domain-spec §11.1, silver layer). It decides which parsed rows become venue_volume rows
 * and says why the others do not, collecting *every* reason for a row so one pass over the rejects shows
 * all that is wrong with it. Rejects are data, not exceptions (reference bug §2 #2).
 */
import { divideCounts, isNegativeCount, isZeroCount } from '../count.js';
import { RejectCodes } from '../reject-codes.js';
import type { RejectCode } from '../reject-codes.js';
import { tierFromDescription } from '../tiers.js';
import type { Tier } from '../tiers.js';
import type { Count } from '../types.js';

export const MAX_SYMBOL_LENGTH = 20;
export const MAX_MPID_LENGTH = 20;

/** The fields validation looks at; raw records and rows read back from the raw table both fit. */
export interface NormalizeInput {
  readonly tierText: string;
  readonly symbol: string;
  readonly mpid: string;
  readonly totalShares: Count;
  readonly totalTrades: Count;
}

export interface NormalizeOptions {
  /** The ingest's tier; a row whose tier text maps elsewhere gets TIER_MISMATCH. */
  readonly expectedTier?: Tier;
}

export interface RejectReason {
  readonly code: RejectCode;
  readonly text: string;
}

export type RecordValidation =
  | { readonly ok: true; readonly tier: Tier; readonly symbol: string; readonly mpid: string }
  | { readonly ok: false; readonly reasons: readonly RejectReason[] };

const SYMBOL_JUNK = /[^A-Z0-9./-]/g;

/** Uppercase, trim, then drop everything but A–Z, 0–9, `.`, `-`, `/` (`AA$PL` → `AAPL`; `BRK.B` stays). */
export function cleanSymbol(symbol: string): string {
  return symbol.trim().toUpperCase().replace(SYMBOL_JUNK, '');
}

/** shares / trades for a venue row; null when there are no trades (a 0-share row with trades gives 0). */
export function venueAvgTradeSize(shares: Count, trades: Count): number | null {
  return isZeroCount(trades) ? null : divideCounts(shares, trades);
}

/** Checks one record against every rule of §11.1 and returns the cleaned identity or all the reasons. */
export function validateRecord(rec: NormalizeInput, opts: NormalizeOptions = {}): RecordValidation {
  const reasons: RejectReason[] = [];
  // A source without a tier column has '' here; its tier is the one chosen for the ingest.
  const tier =
    rec.tierText === '' && opts.expectedTier !== undefined ? opts.expectedTier : tierFromDescription(rec.tierText);
  if (tier === null) reasons.push({ code: RejectCodes.INVALID_TIER, text: `Invalid tier: '${rec.tierText}'` });
  else if (opts.expectedTier !== undefined && tier !== opts.expectedTier) {
    const text = `Tier '${rec.tierText}' contradicts the chosen tier ${opts.expectedTier}`;
    reasons.push({ code: RejectCodes.TIER_MISMATCH, text });
  }
  const symbol = cleanSymbol(rec.symbol);
  if (symbol === '')
    reasons.push({ code: RejectCodes.EMPTY_SYMBOL, text: `Empty symbol after cleaning: '${rec.symbol}'` });
  else if (symbol.length > MAX_SYMBOL_LENGTH) {
    const text = `Symbol too long: ${symbol} (${symbol.length} characters, max ${MAX_SYMBOL_LENGTH})`;
    reasons.push({ code: RejectCodes.SYMBOL_TOO_LONG, text });
  }
  const mpid = rec.mpid.trim().toUpperCase();
  if (mpid === '') reasons.push({ code: RejectCodes.EMPTY_MPID, text: 'Empty MPID' });
  else if (mpid.length > MAX_MPID_LENGTH) {
    const text = `MPID too long: ${mpid} (${mpid.length} characters, max ${MAX_MPID_LENGTH})`;
    reasons.push({ code: RejectCodes.MPID_TOO_LONG, text });
  }
  if (isNegativeCount(rec.totalShares)) {
    reasons.push({ code: RejectCodes.NEGATIVE_SHARES, text: `Negative share count: ${rec.totalShares}` });
  }
  if (isNegativeCount(rec.totalTrades)) {
    reasons.push({ code: RejectCodes.NEGATIVE_TRADES, text: `Negative trade count: ${rec.totalTrades}` });
  }
  if (isZeroCount(rec.totalShares) && isZeroCount(rec.totalTrades)) {
    reasons.push({ code: RejectCodes.ZERO_VOLUME, text: 'Zero volume record (0 shares, 0 trades)' });
  }
  if (reasons.length > 0 || tier === null) return { ok: false, reasons };
  return { ok: true, tier, symbol, mpid };
}

/** A reject's reason_detail: every reason as `CODE: text`, joined by "; " (its reason_code is the first). */
export function reasonsDetail(reasons: readonly RejectReason[]): string {
  return reasons.map((x) => `${x.code}: ${x.text}`).join('; ');
}

/** The KEY_COLLISION detail of a row whose cleaned key an earlier line (`firstLine`) already has. */
export function keyCollisionDetail(rawSymbol: string, symbol: string, mpid: string, firstLine: number | null): string {
  return `${RejectCodes.KEY_COLLISION}: symbol '${rawSymbol}' cleans to ${symbol}, which line ${String(firstLine)} already has for MPID ${mpid}`;
}

/** A raw row as the normalize stage sees it: the validated fields plus its source line. */
export interface CaptureRowInput extends NormalizeInput {
  readonly line: number | null;
}

export interface CaptureNormalization<T> {
  /** Rows that become venue_volume rows, with their cleaned key, in input order. */
  readonly accepted: { readonly row: T; readonly symbol: string; readonly mpid: string }[];
  /** NORMALIZE rejects in input order: the first reason's code and the detail text. */
  readonly rejects: { readonly row: T; readonly code: string; readonly detail: string }[];
}

/**
 * The normalize stage's definition for one capture's raw rows, given in line order: `validateRecord` on
 * each (the capture's tier expected), then cleaning collisions — the first line of a cleaned (symbol,
 * MPID) wins and every later line is a KEY_COLLISION reject naming it (AA$PL after AAPL). The stage runs
 * this set-based in SQLite for rows that need no cleaning and row by row for the rest; a property test
 * (tests/integration-sync/otc/set-based-equivalence.test.ts) holds both to this function.
 */
export function normalizeCaptureRows<T extends CaptureRowInput>(
  rows: Iterable<T>,
  tier: Tier,
): CaptureNormalization<T> {
  const accepted: { row: T; symbol: string; mpid: string }[] = [];
  const rejects: { row: T; code: string; detail: string }[] = [];
  const seen = new Map<string, number | null>();
  for (const row of rows) {
    const v = validateRecord(row, { expectedTier: tier });
    if (!v.ok) {
      rejects.push({ row, code: v.reasons[0]?.code ?? RejectCodes.INVALID_TIER, detail: reasonsDetail(v.reasons) });
      continue;
    }
    const key = `${v.symbol}\u001f${v.mpid}`;
    if (seen.has(key)) {
      const detail = keyCollisionDetail(row.symbol, v.symbol, v.mpid, seen.get(key) ?? null);
      rejects.push({ row, code: RejectCodes.KEY_COLLISION, detail });
      continue;
    }
    seen.set(key, row.line);
    accepted.push({ row, symbol: v.symbol, mpid: v.mpid });
  }
  return { accepted, rejects };
}
