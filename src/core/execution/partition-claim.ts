import type { Clock } from '../clock.js';
import type { Db } from '../db/open-database.js';
import type { EventWriter } from './event-writer.js';
import type { ExecutionRecord, ExecutionRow, ExecutionStore, NewExecution } from './execution-store.js';
import { toExecutionRecord } from './execution-store.js';
import { livenessOf } from './lease.js';

export type ClaimResult =
  | { readonly kind: 'claimed'; readonly execution: ExecutionRecord; readonly tookOver: readonly string[] }
  | { readonly kind: 'attached'; readonly owner: ExecutionRecord; readonly duplicate: ExecutionRecord };

/**
 * One run per partition (docs/temporal.md "One run per partition"). In one IMMEDIATE transaction —
 * SQLite serialises those across processes, so two submits can never both see "nobody is running" —
 * it looks for an open execution with the same logical key:
 * - alive: the new submission attaches. It is recorded as `cancelled` with `attached_to`, and the caller
 *   follows the owner and reports the owner's outcome;
 * - abandoned (owner gone): it is closed as failed ABANDONED and the new execution takes the partition;
 * - none: the new execution is recorded and owns the partition.
 * Fan-out children (with a parent) run under their parent's claim and are recorded directly.
 */
export function claimPartition(
  db: Db,
  store: ExecutionStore,
  events: EventWriter,
  clock: Clock,
  execution: NewExecution,
  submitted: (id: string) => void,
): ClaimResult {
  return db
    .transaction((): ClaimResult => {
      const tookOver: string[] = [];
      if (execution.logicalKey && !execution.parentExecutionId) {
        const open = (
          db
            .prepare(
              `SELECT * FROM core_executions WHERE logical_key = ? AND status IN ('pending', 'running')
                 AND parent_execution_id IS NULL ORDER BY created_at, id`,
            )
            .all(execution.logicalKey) as ExecutionRow[]
        ).map(toExecutionRecord);
        for (const other of open) {
          const row = {
            status: other.status,
            backend: other.backend,
            owner: other.owner ? JSON.stringify(other.owner) : null,
            lease_expires_at: other.leaseExpiresAt,
          };
          if (livenessOf(row, clock.now()) === 'alive') {
            const duplicate = store.create(execution);
            submitted(duplicate.id);
            events.write(duplicate.id, {
              type: 'cancelled',
              payload: { reason: 'attached', attached_to: other.id, logical_key: execution.logicalKey },
            });
            store.finish(duplicate.id, 'cancelled', { result: { attached_to: other.id } });
            return { kind: 'attached', owner: other, duplicate: store.get(duplicate.id) as ExecutionRecord };
          }
          abandon(store, events, other, execution.id);
          tookOver.push(other.id);
        }
      }
      const created = store.create(execution);
      submitted(created.id);
      return { kind: 'claimed', execution: created, tookOver };
    })
    .immediate();
}

/** Closes an execution whose owner is gone, naming who took the partition over. */
function abandon(store: ExecutionStore, events: EventWriter, e: ExecutionRecord, takenOverBy: string): void {
  const owner = e.owner ? `${e.owner.kind} pid ${e.owner.pid} on ${e.owner.host}` : 'no recorded owner';
  const message = `Abandoned: its owner (${owner}) stopped renewing the lease; taken over by ${takenOverBy}`;
  events.write(e.id, {
    type: 'failed',
    error: { type: 'ABANDONED', message },
    payload: { abandoned: true, taken_over_by: takenOverBy },
  });
  store.finish(e.id, 'failed', { errorCode: 'ABANDONED', errorMessage: message });
}
