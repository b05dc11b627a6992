import { hostname } from 'node:os';
import { NativeConnection } from '@temporalio/worker';
import { ChildRecorderBackend } from '../activities/index.js';
import { databasePathFromEnv } from '../core/db/open-database.js';
import { ActivityThreadPool, createThreadedActivities } from './activity-threads.js';
import { workerIdentity } from '../contracts/temporal/task-queue.js';
import { createSpine } from '../app/spine.js';
import type { Spine } from '../app/spine.js';
import { temporalUnavailable } from '../backends/temporal/errors.js';
import type { SpineLogger } from '../core/logging/logger.js';
import type { PipelineRegistry } from '../core/pipeline/registry.js';
import { createSpineWorker } from './create-worker.js';
import { ensureRuntime } from './runtime.js';

export interface RunWorkerOptions {
  readonly address: string;
  readonly namespace: string;
  readonly taskQueue: string;
  /** maxConcurrentActivityTaskExecutions. */
  readonly concurrency: number;
  readonly log: SpineLogger;
  /** Defaults to SPINE_DATABASE_PATH (the dev stack passes the CLI's). */
  readonly dbPath?: string;
  readonly registry?: PipelineRegistry;
}

/**
 * A Spine whose background lane records fan-out children for the parent workflow to run (instead of
 * starting new top-level workflows from inside an activity).
 */
export function createWorkerSpine(options: {
  log: SpineLogger;
  dbPath?: string;
  registry?: PipelineRegistry;
  migrate?: boolean;
}): Spine {
  const recorder: { backend?: ChildRecorderBackend } = {};
  const spine = createSpine({
    log: options.log,
    migrate: options.migrate ?? true,
    ...(options.dbPath ? { dbPath: options.dbPath } : {}),
    ...(options.registry ? { registry: options.registry } : {}),
    background: () => Promise.resolve(recorder.backend as ChildRecorderBackend),
  });
  recorder.backend = new ChildRecorderBackend(spine.store);
  return spine;
}

/**
 * The worker process: Runtime with the pino adapter, the migrated database, a NativeConnection and one
 * Worker; returns after a graceful shutdown (SIGINT/SIGTERM: running stages get a grace period, then
 * `shutdownForceTime` guarantees the exit).
 */
export async function runWorker(options: RunWorkerOptions): Promise<void> {
  ensureRuntime(options.log);
  // Migrate once here; the stage threads then open the same file without migrating.
  const dbPath = options.dbPath ?? databasePathFromEnv();
  createWorkerSpine({ ...options, dbPath }).close();
  const pool = new ActivityThreadPool({
    dbPath,
    size: options.concurrency,
    log: options.log,
  });
  // One more thread for the lifecycle writes (local activities): see LIFECYCLE_THREAD_ACTIVITIES.
  const lifecyclePool = new ActivityThreadPool({ dbPath, size: 1, log: options.log });
  const closePools = () => Promise.all([pool.close(), lifecyclePool.close()]);
  let connection: NativeConnection;
  try {
    await Promise.all([pool.start(), lifecyclePool.start()]);
    connection = await NativeConnection.connect({ address: options.address });
  } catch (err) {
    await closePools();
    throw temporalUnavailable(options.address, err);
  }
  try {
    const worker = await createSpineWorker({
      connection,
      namespace: options.namespace,
      taskQueue: options.taskQueue,
      activities: createThreadedActivities(pool, lifecyclePool),
      maxConcurrentActivityTaskExecutions: options.concurrency,
      identity: workerIdentity(process.pid, hostname()),
    });
    options.log.info('worker.started', {
      address: options.address,
      namespace: options.namespace,
      task_queue: options.taskQueue,
      activity_slots: options.concurrency,
      pid: process.pid,
    });
    await worker.run();
    options.log.info('worker.stopped', { task_queue: options.taskQueue });
  } finally {
    await connection.close();
    await closePools();
  }
}
