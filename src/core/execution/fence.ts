import type { Db } from '../db/open-database.js';
import { ErrorCodes, SpineError } from '../errors.js';

/**
 * Thrown inside a write transaction by an attempt that no longer owns its execution: a newer attempt
 * started (Temporal retried after a heartbeat timeout), the run was cancelled, or another run took it
 * over. The transaction rolls back, so the stale attempt changes nothing; it is never retried.
 */
export class FencedError extends SpineError {
  constructor(executionId: string, why: string) {
    super(
      ErrorCodes.FENCED,
      `Execution ${executionId}: this attempt no longer owns the run (${why}); nothing was written`,
      {
        nonRetryable: true,
        details: { execution_id: executionId },
      },
    );
    this.name = 'FencedError';
  }
}

/**
 * The fence check: call it inside the transaction that publishes, replaces or deletes, so the check and
 * the write commit together. `fence` is what `ExecutionStore.beginAttempt` returned to this attempt.
 */
export function assertFence(db: Db, executionId: string, fence: number): void {
  const row = db.prepare('SELECT fence, status FROM core_executions WHERE id = ?').get(executionId) as
    { fence: number; status: string } | undefined;
  if (!row) throw new FencedError(executionId, 'the execution is gone');
  if (row.status !== 'running' && row.status !== 'pending') throw new FencedError(executionId, `it is ${row.status}`);
  if (row.fence !== fence) throw new FencedError(executionId, `attempt fence ${fence} was superseded by ${row.fence}`);
}

/** A fence that never trips: for code run outside an execution (tests of a single stage, tools). */
export const NO_FENCE = (): void => undefined;
