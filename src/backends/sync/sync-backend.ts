import { setTimeout as sleep } from 'node:timers/promises';
import type { ChildOutcome, JsonObject, PipelineState, RetryPolicySpec } from '../../contracts/execution.js';
import { retryDelayMs } from '../../contracts/execution.js';
import type { Clock } from '../../core/clock.js';
import type { Db } from '../../core/db/open-database.js';
import { classifyFailure, ErrorCodes } from '../../core/errors.js';
import { currentOwner } from '../../core/execution/lease.js';
import type { EventWriter } from '../../core/execution/event-writer.js';
import type { ExecutionRecord, ExecutionStore } from '../../core/execution/execution-store.js';
import { retryPolicyFor } from '../../core/execution/retry-policy.js';
import { runStage } from '../../core/execution/stage-runner.js';
import type { SpineLogger } from '../../core/logging/logger.js';
import type { PipelineRegistry } from '../../core/pipeline/registry.js';
import type { PipelineDefinition } from '../../core/pipeline/types.js';
import type { DeadLetterSink } from '../../core/execution/dead-letters.js';
import type { ChildRunner, ExecutionBackend } from '../../core/dispatch/backend.js';

export interface SyncBackendDeps {
  readonly db: Db;
  readonly registry: PipelineRegistry;
  readonly log: SpineLogger;
  readonly clock: Clock;
  readonly events: EventWriter;
  readonly store: ExecutionStore;
  readonly runChild: ChildRunner;
  readonly deadLetters: DeadLetterSink;
  /** Injected so tests of retry behaviour do not wait for real back-off. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * The embedded default: runs every stage in-process, in order, with the same retry policy and dead
 * lettering as the Temporal backend (docs/execution.md).
 */
export class SyncBackend implements ExecutionBackend {
  readonly name = 'sync' as const;
  readonly #deps: SyncBackendDeps;

  constructor(deps: SyncBackendDeps) {
    this.#deps = deps;
  }

  async start(execution: ExecutionRecord, def: PipelineDefinition): Promise<ExecutionRecord> {
    const { store, events } = this.#deps;
    store.markRunning(execution.id);
    events.write(execution.id, { type: 'started' });
    let state: PipelineState = {};
    let captureId: string | undefined;
    for (const stage of def.stages) {
      const policy = retryPolicyFor(def, stage);
      const outcome = await this.#runWithRetries(execution, def, stage.name, state, policy);
      if (!outcome.ok) return store.get(execution.id) as ExecutionRecord;
      const o = outcome.value;
      state = { ...state, ...(o.state ?? {}) };
      if (o.captureId) captureId = o.captureId;
      if (o.children && o.children.length > 0) {
        const children: ChildOutcome[] = [];
        for (const child of o.children) children.push(await this.#deps.runChild(execution, child));
        state = { ...state, children: children as unknown as JsonObject[] };
      }
      if (o.stop) break;
    }
    const result = def.summarize ? def.summarize(state) : state;
    events.write(execution.id, { type: 'completed', payload: result, ...(captureId ? { captureId } : {}) });
    store.finish(execution.id, 'completed', { result });
    return store.get(execution.id) as ExecutionRecord;
  }

  async #runWithRetries(
    execution: ExecutionRecord,
    def: PipelineDefinition,
    stage: string,
    state: PipelineState,
    policy: RetryPolicySpec,
  ): Promise<{ ok: true; value: Awaited<ReturnType<typeof runStage>> } | { ok: false }> {
    const { store, events } = this.#deps;
    const wait = this.#deps.sleep ?? ((ms: number) => sleep(ms).then(() => undefined));
    for (let attempt = 1; ; attempt++) {
      store.bumpAttempts(execution.id, attempt);
      try {
        const value = await runStage(
          { ...this.#deps, backend: 'sync', owner: currentOwner('cli') },
          {
            executionId: execution.id,
            pipeline: def.name,
            stage,
            params: execution.params as Record<string, string | number | boolean>,
            state,
            batchId: execution.batchId ?? execution.id,
            attempt,
            ...(execution.parentExecutionId ? { parentExecutionId: execution.parentExecutionId } : {}),
          },
        );
        return { ok: true, value };
      } catch (err) {
        const { error: e, event: error, retried } = classifyFailure(err);
        if (e.code === ErrorCodes.CANCELLED || e.code === ErrorCodes.FENCED) {
          // Cancelled by `spine executions cancel`, or the run was closed (taken over) under us.
          events.write(execution.id, { type: 'cancelled', stage, attempt, payload: { reason: e.message } });
          store.finish(execution.id, 'cancelled', { errorCode: e.code, errorMessage: e.message, errorStage: stage });
          return { ok: false };
        }
        const exhausted = attempt >= policy.maximumAttempts;
        if (retried && !exhausted) {
          const delayMs = retryDelayMs(policy, attempt + 1);
          events.write(execution.id, { type: 'retrying', stage, attempt, error, delayMs });
          await wait(delayMs);
          continue;
        }
        events.write(execution.id, { type: 'failed', stage, attempt, error });
        if (retried) {
          const dl = await this.#deps.deadLetters.record({ execution, stage, error, attempts: attempt });
          events.write(execution.id, { type: 'dead_lettered', stage, attempt, error, payload: { dead_letter_id: dl } });
        }
        store.finish(execution.id, 'failed', {
          errorCode: e.code,
          errorMessage: e.message,
          errorStage: stage,
        });
        return { ok: false };
      }
    }
  }
}
