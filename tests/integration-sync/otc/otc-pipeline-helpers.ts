/**
 * Shared helpers for the OTC pipeline integration tests (sync backend, real SQLite files, the default
 * registry). They only read the database the pipelines wrote; nothing of the project is replaced.
 */
import { fileURLToPath } from 'node:url';
import type { Spine } from '../../../src/app/spine.js';
import type { Db } from '../../../src/core/db/open-database.js';
import { isDryRun } from '../../../src/core/dispatch/dispatcher.js';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import type { ParamValue } from '../../../src/core/pipeline/params.js';

const ROOT = new URL('../../../', import.meta.url);

export const WEEK_PIPELINE = 'finra.otc_transparency.week';
export const OTC_DOMAIN = 'finra.otc_transparency';

/** The real FINRA samples shipped with the repository. */
export const SAMPLE_1215 = fileURLToPath(new URL('data/samples/finra_otc_weekly_otc_20251215.csv', ROOT));
export const SAMPLE_1222 = fileURLToPath(new URL('data/samples/finra_otc_weekly_otc_20251222.csv', ROOT));

/** A fixture of tests/fixtures/otc/pipeline/ as an absolute path. */
export function pipelineFixture(name: string): string {
  return fileURLToPath(new URL(`tests/fixtures/otc/pipeline/${name}`, ROOT));
}

/** Every capture-scoped data table of the OTC domain. */
export const DATA_TABLES = [
  'finra_otc_transparency_raw',
  'finra_otc_transparency_venue_volume',
  'finra_otc_transparency_symbol_summary',
  'finra_otc_transparency_venue_share',
  'finra_otc_transparency_symbol_rolling_6w',
  'finra_otc_transparency_weekly_symbol_venue_volume',
  'finra_otc_transparency_weekly_symbol_venue_share',
  'finra_otc_transparency_weekly_symbol_venue_concentration_hhi',
  'finra_otc_transparency_weekly_symbol_tier_volume_share',
] as const;

/** Submits through the real dispatcher and returns the finished execution (never a dry run). */
export async function runPipeline(
  spine: Spine,
  pipeline: string,
  params: Readonly<Record<string, ParamValue>>,
): Promise<ExecutionRecord> {
  const result = await spine.dispatcher.submit(pipeline, params);
  if (isDryRun(result)) throw new Error(`${pipeline} returned a dry-run preview`);
  return result;
}

export function count(db: Db, sql: string, ...args: unknown[]): number {
  return (db.prepare(sql).get(...args) as { n: number }).n;
}

/** Names of every `*_latest` view of the OTC domain, read from the schema. */
export function otcLatestViews(db: Db): string[] {
  return (
    db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'view' AND name LIKE 'finra_otc_transparency_%_latest' ORDER BY name`,
      )
      .all() as { name: string }[]
  ).map((r) => r.name);
}

/** Rows visible through each OTC latest view. */
export function latestViewCounts(db: Db): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of otcLatestViews(db)) out[v] = count(db, `SELECT COUNT(*) AS n FROM ${v}`);
  return out;
}

export interface CaptureRow {
  readonly capture_id: string;
  readonly week_ending: string;
  readonly tier: string;
  readonly captured_at: string;
  readonly status: string;
  readonly source: string | null;
  readonly source_last_update_date: string | null;
  readonly execution_id: string;
  readonly batch_id: string | null;
  readonly superseded_by: string | null;
}

export function capturesOf(db: Db, weekEnding?: string): CaptureRow[] {
  return db
    .prepare(
      `SELECT capture_id, week_ending, tier, captured_at, status, source, source_last_update_date, execution_id,
         batch_id, superseded_by
       FROM core_captures WHERE domain = ? AND (? IS NULL OR week_ending = ?) ORDER BY captured_at`,
    )
    .all(OTC_DOMAIN, weekEnding ?? null, weekEnding ?? null) as CaptureRow[];
}

export interface EventRow {
  readonly event_type: string;
  readonly stage: string | null;
  readonly step: string | null;
  readonly payload: string;
  readonly error_type: string | null;
  readonly error_message: string | null;
}

export function eventsOf(db: Db, executionId: string): EventRow[] {
  return db
    .prepare(
      `SELECT event_type, stage, step, payload, error_type, error_message FROM core_execution_events
       WHERE execution_id = ? ORDER BY id`,
    )
    .all(executionId) as EventRow[];
}

export interface RejectRow {
  readonly stage: string;
  readonly reason_code: string;
  readonly reason_detail: string | null;
  readonly source_locator: string | null;
  readonly line_number: number | null;
  readonly capture_id: string | null;
  readonly execution_id: string;
}

export function rejectsOf(db: Db): RejectRow[] {
  return db
    .prepare(
      `SELECT stage, reason_code, reason_detail, source_locator, line_number, capture_id, execution_id
       FROM core_rejects ORDER BY line_number, id`,
    )
    .all() as RejectRow[];
}

/** captured_at has one fixed width: milliseconds padded to six digits and `+00:00` (domain-spec §6.1). */
export const CAPTURED_AT_FORMAT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}000\+00:00$/;
