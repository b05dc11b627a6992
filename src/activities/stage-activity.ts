import type { CancelledFailure } from '@temporalio/activity';
import type { RetryPolicySpec, RunStageInput, StageOutcome } from '../contracts/execution.js';
import { retryDelayMs } from '../contracts/execution.js';
import type { StageHeartbeat } from '../contracts/temporal/run-pipeline.js';
import { currentOwner } from '../core/execution/lease.js';
import { runStage } from '../core/execution/stage-runner.js';
import type { StepEndInfo } from '../core/logging/log-context.js';
import type { ActivityDeps } from './deps.js';
import { classify, toApplicationFailure } from './failures.js';
import type { ActivityRuntime } from './runtime.js';

/** The stage activity's input: the stage call minus the attempt (Temporal owns it) plus the policy. */
export type StageActivityInput = Omit<RunStageInput, 'attempt'> & { readonly retry: RetryPolicySpec };

function numberOr(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function heartbeatDetails(input: StageActivityInput, info: StepEndInfo): StageHeartbeat {
  const rowsIn = numberOr(info.metrics['rows_in']);
  const rowsOut = numberOr(info.metrics['rows_out']);
  const line = numberOr(info.metrics['line']);
  return {
    executionId: input.executionId,
    stage: input.stage,
    step: info.step,
    ...(rowsIn !== undefined ? { rowsIn } : {}),
    ...(rowsOut !== undefined ? { rowsOut } : {}),
    ...(line !== undefined ? { line } : {}),
  };
}

/**
 * A thin adapter over core `runStage`, the code path the sync backend runs, so both write identical rows
 * and events. It heartbeats after every log_step and stops there when cancelled (heartbeat timeout,
 * workflow cancel, worker shutdown). On a failure Temporal will retry, it first writes the `retrying`
 * event exactly as the sync backend does; an attempt that never reported (a killed worker) gets its
 * `retrying` event from the next attempt.
 */
export function createStageActivity(deps: ActivityDeps, runtime: () => ActivityRuntime) {
  return async function runStageActivity(input: StageActivityInput): Promise<StageOutcome> {
    const rt = runtime();
    const { attempt } = rt;
    const previous = rt.heartbeatDetails as StageHeartbeat | undefined;
    const { retry, ...stageInput } = input;
    if (attempt > 1) {
      const written = deps.events.write(input.executionId, {
        type: 'retrying',
        stage: input.stage,
        attempt: attempt - 1,
        delayMs: retryDelayMs(retry, attempt),
        error: {
          type: 'ATTEMPT_LOST',
          message: `Attempt ${attempt - 1} did not report back (worker lost or heartbeat timeout)`,
        },
      });
      deps.log.warn('stage.resume', {
        execution_id: input.executionId,
        stage: input.stage,
        attempt,
        previous_attempt_lost: written,
        last_heartbeat: previous,
      });
    }
    deps.store.bumpAttempts(input.executionId, attempt);
    const signal = rt.signal;
    try {
      return await runStage(
        {
          ...deps,
          backend: 'temporal',
          owner: currentOwner('worker', rt.workflowId),
          onProgress: (info) => {
            rt.heartbeat(heartbeatDetails(input, info));
            if (signal.aborted) throw signal.reason as CancelledFailure;
          },
        },
        { ...stageInput, attempt },
      );
    } catch (err) {
      const classified = classify(err);
      if (!signal.aborted && !classified.nonRetryable && attempt < retry.maximumAttempts) {
        deps.events.write(input.executionId, {
          type: 'retrying',
          stage: input.stage,
          attempt,
          error: classified.error,
          delayMs: retryDelayMs(retry, attempt + 1),
        });
      }
      throw toApplicationFailure(err, classified, { attempt });
    }
  };
}
