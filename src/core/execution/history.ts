import type { Db } from '../db/open-database.js';
import { idTooShort, MIN_ID_FRAGMENT, pickOne } from '../id-prefix.js';
import type { ExecutionRecord, ExecutionRow } from './execution-store.js';
import { toExecutionRecord } from './execution-store.js';
import { livenessOf } from './lease.js';

export interface ExecutionFilter {
  readonly status?: string | undefined;
  readonly since?: string | undefined;
  readonly until?: string | undefined;
  readonly pipeline?: string | undefined;
  readonly week?: string | undefined;
  readonly tier?: string | undefined;
  readonly limit?: number | undefined;
}

export interface ExecutionListItem {
  readonly id: string;
  readonly pipeline: string;
  readonly status: string;
  readonly lane: string;
  readonly backend: string;
  readonly week_ending: string | null;
  readonly tier: string | null;
  readonly created_at: string;
  readonly duration_ms: number | null;
  readonly attempts: number;
  readonly error_code: string | null;
  readonly error_stage: string | null;
  readonly error_message: string | null;
  readonly parent_execution_id: string | null;
  /** Who works on an open execution (JSON of the lease owner), and until when its lease runs. */
  readonly owner: string | null;
  readonly lease_expires_at: string | null;
}

const WEEK_SQL = `COALESCE(json_extract(params, '$.week_ending'), json_extract(result, '$.week_ending'))`;
const TIER_SQL = `COALESCE(json_extract(result, '$.tier'), json_extract(params, '$.tier'))`;

function whereOf(f: ExecutionFilter): { where: string[]; args: unknown[]; derived: boolean } {
  const where: string[] = [];
  const args: unknown[] = [];
  const add = (clause: string, value: unknown): void => {
    where.push(clause);
    args.push(value);
  };
  // `abandoned` is not stored: it is an open execution whose owner is gone (lease.ts), decided here.
  const derived = f.status === 'abandoned' || f.status === 'running' || f.status === 'pending';
  if (f.status === 'abandoned') where.push(`status IN ('pending', 'running')`);
  else if (f.status) add('status = ?', f.status);
  if (f.since) add('created_at >= ?', f.since);
  if (f.until) add('created_at < ?', f.until);
  if (f.pipeline) add('pipeline = ?', f.pipeline);
  if (f.week) add(`${WEEK_SQL} = ?`, f.week);
  if (f.tier) add(`${TIER_SQL} = ?`, f.tier);
  return { where, args, derived };
}

const LIST_COLUMNS = `id, pipeline, status, lane, backend, ${WEEK_SQL} AS week_ending, ${TIER_SQL} AS tier, created_at,
      CAST(ROUND((julianday(completed_at) - julianday(started_at)) * 86400000) AS INTEGER) AS duration_ms, attempts,
      error_code, error_stage, error_message, parent_execution_id, owner, lease_expires_at`;

/** Newest first; every filter is a bound parameter and `since`/`status` use the (status, created_at) index. */
export function listExecutions(db: Db, f: ExecutionFilter, now: Date = new Date()): ExecutionListItem[] {
  const { where, args, derived } = whereOf(f);
  const sql = `SELECT ${LIST_COLUMNS}
    FROM core_executions ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY created_at DESC, id DESC ${derived ? '' : 'LIMIT ?'}`;
  const rows = (db.prepare(sql).all(...args, ...(derived ? [] : [f.limit ?? 50])) as ExecutionListItem[]).map(
    withLiveness(now),
  );
  return derived ? rows.filter((r) => r.status === f.status).slice(0, f.limit ?? 50) : rows;
}

/** How many executions match the filter, ignoring its limit (for "N more not shown" footers). */
export function countExecutions(db: Db, f: ExecutionFilter, now: Date = new Date()): number {
  const { where, args, derived } = whereOf(f);
  if (derived) return listExecutions(db, { ...f, limit: Number.MAX_SAFE_INTEGER }, now).length;
  const sql = `SELECT COUNT(*) AS n FROM core_executions ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
  return (db.prepare(sql).get(...args) as { n: number }).n;
}

/** Shows an open execution whose owner is gone as `abandoned` (the stored status stays pending/running). */
export function withLiveness(now: Date) {
  return <T extends { status: string; backend: string; owner: string | null; lease_expires_at: string | null }>(
    row: T,
  ): T => (livenessOf(row, now) === 'abandoned' ? { ...row, status: 'abandoned' } : row);
}

/**
 * Resolves a full id or a unique prefix (at least 4 characters; tables print the first 8). An ambiguous
 * prefix lists the candidates with their pipeline, status and creation time.
 */
export function resolveExecutionId(db: Db, idOrPrefix: string): string {
  const text = idOrPrefix.trim();
  if (text.length < MIN_ID_FRAGMENT) throw idTooShort('Execution', text);
  const rows = db
    .prepare(`SELECT id, pipeline, status, created_at FROM core_executions WHERE id >= ? AND id < ? ORDER BY id`)
    .all(text, `${text}\uffff`) as { id: string; pipeline: string; status: string; created_at: string }[];
  const exact = rows.find((r) => r.id === text);
  if (exact) return exact.id;
  return pickOne(
    'Execution',
    text,
    rows.map((r) => ({ id: r.id, label: `${r.pipeline} ${r.status}, created ${r.created_at.slice(0, 19)}Z` })),
    'spine executions list',
  );
}

export interface EventRow {
  readonly id: number;
  readonly event_type: string;
  readonly at: string;
  readonly attempt: number;
  readonly stage: string | null;
  readonly step: string | null;
  readonly status: string | null;
  readonly payload: Record<string, unknown>;
  readonly error_type: string | null;
  readonly error_message: string | null;
  readonly rows_in: number | null;
  readonly rows_out: number | null;
  readonly capture_id: string | null;
}

export interface StageSummary {
  readonly stage: string;
  readonly status: 'completed' | 'skipped' | 'failed' | 'running';
  readonly attempts: number;
  readonly started_at: string;
  readonly ended_at: string | null;
  readonly duration_ms: number | null;
  readonly rows_in: number | null;
  readonly rows_out: number | null;
  readonly error: string | null;
}

export interface ExecutionDetail {
  readonly execution: ExecutionRecord;
  /** The status to show: the stored one, or `abandoned` for an open execution whose owner is gone. */
  readonly state: string;
  readonly duration_ms: number | null;
  readonly stages: StageSummary[];
  readonly errors: { stage: string | null; attempt: number; type: string | null; message: string | null; at: string }[];
  readonly captures_produced: { capture_id: string; status: string; week_ending: string; tier: string }[];
  readonly captures_consumed: string[];
  readonly children: ExecutionListItem[];
  readonly events: EventRow[];
}

export function eventsOf(db: Db, executionId: string, afterId = 0): EventRow[] {
  const rows = db
    .prepare(
      `SELECT id, event_type, at, attempt, stage, step, status, payload, error_type, error_message, rows_in, rows_out,
         capture_id FROM core_execution_events WHERE execution_id = ? AND id > ? ORDER BY id`,
    )
    .all(executionId, afterId) as (Omit<EventRow, 'payload'> & { payload: string })[];
  return rows.map((r) => ({ ...r, payload: JSON.parse(r.payload) as Record<string, unknown> }));
}

const ms = (a: string, b: string): number => new Date(b).getTime() - new Date(a).getTime();

/** Folds the event log into one line per stage (the last attempt wins; attempts counted). */
export function summarizeStages(events: readonly EventRow[]): StageSummary[] {
  const byStage = new Map<string, StageSummary>();
  for (const e of events) {
    if (!e.stage) continue;
    const prev = byStage.get(e.stage);
    if (e.event_type === 'stage_started') {
      byStage.set(e.stage, {
        stage: e.stage,
        status: 'running',
        attempts: e.attempt,
        started_at: prev?.started_at ?? e.at,
        ended_at: null,
        duration_ms: null,
        rows_in: null,
        rows_out: null,
        error: null,
      });
    } else if (prev && ['stage_completed', 'stage_skipped', 'failed', 'retrying'].includes(e.event_type)) {
      const status =
        e.event_type === 'stage_completed' ? 'completed' : e.event_type === 'stage_skipped' ? 'skipped' : 'failed';
      byStage.set(e.stage, {
        ...prev,
        status: e.event_type === 'retrying' ? 'running' : status,
        ended_at: e.at,
        duration_ms: ms(prev.started_at, e.at),
        rows_in: e.rows_in ?? prev.rows_in,
        rows_out: e.rows_out ?? prev.rows_out,
        error: e.error_message ?? prev.error,
      });
    }
  }
  return [...byStage.values()];
}

export function describeExecution(db: Db, idOrPrefix: string): ExecutionDetail {
  const id = resolveExecutionId(db, idOrPrefix);
  const row = db.prepare('SELECT * FROM core_executions WHERE id = ?').get(id) as ExecutionRow;
  const execution = toExecutionRecord(row);
  const events = eventsOf(db, id);
  const produced = db
    .prepare(
      `SELECT capture_id, status, week_ending, tier FROM core_captures WHERE execution_id = ? ORDER BY captured_at`,
    )
    .all(id) as ExecutionDetail['captures_produced'];
  const producedIds = new Set(produced.map((c) => c.capture_id));
  const consumed = [...new Set(events.map((e) => e.capture_id).filter((c): c is string => !!c && !producedIds.has(c)))];
  const children = db
    .prepare(
      `SELECT id, pipeline, status, lane, backend, ${WEEK_SQL} AS week_ending, ${TIER_SQL} AS tier, created_at,
         CAST(ROUND((julianday(completed_at) - julianday(started_at)) * 86400000) AS INTEGER) AS duration_ms, attempts,
         error_code, error_stage, error_message, parent_execution_id, owner, lease_expires_at
       FROM core_executions WHERE parent_execution_id = ? ORDER BY created_at`,
    )
    .all(id) as ExecutionListItem[];
  const now = new Date();
  return {
    execution,
    state: livenessOf(row, now) === 'abandoned' ? 'abandoned' : execution.status,
    duration_ms: execution.startedAt && execution.completedAt ? ms(execution.startedAt, execution.completedAt) : null,
    stages: summarizeStages(events),
    errors: events
      .filter((e) => e.error_message)
      .map((e) => ({ stage: e.stage, attempt: e.attempt, type: e.error_type, message: e.error_message, at: e.at })),
    captures_produced: produced,
    captures_consumed: consumed,
    children: children.map(withLiveness(now)),
    events,
  };
}

export interface PruneResult {
  readonly cutoff: string;
  readonly executions: number;
  readonly events: number;
  readonly dryRun: boolean;
}

/**
 * Deletes finished executions (and their events) created before `cutoff`; never a pending or running one,
 * nor one whose capture is still stored.
 */
export function pruneExecutions(db: Db, cutoff: string, dryRun: boolean): PruneResult {
  // Executions that produced a capture still on disk are kept: they are that capture's lineage.
  const scope = `FROM core_executions WHERE created_at < ? AND status NOT IN ('pending', 'running')
    AND id NOT IN (SELECT execution_id FROM core_captures WHERE status IN ('staged', 'published', 'failed'))`;
  // IMMEDIATE: it counts before it deletes, and a DEFERRED transaction that reads first cannot wait for
  // the write lock (SQLITE_BUSY at once while another connection writes).
  return db
    .transaction(() => {
      const executions = (db.prepare(`SELECT COUNT(*) AS n ${scope}`).get(cutoff) as { n: number }).n;
      const events = (
        db
          .prepare(`SELECT COUNT(*) AS n FROM core_execution_events WHERE execution_id IN (SELECT id ${scope})`)
          .get(cutoff) as { n: number }
      ).n;
      if (!dryRun) {
        db.prepare(`DELETE FROM core_execution_events WHERE execution_id IN (SELECT id ${scope})`).run(cutoff);
        db.prepare(
          `UPDATE core_executions SET parent_execution_id = NULL WHERE parent_execution_id IN (SELECT id ${scope})`,
        ).run(cutoff);
        db.prepare(`DELETE ${scope}`).run(cutoff);
      }
      return { cutoff, executions, events, dryRun };
    })
    .immediate();
}
