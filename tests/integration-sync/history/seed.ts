/**
 * Rows written straight into a migrated temp database, for history tests that need executions at
 * controlled created_at values (filters, --since windows, prune boundaries).
 */
import type { Db } from '../../../src/core/db/open-database.js';

export interface SeedExecution {
  readonly id: string;
  readonly pipeline: string;
  readonly status: 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';
  readonly createdAt: string;
  readonly params?: Record<string, unknown>;
  readonly result?: Record<string, unknown>;
  readonly parentId?: string;
  readonly errorCode?: string;
  readonly errorStage?: string;
  /** When it started and finished; both default to createdAt (started unless pending, finished if terminal). */
  readonly startedAt?: string | null;
  readonly completedAt?: string | null;
  readonly backend?: 'sync' | 'temporal';
  readonly attempts?: number;
  /** The lease owner (JSON-encoded into `owner`) and its expiry. */
  readonly owner?: Record<string, unknown>;
  readonly leaseExpiresAt?: string;
}

export function insertExecution(db: Db, e: SeedExecution): void {
  const finished = e.status === 'completed' || e.status === 'failed' || e.status === 'cancelled';
  db.prepare(
    `INSERT INTO core_executions (id, pipeline, params, status, parent_execution_id, attempts, created_at, started_at,
       completed_at, error_code, error_stage, error_message, result, backend, owner, lease_expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    e.id,
    e.pipeline,
    JSON.stringify(e.params ?? {}),
    e.status,
    e.parentId ?? null,
    e.attempts ?? 1,
    e.createdAt,
    e.startedAt !== undefined ? e.startedAt : e.status === 'pending' ? null : e.createdAt,
    e.completedAt !== undefined ? e.completedAt : finished ? e.createdAt : null,
    e.errorCode ?? null,
    e.errorStage ?? null,
    e.errorCode ? `seeded ${e.errorCode}` : null,
    e.result ? JSON.stringify(e.result) : null,
    e.backend ?? 'sync',
    e.owner ? JSON.stringify(e.owner) : null,
    e.leaseExpiresAt ?? null,
  );
}

/** One event row; the idempotency key only has to be unique. */
export function insertEvent(
  db: Db,
  executionId: string,
  eventType: string,
  at: string,
  extra: { stage?: string; attempt?: number; captureId?: string } = {},
): void {
  db.prepare(
    `INSERT INTO core_execution_events (execution_id, event_type, at, attempt, stage, capture_id, idempotency_key)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    executionId,
    eventType,
    at,
    extra.attempt ?? 1,
    extra.stage ?? null,
    extra.captureId ?? null,
    `${executionId}|${eventType}|${extra.stage ?? ''}|${extra.attempt ?? 1}|seed`,
  );
}

export const count = (db: Db, sql: string, ...args: unknown[]): number =>
  (db.prepare(sql).get(...args) as { n: number }).n;

/** ISO instant `ms` before `now`. */
export const ago = (now: Date, ms: number): string => new Date(now.getTime() - ms).toISOString();

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
