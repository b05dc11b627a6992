import type { EventError } from '../../contracts/events.js';
import { formatUtc, systemClock } from '../clock.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/open-database.js';
import { idNotFound, idTooShort, MIN_ID_FRAGMENT, pickOne } from '../id-prefix.js';
import type { ExecutionRecord } from './execution-store.js';

export interface DeadLetterInput {
  readonly execution: Pick<ExecutionRecord, 'id' | 'pipeline' | 'params'>;
  readonly stage: string;
  readonly error: EventError;
  readonly attempts: number;
}

export interface DeadLetter {
  readonly id: number;
  readonly execution_id: string;
  readonly pipeline: string;
  readonly stage: string;
  readonly params: Record<string, unknown>;
  readonly error_type: string;
  readonly error_message: string;
  readonly attempts: number;
  readonly first_failure_at: string;
  readonly last_failure_at: string;
  readonly status: 'open' | 'replayed' | 'discarded';
  readonly replayed_execution_id: string | null;
  readonly resolved_at: string | null;
}

/** Where exhausted executions go. Recording is idempotent per (execution, stage). */
export interface DeadLetterSink {
  record(input: DeadLetterInput): Promise<number>;
}

type Row = Omit<DeadLetter, 'params'> & { params: string };
const toDeadLetter = (r: Row): DeadLetter => ({ ...r, params: JSON.parse(r.params) as Record<string, unknown> });

export class DeadLetterStore implements DeadLetterSink {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #onRecorded: ((dl: DeadLetter) => void | Promise<void>) | undefined;

  constructor(db: Db, clock: Clock = systemClock, onRecorded?: (dl: DeadLetter) => void | Promise<void>) {
    this.#db = db;
    this.#clock = clock;
    this.#onRecorded = onRecorded;
  }

  async record(input: DeadLetterInput): Promise<number> {
    const now = formatUtc(this.#clock.now());
    const first = this.#db
      .prepare(
        `SELECT MIN(at) AS at FROM core_execution_events
         WHERE execution_id = ? AND stage = ? AND event_type IN ('retrying', 'failed')`,
      )
      .get(input.execution.id, input.stage) as { at: string | null };
    const info = this.#db
      .prepare(
        `INSERT INTO core_dead_letters (execution_id, pipeline, stage, params, error_type, error_message, attempts,
           first_failure_at, last_failure_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (execution_id, stage) DO NOTHING`,
      )
      .run(
        input.execution.id,
        input.execution.pipeline,
        input.stage,
        JSON.stringify(input.execution.params),
        input.error.type,
        input.error.message,
        input.attempts,
        first.at ?? now,
        now,
      );
    const row = this.#db
      .prepare('SELECT * FROM core_dead_letters WHERE execution_id = ? AND stage = ?')
      .get(input.execution.id, input.stage) as Row;
    // Alert only when the row is new: a retried mirror must not page anyone twice.
    if (info.changes > 0) await this.#onRecorded?.(toDeadLetter(row));
    return row.id;
  }

  list(status?: DeadLetter['status'], limit = 100): DeadLetter[] {
    const rows = (
      status
        ? this.#db
            .prepare('SELECT * FROM core_dead_letters WHERE status = ? ORDER BY id DESC LIMIT ?')
            .all(status, limit)
        : this.#db.prepare('SELECT * FROM core_dead_letters ORDER BY id DESC LIMIT ?').all(limit)
    ) as Row[];
    return rows.map(toDeadLetter);
  }

  get(id: number): DeadLetter | undefined {
    const row = this.#db.prepare('SELECT * FROM core_dead_letters WHERE id = ?').get(id) as Row | undefined;
    return row ? toDeadLetter(row) : undefined;
  }

  resolve(id: number, status: 'replayed' | 'discarded', replayedExecutionId?: string): void {
    this.#db
      .prepare(
        `UPDATE core_dead_letters SET status = ?, replayed_execution_id = ?, resolved_at = ? WHERE id = ? AND status = 'open'`,
      )
      .run(status, replayedExecutionId ?? null, formatUtc(this.#clock.now()), id);
  }
}

/**
 * A dead letter as a user names it: its number (`3` or `#3`, as `spine dlq list` prints it), or the id (a
 * unique prefix, e.g. the 8 characters tables print) of the execution that was dead-lettered.
 */
export function resolveDeadLetterId(db: Db, typed: string): number {
  const text = typed.trim().replace(/^#/, '');
  if (/^\d+$/.test(text)) {
    const row = db.prepare('SELECT id FROM core_dead_letters WHERE id = ?').get(Number(text)) as
      { id: number } | undefined;
    if (!row) throw idNotFound('Dead letter', typed, 'spine dlq list --status all');
    return row.id;
  }
  if (text.length < MIN_ID_FRAGMENT) throw idTooShort('Dead letter', text);
  const rows = db
    .prepare(
      `SELECT id, execution_id, pipeline, stage, status FROM core_dead_letters
       WHERE execution_id >= ? AND execution_id < ? ORDER BY id DESC`,
    )
    .all(text, `${text}\uffff`) as {
    id: number;
    execution_id: string;
    pipeline: string;
    stage: string;
    status: string;
  }[];
  return Number(
    pickOne(
      'Dead letter',
      text,
      rows.map((r) => ({
        id: String(r.id),
        label: `execution ${r.execution_id.slice(0, 8)} ${r.pipeline} stage ${r.stage} (${r.status})`,
      })),
      'spine dlq list --status all',
    ),
  );
}
