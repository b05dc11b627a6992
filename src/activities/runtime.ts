import { Context } from '@temporalio/activity';

/**
 * What an activity needs from Temporal while it runs. Inline (the activity runs on the worker's own
 * event loop) it is Temporal's activity Context; in a stage thread (src/worker/activity-threads.ts) the
 * thread gets a copy of the attempt's facts and forwards heartbeats to the Context on the main thread.
 */
export interface ActivityRuntime {
  readonly attempt: number;
  readonly workflowId: string | undefined;
  readonly heartbeatDetails: unknown;
  heartbeat(details: unknown): void;
  /** Aborted when the attempt is cancelled (workflow cancel, heartbeat timeout, worker shutdown). */
  readonly signal: AbortSignal;
}

/** The runtime of the activity running on this event loop (Temporal's own context). */
export function temporalRuntime(): ActivityRuntime {
  const ctx = Context.current();
  return {
    attempt: ctx.info.attempt,
    workflowId: ctx.info.workflowExecution?.workflowId,
    heartbeatDetails: ctx.info.heartbeatDetails,
    heartbeat: (details) => ctx.heartbeat(details),
    signal: ctx.cancellationSignal,
  };
}
