import { SHARE_ENV, Worker as Thread } from 'node:worker_threads';
import { join } from 'node:path';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { ACTIVITY_NAMES } from '../activities/index.js';
import type { SpineActivities } from '../activities/index.js';
import { heartbeatIntervalFor, LIVENESS } from '../contracts/liveness.js';
import type { SpineLogger } from '../core/logging/logger.js';
import { PROJECT_ROOT } from '../core/tools/temporal-binaries.js';
import type { FromThread, SerializedError, ThreadSetup, ToThread } from './thread-protocol.js';

/**
 * The compiled thread entry. Always the built file (dist/), also when the pool is created from the
 * TypeScript sources under vitest: a worker thread cannot load TypeScript on Node 20.
 */
export const ACTIVITY_THREAD_PATH = join(PROJECT_ROOT, 'dist', 'worker', 'activity-thread.js');

export interface ActivityThreadPoolOptions {
  readonly dbPath: string;
  /** Where the threads' log lines go (the worker's logger). */
  readonly log: SpineLogger;
  /** One thread per activity slot (maxConcurrentActivityTaskExecutions). */
  readonly size: number;
  /** Heartbeat cadence while a call runs; defaults from the liveness settings. */
  readonly heartbeatIntervalMs?: number;
}

interface Call {
  readonly id: number;
  onHeartbeat(details: unknown): void;
  resolve(result: unknown): void;
  reject(err: unknown): void;
}

class ActivityThread {
  readonly thread: Thread;
  readonly ready: Promise<void>;
  call: Call | undefined;
  #dead = false;
  readonly #log: SpineLogger;

  constructor(setup: ThreadSetup, log: SpineLogger, onExit: (t: ActivityThread) => void) {
    this.#log = log;
    this.thread = new Thread(ACTIVITY_THREAD_PATH, { workerData: setup, env: SHARE_ENV });
    this.ready = new Promise((resolve, reject) => {
      this.thread.once('error', reject);
      this.thread.once('message', () => resolve());
    });
    this.thread.on('message', (msg: FromThread) => this.#onMessage(msg));
    this.thread.on('error', (err) => this.call?.reject(err));
    this.thread.on('exit', () => {
      this.#dead = true;
      this.call?.reject(new Error('The stage thread exited'));
      onExit(this);
    });
  }

  /** Exited, or being terminated: never handed another call. */
  get dead(): boolean {
    return this.#dead;
  }

  retire(): void {
    this.#dead = true;
    void this.thread.terminate();
  }

  #onMessage(msg: FromThread): void {
    if (msg.type === 'log') {
      this.#log[msg.level](msg.event, msg.fields);
      return;
    }
    const call = this.call;
    if (msg.type === 'ready' || !call || msg.call !== call.id) return;
    if (msg.type === 'heartbeat') call.onHeartbeat(msg.details);
    else if (msg.type === 'done') call.resolve(msg.result);
    else call.reject(rebuild(msg.error));
  }

  post(msg: ToThread): void {
    this.thread.postMessage(msg);
  }
}

/** The failure Temporal should see, rebuilt from what the thread sent. */
function rebuild(e: SerializedError): Error {
  if (e.kind === 'application') {
    const failure = ApplicationFailure.create({
      message: e.message,
      ...(e.type ? { type: e.type } : {}),
      nonRetryable: e.nonRetryable ?? false,
      details: e.details ?? [],
    });
    if (e.stack) failure.stack = e.stack;
    return failure;
  }
  const err = new Error(e.message);
  if (e.stack) err.stack = e.stack;
  return err;
}

/**
 * Runs the worker's activities in stage threads, so the activity's event loop stays free: it heartbeats
 * every couple of seconds however long a SQLite statement runs (liveness by time, not by step), and it
 * sees a cancellation (workflow cancel, heartbeat timeout, shutdown) at once. A cancelled call is asked to
 * stop; a thread that does not stop within `LIVENESS.cancelGraceMs` is terminated (its open transaction
 * rolls back with its connection) and replaced, so a stale attempt never writes after the next one starts
 * — the execution fence catches anything in between.
 */
export class ActivityThreadPool {
  readonly #setup: ThreadSetup;
  readonly #log: SpineLogger;
  readonly #size: number;
  readonly #interval: number;
  readonly #idle: ActivityThread[] = [];
  readonly #waiting: ((t: ActivityThread) => void)[] = [];
  #calls = 0;
  #closed = false;
  readonly #all = new Set<ActivityThread>();

  constructor(options: ActivityThreadPoolOptions) {
    const levels = (['debug', 'info', 'warn', 'error'] as const).filter((l) => options.log.isLevelEnabled(l));
    this.#setup = { dbPath: options.dbPath, logLevels: levels };
    this.#log = options.log;
    this.#size = Math.max(1, options.size);
    this.#interval = options.heartbeatIntervalMs ?? heartbeatIntervalFor(LIVENESS.heartbeatTimeoutMs);
  }

  /** Starts the threads and waits until each has opened the database. */
  async start(): Promise<void> {
    const threads = Array.from({ length: this.#size }, () => this.#spawn());
    await Promise.all(threads.map((t) => t.ready));
    this.#idle.push(...threads);
  }

  #spawn(): ActivityThread {
    const t = new ActivityThread(this.#setup, this.#log, (dead) => this.#onExit(dead));
    this.#all.add(t);
    return t;
  }

  #onExit(dead: ActivityThread): void {
    this.#all.delete(dead);
    const i = this.#idle.indexOf(dead);
    if (i >= 0) this.#idle.splice(i, 1);
    if (this.#closed) return;
    const fresh = this.#spawn();
    fresh.ready.then(
      () => this.#release(fresh),
      () => undefined,
    );
  }

  #acquire(): Promise<ActivityThread> {
    const t = this.#idle.pop();
    if (t) return Promise.resolve(t);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(t: ActivityThread): void {
    if (t.dead || this.#closed) return;
    const next = this.#waiting.shift();
    if (next) next(t);
    else this.#idle.push(t);
  }

  /** Runs one activity call in a thread, heartbeating for it from here while it works. */
  async run(activity: string, input: unknown): Promise<unknown> {
    const ctx = Context.current();
    const thread = await this.#acquire();
    const id = ++this.#calls;
    let details: unknown = ctx.info.heartbeatDetails;
    // A local activity has no heartbeat (the worker keeps its workflow task alive instead).
    const beat = ctx.info.isLocal ? (): void => undefined : (): void => ctx.heartbeat(details);
    const timer = ctx.info.isLocal ? undefined : setInterval(beat, this.#interval);
    let killer: NodeJS.Timeout | undefined;
    const onCancel = (): void => {
      thread.post({ type: 'cancel', call: id, reason: String(ctx.cancellationSignal.reason ?? 'cancelled') });
      killer = setTimeout(() => thread.retire(), LIVENESS.cancelGraceMs);
    };
    ctx.cancellationSignal.addEventListener('abort', onCancel, { once: true });
    try {
      return await new Promise<unknown>((resolve, reject) => {
        thread.call = {
          id,
          onHeartbeat: (d) => {
            details = d;
            beat();
          },
          resolve,
          reject,
        };
        thread.post({
          type: 'run',
          call: id,
          activity,
          input,
          attempt: ctx.info.attempt,
          workflowId: ctx.info.workflowExecution?.workflowId,
          heartbeatDetails: ctx.info.heartbeatDetails,
        });
      });
    } catch (err) {
      // A cancelled attempt reports Temporal's own cancellation, whatever the thread said on its way out.
      if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
      throw err;
    } finally {
      if (timer) clearInterval(timer);
      if (killer) clearTimeout(killer);
      ctx.cancellationSignal.removeEventListener('abort', onCancel);
      thread.call = undefined;
      this.#release(thread);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#all].map((t) => t.thread.terminate()));
  }
}

/**
 * The short lifecycle writes (mirroring a run's start, end and cancellation; recording fan-out children).
 * They run as local activities inside a workflow task, so they get their own thread: never queued behind
 * a long stage in the stage threads, and never blocking the worker's event loop on SQLite's write lock.
 */
export const LIFECYCLE_THREAD_ACTIVITIES: ReadonlySet<string> = new Set<(typeof ACTIVITY_NAMES)[number]>([
  'startExecution',
  'finishExecution',
  'markCancelled',
  'prepareChildren',
]);

/**
 * The activities the worker registers: each one runs in a thread, the lifecycle writes in `lifecycle`
 * (a pool of one), everything else (stages, `recordFailure` with its alert hook, `submitScheduled`) in
 * the stage threads.
 */
export function createThreadedActivities(
  stages: ActivityThreadPool,
  lifecycle: ActivityThreadPool = stages,
): SpineActivities {
  const entries = ACTIVITY_NAMES.map((name) => {
    const pool = LIFECYCLE_THREAD_ACTIVITIES.has(name) ? lifecycle : stages;
    return [name, (input: unknown) => pool.run(name, input)] as const;
  });
  return Object.fromEntries(entries) as unknown as SpineActivities;
}
