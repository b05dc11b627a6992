import { formatUtc } from '../../../core/clock.js';
import type { Db } from '../../../core/db/open-database.js';
import { OTC_DOMAIN } from '../constants.js';

export interface RejectRow {
  readonly stage: 'INGEST' | 'NORMALIZE';
  readonly reasonCode: string;
  readonly detail: string;
  readonly raw: unknown;
  readonly recordKey: string | null;
  readonly sourceLocator: string | null;
  readonly line: number | null;
}

export interface RejectScope {
  readonly partitionKey: string;
  readonly captureId: string;
  readonly executionId: string;
  readonly batchId: string;
  readonly now: Date;
}

/** Writes core_rejects rows: every reject names its file (source_locator), line and rule (reason_code). */
export function writeRejects(db: Db, scope: RejectScope, rows: readonly RejectRow[]): void {
  if (rows.length === 0) return;
  const insert = db.prepare(
    `INSERT INTO core_rejects (domain, partition_key, stage, reason_code, reason_detail, raw_json, record_key,
       source_locator, line_number, capture_id, execution_id, batch_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const createdAt = formatUtc(scope.now);
  for (const r of rows) {
    insert.run(
      OTC_DOMAIN,
      scope.partitionKey,
      r.stage,
      r.reasonCode,
      r.detail,
      JSON.stringify(r.raw, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
      r.recordKey,
      r.sourceLocator,
      r.line,
      scope.captureId,
      scope.executionId,
      scope.batchId,
      createdAt,
    );
  }
}
