import type { Db } from '../../../core/db/open-database.js';

/** A capture a derived dataset was computed from (one core_derived_inputs row). */
export interface DerivedInput {
  readonly capture_id: string;
  readonly week_ending: string;
  readonly tier: string;
}

/**
 * Records the inputs of one derived dataset of a capture (migration 071), replacing what was recorded
 * before. Call it inside the transaction that writes the dataset's rows, so rows and inputs commit together.
 */
export function recordDerivedInputs(
  db: Db,
  captureId: string,
  dataset: string,
  inputs: readonly DerivedInput[],
  recordedAt: string,
): void {
  db.prepare('DELETE FROM core_derived_inputs WHERE capture_id = ? AND dataset = ?').run(captureId, dataset);
  const insert = db.prepare(
    `INSERT OR IGNORE INTO core_derived_inputs
       (capture_id, dataset, input_capture_id, input_week_ending, input_tier, recorded_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  for (const i of inputs) insert.run(captureId, dataset, i.capture_id, i.week_ending, i.tier, recordedAt);
}

/**
 * Copies the recorded inputs of `datasets` from capture `from` to capture `to` (a recompute capture that
 * carries those datasets unchanged). An input that was `from` itself becomes `to`.
 */
export function copyDerivedInputs(db: Db, from: string, to: string, datasets: readonly string[]): number {
  return db
    .prepare(
      `INSERT OR IGNORE INTO core_derived_inputs
         (capture_id, dataset, input_capture_id, input_week_ending, input_tier, recorded_at)
       SELECT @to, dataset, CASE WHEN input_capture_id = @from THEN @to ELSE input_capture_id END,
         input_week_ending, input_tier, recorded_at
       FROM core_derived_inputs
       WHERE capture_id = @from AND dataset IN (SELECT value FROM json_each(@datasets))`,
    )
    .run({ from, to, datasets: JSON.stringify(datasets) }).changes;
}

/** The inputs recorded for one dataset of a capture, by input week then tier. */
export function derivedInputsOf(db: Db, captureId: string, dataset: string): DerivedInput[] {
  return db
    .prepare(
      `SELECT input_capture_id AS capture_id, input_week_ending AS week_ending, input_tier AS tier
       FROM core_derived_inputs WHERE capture_id = ? AND dataset = ? ORDER BY input_week_ending, input_tier`,
    )
    .all(captureId, dataset) as DerivedInput[];
}
