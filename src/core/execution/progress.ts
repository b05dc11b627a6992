/**
 * The live progress of one execution, read from SQLite (the source of truth for both backends): which
 * stage of how many, rows done of the rows expected, and for a fan-out run (backfill) how many of its
 * weeks are done, with the running child's own progress. `spine run`, `run --async --wait` and
 * `executions watch` all draw their progress display from this one read model.
 */
import type { Db } from '../db/open-database.js';
import { eventsOf } from './history.js';
import type { EventRow } from './history.js';

export interface StageProgress {
  readonly name: string;
  /** 1-based position among the pipeline's stages. */
  readonly index: number;
  readonly count: number;
  readonly attempt: number;
  readonly rowsDone: number | null;
  readonly rowsTotal: number | null;
}

export interface WeeksProgress {
  readonly done: number;
  readonly failed: number;
  readonly total: number;
}

export interface ProgressSnapshot {
  readonly executionId: string;
  readonly pipeline: string;
  /** pending, running, completed, failed or cancelled (as stored). */
  readonly status: string;
  /** When the execution was created (ISO): elapsed time is measured from here. */
  readonly createdAt: string;
  /** The week a run works on, when it names one (`week_ending` param). */
  readonly week: string | null;
  readonly stage: StageProgress | null;
  /** Fan-out runs only: their child executions, one per week. */
  readonly weeks: WeeksProgress | null;
  /** The child execution running now (fan-out runs). */
  readonly child: ProgressSnapshot | null;
  /** The last retry, e.g. `normalize attempt 1 failed, retrying in 1000 ms`, until the stage moves on. */
  readonly retry: string | null;
}

/** Expected data rows of a run's input (e.g. the line count of its file), for the first stage's total. */
export type RowsHint = (params: Readonly<Record<string, unknown>>) => number | undefined;

interface ExecutionRow {
  readonly id: string;
  readonly pipeline: string;
  readonly status: string;
  readonly created_at: string;
  readonly params: string;
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

/** What one execution's events say so far; fed incrementally. */
class ExecutionProgress {
  lastEventId = 0;
  stages: string[] = [];
  params: Record<string, unknown> = {};
  current: { name: string; attempt: number; rowsDone: number | null } | null = null;
  weeksPlanned: number | null = null;
  retry: string | null = null;

  apply(e: EventRow): void {
    switch (e.event_type) {
      case 'submitted':
        if (Array.isArray(e.payload['stages'])) this.stages = e.payload['stages'] as string[];
        if (e.payload['params'] && typeof e.payload['params'] === 'object')
          this.params = e.payload['params'] as Record<string, unknown>;
        break;
      case 'stage_started':
        if (e.stage && !this.stages.includes(e.stage)) this.stages.push(e.stage);
        this.current = { name: e.stage ?? '', attempt: e.attempt, rowsDone: null };
        this.retry = null;
        break;
      case 'progress': {
        const rows = e.payload['rows_in'];
        // The stage's own closing span repeats its totals; step spans report rows as they go.
        if (this.current && typeof rows === 'number' && !(e.step ?? '').startsWith('stage.')) {
          this.current.rowsDone = Math.max(this.current.rowsDone ?? 0, rows);
        }
        break;
      }
      case 'stage_completed':
      case 'stage_skipped':
        if (typeof e.payload['weeks_planned'] === 'number') this.weeksPlanned = e.payload['weeks_planned'];
        break;
      case 'retrying':
        this.retry = `${e.stage ?? ''} attempt ${e.attempt} failed, retrying in ${String(e.payload['delay_ms'] ?? '?')} ms`;
        break;
      default:
        break;
    }
  }

  stage(rowsHint: RowsHint | undefined): StageProgress | null {
    const c = this.current;
    if (!c) return null;
    const index = this.stages.indexOf(c.name);
    const first = index === 0;
    // The first stage reads the input (its total comes from the hint); later stages read what it loaded,
    // and say how many once a step has reported them.
    const total = first ? (rowsHint?.(this.params) ?? null) : c.rowsDone;
    return {
      name: c.name,
      index: index + 1,
      count: Math.max(this.stages.length, index + 1),
      attempt: c.attempt,
      rowsDone: c.rowsDone === null ? (first && total !== null ? 0 : null) : Math.min(c.rowsDone, total ?? c.rowsDone),
      rowsTotal: total,
    };
  }
}

/**
 * Follows one execution (and, for a fan-out run, its children) incrementally: each `poll()` reads only
 * the events written since the last one.
 */
export class ProgressTracker {
  readonly #db: Db;
  readonly #id: string;
  readonly #rowsHint: RowsHint | undefined;
  readonly #byId = new Map<string, ExecutionProgress>();

  constructor(db: Db, executionId: string, options: { rowsHint?: RowsHint } = {}) {
    this.#db = db;
    this.#id = executionId;
    this.#rowsHint = options.rowsHint;
  }

  get executionId(): string {
    return this.#id;
  }

  poll(): ProgressSnapshot | undefined {
    return this.#snapshot(this.#id, 0);
  }

  #snapshot(id: string, depth: number): ProgressSnapshot | undefined {
    const row = this.#db
      .prepare('SELECT id, pipeline, status, created_at, params FROM core_executions WHERE id = ?')
      .get(id) as ExecutionRow | undefined;
    if (!row) return undefined;
    let p = this.#byId.get(id);
    if (!p) {
      p = new ExecutionProgress();
      p.params = JSON.parse(row.params) as Record<string, unknown>;
      this.#byId.set(id, p);
    }
    for (const e of eventsOf(this.#db, id, p.lastEventId)) {
      p.lastEventId = e.id;
      p.apply(e);
    }
    const children =
      depth === 0
        ? (this.#db
            .prepare('SELECT id, status FROM core_executions WHERE parent_execution_id = ? ORDER BY created_at, id')
            .all(id) as { id: string; status: string }[])
        : [];
    const fanOut = children.length > 0 || p.weeksPlanned !== null;
    const running = children.find((c) => !TERMINAL.has(c.status));
    const week = p.params['week_ending'];
    return {
      executionId: id,
      pipeline: row.pipeline,
      status: row.status,
      createdAt: row.created_at,
      week: typeof week === 'string' ? week : null,
      stage: p.stage(this.#rowsHint),
      weeks: fanOut
        ? {
            done: children.filter((c) => c.status === 'completed').length,
            failed: children.filter((c) => c.status === 'failed' || c.status === 'cancelled').length,
            total: Math.max(p.weeksPlanned ?? 0, children.length),
          }
        : null,
      child: running && !TERMINAL.has(row.status) ? (this.#snapshot(running.id, depth + 1) ?? null) : null,
      retry: p.retry,
    };
  }
}
