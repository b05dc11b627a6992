import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { RunStageInput, StageOutcome } from '../../contracts/execution.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/open-database.js';
import { withLogContext } from '../logging/log-context.js';
import type { StepEndInfo } from '../logging/log-context.js';
import type { SpineLogger } from '../logging/logger.js';
import { logStep } from '../logging/span.js';
import type { PipelineRegistry } from '../pipeline/registry.js';
import { LIVENESS } from '../../contracts/liveness.js';
import { ErrorCodes, SpineError } from '../errors.js';
import type { EventWriter } from './event-writer.js';
import type { ExecutionStore } from './execution-store.js';
import { checkInjectedFault } from './fault-injection.js';
import { assertFence } from './fence.js';
import type { LeaseOwner } from './lease.js';

export interface StageRunnerDeps {
  readonly db: Db;
  readonly registry: PipelineRegistry;
  readonly log: SpineLogger;
  readonly clock: Clock;
  readonly events: EventWriter;
  readonly store: ExecutionStore;
  /** The process doing the work: it takes the execution's lease for the attempt. */
  readonly owner: LeaseOwner;
  readonly backend: 'sync' | 'temporal';
  /** Called after every log_step (the Temporal activity heartbeats here). */
  readonly onProgress?: (info: StepEndInfo) => void | Promise<void>;
}

/**
 * Runs one stage of one execution: the single code path both backends share, so the sync run and the
 * Temporal activity write identical rows and identical events. Errors propagate; the caller owns retries.
 */
export async function runStage(deps: StageRunnerDeps, input: RunStageInput): Promise<StageOutcome> {
  const def = deps.registry.get(input.pipeline);
  const stage = def.stages.find((s) => s.name === input.stage);
  if (!stage) throw new Error(`Pipeline '${input.pipeline}' has no stage '${input.stage}'`);
  const attemptEvent = { attempt: input.attempt, stage: stage.name };
  // The attempt takes the execution: owner, lease, and a new fence that stale attempts cannot pass.
  const fence = deps.store.beginAttempt(input.executionId, deps.owner);
  deps.events.write(input.executionId, { type: 'stage_started', ...attemptEvent });
  const lease = new LeaseKeeper(deps.store, input.executionId);

  const onStepEnd = async (info: StepEndInfo): Promise<void> => {
    lease.throwIfStopped();
    deps.events.write(input.executionId, {
      type: 'progress',
      ...attemptEvent,
      step: info.step,
      spanId: info.spanId,
      payload: { duration_ms: info.durationMs, ...(info.metrics as Record<string, never>) },
    });
    await deps.onProgress?.(info);
  };
  const fields = {
    execution_id: input.executionId,
    pipeline: input.pipeline,
    batch_id: input.batchId,
    backend: deps.backend,
    domain: def.domain,
    stage: stage.name,
    attempt: input.attempt === 1 ? undefined : input.attempt,
  };
  const run = withLogContext(
    fields,
    () =>
      logStep(deps.log, `stage.${stage.name}`, async (span) => {
        checkInjectedFault(input.pipeline, stage.name, input.attempt);
        const result = await stage.run({
          db: deps.db,
          execution: {
            executionId: input.executionId,
            batchId: input.batchId,
            pipeline: input.pipeline,
            attempt: input.attempt,
            ...(input.parentExecutionId ? { parentExecutionId: input.parentExecutionId } : {}),
          },
          params: input.params,
          state: input.state,
          log: deps.log,
          clock: deps.clock,
          yieldControl: () => yieldToEventLoop(),
          checkFence: () => assertFence(deps.db, input.executionId, fence),
        });
        span.addMetrics({ rows_in: result.rowsIn, rows_out: result.rowsOut, skipped: result.skipped });
        return result;
      }),
    onStepEnd,
  );
  let outcome: StageOutcome;
  try {
    outcome = await run;
  } finally {
    lease.stop();
  }
  if (outcome.skipped) {
    deps.events.write(input.executionId, {
      type: 'stage_skipped',
      ...attemptEvent,
      payload: { reason: outcome.skipped, ...(outcome.metrics ?? {}) },
    });
  } else {
    deps.events.write(input.executionId, {
      type: 'stage_completed',
      ...attemptEvent,
      ...(outcome.rowsIn !== undefined ? { rowsIn: outcome.rowsIn } : {}),
      ...(outcome.rowsOut !== undefined ? { rowsOut: outcome.rowsOut } : {}),
      ...(outcome.captureId !== undefined ? { captureId: outcome.captureId } : {}),
      payload: outcome.metrics ?? {},
    });
  }
  return outcome;
}

/**
 * Renews the execution's lease while a stage works (the timer fires whenever the event loop is free; a
 * same-host owner that blocks it for long is still seen alive through its pid), and at every step
 * boundary stops the stage when the run was cancelled (`spine executions cancel`) or closed under it
 * (taken over as abandoned).
 */
class LeaseKeeper {
  readonly #store: ExecutionStore;
  readonly #id: string;
  readonly #timer: NodeJS.Timeout;

  constructor(store: ExecutionStore, id: string) {
    this.#store = store;
    this.#id = id;
    this.#timer = setInterval(() => {
      try {
        this.#store.renewLease(this.#id);
      } catch {
        // A busy database only delays the renewal; the next tick tries again.
      }
    }, LIVENESS.leaseRenewMs);
    this.#timer.unref();
  }

  throwIfStopped(): void {
    const e = this.#store.get(this.#id);
    const why = e?.cancelRequestedAt
      ? 'was cancelled'
      : e && e.status !== 'running' && e.status !== 'pending'
        ? `was closed (${e.status}) while it ran`
        : undefined;
    if (why) throw new SpineError(ErrorCodes.CANCELLED, `Execution ${this.#id} ${why}`); // never retried: CANCELLED's class
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
