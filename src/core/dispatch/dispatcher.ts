import type { ChildOutcome, ChildRequest, Lane, TriggerSource } from '../../contracts/execution.js';
import type { ExecutionBackend, StartOptions } from './backend.js';
import type { Clock } from '../clock.js';
import { toSpineError } from '../errors.js';
import type { EventWriter } from '../execution/event-writer.js';
import type { ExecutionRecord, ExecutionStore } from '../execution/execution-store.js';
import { newBatchId, newExecutionId } from '../ids.js';
import { AbandonedError, followExecution } from '../execution/follow.js';
import { currentOwner } from '../execution/lease.js';
import { claimPartition } from '../execution/partition-claim.js';
import { withLogContext } from '../logging/log-context.js';
import type { SpineLogger } from '../logging/logger.js';
import type { ParamValue } from '../pipeline/params.js';
import { resolveParams } from '../pipeline/params.js';
import type { PipelineRegistry } from '../pipeline/registry.js';

export interface SubmitOptions {
  readonly lane?: Lane;
  readonly trigger?: TriggerSource;
  readonly dryRun?: boolean;
  readonly parentExecutionId?: string;
  readonly batchId?: string;
  readonly wait?: boolean;
  readonly onProgress?: (line: string) => void;
  /** Internal: a submission that attached to a run whose owner then died is retried once. */
  readonly retriedAfterAbandon?: boolean;
}

export interface DryRunPreview {
  readonly dryRun: true;
  readonly pipeline: string;
  readonly params: Record<string, ParamValue>;
  readonly lane: Lane;
  readonly backend: 'sync' | 'temporal';
  readonly stages: readonly string[];
  readonly logicalKey: string | null;
}

export interface DispatcherDeps {
  readonly registry: PipelineRegistry;
  readonly store: ExecutionStore;
  readonly events: EventWriter;
  readonly log: SpineLogger;
  readonly clock: Clock;
  /** The in-process backend for lanes normal, backfill and slow. */
  readonly sync: (dispatcher: Dispatcher) => ExecutionBackend;
  /** Loaded lazily so the CLI never loads the Temporal client unless a run goes to the background lane. */
  readonly background?: () => Promise<ExecutionBackend>;
}

/**
 * The single entry point for every execution (domain-spec §14). It validates before anything runs
 * (unknown pipeline and bad params are thrown, never recorded as runs), records the execution and its
 * `submitted` event, and routes by lane: `background` to Temporal, everything else to the sync backend.
 */
export class Dispatcher {
  readonly #deps: DispatcherDeps;
  readonly #sync: ExecutionBackend;

  constructor(deps: DispatcherDeps) {
    this.#deps = deps;
    this.#sync = deps.sync(this);
  }

  async submit(
    pipeline: string,
    rawParams: Readonly<Record<string, ParamValue | undefined>>,
    options: SubmitOptions = {},
  ): Promise<ExecutionRecord | DryRunPreview> {
    const { registry, store, events, log, clock } = this.#deps;
    const def = registry.get(pipeline);
    const resolved = resolveParams(def.params, rawParams);
    def.validate?.(resolved);
    // Canonical params (absolute, real file paths …) and the business key: every spelling of one
    // partition gets the same key, hence one claim and one Temporal workflow id.
    const params = def.canonicalize ? await def.canonicalize(resolved) : resolved;
    const lane = options.lane ?? 'normal';
    const backendName = lane === 'background' ? 'temporal' : 'sync';
    const logicalKey = await def.logicalKey?.(params);
    if (options.dryRun) {
      return {
        dryRun: true,
        pipeline,
        params: { ...params },
        lane,
        backend: backendName,
        stages: def.stages.map((s) => s.name),
        logicalKey: logicalKey ?? null,
      };
    }
    const backend = lane === 'background' ? await this.#background() : this.#sync;
    const claim = claimPartition(
      store.db,
      store,
      events,
      clock,
      {
        id: newExecutionId(),
        pipeline,
        params,
        lane,
        backend: backend.name,
        triggerSource: options.trigger ?? 'cli',
        logicalKey,
        parentExecutionId: options.parentExecutionId,
        batchId: options.batchId ?? newBatchId(clock.now(), pipeline.split('.').at(-1)),
        // A sync run is owned by this process from the start; a Temporal run by the worker that takes it.
        ...(backend.name === 'sync' ? { owner: currentOwner('cli') } : {}),
      },
      (id) =>
        events.write(id, {
          type: 'submitted',
          payload: { pipeline, params, lane, backend: backend.name, stages: def.stages.map((s) => s.name) },
        }),
    );
    if (claim.kind === 'attached') return this.#attach(claim.owner, claim.duplicate, options);
    const execution = claim.execution;
    const id = execution.id;
    for (const old of claim.tookOver) log.warn('execution.taken_over', { execution_id: id, abandoned: old });
    return withLogContext({ execution_id: id, pipeline, backend: backend.name }, async () => {
      log.info('execution.submitted', {
        lane,
        trigger: execution.triggerSource,
        parent_execution_id: options.parentExecutionId,
      });
      const startOptions: StartOptions = {
        ...(options.wait !== undefined ? { wait: options.wait } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      };
      let final: ExecutionRecord;
      try {
        final = await backend.start(execution, def, startOptions);
      } catch (err) {
        // A backend that cannot even start (e.g. Temporal unreachable) still leaves a truthful record.
        const e = toSpineError(err);
        events.write(id, { type: 'failed', error: { type: e.code, message: e.message } });
        store.finish(id, 'failed', { errorCode: e.code, errorMessage: e.message });
        throw e;
      }
      log.info('execution.summary', {
        status: final.status,
        error_type: final.errorCode ?? undefined,
        error_message: final.errorMessage ?? undefined,
        duration_ms: durationMs(final),
      });
      return final;
    });
  }

  /** Runs a fan-out child on the parent's batch; a child's failure is reported, not thrown. */
  async runChild(parent: ExecutionRecord, request: ChildRequest): Promise<ChildOutcome> {
    try {
      const child = (await this.submit(request.pipeline, request.params, {
        lane: parent.lane === 'background' ? 'normal' : parent.lane,
        trigger: parent.triggerSource,
        parentExecutionId: parent.id,
        ...(parent.batchId ? { batchId: parent.batchId } : {}),
      })) as ExecutionRecord;
      return {
        label: request.label,
        executionId: child.id,
        status: child.status,
        ...(child.errorMessage ? { error: child.errorMessage } : {}),
        ...(child.result ? { result: child.result } : {}),
      };
    } catch (err) {
      return { label: request.label, executionId: '', status: 'failed', error: toSpineError(err).message };
    }
  }

  /**
   * Another live execution already owns this partition: report it and, with `wait`, follow it to its end
   * (SQLite is the source of truth for both backends) and return its outcome as this submission's.
   */
  async #attach(owner: ExecutionRecord, duplicate: ExecutionRecord, options: SubmitOptions): Promise<ExecutionRecord> {
    const { log, store } = this.#deps;
    log.info('execution.attached', {
      execution_id: duplicate.id,
      attached_to: owner.id,
      logical_key: owner.logicalKey,
    });
    // Like the backends: a sync submission always runs to the end; a background one waits only with --wait.
    const follow = options.lane !== 'background' || options.wait === true;
    options.onProgress?.(
      `Already running: ${owner.id} (${owner.pipeline} ${owner.logicalKey ?? ''})${follow ? '; following it' : ''}`,
    );
    if (!follow) return owner;
    try {
      return await followExecution(store.db, owner.id, {
        ...(options.onProgress ? { onLine: options.onProgress } : {}),
        intervalMs: 200,
      });
    } catch (err) {
      // The run we attached to lost its owner (killed): submitting again takes the partition over.
      if (!(err instanceof AbandonedError) || options.retriedAfterAbandon) throw err;
      log.warn('execution.owner_lost', { attached_to: owner.id });
      return (await this.submit(owner.pipeline, owner.params as Record<string, ParamValue>, {
        ...options,
        retriedAfterAbandon: true,
      })) as ExecutionRecord;
    }
  }

  async #background(): Promise<ExecutionBackend> {
    if (!this.#deps.background) throw new Error('The background lane is not configured in this process');
    return this.#deps.background();
  }
}

export function isDryRun(x: ExecutionRecord | DryRunPreview): x is DryRunPreview {
  return 'dryRun' in x;
}

function durationMs(e: ExecutionRecord): number | undefined {
  if (!e.startedAt || !e.completedAt) return undefined;
  return new Date(e.completedAt).getTime() - new Date(e.startedAt).getTime();
}
