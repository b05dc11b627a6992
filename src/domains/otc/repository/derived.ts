import type { Db } from '../../../core/db/open-database.js';
import type { Lineage } from '../stages/otc-stage-context.js';

/**
 * Prepared bulk insert into a capture-scoped table. Lineage columns (capture_id, captured_at,
 * source_last_update_date, execution_id, batch_id) are appended to every row, so no writer can forget them.
 */
export class LineageInsert {
  readonly #run: (values: unknown[]) => void;
  readonly #lineage: readonly unknown[];

  constructor(db: Db, table: string, columns: readonly string[], lineage: Lineage, auditColumn: string, now: string) {
    const all = [
      ...columns,
      auditColumn,
      'capture_id',
      'captured_at',
      'source_last_update_date',
      'execution_id',
      'batch_id',
    ];
    const stmt = db.prepare(`INSERT INTO ${table} (${all.join(', ')}) VALUES (${all.map(() => '?').join(', ')})`);
    this.#lineage = [
      now,
      lineage.captureId,
      lineage.capturedAt,
      lineage.sourceLastUpdateDate,
      lineage.executionId,
      lineage.batchId,
    ];
    this.#run = (values) => void stmt.run(...values, ...this.#lineage);
  }

  insert(values: unknown[]): void {
    this.#run(values);
  }
}

/** Delete-and-insert idempotency (domain-spec §12, L3): a stage first clears its own rows of the capture. */
export function clearCapture(db: Db, table: string, captureId: string): number {
  return db.prepare(`DELETE FROM ${table} WHERE capture_id = ?`).run(captureId).changes;
}

export function countCapture(db: Db, table: string, captureId: string): number {
  return (db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE capture_id = ?`).get(captureId) as { n: number }).n;
}
