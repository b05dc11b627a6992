import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { RunStageInput, StageOutcome } from '../../contracts/execution.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/open-database.js';
import { withLogContext } from '../logging/log-context.js';
import type { StepEndInfo } from '../logging/log-context.js';
import type { SpineLogger } from '../logging/logger.js';
import { logStep } from '../logging/span.js';
import type { PipelineRegistry } from '../pipeline/registry.js';
import type { EventWriter } from './event-writer.js';
import { checkInjectedFault } from './fault-injection.js';

export interface StageRunnerDeps {
  readonly db: Db;
  readonly registry: PipelineRegistry;
  readonly log: SpineLogger;
  readonly clock: Clock;
  readonly events: EventWriter;
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
  deps.events.write(input.executionId, { type: 'stage_started', ...attemptEvent });

  const onStepEnd = async (info: StepEndInfo): Promise<void> => {
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
  const outcome = await withLogContext(
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
        });
        span.addMetrics({ rows_in: result.rowsIn, rows_out: result.rowsOut, skipped: result.skipped });
        return result;
      }),
    onStepEnd,
  );
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
