import type { BackendName, ExecutionStatus, JsonObject, Lane, TriggerSource } from '../../contracts/execution.js';
import { formatUtc, systemClock } from '../clock.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/open-database.js';
import { ErrorCodes, SpineError } from '../errors.js';
import { leaseExpiry, parseOwner } from './lease.js';
import type { LeaseOwner } from './lease.js';

export interface ExecutionRecord {
  readonly id: string;
  readonly pipeline: string;
  readonly params: Record<string, unknown>;
  readonly lane: Lane;
  readonly backend: BackendName;
  readonly triggerSource: TriggerSource;
  readonly logicalKey: string | null;
  readonly status: ExecutionStatus;
  readonly parentExecutionId: string | null;
  readonly batchId: string | null;
  readonly workflowId: string | null;
  readonly attempts: number;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly errorStage: string | null;
  readonly result: JsonObject | null;
  /** Lease columns (migration 050): who works on it, until when, the attempt fence, a pending cancel. */
  readonly owner: LeaseOwner | null;
  readonly leaseExpiresAt: string | null;
  readonly fence: number;
  readonly cancelRequestedAt: string | null;
}

export interface NewExecution {
  readonly id: string;
  readonly pipeline: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly lane: Lane;
  readonly backend: BackendName;
  readonly triggerSource: TriggerSource;
  readonly logicalKey?: string | undefined;
  readonly parentExecutionId?: string | undefined;
  readonly batchId: string;
  /** The process that will work on it (sync runs); a Temporal run gets its owner from the worker. */
  readonly owner?: LeaseOwner | undefined;
}

export interface ExecutionRow {
  id: string;
  pipeline: string;
  params: string;
  lane: Lane;
  backend: BackendName;
  trigger_source: TriggerSource;
  logical_key: string | null;
  status: ExecutionStatus;
  parent_execution_id: string | null;
  batch_id: string | null;
  workflow_id: string | null;
  attempts: number;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  error_code: string | null;
  error_message: string | null;
  error_stage: string | null;
  result: string | null;
  owner: string | null;
  lease_expires_at: string | null;
  fence: number;
  cancel_requested_at: string | null;
}

export function toExecutionRecord(r: ExecutionRow): ExecutionRecord {
  return {
    id: r.id,
    pipeline: r.pipeline,
    params: JSON.parse(r.params) as Record<string, unknown>,
    lane: r.lane,
    backend: r.backend,
    triggerSource: r.trigger_source,
    logicalKey: r.logical_key,
    status: r.status,
    parentExecutionId: r.parent_execution_id,
    batchId: r.batch_id,
    workflowId: r.workflow_id,
    attempts: r.attempts,
    createdAt: r.created_at,
    startedAt: r.started_at,
    completedAt: r.completed_at,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    errorStage: r.error_stage,
    result: r.result ? (JSON.parse(r.result) as JsonObject) : null,
    owner: parseOwner(r.owner ?? null),
    leaseExpiresAt: r.lease_expires_at ?? null,
    fence: r.fence ?? 0,
    cancelRequestedAt: r.cancel_requested_at ?? null,
  };
}

/** The current state of each execution (core_executions); the events table holds its history. */
export class ExecutionStore {
  readonly #db: Db;
  readonly #clock: Clock;

  constructor(db: Db, clock: Clock = systemClock) {
    this.#db = db;
    this.#clock = clock;
  }

  get db(): Db {
    return this.#db;
  }

  create(e: NewExecution): ExecutionRecord {
    this.#db
      .prepare(
        `INSERT INTO core_executions (id, pipeline, params, lane, backend, trigger_source, logical_key, status,
           parent_execution_id, batch_id, created_at, owner, lease_expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)`,
      )
      .run(
        e.id,
        e.pipeline,
        JSON.stringify(e.params),
        e.lane,
        e.backend,
        e.triggerSource,
        e.logicalKey ?? null,
        e.parentExecutionId ?? null,
        e.batchId,
        formatUtc(this.#clock.now()),
        e.owner ? JSON.stringify(e.owner) : null,
        e.owner ? leaseExpiry(this.#clock.now()) : null,
      );
    return this.get(e.id) as ExecutionRecord;
  }

  markRunning(id: string, attempts = 1): void {
    this.#db
      .prepare(
        `UPDATE core_executions SET status = 'running', started_at = COALESCE(started_at, ?), attempts = MAX(attempts, ?)
         WHERE id = ? AND status IN ('pending', 'running')`,
      )
      .run(formatUtc(this.#clock.now()), attempts, id);
  }

  setWorkflowId(id: string, workflowId: string): void {
    this.#db.prepare('UPDATE core_executions SET workflow_id = ? WHERE id = ?').run(workflowId, id);
  }

  bumpAttempts(id: string, attempts: number): void {
    this.#db.prepare('UPDATE core_executions SET attempts = MAX(attempts, ?) WHERE id = ?').run(attempts, id);
  }

  finish(
    id: string,
    status: Exclude<ExecutionStatus, 'pending' | 'running'>,
    outcome: { result?: JsonObject; errorCode?: string; errorMessage?: string; errorStage?: string } = {},
  ): boolean {
    // Only an open execution can finish: a stale attempt never overwrites a cancel or a takeover.
    const info = this.#db
      .prepare(
        `UPDATE core_executions SET status = ?, completed_at = ?, result = ?, error_code = ?, error_message = ?,
           error_stage = ?, lease_expires_at = NULL WHERE id = ? AND status IN ('pending', 'running')`,
      )
      .run(
        status,
        formatUtc(this.#clock.now()),
        outcome.result ? JSON.stringify(outcome.result) : null,
        outcome.errorCode ?? null,
        outcome.errorMessage ?? null,
        outcome.errorStage ?? null,
        id,
      );
    return info.changes > 0;
  }

  /**
   * A new stage attempt takes the execution: it becomes the owner, renews the lease and bumps the fence.
   * Returns the attempt's fence; writes that publish or delete check it (`assertFence`).
   */
  beginAttempt(id: string, owner: LeaseOwner, ttlMs?: number): number {
    const row = this.#db
      .prepare(
        `UPDATE core_executions SET fence = fence + 1, owner = ?, lease_expires_at = ? WHERE id = ? RETURNING fence`,
      )
      .get(JSON.stringify(owner), leaseExpiry(this.#clock.now(), ttlMs), id) as { fence: number } | undefined;
    if (!row) throw new SpineError(ErrorCodes.NOT_FOUND, `Execution ${id} not found`);
    return row.fence;
  }

  /** Extends the lease of an open execution; false when it is no longer open (finished, cancelled, taken over). */
  renewLease(id: string, ttlMs?: number): boolean {
    return (
      this.#db
        .prepare(`UPDATE core_executions SET lease_expires_at = ? WHERE id = ? AND status IN ('pending', 'running')`)
        .run(leaseExpiry(this.#clock.now(), ttlMs), id).changes > 0
    );
  }

  /** `spine executions cancel` of a running sync execution: its owner sees this at its next step. */
  requestCancel(id: string): void {
    this.#db
      .prepare(
        `UPDATE core_executions SET cancel_requested_at = COALESCE(cancel_requested_at, ?) WHERE id = ?
           AND status IN ('pending', 'running')`,
      )
      .run(formatUtc(this.#clock.now()), id);
  }

  get(id: string): ExecutionRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM core_executions WHERE id = ?').get(id) as ExecutionRow | undefined;
    return row ? toExecutionRecord(row) : undefined;
  }
}
