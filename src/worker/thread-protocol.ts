/** Messages between the worker's main thread and its stage threads (src/worker/activity-threads.ts). */

export interface ThreadSetup {
  readonly dbPath: string;
  /** The levels the worker's logger writes: the thread forwards only those lines. */
  readonly logLevels: readonly string[];
}

export interface RunRequest {
  readonly type: 'run';
  readonly call: number;
  readonly activity: string;
  readonly input: unknown;
  readonly attempt: number;
  readonly workflowId: string | undefined;
  readonly heartbeatDetails: unknown;
}

export interface CancelRequest {
  readonly type: 'cancel';
  readonly call: number;
  readonly reason: string;
}

export type ToThread = RunRequest | CancelRequest;

/** An error as it crosses the thread boundary; the main thread rebuilds the failure Temporal expects. */
export interface SerializedError {
  readonly kind: 'application' | 'cancelled' | 'error';
  readonly message: string;
  readonly type?: string;
  readonly nonRetryable?: boolean;
  readonly details?: unknown[];
  readonly stack?: string;
}

export type LogLevelName = 'debug' | 'info' | 'warn' | 'error';

export type FromThread =
  | { readonly type: 'ready' }
  | {
      readonly type: 'log';
      readonly level: LogLevelName;
      readonly event: string;
      readonly fields: Record<string, unknown>;
    }
  | { readonly type: 'heartbeat'; readonly call: number; readonly details: unknown }
  | { readonly type: 'done'; readonly call: number; readonly result: unknown }
  | { readonly type: 'failed'; readonly call: number; readonly error: SerializedError };
