import { setTimeout as sleep } from 'node:timers/promises';
import { CaptureRegistry } from '../core/captures/capture-registry.js';
import { ErrorCodes, SpineError } from '../core/errors.js';
import type { ExecutionRecord } from '../core/execution/execution-store.js';
import { resolveExecutionId } from '../core/execution/history.js';
import { livenessOf } from '../core/execution/lease.js';
import { OTC_CAPTURE_TABLES, OTC_DOMAIN } from '../domains/otc/constants.js';
import type { Spine } from './spine.js';

export interface CancelResult {
  readonly execution: ExecutionRecord;
  /** How it was cancelled: closed here (owner gone), asked its live sync owner, or cancelled the workflow. */
  readonly how: 'closed_abandoned' | 'owner_stopped' | 'workflow_cancelled' | 'requested';
  readonly discarded_captures: string[];
}

const OPEN = new Set(['pending', 'running']);

/**
 * `spine executions cancel`: works on both backends.
 * - Owner gone (abandoned): closed as cancelled here, and its staged captures are discarded.
 * - Live sync run: a cancel request its owner sees at the next step (it then closes itself as cancelled).
 * - Temporal run: the workflow is cancelled; the workflow mirrors `cancelled` into SQLite.
 * Waits up to `waitMs` for the execution to close.
 */
export async function cancelExecution(
  spine: Spine,
  idOrPrefix: string,
  options: { waitMs?: number; cancelWorkflow?: (workflowId: string) => Promise<void> } = {},
): Promise<CancelResult> {
  const id = resolveExecutionId(spine.db, idOrPrefix);
  const e = spine.store.get(id) as ExecutionRecord;
  if (!OPEN.has(e.status)) {
    throw new SpineError(ErrorCodes.INVALID_PARAMS, `Execution ${id} already ended: ${e.status}`, {
      nonRetryable: true,
      details: { status: e.status },
    });
  }
  const row = {
    status: e.status,
    backend: e.backend,
    owner: e.owner ? JSON.stringify(e.owner) : null,
    lease_expires_at: e.leaseExpiresAt,
  };
  let how: CancelResult['how'];
  if (livenessOf(row, spine.clock.now()) === 'abandoned' && !(e.backend === 'temporal' && e.workflowId)) {
    spine.events.write(id, { type: 'cancelled', payload: { reason: 'cancelled by user; owner was gone' } });
    spine.store.finish(id, 'cancelled', {
      errorCode: 'CANCELLED',
      errorMessage: 'Cancelled by user (its owner was gone)',
    });
    how = 'closed_abandoned';
  } else if (e.backend === 'temporal' && e.workflowId) {
    if (!options.cancelWorkflow) throw new Error('cancelExecution: no Temporal client for a background execution');
    await options.cancelWorkflow(e.workflowId);
    how = 'workflow_cancelled';
  } else {
    spine.store.requestCancel(id);
    how = 'requested';
  }
  const deadline = Date.now() + (options.waitMs ?? 30_000);
  let current = spine.store.get(id) as ExecutionRecord;
  while (OPEN.has(current.status) && Date.now() < deadline) {
    await sleep(200);
    current = spine.store.get(id) as ExecutionRecord;
  }
  if (how === 'requested' && !OPEN.has(current.status)) how = 'owner_stopped';
  const discarded = OPEN.has(current.status)
    ? []
    : new CaptureRegistry(spine.db, new Map([[OTC_DOMAIN, OTC_CAPTURE_TABLES]]), spine.clock).discardStagedOf(id);
  return { execution: current, how, discarded_captures: discarded };
}
