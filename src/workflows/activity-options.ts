import type { ActivityOptions, RetryPolicy } from '@temporalio/workflow';
import type { RetryPolicySpec } from '../contracts/execution.js';
import { NON_RETRYABLE_ERROR_TYPES } from '../contracts/temporal/run-pipeline.js';

/** A stage may run for a long time (a 300k-row ingest); liveness is what the heartbeat timeout checks. */
const STAGE_START_TO_CLOSE = '2 hours';

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
    startToCloseTimeout: STAGE_START_TO_CLOSE,
    heartbeatTimeout: heartbeatTimeoutMs,
    retry: toTemporalRetryPolicy(spec),
  };
}

/**
 * Lifecycle mirroring (SQLite writes, dead letters, the alert hook) must not be lost: short attempts,
 * retried patiently. The alert webhook retries itself inside `recordFailure`, hence two minutes.
 */
export const LIFECYCLE_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '200 ms',
    backoffCoefficient: 2,
    maximumInterval: '10 seconds',
    maximumAttempts: 10,
    nonRetryableErrorTypes: ['NOT_FOUND'],
  },
};
