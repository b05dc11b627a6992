/**
 * Temporal for tests: a connection to the suite's one dev server (global-setup.ts), unique task queues,
 * and a "stack" per test — a CLI-side Spine whose background lane is the real TemporalBackend, plus a
 * worker-side Spine and an in-process Worker on the same SQLite file, as in production.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Worker, WorkflowBundle } from '@temporalio/worker';
import { afterAll, beforeAll, inject } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { createSpine } from '../../src/app/spine.js';
import type { Spine } from '../../src/app/spine.js';
import type { TemporalSettings } from '../../src/backends/temporal/connection.js';
import { TemporalBackend } from '../../src/backends/temporal/temporal-backend.js';
import { silentLogger } from '../../src/core/logging/logger.js';
import type { SpineLogger } from '../../src/core/logging/logger.js';
import type { PipelineRegistry } from '../../src/core/pipeline/registry.js';
import { ActivityThreadPool, createThreadedActivities } from '../../src/worker/activity-threads.js';
import { bundleSpineWorkflows, createSpineWorker } from '../../src/worker/create-worker.js';
import { createWorkerSpine } from '../../src/worker/main.js';
import { ensureRuntime } from '../../src/worker/runtime.js';
import { tempDir } from './tmp-db.js';
export { waitFor } from './wait-for.js';
import type { TempDir } from './tmp-db.js';

/** The Runtime logger is process-wide and installed once: it forwards to whatever a test points it at. */
const runtimeLog: { current: SpineLogger } = { current: silentLogger };
const delegating: SpineLogger = {
  debug: (e, f) => runtimeLog.current.debug(e, f),
  info: (e, f) => runtimeLog.current.info(e, f),
  warn: (e, f) => runtimeLog.current.warn(e, f),
  error: (e, f) => runtimeLog.current.error(e, f),
  isLevelEnabled: (l) => runtimeLog.current.isLevelEnabled(l),
};

/** Routes Temporal SDK/workflow/core log lines to `log` (until the next call). */
export function setTemporalTestLogger(log: SpineLogger): void {
  runtimeLog.current = log;
}

export interface TestTemporal {
  readonly address: string;
  readonly namespace: string;
  readonly client: Client;
  readonly nativeConnection: NativeConnection;
  close(): Promise<void>;
}

export async function openTestTemporal(): Promise<TestTemporal> {
  ensureRuntime(delegating, { level: 'INFO', shutdownSignals: [] });
  const address = inject('temporalAddress');
  const namespace = inject('temporalNamespace');
  const [nativeConnection, connection] = await Promise.all([
    NativeConnection.connect({ address }),
    Connection.connect({ address }),
  ]);
  return {
    address,
    namespace,
    client: new Client({ connection, namespace }),
    nativeConnection,
    close: async () => {
      await Promise.all([nativeConnection.close(), connection.close()]);
    },
  };
}

/**
 * One connection per test file (plus the file's workflow bundle unless `bundle: false`), opened in
 * beforeAll and closed in afterAll; call the returned function inside tests.
 */
export function useTestTemporal(options: { readonly bundle?: boolean } = {}): () => TestTemporal {
  let temporal: TestTemporal | undefined;
  beforeAll(async () => {
    temporal = await openTestTemporal();
    if (options.bundle ?? true) await sharedBundle();
  }, 120_000);
  afterAll(async () => {
    await temporal?.close();
  });
  return () => {
    if (!temporal) throw new Error('useTestTemporal(): no connection outside a test');
    return temporal;
  };
}

/** Files run in parallel against one server: every test gets its own queue. */
export function uniqueTaskQueue(name: string): string {
  return `tq-${name}-${randomUUID().slice(0, 8)}`;
}

let bundle: Promise<WorkflowBundle> | undefined;
/** One workflow bundle per test file (about a second each). */
export function sharedBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleSpineWorkflows();
  return bundle;
}

export interface RunningWorker {
  readonly worker: Worker;
  stop(): Promise<void>;
}

export interface TestStack {
  readonly dir: TempDir;
  readonly dbPath: string;
  readonly taskQueue: string;
  readonly settings: TemporalSettings;
  /** The CLI side: `dispatcher.submit(..., { lane: 'background' })` goes through the TemporalBackend. */
  readonly client: Spine;
  /** The worker side: what the activities write with. */
  readonly worker: Spine;
  startWorker(): Promise<RunningWorker>;
  cleanup(): void;
}

export interface TestStackOptions {
  readonly name: string;
  readonly registry?: PipelineRegistry;
  readonly log?: SpineLogger;
  /** Extra env for the client's run plan (SPINE_RETRY_*, SPINE_HEARTBEAT_TIMEOUT_MS …). */
  readonly env?: Readonly<Record<string, string>>;
  readonly dir?: TempDir;
}

export function openTestStack(temporal: TestTemporal, options: TestStackOptions): TestStack {
  const dir = options.dir ?? tempDir(`spine-${options.name}-`);
  const dbPath = dir.join('spine.db');
  const log = options.log ?? silentLogger;
  const taskQueue = uniqueTaskQueue(options.name);
  const settings: TemporalSettings = {
    address: temporal.address,
    namespace: temporal.namespace,
    taskQueue,
    uiUrl: 'http://127.0.0.1:8233',
  };
  const worker = createWorkerSpine({ log, dbPath, ...(options.registry ? { registry: options.registry } : {}) });
  const backend: { current?: TemporalBackend } = {};
  const client = createSpine({
    log,
    dbPath,
    ...(options.registry ? { registry: options.registry } : {}),
    background: () => Promise.resolve(backend.current as TemporalBackend),
  });
  backend.current = new TemporalBackend({
    settings,
    log,
    env: { ...process.env, ...options.env },
    pollIntervalMs: 100,
    stores: () => ({ store: client.store, events: client.events, release: () => undefined }),
  });
  return {
    dir,
    dbPath,
    taskQueue,
    settings,
    client,
    worker,
    startWorker: async () => {
      // As in production, activities run in stage threads (the built dist/ code, with the default
      // registry). Test-only pipelines live in this process, so a custom registry runs them inline.
      const pool = options.registry ? undefined : new ActivityThreadPool({ dbPath, size: 2, log });
      const lifecyclePool = options.registry ? undefined : new ActivityThreadPool({ dbPath, size: 1, log });
      await Promise.all([pool?.start(), lifecyclePool?.start()]);
      const w = await createSpineWorker({
        connection: temporal.nativeConnection,
        namespace: temporal.namespace,
        taskQueue,
        activities: pool ? createThreadedActivities(pool, lifecyclePool) : createActivities(worker),
        maxConcurrentActivityTaskExecutions: 2,
        workflowBundle: await sharedBundle(),
      });
      const running = w.run();
      return {
        worker: w,
        stop: async () => {
          if (w.getState() === 'RUNNING') w.shutdown();
          await running;
          await Promise.all([pool?.close(), lifecyclePool?.close()]);
        },
      };
    },
    cleanup: () => {
      client.close();
      worker.close();
      if (!options.dir) dir.cleanup();
    },
  };
}
