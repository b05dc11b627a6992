import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  TemporalFailure,
  TimeoutFailure,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributePair } from '@temporalio/common';
import type { EventError } from '../contracts/events.js';
import type { ChildOutcome, JsonObject, PipelineState, StageOutcome } from '../contracts/execution.js';
import type {
  PipelineProgress,
  RunPipelineInput,
  RunPipelineResult,
  StagePlan,
} from '../contracts/temporal/run-pipeline.js';
import { progressQuery } from '../contracts/temporal/run-pipeline.js';
import { SpineCaptureId, SpineTier, SpineWeekEnding } from '../contracts/temporal/search-attributes.js';
import { stageSummary } from '../contracts/temporal/ui-summary.js';
import type { FailureDetails, SpineActivities } from '../activities/index.js';
import { LIFECYCLE_ACTIVITY_OPTIONS, LOCAL_LIFECYCLE_ACTIVITY_OPTIONS, stageActivityOptions } from './activity-options.js';
import { runChildren } from './children.js';

interface StageFailure {
  readonly error: EventError;
  readonly attempts: number;
  readonly deadLetter: boolean;
}

/** Reads what the stage activity reported: the SpineError code, the attempt, and whether retries ran out. */
function stageFailure(err: unknown, plan: StagePlan): StageFailure {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  const exhausted = err instanceof ActivityFailure && err.retryState === 'MAXIMUM_ATTEMPTS_REACHED';
  if (cause instanceof ApplicationFailure) {
    const details = cause.details?.[0] as FailureDetails | undefined;
    return {
      error: { type: cause.type ?? 'INTERNAL_ERROR', message: cause.message },
      attempts: details?.attempt ?? plan.retry.maximumAttempts,
      deadLetter: exhausted && !cause.nonRetryable,
    };
  }
  if (cause instanceof TimeoutFailure) {
    return {
      error: { type: 'ACTIVITY_TIMEOUT', message: `Stage ${plan.name} timed out (${cause.timeoutType})` },
      attempts: plan.retry.maximumAttempts,
      deadLetter: exhausted,
    };
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  return { error: { type: 'INTERNAL_ERROR', message }, attempts: plan.retry.maximumAttempts, deadLetter: exhausted };
}

function stringAt(state: PipelineState, key: string): string | undefined {
  const v = state[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Week and tier become known once ingest has read the file; the capture once a stage made one. */
function discoveredAttributes(state: PipelineState, captureId: string | undefined): SearchAttributePair[] {
  const known = workflowInfo().typedSearchAttributes;
  const pairs: SearchAttributePair[] = [];
  const week = stringAt(state, 'week_ending');
  const tier = stringAt(state, 'tier');
  if (week && known.get(SpineWeekEnding) !== week) pairs.push({ key: SpineWeekEnding, value: week });
  if (tier && known.get(SpineTier) !== tier) pairs.push({ key: SpineTier, value: tier });
  if (captureId && known.get(SpineCaptureId) !== captureId) pairs.push({ key: SpineCaptureId, value: captureId });
  return pairs;
}

/**
 * The patch that made lifecycle mirroring local activities. Runs started before it (their histories
 * schedule `startExecution` & co. as regular activities, tests/replay/histories) replay and finish the
 * old way; every run started since takes the local path. Keep it until no such run can be open any more.
 */
export const LOCAL_LIFECYCLE_PATCH = 'spine.local-lifecycle-activities';

type Lifecycle = Pick<SpineActivities, 'startExecution' | 'finishExecution' | 'markCancelled' | 'prepareChildren'>;

/**
 * Where the run's lifecycle writes go. Short SQLite writes (start, finish, cancel, recording fan-out
 * children) are local activities; `recordFailure` stays a regular activity: it may call the alert
 * webhook, which retries for up to two minutes, and failures are not the path that needs to be cheap.
 */
function lifecycleActivities(): { lifecycle: Lifecycle; recordFailure: SpineActivities['recordFailure'] } {
  const remote = proxyActivities<SpineActivities>(LIFECYCLE_ACTIVITY_OPTIONS);
  const lifecycle = patched(LOCAL_LIFECYCLE_PATCH)
    ? proxyLocalActivities<SpineActivities>(LOCAL_LIFECYCLE_ACTIVITY_OPTIONS)
    : remote;
  return { lifecycle, recordFailure: remote.recordFailure };
}

/**
 * One generic workflow for every pipeline: each stage is one `runStage` activity with the stage's retry
 * policy; lifecycle transitions are mirrored into SQLite by local activities (see `lifecycleActivities`); a retryable failure that exhausts
 * its attempts is dead-lettered (the DeadLetterStore fires the alert); fan-out stages run their children
 * as child workflows, a few at a time. The run fails with an ApplicationFailure whose type is the error code.
 */
export async function runPipeline(input: RunPipelineInput): Promise<RunPipelineResult> {
  const ids = { execution_id: input.executionId, pipeline: input.pipeline };
  // Decided once, before the first command, so a run keeps one path from start to end.
  const { lifecycle, recordFailure } = lifecycleActivities();
  const progress: { -readonly [K in keyof PipelineProgress]: PipelineProgress[K] } = {
    executionId: input.executionId,
    currentStage: null,
    completedStages: [],
    children: [],
    childrenPlanned: 0,
  };
  setHandler(progressQuery, () => progress);

  try {
    await lifecycle.startExecution({ executionId: input.executionId });
    log.info('workflow.pipeline.started', { ...ids, stages: input.stages.map((s) => s.name) });
    let state: PipelineState = {};
    let captureId: string | undefined;
    for (const [index, plan] of input.stages.entries()) {
      progress.currentStage = plan.name;
      const { runStage } = proxyActivities<SpineActivities>({
        ...stageActivityOptions(plan.retry, input.heartbeatTimeoutMs),
        // The Web UI labels the activity with its stage instead of one more `runStage`.
        summary: stageSummary(plan.name, index + 1, input.stages.length),
      });
      let outcome: StageOutcome;
      try {
        outcome = await runStage({
          executionId: input.executionId,
          pipeline: input.pipeline,
          stage: plan.name,
          params: input.params,
          state,
          batchId: input.batchId,
          ...(input.parentExecutionId ? { parentExecutionId: input.parentExecutionId } : {}),
          retry: plan.retry,
        });
      } catch (err) {
        if (isCancellation(err)) throw err;
        const failure = stageFailure(err, plan);
        await recordFailure({ executionId: input.executionId, stage: plan.name, ...failure });
        log.warn('workflow.pipeline.failed', {
          ...ids,
          stage: plan.name,
          error_type: failure.error.type,
          dead_lettered: failure.deadLetter,
        });
        // The message is the stage's own, as in core_executions: a parent reports it for this child verbatim.
        throw ApplicationFailure.create({
          message: failure.error.message,
          type: failure.error.type,
          nonRetryable: true,
          details: [{ stage: plan.name, attempts: failure.attempts, deadLettered: failure.deadLetter }],
        });
      }
      state = { ...state, ...(outcome.state ?? {}) };
      if (outcome.captureId) captureId = outcome.captureId;
      const discovered = discoveredAttributes(state, captureId);
      if (discovered.length > 0) upsertSearchAttributes(discovered);
      if (outcome.children && outcome.children.length > 0) {
        progress.childrenPlanned = outcome.children.length;
        const children = await runChildren(input, outcome.children, lifecycle, (done: ChildOutcome[]) => {
          progress.children = done;
        });
        state = { ...state, children: children as unknown as JsonObject[] };
      }
      progress.completedStages = [...progress.completedStages, plan.name];
      if (outcome.stop) break;
    }
    progress.currentStage = null;
    const result = await lifecycle.finishExecution({
      executionId: input.executionId,
      pipeline: input.pipeline,
      state,
      ...(captureId ? { captureId } : {}),
    });
    log.info('workflow.pipeline.completed', ids);
    return { executionId: input.executionId, status: 'completed', result, ...(captureId ? { captureId } : {}) };
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() => lifecycle.markCancelled({ executionId: input.executionId }));
      throw err;
    }
    // A plain Error would fail the workflow *task* and retry forever; fail the run instead.
    if (err instanceof TemporalFailure) throw err;
    throw ApplicationFailure.create({
      message: err instanceof Error ? err.message : String(err),
      type: 'INTERNAL_ERROR',
      nonRetryable: true,
    });
  }
}
