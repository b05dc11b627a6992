/**
 * What the database knows about a tier's weeks as of an instant: captures (point in time on
 * `captured_at`, as `--as-of` reads them), the runs that concern each week, and stale derived data.
 */
import { formatCapturedAt } from '../../../core/clock.js';
import type { Db } from '../../../core/db/open-database.js';
import type { CaptureFact, RunFact } from '../calculations/freshness.js';
import { OTC_DOMAIN } from '../constants.js';
import { findStaleDerived } from '../revisions/stale.js';
import type { StaleDerived } from '../revisions/stale.js';
import type { Tier } from '../tiers.js';

/** Pipelines whose runs for (week, tier) decide `failed` and `source_problem`. */
export const WEEK_RUN_PIPELINES = [`${OTC_DOMAIN}.week`, `${OTC_DOMAIN}.ingest_week`] as const;
/** Sync pipelines (any name starting so): a run with a week counts for it, a run without one for its tier. */
export const SYNC_PIPELINE_PREFIX = `${OTC_DOMAIN}.sync`;
const SYNC_PIPELINE = `${OTC_DOMAIN}.sync`;

const WEEK_SQL = `COALESCE(json_extract(params, '$.week_ending'), json_extract(result, '$.week_ending'))`;
const TIER_SQL = `COALESCE(json_extract(result, '$.tier'), json_extract(params, '$.tier'))`;

export interface WeekCaptures {
  readonly latest: CaptureFact | null;
  readonly replaced: CaptureFact | null;
}

interface CaptureRow extends CaptureFact {
  readonly week_ending: string;
  readonly base: string;
}

/**
 * Per week: the latest capture that was published at `now` and, when it replaced one, the newest earlier
 * capture with other source data: another content hash (a re-ingest of the same file is not a revision;
 * a recompute capture keeps its base's hash, and without a hash the base capture's id stands in).
 */
export function capturesAsOf(db: Db, tier: Tier, weeks: readonly string[], now: Date): Map<string, WeekCaptures> {
  const rows = db
    .prepare(
      `SELECT week_ending, capture_id, captured_at, source_last_update_date,
         COALESCE(content_hash, base_capture_id, capture_id) AS base
       FROM core_captures
       WHERE domain = ? AND tier = ? AND week_ending IN (SELECT value FROM json_each(?))
         AND status IN ('published', 'superseded', 'deleted') AND captured_at <= ?
       ORDER BY week_ending, captured_at DESC, rowid DESC`,
    )
    .all(OTC_DOMAIN, tier, JSON.stringify(weeks), formatCapturedAt(now)) as CaptureRow[];
  const out = new Map<string, WeekCaptures & { base: string }>();
  for (const r of rows) {
    const fact: CaptureFact = {
      capture_id: r.capture_id,
      captured_at: r.captured_at,
      source_last_update_date: r.source_last_update_date,
    };
    const seen = out.get(r.week_ending);
    if (!seen) out.set(r.week_ending, { latest: fact, replaced: null, base: r.base });
    else if (!seen.replaced && seen.base !== r.base) out.set(r.week_ending, { ...seen, replaced: fact });
  }
  return out;
}

interface RunRow extends RunFact {
  readonly week_ending: string | null;
}

const RUN_COLUMNS = `id AS execution_id, pipeline, status, error_code, error_message, created_at`;

/**
 * Per week: its latest run as of `now`, or something newer that speaks for the week: a SOURCE_UNAVAILABLE
 * failure of a tier-wide sync run (one without a week: FINRA's API was down when the tier was checked), or
 * the week's latest `spine sync` source check.
 */
export function lastRunsAsOf(db: Db, tier: Tier, weeks: readonly string[], now: Date): Map<string, RunFact> {
  const at = now.toISOString();
  const weekRuns = db
    .prepare(
      `SELECT ${RUN_COLUMNS}, ${WEEK_SQL} AS week_ending FROM core_executions
       WHERE (pipeline IN (SELECT value FROM json_each(?)) OR pipeline LIKE ? ESCAPE '\\')
         AND ${WEEK_SQL} IN (SELECT value FROM json_each(?)) AND ${TIER_SQL} = ? AND created_at <= ?
       ORDER BY created_at DESC, rowid DESC`,
    )
    .all(
      JSON.stringify(WEEK_RUN_PIPELINES),
      `${likeEscape(SYNC_PIPELINE_PREFIX)}%`,
      JSON.stringify(weeks),
      tier,
      at,
    ) as RunRow[];
  const tierSync = db
    .prepare(
      `SELECT ${RUN_COLUMNS} FROM core_executions
       WHERE pipeline LIKE ? ESCAPE '\\' AND ${WEEK_SQL} IS NULL AND (${TIER_SQL} = ? OR ${TIER_SQL} IS NULL)
         AND created_at <= ?
       ORDER BY created_at DESC, rowid DESC LIMIT 1`,
    )
    .get(`${likeEscape(SYNC_PIPELINE_PREFIX)}%`, tier, at) as RunFact | undefined;
  const out = new Map<string, RunFact>();
  for (const r of weekRuns) {
    if (r.week_ending !== null && !out.has(r.week_ending)) {
      const { week_ending: _w, ...fact } = r;
      out.set(r.week_ending, fact);
    }
  }
  const newer = (w: string, fact: RunFact): void => {
    const own = out.get(w);
    if (!own || own.created_at < fact.created_at) out.set(w, fact);
  };
  if (tierSync?.status === 'failed' && tierSync.error_code === 'SOURCE_UNAVAILABLE') {
    for (const w of weeks) newer(w, tierSync);
  }
  for (const [w, check] of lastSourceChecks(db, tier, weeks, at)) newer(w, check);
  return out;
}

interface CheckRow {
  readonly week_ending: string;
  readonly execution_id: string;
  readonly outcome: string;
  readonly error_code: string | null;
  readonly error_message: string | null;
  readonly checked_at: string;
}

/** What a source check (one week of a sync run) says, as a run fact: failed, still publishing, or done. */
const CHECK_STATUS: Readonly<Record<string, string>> = { failed: 'failed', changed: 'running' };

/**
 * Per week: the latest `spine sync` source check at or before `at` (migration 072, when present), so a sync
 * that found FINRA down for one week, or found the week absent after an outage, decides that week.
 */
function lastSourceChecks(db: Db, tier: Tier, weeks: readonly string[], at: string): Map<string, RunFact> {
  const out = new Map<string, RunFact>();
  const exists = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'core_source_checks'`).get();
  if (!exists) return out;
  const rows = db
    .prepare(
      `SELECT week_ending, execution_id, outcome, error_code, error_message, checked_at FROM core_source_checks
       WHERE domain = ? AND tier = ? AND week_ending IN (SELECT value FROM json_each(?)) AND checked_at <= ?
       ORDER BY week_ending, checked_at DESC, id DESC`,
    )
    .all(OTC_DOMAIN, tier, JSON.stringify(weeks), at) as CheckRow[];
  for (const r of rows) {
    if (out.has(r.week_ending)) continue;
    out.set(r.week_ending, {
      execution_id: r.execution_id,
      pipeline: SYNC_PIPELINE,
      status: CHECK_STATUS[r.outcome] ?? 'completed',
      error_code: r.outcome === 'failed' ? r.error_code : null,
      error_message: r.outcome === 'failed' ? r.error_message : null,
      created_at: r.checked_at,
    });
  }
  return out;
}

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Stale derived datasets of the tier's weeks (always as the database is now: stale data is not versioned). */
export function staleByWeek(db: Db, tier: Tier, weeks: readonly string[]): Map<string, StaleDerived[]> {
  const out = new Map<string, StaleDerived[]>();
  for (const s of findStaleDerived(db, { tier, weeks })) {
    const list = out.get(s.week_ending) ?? [];
    list.push(s);
    out.set(s.week_ending, list);
  }
  return out;
}
