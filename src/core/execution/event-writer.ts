import type { ExecutionEvent } from '../../contracts/events.js';
import { formatUtc, systemClock } from '../clock.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/open-database.js';
import type { Statement } from 'better-sqlite3';

/**
 * Appends lifecycle events to core_execution_events. The idempotency key is derived from the event's
 * identity (execution, type, stage, attempt, span), so a retried write — an activity retry, a mirror
 * re-sent after a crash — is a no-op instead of a duplicate.
 */
export type EventListener = (executionId: string, event: ExecutionEvent) => void;

export class EventWriter {
  readonly #insert: Statement;
  readonly #clock: Clock;
  readonly #listeners = new Set<EventListener>();

  constructor(db: Db, clock: Clock = systemClock) {
    this.#clock = clock;
    this.#insert = db.prepare(
      `INSERT INTO core_execution_events (execution_id, event_type, at, attempt, stage, step, status, payload,
         error_type, error_message, error_stack, rows_in, rows_out, capture_id, idempotency_key)
       VALUES (@execution_id, @event_type, @at, @attempt, @stage, @step, @status, @payload, @error_type,
         @error_message, @error_stack, @rows_in, @rows_out, @capture_id, @idempotency_key)
       ON CONFLICT (idempotency_key) DO NOTHING`,
    );
  }

  /** Returns true when the event was new. */
  write(executionId: string, event: ExecutionEvent): boolean {
    const attempt = event.attempt ?? 1;
    const step = event.type === 'progress' ? event.step : null;
    const error = 'error' in event ? event.error : undefined;
    const payload: Record<string, unknown> = { ...event.payload };
    if (event.type === 'retrying') payload['delay_ms'] = event.delayMs;
    const key = [
      executionId,
      event.type,
      event.stage ?? '',
      attempt,
      event.type === 'progress' ? event.spanId : '',
    ].join('|');
    const info = this.#insert.run({
      execution_id: executionId,
      event_type: event.type,
      at: formatUtc(this.#clock.now()),
      attempt,
      stage: event.stage ?? null,
      step,
      status: statusOf(event),
      payload: JSON.stringify(payload),
      error_type: error?.type ?? null,
      error_message: error?.message ?? null,
      error_stack: error?.stack ?? null,
      rows_in: event.type === 'stage_completed' ? (event.rowsIn ?? null) : null,
      rows_out: event.type === 'stage_completed' ? (event.rowsOut ?? null) : null,
      capture_id: 'captureId' in event ? (event.captureId ?? null) : null,
      idempotency_key: key,
    });
    if (info.changes > 0) for (const listener of this.#listeners) notify(listener, executionId, event);
    return info.changes > 0;
  }

  /**
   * Observes the events this process writes, synchronously after each new one (the CLI's live progress
   * display updates even while a stage keeps the event loop busy). Returns the unsubscribe function.
   */
  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** An observer never breaks the run it observes. */
function notify(listener: EventListener, executionId: string, event: ExecutionEvent): void {
  try {
    listener(executionId, event);
  } catch {
    // Display only.
  }
}

function statusOf(event: ExecutionEvent): string {
  switch (event.type) {
    case 'submitted':
      return 'pending';
    case 'completed':
      return 'completed';
    case 'failed':
      return 'failed';
    case 'dead_lettered':
      return 'dead_lettered';
    case 'cancelled':
      return 'cancelled';
    default:
      return 'running';
  }
}
