import { defineQuery } from '@temporalio/workflow';
import type { ChildOutcome, ExecutionStatus, JsonObject, RetryPolicySpec } from '../execution.js';

/** The workflow type the client starts by name (it never loads workflow code). */
export const RUN_PIPELINE_WORKFLOW = 'runPipeline';

/**
 * Fan-out children in flight at once (`SPINE_CHILD_CONCURRENCY`). The worker's activity slots (2) bound
 * the SQLite work; a few more children in flight hide each child's start-up round trips behind the
 * others' stages (26-week backfill on 2 cores: 1.7x the sync time with 2, 1.5x with 4).
 */
export const DEFAULT_CHILD_CONCURRENCY = 4;

/** A stage as the workflow sees it: its name and the retry policy computed by core `retryPolicyFor`. */
export interface StagePlan {
  readonly name: string;
  readonly retry: RetryPolicySpec;
}

/** The one serialisable input of `runPipeline`; fields may be added, never repurposed. */
export interface RunPipelineInput {
  /** The dispatcher's execution id: the correlation id on every log line and SQLite row of the run. */
  readonly executionId: string;
  readonly pipeline: string;
  readonly stages: readonly StagePlan[];
  readonly params: Readonly<Record<string, string | number | boolean>>;
  readonly batchId: string;
  readonly parentExecutionId?: string;
  readonly childConcurrency: number;
  /** Stage activities heartbeat at every log_step; a silent worker is declared lost after this. */
  readonly heartbeatTimeoutMs: number;
}

export interface RunPipelineResult {
  readonly executionId: string;
  readonly status: Extract<ExecutionStatus, 'completed'>;
  readonly result: JsonObject;
  readonly captureId?: string;
}

/** Heartbeat details of a stage activity: what `describe()` shows as live progress. */
export interface StageHeartbeat {
  readonly executionId: string;
  readonly stage: string;
  readonly step: string;
  readonly rowsIn?: number;
  readonly rowsOut?: number;
  readonly line?: number;
}

/** In-memory progress of a running workflow (needs a worker to answer; prefer describe() for status). */
export interface PipelineProgress {
  readonly executionId: string;
  readonly currentStage: string | null;
  readonly completedStages: readonly string[];
  readonly children: readonly ChildOutcome[];
  readonly childrenPlanned: number;
}

export const progressQuery = defineQuery<PipelineProgress>('progress');

/**
 * Error types (SpineError codes) that no retry can fix, for the stage activity's `nonRetryableErrorTypes`:
 * derived from the error taxonomy (the codes whose class is not retried), which also sets every error's
 * own non-retryable flag, so the two always agree.
 */
export { NON_RETRYABLE_ERROR_TYPES } from '../error-taxonomy.js';
