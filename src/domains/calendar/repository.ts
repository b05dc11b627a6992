/**
 * Reads and writes of the calendar tables (migration 040). Captures coexist: each ingest adds one
 * `reference_exchange_calendar_captures` row plus its holidays, and readers take the latest capture per
 * (exchange_code, year) — captured_at DESC, later insert on a tie — unless a capture id is pinned.
 */
import type { Db } from '../../core/db/open-database.js';
import type { Holiday } from './calculations/holiday-file.js';
import type { MonthTradingDays } from './calculations/trading-days.js';
import { CALENDAR_TABLES } from './constants.js';

export interface CalendarCapture {
  readonly capture_id: string;
  readonly exchange_code: string;
  readonly year: number;
  readonly captured_at: string;
  readonly source_file: string | null;
  readonly content_hash: string | null;
  readonly holiday_count: number;
  readonly execution_id: string;
  readonly batch_id: string;
  readonly created_at: string;
}

export interface HolidayRow {
  readonly holiday_date: string;
  readonly holiday_name: string;
  readonly holiday_type: string | null;
}

export interface TradingDaysRow {
  readonly year: number;
  readonly exchange_code: string;
  readonly month: number;
  readonly trading_days: number;
  readonly calendar_days: number;
  readonly weekend_days: number;
  readonly holidays: number;
  readonly calc_name: string;
  readonly calc_version: string;
  readonly capture_id: string;
  readonly captured_at: string;
  readonly execution_id: string;
  readonly batch_id: string;
}

/** Who wrote a row and from which capture. */
export interface CalendarLineage {
  readonly captureId: string;
  readonly capturedAt: string;
  readonly executionId: string;
  readonly batchId: string;
}

export function latestCalendarCapture(db: Db, exchangeCode: string, year: number): CalendarCapture | undefined {
  return db
    .prepare(
      `SELECT * FROM ${CALENDAR_TABLES.captures} WHERE exchange_code = ? AND year = ?
       ORDER BY captured_at DESC, rowid DESC LIMIT 1`,
    )
    .get(exchangeCode, year) as CalendarCapture | undefined;
}

export function getCalendarCapture(db: Db, captureId: string): CalendarCapture | undefined {
  return db.prepare(`SELECT * FROM ${CALENDAR_TABLES.captures} WHERE capture_id = ?`).get(captureId) as
    CalendarCapture | undefined;
}

export function listCalendarCaptures(db: Db, exchangeCode: string, year: number): CalendarCapture[] {
  return db
    .prepare(
      `SELECT * FROM ${CALENDAR_TABLES.captures} WHERE exchange_code = ? AND year = ?
       ORDER BY captured_at DESC, rowid DESC`,
    )
    .all(exchangeCode, year) as CalendarCapture[];
}

export interface NewCalendarCapture extends CalendarLineage {
  readonly exchangeCode: string;
  readonly year: number;
  readonly sourceFile: string;
  readonly contentHash: string;
  readonly createdAt: string;
}

/** Writes a capture and its holidays; the caller wraps it in the transaction that also advances the manifest. */
export function insertCalendarCapture(db: Db, capture: NewCalendarCapture, holidays: readonly Holiday[]): number {
  db.prepare(
    `INSERT INTO ${CALENDAR_TABLES.captures} (capture_id, exchange_code, year, captured_at, source_file, content_hash,
       holiday_count, execution_id, batch_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    capture.captureId,
    capture.exchangeCode,
    capture.year,
    capture.capturedAt,
    capture.sourceFile,
    capture.contentHash,
    holidays.length,
    capture.executionId,
    capture.batchId,
    capture.createdAt,
  );
  const insert = db.prepare(
    `INSERT INTO ${CALENDAR_TABLES.holidays} (year, exchange_code, holiday_date, holiday_name, holiday_type, source_file,
       ingested_at, execution_id, batch_id, captured_at, capture_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const h of holidays) {
    insert.run(
      capture.year,
      capture.exchangeCode,
      h.date,
      h.name,
      h.type,
      capture.sourceFile,
      capture.capturedAt,
      capture.executionId,
      capture.batchId,
      capture.capturedAt,
      capture.captureId,
    );
  }
  return holidays.length;
}

export function holidaysOf(db: Db, captureId: string): HolidayRow[] {
  return db
    .prepare(
      `SELECT holiday_date, holiday_name, holiday_type FROM ${CALENDAR_TABLES.holidays} WHERE capture_id = ?
       ORDER BY holiday_date`,
    )
    .all(captureId) as HolidayRow[];
}

/** Delete-and-insert of one capture's trading-day rows (idempotent recompute); the caller owns the transaction. */
export function replaceTradingDays(
  db: Db,
  exchangeCode: string,
  rows: readonly MonthTradingDays[],
  calc: { readonly name: string; readonly version: string },
  lineage: CalendarLineage,
  calculatedAt: string,
): number {
  db.prepare(`DELETE FROM ${CALENDAR_TABLES.tradingDays} WHERE capture_id = ?`).run(lineage.captureId);
  const insert = db.prepare(
    `INSERT INTO ${CALENDAR_TABLES.tradingDays} (year, exchange_code, month, trading_days, calendar_days, weekend_days,
       holidays, calc_name, calc_version, calculated_at, execution_id, batch_id, captured_at, capture_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const r of rows) {
    insert.run(
      r.year,
      exchangeCode,
      r.month,
      r.tradingDays,
      r.calendarDays,
      r.weekendDays,
      r.holidays,
      calc.name,
      calc.version,
      calculatedAt,
      lineage.executionId,
      lineage.batchId,
      lineage.capturedAt,
      lineage.captureId,
    );
  }
  return rows.length;
}

export function tradingDaysOf(db: Db, captureId: string): TradingDaysRow[] {
  return db
    .prepare(
      `SELECT year, exchange_code, month, trading_days, calendar_days, weekend_days, holidays, calc_name, calc_version,
         capture_id, captured_at, execution_id, batch_id
       FROM ${CALENDAR_TABLES.tradingDays} WHERE capture_id = ? ORDER BY month`,
    )
    .all(captureId) as TradingDaysRow[];
}
