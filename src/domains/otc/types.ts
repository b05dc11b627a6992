/**
 * Shapes shared by the OTC parser, dedupe and calculations. Counts are exact integers: a plain `number`
 * whenever it is safe (the common case, and the fast one), a `bigint` only above Number.MAX_SAFE_INTEGER,
 * so `9,999,999,999,999` stays a number and a 20-digit share count is still exact.
 */
import type { RejectCode } from './reject-codes.js';
import type { Tier } from './tiers.js';

export type Count = number | bigint;

/** One parsed source row (domain-spec §3.5), before normalisation. */
export interface RawOtcRecord {
  /** Physical line number in the source (header = 1 for a file), so rejects and errors can name it. */
  readonly line: number;
  /** WeekEnding column, else derived from weekStartDate / lastUpdateDate; null when the file has none of them. */
  readonly rowWeekEnding: string | null;
  /** tierDescription / Tier text exactly as read (trimmed); '' when the file has no tier column. */
  readonly tierText: string;
  /** Uppercased and trimmed; may be '' (the normalizer rejects it). */
  readonly symbol: string;
  /** Uppercased and trimmed; may be '' (the normalizer rejects it). */
  readonly mpid: string;
  readonly issueName: string | null;
  readonly venueName: string | null;
  /** May be negative here; the normalizer rejects negatives. */
  readonly totalShares: Count;
  readonly totalTrades: Count;
  /** Clock 2: the row's lastUpdateDate as `YYYY-MM-DD`, null when the format has no such column. */
  readonly sourceLastUpdateDate: string | null;
  /** §6.3 hash over the row's own week and raw tier text. */
  readonly recordHash: string;
}

/** A row that was not turned into a record, with the rule it broke. Never silently dropped. */
export interface RowReject {
  readonly line: number;
  readonly reasonCode: RejectCode;
  /** Human text naming the column and value, e.g. `totalWeeklyShareQuantity is not an integer: '1000.5'`. */
  readonly detail: string;
  /** The source line as read (or a reconstruction for records that were parsed), for `core_rejects.raw_json`. */
  readonly raw: string;
}

/**
 * What the streaming parser yields: up to ~batchSize data lines at a time. Batches (rather than one item per
 * row) keep per-row overhead off the hot path and map directly onto one prepared-statement transaction chunk.
 */
export interface ParsedBatch {
  /** Records in line order. */
  readonly records: RawOtcRecord[];
  /** Row-level rejects in line order (SHORT_ROW, BAD_NUMBER, BAD_DATE). */
  readonly rejects: RowReject[];
  /** Last physical line consumed so far (for progress and heartbeats). */
  readonly lastLine: number;
}

/** A venue row as the calculations see it: a normalised record with its partition. */
export interface VenueRow {
  readonly weekEnding: string;
  readonly tier: Tier;
  readonly symbol: string;
  readonly mpid: string;
  readonly totalShares: Count;
  readonly totalTrades: Count;
  readonly venueName?: string | null;
  readonly sourceLastUpdateDate?: string | null;
  /** Set when rows from several captures are computed together; groups never mix captures. */
  readonly captureId?: string;
}
