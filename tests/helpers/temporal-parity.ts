/** Row-level comparison of two databases, ignoring what legitimately differs between runs (ids, times, lineage). */
import type { Db } from '../../src/core/db/open-database.js';

const VOLATILE = /^(id|execution_id|batch_id|.*_at)$/;

/**
 * Every row of `table` without volatile columns (row ids, run ids, timestamps), as sorted JSON lines;
 * each of `runIds` (e.g. the run's capture id, which hashes its capture time) becomes `<id>` wherever it appears.
 */
export function tableSnapshot(db: Db, table: string, runIds: readonly string[] = []): string[] {
  const columns = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[])
    .map((c) => c.name)
    .filter((c) => !VOLATILE.test(c));
  return (db.prepare(`SELECT ${columns.join(', ')} FROM ${table}`).all() as Record<string, unknown>[])
    .map((r) => runIds.reduce((text, id) => text.split(id).join('<id>'), JSON.stringify(r)))
    .sort();
}

/** The event story of one execution: type, stage, step and attempt, in order. */
export function eventStory(db: Db, executionId: string): string[] {
  return (
    db
      .prepare('SELECT event_type, stage, step, attempt FROM core_execution_events WHERE execution_id = ? ORDER BY id')
      .all(executionId) as { event_type: string; stage: string | null; step: string | null; attempt: number }[]
  ).map((e) => [e.event_type, e.stage ?? '', e.step ?? '', e.attempt].join('|'));
}

export interface EventRow {
  readonly event_type: string;
  readonly stage: string | null;
  readonly attempt: number;
  readonly step: string | null;
  readonly error_type: string | null;
  readonly error_message: string | null;
  readonly payload: string;
}

export function eventsOf(db: Db, executionId: string, type?: string): EventRow[] {
  return (
    type
      ? db
          .prepare('SELECT * FROM core_execution_events WHERE execution_id = ? AND event_type = ? ORDER BY id')
          .all(executionId, type)
      : db.prepare('SELECT * FROM core_execution_events WHERE execution_id = ? ORDER BY id').all(executionId)
  ) as EventRow[];
}
