import { formatUtc } from '../../../core/clock.js';
import type { StageContext } from '../../../core/pipeline/types.js';
import { OTC_DOMAIN } from '../constants.js';

export interface QualityRow {
  readonly checkName: string;
  readonly category: 'INTEGRITY' | 'COMPLETENESS' | 'BUSINESS_RULE';
  readonly status: 'PASS' | 'WARN' | 'FAIL';
  readonly message: string;
  readonly actual?: unknown;
  readonly expected?: unknown;
  readonly details?: unknown;
}

/** Replaces the capture's rows for these checks (re-running a check never duplicates it). */
export function writeQuality(
  ctx: Pick<StageContext, 'db' | 'clock' | 'execution'>,
  partitionKey: string,
  captureId: string,
  rows: readonly QualityRow[],
): void {
  const del = ctx.db.prepare('DELETE FROM core_quality WHERE capture_id = ? AND check_name = ?');
  const insert = ctx.db.prepare(
    `INSERT INTO core_quality (domain, partition_key, capture_id, check_name, category, status, message, actual_value,
       expected_value, details_json, execution_id, batch_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const now = formatUtc(ctx.clock.now());
  const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));
  ctx.db.transaction(() => {
    for (const r of rows) {
      del.run(captureId, r.checkName);
      insert.run(
        OTC_DOMAIN,
        partitionKey,
        captureId,
        r.checkName,
        r.category,
        r.status,
        r.message,
        json(r.actual),
        json(r.expected),
        json(r.details),
        ctx.execution.executionId,
        ctx.execution.batchId,
        now,
      );
    }
  })();
}
