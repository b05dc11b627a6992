import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../db/open-database.js';
import { ErrorCodes, SpineError } from '../errors.js';
import type { ExecutionRecord } from './execution-store.js';
import { ExecutionStore } from './execution-store.js';
import { eventsOf, resolveExecutionId } from './history.js';
import { livenessOf } from './lease.js';
import type { EventRow } from './history.js';

export interface FollowOptions {
  readonly intervalMs?: number;
  readonly timeoutMs?: number;
  readonly onLine?: (line: string) => void;
  /** Called after every poll (the live progress display redraws from SQLite here). */
  readonly onTick?: () => void;
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/** The execution being followed lost its owner (killed process): it will never end by itself. */
export class AbandonedError extends SpineError {
  constructor(readonly execution: ExecutionRecord) {
    super(
      ErrorCodes.EXECUTION_FAILED,
      `Execution ${execution.id} was abandoned: its owner is gone. Run the same request again to take it over, or \`spine executions cancel ${execution.id.slice(0, 8)}\``,
      { details: { execution_id: execution.id, abandoned: true } },
    );
    this.name = 'AbandonedError';
  }
}

function bar(done: number, total: number, width = 24): string {
  const filled = total > 0 ? Math.round((Math.min(done, total) / total) * width) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}

/** One human line per event: a stage progress bar, rows so far, retries and errors. */
export function describeEvent(e: EventRow, stageIndex: number, stageCount: number): string | undefined {
  const where = `${bar(stageIndex, stageCount)} ${e.stage ?? ''}`;
  switch (e.event_type) {
    case 'stage_started':
      return `${where} started${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}`;
    case 'progress': {
      const rows = e.payload['rows_in'] ?? e.payload['rows_out'];
      return rows !== undefined ? `${where} ${e.step ?? ''} rows=${String(rows)}` : undefined;
    }
    case 'stage_completed':
      return `${where} done${e.rows_out !== null ? ` rows_out=${e.rows_out}` : ''}`;
    case 'stage_skipped':
      return `${where} skipped: ${String(e.payload['reason'] ?? '')}`;
    case 'retrying':
      return `${where} retrying after attempt ${e.attempt} in ${String(e.payload['delay_ms'])} ms: ${e.error_message ?? ''}`;
    case 'failed':
    case 'dead_lettered':
      return `${where} ${e.event_type}: ${e.error_message ?? ''}`;
    default:
      return undefined;
  }
}

/**
 * Polls SQLite (the source of truth for both backends) until the execution reaches a terminal status,
 * reporting each new event as it appears. Returns the final record.
 */
export async function followExecution(
  db: Db,
  idOrPrefix: string,
  options: FollowOptions = {},
): Promise<ExecutionRecord> {
  const id = resolveExecutionId(db, idOrPrefix);
  const store = new ExecutionStore(db);
  const started = Date.now();
  let lastEventId = 0;
  const stages: string[] = [];
  const weeks = new WeekLines(db, id);
  for (;;) {
    // Read the status before the events: every event written before the run ended is printed, the last
    // one (often the failure) included, before the watch returns.
    const record = store.get(id) as ExecutionRecord;
    for (const e of eventsOf(db, id, lastEventId)) {
      lastEventId = e.id;
      if (e.event_type === 'submitted' && Array.isArray(e.payload['stages']))
        stages.push(...(e.payload['stages'] as string[]));
      if (e.stage && !stages.includes(e.stage)) stages.push(e.stage);
      const idx = e.stage
        ? stages.indexOf(e.stage) + (e.event_type === 'stage_completed' || e.event_type === 'stage_skipped' ? 1 : 0)
        : 0;
      const line = describeEvent(e, idx, Math.max(stages.length, idx));
      if (line) options.onLine?.(line);
    }
    if (options.onLine) for (const line of weeks.poll()) options.onLine(line);
    options.onTick?.();
    if (TERMINAL.has(record.status)) return record;
    const row = {
      status: record.status,
      backend: record.backend,
      owner: record.owner ? JSON.stringify(record.owner) : null,
      lease_expires_at: record.leaseExpiresAt,
    };
    if (livenessOf(row, new Date()) === 'abandoned') throw new AbandonedError(record);
    if (options.timeoutMs !== undefined && Date.now() - started > options.timeoutMs) {
      throw new SpineError(
        ErrorCodes.EXECUTION_FAILED,
        `Gave up watching ${id} after ${options.timeoutMs} ms (still ${record.status})`,
      );
    }
    await sleep(options.intervalMs ?? 500);
  }
}

/**
 * For a fan-out run (backfill): one line per child as it ends, counted in weeks
 * (`week 2025-12-12 completed (1/2 weeks)`), since the parent's own two stages say little.
 */
class WeekLines {
  readonly #db: Db;
  readonly #id: string;
  readonly #reported = new Set<string>();

  constructor(db: Db, id: string) {
    this.#db = db;
    this.#id = id;
  }

  poll(): string[] {
    const children = this.#db
      .prepare(
        `SELECT id, status, json_extract(params, '$.week_ending') AS week FROM core_executions
         WHERE parent_execution_id = ? ORDER BY created_at, id`,
      )
      .all(this.#id) as { id: string; status: string; week: string | null }[];
    const planned = this.#db
      .prepare(
        `SELECT json_extract(payload, '$.weeks_planned') AS n FROM core_execution_events
         WHERE execution_id = ? AND event_type = 'stage_completed' ORDER BY id DESC LIMIT 1`,
      )
      .get(this.#id) as { n: number | null } | undefined;
    const total = Math.max(planned?.n ?? 0, children.length);
    const lines: string[] = [];
    for (const c of children) {
      if (!TERMINAL.has(c.status) || this.#reported.has(c.id)) continue;
      this.#reported.add(c.id);
      lines.push(`week ${c.week ?? c.id.slice(0, 8)} ${c.status} (${this.#reported.size}/${total} weeks)`);
    }
    return lines;
  }
}
