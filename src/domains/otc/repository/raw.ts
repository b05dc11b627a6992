import type { Db, Statement } from '../../../core/db/open-database.js';
import { OTC_TABLES } from '../constants.js';
import type { RawOtcRecord } from '../types.js';
import { fromSqlInteger } from './sql-integer.js';

export interface RawRowContext {
  readonly weekEnding: string;
  readonly tier: string;
  readonly sourceFile: string;
  readonly capturedAt: string;
  readonly captureId: string;
  readonly executionId: string;
  readonly batchId: string;
}

/** Prepared insert of raw rows; one instance per ingest so the statement is compiled once. */
export class RawWriter {
  readonly #insert: Statement;
  readonly #ctx: RawRowContext;

  constructor(db: Db, ctx: RawRowContext) {
    this.#ctx = ctx;
    this.#insert = db.prepare(
      `INSERT INTO ${OTC_TABLES.raw} (record_hash, week_ending, tier, tier_text, symbol, issue_name, venue_name, mpid,
         total_shares, total_trades, source_last_update_date, source_file, source_line, ingested_at, execution_id,
         batch_id, captured_at, capture_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  insert(r: RawOtcRecord): void {
    const c = this.#ctx;
    this.#insert.run(
      r.recordHash,
      c.weekEnding,
      c.tier,
      r.tierText,
      r.symbol,
      r.issueName,
      r.venueName,
      r.mpid,
      r.totalShares,
      r.totalTrades,
      r.sourceLastUpdateDate,
      c.sourceFile,
      r.line,
      c.capturedAt,
      c.executionId,
      c.batchId,
      c.capturedAt,
      c.captureId,
    );
  }
}

export interface RawRow {
  readonly id: number;
  readonly record_hash: string;
  readonly week_ending: string;
  readonly tier: string;
  readonly tier_text: string | null;
  readonly symbol: string;
  readonly issue_name: string | null;
  readonly venue_name: string | null;
  readonly mpid: string;
  readonly total_shares: number | bigint;
  readonly total_trades: number | bigint;
  readonly source_last_update_date: string | null;
  readonly source_file: string | null;
  readonly source_line: number | null;
}

const RAW_PAGE = 20_000;

/**
 * Reads a capture's raw rows in line order, in keyset pages by id (no cursor stays open, so the caller
 * may write between rows); integers come back exact (bigint only when unsafe).
 */
export function* iterateRaw(db: Db, captureId: string): Generator<RawRow> {
  const stmt = db
    .prepare(
      `SELECT id, record_hash, week_ending, tier, tier_text, symbol, issue_name, venue_name, mpid, total_shares,
         total_trades, source_last_update_date, source_file, source_line
       FROM ${OTC_TABLES.raw} WHERE capture_id = ? AND id > ? ORDER BY id LIMIT ?`,
    )
    .safeIntegers(true);
  let lastId = 0;
  for (;;) {
    const rows = stmt.all(captureId, lastId, RAW_PAGE) as RawRow[];
    for (const row of rows) {
      yield {
        ...row,
        id: Number(row.id),
        source_line: row.source_line === null ? null : Number(row.source_line),
        total_shares: fromSqlInteger(row.total_shares),
        total_trades: fromSqlInteger(row.total_trades),
      };
    }
    const last = rows.at(-1);
    if (!last || rows.length < RAW_PAGE) return;
    lastId = Number(last.id);
  }
}

export function deleteRawKeys(db: Db, captureId: string, keys: readonly { symbol: string; mpid: string }[]): number {
  const del = db.prepare(`DELETE FROM ${OTC_TABLES.raw} WHERE capture_id = ? AND symbol = ? AND mpid = ?`);
  let n = 0;
  for (const k of keys) n += del.run(captureId, k.symbol, k.mpid).changes;
  return n;
}
