import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import { rootCause } from '@temporalio/common';
import { planRun } from '../../activities/run-plan.js';
import { RUN_PIPELINE_WORKFLOW } from '../../contracts/temporal/run-pipeline.js';
import { runMemo, startSearchAttributes } from '../../contracts/temporal/search-attributes.js';
import { workflowSummary } from '../../contracts/temporal/ui-summary.js';
import { workflowIdFor, workflowUiUrl } from '../../contracts/temporal/task-queue.js';
import type { ExecutionBackend, StartOptions } from '../../core/dispatch/backend.js';
import type { EventWriter } from '../../core/execution/event-writer.js';
import type { ExecutionRecord, ExecutionStore } from '../../core/execution/execution-store.js';
import type { SpineLogger } from '../../core/logging/logger.js';
import type { PipelineDefinition } from '../../core/pipeline/types.js';
import type { runPipeline } from '../../workflows/run-pipeline.js';
import { connectClient } from './connection.js';
import type { TemporalSettings } from './connection.js';
import { liveActivities, progressLine } from './live-progress.js';

/** The SQLite side the backend mirrors into; acquired per start so the CLI can close it afterwards. */
export interface BackendStores {
  readonly store: ExecutionStore;
  readonly events: EventWriter;
  release(): void;
}

export interface TemporalBackendDeps {
  readonly settings: TemporalSettings;
  readonly log: SpineLogger;
  readonly stores: () => BackendStores;
  readonly env?: NodeJS.ProcessEnv;
  /** How often `--wait` reads the execution row (ms). */
  readonly pollIntervalMs?: number;
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
const DESCRIBE_EVERY_MS = 1_000;

/**
 * The background lane: starts the generic `runPipeline` workflow by type name, with a workflow id from
 * the business key and `USE_EXISTING`, so a second submission of the same (pipeline, week, tier) attaches
 * to the running one. SQLite stays the source of truth: `wait` follows the execution row (plus heartbeat
 * details from `describe()` for progress lines) until it is terminal. One connection per start.
 */
export class TemporalBackend implements ExecutionBackend {
  readonly name = 'temporal' as const;
  readonly #deps: TemporalBackendDeps;

  constructor(deps: TemporalBackendDeps) {
    this.#deps = deps;
  }

  async start(
    execution: ExecutionRecord,
    def: PipelineDefinition,
    options: StartOptions = {},
  ): Promise<ExecutionRecord> {
    const { settings, log } = this.#deps;
    const stores = this.#deps.stores();
    const temporal = await connectClient(settings).catch((err: unknown) => {
      stores.release();
      throw err;
    });
    try {
      const input = planRun(def, execution, this.#deps.env);
      const workflowId = workflowIdFor(def.name, execution.logicalKey, execution.id);
      const start = () =>
        temporal.client.workflow.start<typeof runPipeline>(RUN_PIPELINE_WORKFLOW, {
          workflowId,
          taskQueue: settings.taskQueue,
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
          typedSearchAttributes: startSearchAttributes(input),
          memo: runMemo(input),
          staticSummary: workflowSummary(input, execution.logicalKey),
        });
      let handle = await start();
      let owner = await ownerOf(handle);
      // The workflow under this id may belong to a run that SQLite already knows is over (it recorded its
      // outcome and the workflow is closing) or that this database never saw: that is no run to attach
      // to. Wait for that workflow to close, then start ours.
      for (let tries = 0; owner && owner !== execution.id && !isOpenHere(stores, owner) && tries < 5; tries++) {
        // Bounded: a workflow left open by a worker that is gone must not hang this submission forever.
        await Promise.race([handle.result().catch(() => undefined), sleep(10_000)]);
        handle = await start();
        owner = await ownerOf(handle);
      }
      stores.store.setWorkflowId(execution.id, workflowId);
      const url = settings.uiUrl ? workflowUiUrl(settings.uiUrl, settings.namespace, workflowId) : undefined;
      let target = execution.id;
      if (owner && owner !== execution.id) {
        target = this.#attach(stores, execution, owner, workflowId);
        options.onProgress?.(
          `Attached to execution ${owner}: ${def.name} is already running for ${execution.logicalKey ?? workflowId}`,
        );
      }
      log.info('execution.workflow_started', {
        workflow_id: workflowId,
        run_id: handle.firstExecutionRunId,
        task_queue: settings.taskQueue,
        attached_to: target === execution.id ? undefined : target,
        ui_url: url,
      });
      options.onProgress?.(`Temporal workflow ${workflowId}${url ? `: ${url}` : ''}`);
      if (!options.wait) return stores.store.get(target) ?? (stores.store.get(execution.id) as ExecutionRecord);
      return await this.#follow(stores, target, handle, options);
    } finally {
      await temporal.close();
      stores.release();
    }
  }

  /** This submission duplicated a running one: record that truthfully and hand back the running execution. */
  #attach(stores: BackendStores, execution: ExecutionRecord, owner: string, workflowId: string): string {
    stores.events.write(execution.id, {
      type: 'cancelled',
      payload: { reason: 'attached', attached_to: owner, workflow_id: workflowId },
    });
    stores.store.finish(execution.id, 'cancelled', { result: { attached_to: owner } });
    this.#deps.log.info('execution.attached', { attached_to: owner, workflow_id: workflowId });
    return stores.store.get(owner) ? owner : execution.id;
  }

  async #follow(
    stores: BackendStores,
    id: string,
    handle: WorkflowHandle,
    options: StartOptions,
  ): Promise<ExecutionRecord> {
    const pollMs = this.#deps.pollIntervalMs ?? 25;
    let lastDescribe = 0;
    let lastLine: string | undefined;
    let closedSeen = 0;
    for (;;) {
      const record = stores.store.get(id) as ExecutionRecord;
      if (TERMINAL.has(record.status)) return record;
      if (Date.now() - lastDescribe >= DESCRIBE_EVERY_MS) {
        lastDescribe = Date.now();
        try {
          const desc = await handle.describe();
          if (desc.status.name !== 'RUNNING') {
            // The workflow records its own outcome before closing; give that write one more poll to land.
            if (++closedSeen > 2) return await this.#reconcile(stores, record, desc.status.name, handle);
          }
          for (const a of liveActivities(desc)) {
            const line = progressLine(a);
            if (line && line !== lastLine) options.onProgress?.((lastLine = line));
          }
        } catch (err) {
          // Progress is best effort: SQLite alone decides when the run is over.
          this.#deps.log.debug('execution.describe_failed', {
            error_message: err instanceof Error ? err.message : String(err),
          });
        }
      }
      await sleep(pollMs);
    }
  }

  /** A workflow that closed without mirroring its outcome (terminated, timed out…): make SQLite say so. */
  async #reconcile(
    stores: BackendStores,
    record: ExecutionRecord,
    status: string,
    handle: WorkflowHandle,
  ): Promise<ExecutionRecord> {
    const final = stores.store.get(record.id) as ExecutionRecord;
    if (TERMINAL.has(final.status)) return final;
    const workflowId = handle.workflowId;
    const why = await handle.result().then(
      () => '',
      (err: unknown) => `: ${rootCause(err) ?? String(err)}`,
    );
    const message = `Workflow ${workflowId} ended ${status} without recording an outcome${why}`;
    if (status === 'CANCELLED') {
      stores.events.write(record.id, { type: 'cancelled', payload: { workflow_status: status } });
      stores.store.finish(record.id, 'cancelled', { errorCode: 'CANCELLED', errorMessage: message });
    } else {
      stores.events.write(record.id, { type: 'failed', error: { type: `WORKFLOW_${status}`, message } });
      stores.store.finish(record.id, 'failed', { errorCode: 'EXECUTION_FAILED', errorMessage: message });
    }
    this.#deps.log.warn('execution.reconciled', { workflow_id: workflowId, workflow_status: status });
    return stores.store.get(record.id) as ExecutionRecord;
  }
}

/** An execution of this database that is still pending or running. */
function isOpenHere(stores: BackendStores, id: string): boolean {
  const status = stores.store.get(id)?.status;
  return status === 'pending' || status === 'running';
}

/**
 * The execution that owns the workflow (its memo): ours, or an earlier submission we attached to. Once
 * the start succeeded nothing may fail the submission, so an unanswered describe counts as "ours".
 */
async function ownerOf(handle: WorkflowHandle): Promise<string | undefined> {
  try {
    const owner = (await handle.describe()).memo?.['executionId'];
    return typeof owner === 'string' ? owner : undefined;
  } catch {
    return undefined;
  }
}
