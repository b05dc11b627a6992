import type { Db, Statement } from '../../../core/db/open-database.js';
import { OTC_TABLES } from '../constants.js';
import type { Count, RawOtcRecord } from '../types.js';
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

/** Rows per multi-row INSERT: amortises the statement's per-call cost (measured in bench/ingest). */
export const RAW_ROWS_PER_STATEMENT = 32;

/** The values a record contributes to its row, in `ROW` order; the capture-wide ones are named parameters. */
const ROW =
  '(?, @week_ending, @tier, ?, ?, ?, ?, ?, ?, ?, ?, @source_file, ?, @captured_at, @execution_id, @batch_id, @captured_at, @capture_id)';
const PER_ROW = 10;

/** The row of a capture's raw table that holds a (symbol, MPID) key: the first line that had it. */
export interface RawKeyHolder {
  readonly line: number;
  readonly totalShares: Count;
  readonly totalTrades: Count;
}

/**
 * Prepared writes of raw rows, one instance per ingest so the statements are compiled once. Rows go in
 * `RAW_ROWS_PER_STATEMENT` at a time; the values that are the same for the whole capture (week, tier,
 * file, clocks, ids) are bound by name once per statement instead of once per row. `ON CONFLICT DO
 * NOTHING` on the table's UNIQUE (week, tier, symbol, MPID, capture) key leaves the first row of a key in
 * place: the caller learns from the changed-row count that a later row repeated a key and asks `holder`.
 */
export class RawWriter {
  readonly #many: Statement;
  readonly #one: Statement;
  readonly #holder: Statement;
  readonly #delete: Statement;
  readonly #named: Record<string, string>;
  readonly #values: unknown[] = new Array<unknown>(RAW_ROWS_PER_STATEMENT * PER_ROW);

  constructor(db: Db, ctx: RawRowContext) {
    const insert = (rows: number): string =>
      `INSERT INTO ${OTC_TABLES.raw} (record_hash, week_ending, tier, tier_text, symbol, issue_name, venue_name, mpid,
         total_shares, total_trades, source_last_update_date, source_file, source_line, ingested_at, execution_id,
         batch_id, captured_at, capture_id)
       VALUES ${Array.from({ length: rows }, () => ROW).join(', ')}
       ON CONFLICT DO NOTHING`;
    this.#many = db.prepare(insert(RAW_ROWS_PER_STATEMENT));
    this.#one = db.prepare(insert(1));
    this.#holder = db
      .prepare(
        `SELECT source_line AS line, total_shares AS shares, total_trades AS trades FROM ${OTC_TABLES.raw}
         WHERE week_ending = @week_ending AND tier = @tier AND symbol = @symbol AND mpid = @mpid
           AND capture_id = @capture_id`,
      )
      .safeIntegers(true);
    this.#delete = db.prepare(
      `DELETE FROM ${OTC_TABLES.raw}
       WHERE week_ending = @week_ending AND tier = @tier AND symbol = @symbol AND mpid = @mpid AND capture_id = @capture_id`,
    );
    this.#named = {
      week_ending: ctx.weekEnding,
      tier: ctx.tier,
      source_file: ctx.sourceFile,
      captured_at: ctx.capturedAt,
      execution_id: ctx.executionId,
      batch_id: ctx.batchId,
      capture_id: ctx.captureId,
    };
  }

  /**
   * Inserts `records[from, to)` in order; returns how many rows were written (fewer than `to - from` when
   * some repeated a key already present, which stays as it was).
   */
  insert(records: readonly RawOtcRecord[], from: number, to: number): number {
    let written = 0;
    let i = from;
    const v = this.#values;
    for (; i + RAW_ROWS_PER_STATEMENT <= to; i += RAW_ROWS_PER_STATEMENT) {
      let j = 0;
      for (let k = i; k < i + RAW_ROWS_PER_STATEMENT; k++) {
        const r = records[k] as RawOtcRecord;
        v[j++] = r.recordHash;
        v[j++] = r.tierText;
        v[j++] = r.symbol;
        v[j++] = r.issueName;
        v[j++] = r.venueName;
        v[j++] = r.mpid;
        v[j++] = r.totalShares;
        v[j++] = r.totalTrades;
        v[j++] = r.sourceLastUpdateDate;
        v[j++] = r.line;
      }
      written += this.#many.run(v, this.#named).changes;
    }
    for (; i < to; i++) {
      const r = records[i] as RawOtcRecord;
      written += this.#one.run(
        r.recordHash,
        r.tierText,
        r.symbol,
        r.issueName,
        r.venueName,
        r.mpid,
        r.totalShares,
        r.totalTrades,
        r.sourceLastUpdateDate,
        r.line,
        this.#named,
      ).changes;
    }
    return written;
  }

  /** The row holding a (symbol, MPID) key in this capture, if any. */
  holder(symbol: string, mpid: string): RawKeyHolder | undefined {
    const row = this.#holder.get({ ...this.#named, symbol, mpid }) as
      { line: bigint; shares: bigint; trades: bigint } | undefined;
    if (!row) return undefined;
    return { line: Number(row.line), totalShares: fromSqlInteger(row.shares), totalTrades: fromSqlInteger(row.trades) };
  }

  /** Deletes the row holding a (symbol, MPID) key; returns 1 or 0. */
  deleteKey(symbol: string, mpid: string): number {
    return this.#delete.run({ ...this.#named, symbol, mpid }).changes;
  }
}
