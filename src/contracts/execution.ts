/**
 * Execution vocabulary shared by the dispatcher, both backends, the CLI and workflow code.
 * Pure types and constants only: this module is imported inside the Temporal workflow sandbox.
 */
export const LANES = ['normal', 'backfill', 'slow', 'background'] as const;
export type Lane = (typeof LANES)[number];

export const TRIGGER_SOURCES = ['cli', 'api', 'scheduler', 'retry', 'manual'] as const;
export type TriggerSource = (typeof TRIGGER_SOURCES)[number];

export const EXECUTION_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

export type BackendName = 'sync' | 'temporal';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Stage outputs handed to later stages. JSON only, because Temporal carries it between activities. */
export type PipelineState = JsonObject;

/** A child execution a fan-out stage asks for (backfill: one per week). */
export interface ChildRequest {
  readonly pipeline: string;
  readonly params: Readonly<Record<string, string | number | boolean>>;
  /** A short label for reports, e.g. the week. */
  readonly label: string;
}

export interface ChildOutcome {
  readonly label: string;
  readonly executionId: string;
  readonly status: ExecutionStatus;
  readonly error?: string;
  readonly result?: JsonObject;
}

/** What one stage returns: merged into the state, reported in events, optionally ending the run early. */
export interface StageOutcome {
  readonly state?: PipelineState;
  readonly metrics?: JsonObject;
  readonly rowsIn?: number;
  readonly rowsOut?: number;
  readonly captureId?: string;
  /** The stage did nothing because its work was already done (manifest); reported as stage_skipped. */
  readonly skipped?: string;
  /** End the pipeline after this stage with status completed (e.g. "already ingested"). */
  readonly stop?: boolean;
  /** Children to run before the next stage; their outcomes land in state.children. */
  readonly children?: readonly ChildRequest[];
}

/** Input of the generic stage activity / sync stage call. */
export interface RunStageInput {
  readonly executionId: string;
  readonly pipeline: string;
  readonly stage: string;
  readonly params: Readonly<Record<string, string | number | boolean>>;
  readonly state: PipelineState;
  readonly batchId: string;
  readonly parentExecutionId?: string;
  readonly attempt: number;
}

export interface RetryPolicySpec {
  readonly initialIntervalMs: number;
  readonly backoffCoefficient: number;
  readonly maximumIntervalMs: number;
  readonly maximumAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicySpec = {
  initialIntervalMs: 1_000,
  backoffCoefficient: 2,
  maximumIntervalMs: 60_000,
  maximumAttempts: 5,
};

/** Delay before attempt `nextAttempt` (2 = first retry), as Temporal computes it. */
export function retryDelayMs(policy: RetryPolicySpec, nextAttempt: number): number {
  const raw = policy.initialIntervalMs * Math.pow(policy.backoffCoefficient, Math.max(0, nextAttempt - 2));
  return Math.min(raw, policy.maximumIntervalMs);
}
