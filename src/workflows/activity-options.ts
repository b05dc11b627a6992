import type { ActivityOptions, LocalActivityOptions, RetryPolicy } from '@temporalio/workflow';
import type { RetryPolicySpec } from '../contracts/execution.js';
import { NON_RETRYABLE_ERROR_TYPES } from '../contracts/temporal/run-pipeline.js';

import { LIVENESS } from '../contracts/liveness.js';

/** The stage's retry policy, as core computed it, in Temporal's terms. Temporal reads 0 ms as "default 1 s". */
export function toTemporalRetryPolicy(spec: RetryPolicySpec): RetryPolicy {
  const initialInterval = Math.max(1, spec.initialIntervalMs);
  return {
    initialInterval,
    backoffCoefficient: Math.max(1, spec.backoffCoefficient),
    maximumInterval: Math.max(initialInterval, spec.maximumIntervalMs),
    maximumAttempts: Math.max(1, spec.maximumAttempts),
    nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
  };
}

export function stageActivityOptions(spec: RetryPolicySpec, heartbeatTimeoutMs: number): ActivityOptions {
  return {
    // A stage may run long (a 1M-row ingest); liveness is what the heartbeat timeout checks.
    startToCloseTimeout: LIVENESS.stageStartToCloseMs,
    heartbeatTimeout: heartbeatTimeoutMs,
    retry: toTemporalRetryPolicy(spec),
  };
}

/**
 * Lifecycle mirroring (SQLite writes, dead letters, the alert hook) must not be lost: short attempts,
 * retried patiently. The alert webhook retries itself inside `recordFailure`, hence two minutes.
 */
const LIFECYCLE_RETRY: RetryPolicy = {
  initialInterval: '200 ms',
  backoffCoefficient: 2,
  maximumInterval: '10 seconds',
  maximumAttempts: 10,
  nonRetryableErrorTypes: ['NOT_FOUND'],
};

export const LIFECYCLE_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: LIVENESS.lifecycleStartToCloseMs,
  retry: LIFECYCLE_RETRY,
};

/**
 * The same mirroring writes as local activities (`proxyLocalActivities`): the worker runs them inside the
 * workflow task that asks for them, in its lifecycle thread, and records the result as a marker, so they
 * cost no server round trip. Same retry policy; the retries happen in the worker (backoffs stay below
 * `localRetryThreshold`, so no server timer). A local activity is re-run when its workflow task is lost
 * (a crashed worker): every write it makes is idempotent, as for the regular activities.
 */
export const LOCAL_LIFECYCLE_ACTIVITY_OPTIONS: LocalActivityOptions = {
  startToCloseTimeout: LIVENESS.localLifecycleStartToCloseMs,
  retry: LIFECYCLE_RETRY,
  localRetryThreshold: '1 minute',
};
