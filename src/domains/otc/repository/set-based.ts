/**
 * The set-based forms of the OTC calculations (issue 12): the rows stay inside SQLite and each figure is
 * one `INSERT … SELECT … GROUP BY` (or a window function) over a capture. The pure TypeScript functions in
 * `calculations/` remain the specification; `tests/integration-sync/otc/set-based-equivalence.test.ts`
 * proves these statements give the same rows (integers exact, floats within 1e-12) on random and real data.
 *
 * Exactness: counts are SQLite INTEGERs (64-bit) and every total is a `SUM()`, which fails with "integer
 * overflow" instead of losing precision (mapped to VALUE_OUT_OF_RANGE); `+` on integers is never used,
 * because SQLite silently turns an overflowing `+` into a REAL. A ratio is `CAST(a AS REAL) / b`: one
 * IEEE division of the two counts rounded to doubles, which is what `divideCounts` does.
 */
import type { Db } from '../../../core/db/open-database.js';
import { valueOutOfRange } from '../../../core/errors.js';
import { MAX_MPID_LENGTH, MAX_SYMBOL_LENGTH } from '../calculations/normalize.js';
import { HHI_SLACK } from '../calculations/quality.js';
import type { HhiStats } from '../calculations/quality.js';
import type { VenueTotal } from '../calculations/venue-share.js';
import { OTC_TABLES as T } from '../constants.js';
import type { Lineage } from '../stages/otc-stage-context.js';
import type { Tier } from '../tiers.js';
import { fromSqlInteger } from './sql-integer.js';

/** What every derived row of one capture copies: its partition and lineage, and the stage's audit time. */
export interface CaptureScope {
  readonly weekEnding: string;
  readonly tier: Tier;
  readonly lineage: Lineage;
  /** normalized_at / calculated_at of the rows written. */
  readonly now: string;
}

/** Named parameters shared by the statements below. */
function params(s: CaptureScope): Record<string, unknown> {
  return {
    week_ending: s.weekEnding,
    tier: s.tier,
    capture_id: s.lineage.captureId,
    captured_at: s.lineage.capturedAt,
    lud: s.lineage.sourceLastUpdateDate,
    execution_id: s.lineage.executionId,
    batch_id: s.lineage.batchId,
    now: s.now,
  };
}

const LINEAGE_COLUMNS = 'capture_id, captured_at, source_last_update_date, execution_id, batch_id';
const LINEAGE_VALUES = '@capture_id, @captured_at, @lud, @execution_id, @batch_id';

// ---------------------------------------------------------------------------------------------------------
// normalize

/**
 * Raw rows that `validateRecord` accepts *unchanged*: a known spelling of the capture's tier (or none),
 * a symbol made only of what `cleanSymbol` keeps, an MPID of uppercase letters and digits, both non-empty
 * and within 20 characters, no negative count, not 0 shares and 0 trades. Such a row's cleaned key is its
 * raw key, which the raw table's UNIQUE constraint already makes unique, so no cleaning collision can
 * involve two of them. Every other row goes through `validateRecord` in TypeScript.
 */
const CLEAN_RAW = `(COALESCE(r.tier_text, '') IN (SELECT value FROM json_each(@tier_texts))
  AND r.symbol <> '' AND length(r.symbol) <= ${MAX_SYMBOL_LENGTH} AND r.symbol NOT GLOB '*[^A-Z0-9./-]*'
  AND r.mpid <> '' AND length(r.mpid) <= ${MAX_MPID_LENGTH} AND r.mpid NOT GLOB '*[^A-Z0-9]*'
  AND r.total_shares >= 0 AND r.total_trades >= 0 AND (r.total_shares <> 0 OR r.total_trades <> 0))`;

const VENUE_VOLUME_COLUMNS = `week_ending, tier, symbol, mpid, issue_name, venue_name, total_shares, total_trades,
  avg_trade_size, record_hash, normalized_at, ${LINEAGE_COLUMNS}`;

/**
 * Writes every clean raw row of the capture to venue_volume in (symbol, mpid) order (read through the raw
 * UNIQUE index, so no sort) and returns how many. avg_trade_size is `venueAvgTradeSize`.
 */
export function insertCleanVenueRows(db: Db, scope: CaptureScope, tierTexts: readonly string[]): number {
  return db
    .prepare(
      `INSERT INTO ${T.venueVolume} (${VENUE_VOLUME_COLUMNS})
       SELECT @week_ending, @tier, r.symbol, r.mpid, r.issue_name, COALESCE(r.venue_name, r.mpid), r.total_shares,
         r.total_trades, CASE WHEN r.total_trades = 0 THEN NULL ELSE CAST(r.total_shares AS REAL) / r.total_trades END,
         r.record_hash, @now, ${LINEAGE_VALUES}
       FROM ${T.raw} r
       WHERE r.week_ending = @week_ending AND r.tier = @tier AND r.capture_id = @capture_id AND ${CLEAN_RAW}
       ORDER BY r.symbol, r.mpid`,
    )
    .run({ ...params(scope), tier_texts: JSON.stringify(tierTexts) }).changes;
}

export interface RawRowForNormalize {
  readonly id: number;
  readonly record_hash: string;
  readonly tier_text: string | null;
  readonly symbol: string;
  readonly issue_name: string | null;
  readonly venue_name: string | null;
  readonly mpid: string;
  readonly total_shares: number | bigint;
  readonly total_trades: number | bigint;
  readonly source_file: string | null;
  readonly source_line: number | null;
}

/** A prepared page reader of the capture's other (not clean) raw rows in line order, after id `after`. */
export function rawRowsToValidate(
  db: Db,
  captureId: string,
  tierTexts: readonly string[],
): (after: number, limit: number) => RawRowForNormalize[] {
  const stmt = db
    .prepare(
      `SELECT r.id, r.record_hash, r.tier_text, r.symbol, r.issue_name, r.venue_name, r.mpid, r.total_shares,
         r.total_trades, r.source_file, r.source_line
       FROM ${T.raw} r WHERE r.capture_id = @capture_id AND r.id > @after AND NOT ${CLEAN_RAW}
       ORDER BY r.id LIMIT @limit`,
    )
    .safeIntegers(true);
  const texts = JSON.stringify(tierTexts);
  return (after, limit) =>
    (
      stmt.all({ capture_id: captureId, tier_texts: texts, after, limit }) as (RawRowForNormalize & {
        id: bigint;
        source_line: bigint | null;
      })[]
    ).map((r) => ({
      ...r,
      id: Number(r.id),
      source_line: r.source_line === null ? null : Number(r.source_line),
      total_shares: fromSqlInteger(r.total_shares),
      total_trades: fromSqlInteger(r.total_trades),
    }));
}

/** Statements the row-by-row part of normalize uses for cleaning collisions. */
export class VenueRowEditor {
  readonly #insert;
  readonly #find;
  readonly #rawLine;
  readonly #delete;
  readonly #params: Record<string, unknown>;

  constructor(db: Db, scope: CaptureScope) {
    this.#params = params(scope);
    this.#insert = db.prepare(
      `INSERT INTO ${T.venueVolume} (${VENUE_VOLUME_COLUMNS})
       VALUES (@week_ending, @tier, @symbol, @mpid, @issue_name, @venue_name, @total_shares, @total_trades,
         @avg_trade_size, @record_hash, @now, ${LINEAGE_VALUES})`,
    );
    this.#find = db.prepare(`SELECT id FROM ${T.venueVolume} WHERE capture_id = ? AND symbol = ? AND mpid = ?`).pluck();
    this.#rawLine = db
      .prepare(
        `SELECT id, record_hash, tier_text, symbol, issue_name, venue_name, mpid, total_shares, total_trades,
           source_file, source_line
         FROM ${T.raw} WHERE week_ending = ? AND tier = ? AND symbol = ? AND mpid = ? AND capture_id = ?`,
      )
      .safeIntegers(true);
    this.#delete = db.prepare(`DELETE FROM ${T.venueVolume} WHERE id = ?`);
  }

  insert(row: {
    symbol: string;
    mpid: string;
    issue_name: string | null;
    venue_name: string;
    total_shares: number | bigint;
    total_trades: number | bigint;
    avg_trade_size: number | null;
    record_hash: string;
  }): void {
    this.#insert.run({ ...this.#params, ...row });
  }

  /** The venue_volume row id holding a cleaned key, if any. */
  find(symbol: string, mpid: string): number | undefined {
    const id = this.#find.get(this.#params['capture_id'], symbol, mpid) as number | undefined;
    return id;
  }

  /** The raw row whose own key is (symbol, mpid): the source of a clean venue row. */
  rawRowOf(symbol: string, mpid: string): RawRowForNormalize | undefined {
    const p = this.#params;
    const r = this.#rawLine.get(p['week_ending'], p['tier'], symbol, mpid, p['capture_id']) as
      (RawRowForNormalize & { id: bigint; source_line: bigint | null }) | undefined;
    if (!r) return undefined;
    return {
      ...r,
      id: Number(r.id),
      source_line: r.source_line === null ? null : Number(r.source_line),
      total_shares: fromSqlInteger(r.total_shares),
      total_trades: fromSqlInteger(r.total_trades),
    };
  }

  delete(id: number): void {
    this.#delete.run(id);
  }
}

// ---------------------------------------------------------------------------------------------------------
// aggregate

/**
 * symbol_summary (`computeSymbolSummaries`): per symbol the exact volume and trade totals, the number of
 * venues (one row per (symbol, MPID), so COUNT(*)), `symbolAvgTradeSize`, and the issue name of the first
 * venue row (in MPID order) that has one — the only MIN() makes SQLite take the bare `issue_name` from
 * that row. Reads the capture in (symbol, mpid) index order: no sort. Returns the symbols written.
 */
export function insertSymbolSummaries(db: Db, scope: CaptureScope): number {
  return db
    .prepare(
      `INSERT INTO ${T.symbolSummary} (week_ending, tier, symbol, issue_name, total_volume, total_trades, venue_count,
         avg_trade_size, calculated_at, ${LINEAGE_COLUMNS})
       SELECT @week_ending, @tier, symbol, issue, volume, trades, venues,
         CASE WHEN trades = 0 OR volume = 0 THEN NULL ELSE CAST(volume AS REAL) / trades END, @now, ${LINEAGE_VALUES}
       FROM (
         SELECT symbol, NULLIF(issue_name, '') AS issue, MIN(CASE WHEN issue_name <> '' THEN mpid END) AS named_by,
           SUM(total_shares) AS volume, SUM(total_trades) AS trades, COUNT(*) AS venues
         FROM ${T.venueVolume} WHERE capture_id = @capture_id GROUP BY symbol
       )`,
    )
    .run(params(scope)).changes;
}

// ---------------------------------------------------------------------------------------------------------
// venue share

export interface VenueTotalRow extends VenueTotal {
  /** The venue name of its first row, or null when no row of the venue has one (then the MPID is used). */
  readonly venueName: string | null;
}

/**
 * Per venue of the capture: exact volume and trade totals and symbol count, in first-appearance order of
 * the (symbol, MPID)-ordered rows (a venue first appears at its smallest symbol), which is the order
 * `rankVenueTotals` keeps for ties. The venue name is the first non-empty one in that order.
 *
 * A GROUP BY mpid would sort the capture's million rows by venue (the index is by symbol). Instead one
 * pass in index order upserts each row into a per-connection temp table of a few dozen venues, about
 * twice as fast (bench/ingest). `+` on integers turns into a REAL when it overflows 64 bits, so a total
 * that is not an INTEGER afterwards is reported as the overflow it is.
 */
export function venueTotals(db: Db, captureId: string, weekEnding: string, tier: Tier): VenueTotalRow[] {
  db.exec(
    `CREATE TEMP TABLE IF NOT EXISTS otc_venue_totals (mpid TEXT PRIMARY KEY, volume INTEGER NOT NULL,
       trades INTEGER NOT NULL, symbols INTEGER NOT NULL, first_symbol TEXT NOT NULL, venue_name TEXT)`,
  );
  db.exec('DELETE FROM temp.otc_venue_totals');
  db.prepare(
    `INSERT INTO temp.otc_venue_totals (mpid, volume, trades, symbols, first_symbol, venue_name)
     SELECT mpid, total_shares, total_trades, 1, symbol, venue_name FROM ${T.venueVolume}
     WHERE capture_id = ? ORDER BY symbol, mpid
     ON CONFLICT (mpid) DO UPDATE SET volume = volume + excluded.volume, trades = trades + excluded.trades,
       symbols = symbols + 1,
       venue_name = CASE WHEN venue_name IS NULL OR venue_name = '' THEN excluded.venue_name ELSE venue_name END`,
  ).run(captureId);
  const rows = db
    .prepare(
      `SELECT mpid, volume, trades, symbols, NULLIF(venue_name, '') AS venue_name,
         typeof(volume) = 'integer' AND typeof(trades) = 'integer' AS exact
       FROM temp.otc_venue_totals ORDER BY first_symbol, mpid`,
    )
    .safeIntegers(true)
    .all() as {
    mpid: string;
    volume: bigint | number;
    trades: bigint | number;
    symbols: bigint;
    venue_name: string | null;
    exact: bigint;
  }[];
  db.exec('DELETE FROM temp.otc_venue_totals');
  const overflow = rows.find((r) => r.exact !== 1n);
  if (overflow) throw valueOutOfRange(`integer overflow: the totals of venue ${overflow.mpid} exceed 64 bits`);
  return rows.map((r) => ({
    weekEnding,
    tier,
    mpid: r.mpid,
    totalVolume: fromSqlInteger(r.volume),
    totalTrades: fromSqlInteger(r.trades),
    symbolCount: Number(r.symbols),
    venueName: r.venue_name,
  }));
}

// ---------------------------------------------------------------------------------------------------------
// symbol-venue calcs

/**
 * weekly_symbol_venue_share (`weeklySymbolVenueShare`): each venue row's fraction of its symbol's volume
 * (a window SUM over the symbol; 0 when that is 0). Returns the rows written.
 */
export function insertSymbolVenueShares(db: Db, scope: CaptureScope): number {
  return db
    .prepare(
      `INSERT INTO ${T.symbolVenueShare} (week_ending, tier, symbol, mpid, venue_name, venue_volume, total_symbol_volume,
         venue_share, calculated_at, ${LINEAGE_COLUMNS})
       SELECT @week_ending, @tier, symbol, mpid, COALESCE(venue_name, mpid), total_shares, total,
         CASE WHEN total = 0 THEN 0.0 ELSE CAST(total_shares AS REAL) / total END, @now, ${LINEAGE_VALUES}
       FROM (
         SELECT symbol, mpid, venue_name, total_shares, SUM(total_shares) OVER (PARTITION BY symbol) AS total
         FROM ${T.venueVolume} WHERE capture_id = @capture_id
       )`,
    )
    .run(params(scope)).changes;
}

/** weekly_symbol_venue_concentration_hhi (`weeklySymbolVenueHhi`): Σ share² per symbol, from the share rows. */
export function insertSymbolHhi(db: Db, scope: CaptureScope): number {
  return db
    .prepare(
      `INSERT INTO ${T.hhi} (week_ending, tier, symbol, hhi, venue_count, total_symbol_volume, calculated_at,
         ${LINEAGE_COLUMNS})
       SELECT @week_ending, @tier, symbol, SUM(venue_share * venue_share), COUNT(*), MAX(total_symbol_volume), @now,
         ${LINEAGE_VALUES}
       FROM ${T.symbolVenueShare} WHERE capture_id = @capture_id GROUP BY symbol`,
    )
    .run(params(scope)).changes;
}

/**
 * weekly_symbol_tier_volume_share (`weeklySymbolTierVolumeShare`, this tier's rows): the symbol's volume in
 * this capture over its volume in this capture plus the other tiers' captures `others` (their
 * symbol_summary rows). The cross-tier total is a SUM, so an overflow fails instead of rounding.
 */
export function insertTierVolumeShares(
  db: Db,
  scope: CaptureScope,
  others: readonly string[],
  inputCaptureIds: string,
): number {
  const total =
    others.length === 0
      ? 'h.total_symbol_volume'
      : `(SELECT SUM(x) FROM (
           SELECT h.total_symbol_volume AS x
           UNION ALL
           SELECT o.total_volume FROM ${T.symbolSummary} o
           WHERE o.capture_id IN (SELECT value FROM json_each(@others)) AND o.symbol = h.symbol))`;
  return db
    .prepare(
      `INSERT INTO ${T.tierVolumeShare} (week_ending, tier, symbol, tier_volume, total_symbol_volume_all_tiers,
         tier_volume_share, input_capture_ids, calculated_at, ${LINEAGE_COLUMNS})
       SELECT @week_ending, @tier, symbol, volume, total,
         CASE WHEN total = 0 THEN 0.0 ELSE CAST(volume AS REAL) / total END, @inputs, @now, ${LINEAGE_VALUES}
       FROM (
         SELECT h.symbol AS symbol, h.total_symbol_volume AS volume, ${total} AS total
         FROM ${T.hhi} h WHERE h.capture_id = @capture_id
       )`,
    )
    .run({ ...params(scope), others: JSON.stringify(others), inputs: inputCaptureIds }).changes;
}

/** What hhi_range and the run summary need from the capture's HHI rows. */
export function hhiStats(db: Db, captureId: string): HhiStats & { mean: number; singleVenue: number } {
  const r = db
    .prepare(
      `SELECT COUNT(*) AS n, COALESCE(SUM(NOT (hhi >= 0 AND hhi <= 1 + ${HHI_SLACK})), 0) AS bad, MIN(hhi) AS min,
         MAX(hhi) AS max, COALESCE(SUM(hhi), 0) AS total, COALESCE(SUM(venue_count = 1), 0) AS single
       FROM ${T.hhi} WHERE capture_id = ?`,
    )
    .get(captureId) as {
    n: number;
    bad: number;
    min: number | null;
    max: number | null;
    total: number;
    single: number;
  };
  return {
    count: r.n,
    outOfRange: r.bad,
    min: r.min,
    max: r.max,
    mean: r.n > 0 ? r.total / r.n : 0,
    singleVenue: r.single,
  };
}
