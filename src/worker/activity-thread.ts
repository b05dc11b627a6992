/**
 * A stage thread: runs the worker's activities (the same `createActivities` the inline worker registers)
 * on its own event loop and its own SQLite connection, one call at a time. The main thread keeps
 * heartbeating while this thread is busy in SQLite, so a long statement never looks like a dead worker;
 * a cancelled call is told here and, if it does not stop in time, the main thread terminates the thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { createActivities } from '../activities/index.js';
import type { ActivityRuntime } from '../activities/runtime.js';
import { currentLogContext } from '../core/logging/log-context.js';
import type { LogLevel, SpineLogger } from '../core/logging/logger.js';
import { createWorkerSpine } from './main.js';
import type { FromThread, LogLevelName, SerializedError, ThreadSetup, ToThread } from './thread-protocol.js';

const port = parentPort;
if (!port) throw new Error('activity-thread.js runs only as a worker thread');
const setup = workerData as ThreadSetup;

/** Log lines go to the worker's own logger (one format, one destination), with this thread's context. */
const enabled = new Set(setup.logLevels);
const forward =
  (level: LogLevelName) =>
  (event: string, fields?: Record<string, unknown>): void => {
    if (!enabled.has(level)) return;
    const ctx = (currentLogContext()?.fields ?? {}) as Record<string, unknown>;
    // Structured-clone safe: bigints and errors become text.
    const all = JSON.parse(
      JSON.stringify({ ...ctx, ...fields }, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
    ) as Record<string, unknown>;
    send({ type: 'log', level, event, fields: all });
  };
const log: SpineLogger = {
  debug: forward('debug'),
  info: forward('info'),
  warn: forward('warn'),
  error: forward('error'),
  isLevelEnabled: (level: LogLevel) => enabled.has(level),
};
const spine = createWorkerSpine({ log, dbPath: setup.dbPath, migrate: false });

let current: { call: number; runtime: ActivityRuntime; abort: AbortController } | undefined;
const activities = createActivities(spine, () => {
  if (!current) throw new Error('No activity is running in this thread');
  return current.runtime;
});

const send = (msg: FromThread): void => port.postMessage(msg);

function serialize(err: unknown): SerializedError {
  if (err instanceof CancelledFailure) return { kind: 'cancelled', message: err.message };
  if (err instanceof ApplicationFailure) {
    return {
      kind: 'application',
      message: err.message,
      ...(err.type ? { type: err.type } : {}),
      nonRetryable: err.nonRetryable ?? false,
      details: [...(err.details ?? [])],
      ...(err.stack ? { stack: err.stack } : {}),
    };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  return { kind: 'error', message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
}

port.on('message', (msg: ToThread) => {
  if (msg.type === 'cancel') {
    if (current?.call === msg.call) current.abort.abort(new CancelledFailure(msg.reason));
    return;
  }
  const abort = new AbortController();
  current = {
    call: msg.call,
    abort,
    runtime: {
      attempt: msg.attempt,
      workflowId: msg.workflowId,
      heartbeatDetails: msg.heartbeatDetails,
      heartbeat: (details) => send({ type: 'heartbeat', call: msg.call, details }),
      signal: abort.signal,
    },
  };
  const table = activities as unknown as Record<string, ((this: void, input: unknown) => Promise<unknown>) | undefined>;
  const fn = table[msg.activity];
  const run = fn ? fn(msg.input) : Promise.reject(new Error(`Unknown activity ${msg.activity}`));
  void run
    .then(
      (result) => send({ type: 'done', call: msg.call, result }),
      (err: unknown) => send({ type: 'failed', call: msg.call, error: serialize(err) }),
    )
    .finally(() => {
      current = undefined;
    });
});
send({ type: 'ready' });
