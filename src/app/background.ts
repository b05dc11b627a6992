import type { ExecutionBackend, StartOptions } from '../core/dispatch/backend.js';
import type { ExecutionRecord } from '../core/execution/execution-store.js';
import type { DeadLetter } from '../core/execution/dead-letters.js';
import { isDryRun } from '../core/dispatch/dispatcher.js';
import { ErrorCodes, SpineError } from '../core/errors.js';
import type { SpineLogger } from '../core/logging/logger.js';
import type { Client } from '@temporalio/client';
import type { TemporalSettings } from '../backends/temporal/connection.js';
import type { Spine } from './spine.js';

/**
 * The client settings for this process. The dev stack is found through configuration, never the working
 * directory: `SPINE_DEV_DIR` (default `<project root>/.data`). While a stack is recorded there, and
 * `SPINE_TEMPORAL_ADDRESS` does not name another server, the CLI talks to that stack: its address,
 * namespace, task queue and UI (each `SPINE_TEMPORAL_*` variable still wins). A recorded stack whose
 * server is not running is an error (never a silent fall-back to whatever answers at the default
 * address), and so is talking to it with another database than its worker's: those runs would never
 * finish in this database. Both are refused before anything is recorded.
 */
async function clientSettings(
  env: NodeJS.ProcessEnv,
  checkDatabase = true,
  log?: SpineLogger,
): Promise<TemporalSettings> {
  const [{ temporalSettingsFromEnv }, { devStateDir, readDevStackState }, { stackProcess }, { databasePathFromEnv }] =
    await Promise.all([
      import('../backends/temporal/connection.js'),
      import('../backends/temporal/dev-stack/state.js'),
      import('../backends/temporal/dev-stack/processes.js'),
      import('../core/db/open-database.js'),
    ]);
  const settings = temporalSettingsFromEnv(env);
  const stateDir = devStateDir(env);
  const stack = readDevStackState(stateDir);
  if (!stack) return settings;
  const explicit = env['SPINE_TEMPORAL_ADDRESS']?.trim();
  if (explicit && explicit !== stack.server.address) return settings;
  const dbPath = databasePathFromEnv(env);
  if (checkDatabase && stack.databasePath !== dbPath) {
    throw new SpineError(
      ErrorCodes.INVALID_PARAMS,
      `The dev stack's worker writes ${stack.databasePath}, but this command uses ${dbPath}: the run would never finish here`,
      {
        details: {
          stack: stateDir,
          hint: `use SPINE_DATABASE_PATH=${stack.databasePath} (or --db), or restart the stack with \`spine dev down && spine dev up\``,
        },
      },
    );
  }
  if (!stackProcess(stack.server.pid, 'server', stateDir, true)) {
    throw new SpineError(
      ErrorCodes.TEMPORAL_UNAVAILABLE,
      `The dev stack in ${stateDir} is down: its Temporal server (pid ${stack.server.pid}, ${stack.server.address}) is not running`,
      { details: { stack: stateDir, hint: 'run `spine dev up` (it restarts what is down), or `spine dev down`' } },
    );
  }
  if (log && !(stack.worker && stackProcess(stack.worker.pid, 'worker', stateDir, true))) {
    log.warn('dev_stack.worker_down', {
      stack: stateDir,
      hint: 'no worker of the dev stack is running: runs wait until `spine dev up` starts one',
    });
  }
  return {
    address: stack.server.address,
    namespace: env['SPINE_TEMPORAL_NAMESPACE']?.trim() || stack.server.namespace,
    taskQueue: env['SPINE_TASK_QUEUE']?.trim() || stack.worker?.taskQueue || settings.taskQueue,
    // A headless stack has no Web UI: no link at all rather than the default address's.
    uiUrl: env['SPINE_TEMPORAL_UI_URL']?.trim() || stack.server.uiUrl,
  };
}

/**
 * Loads the Temporal backend on first use of the background lane (never at CLI start-up). It opens its
 * own handle on the CLI's database for the length of one start (the dispatcher's Spine is built later
 * than this loader) and one Temporal connection, both closed when `start` returns.
 */
export function backgroundBackendLoader(
  log: SpineLogger,
  env: NodeJS.ProcessEnv = process.env,
): () => Promise<ExecutionBackend> {
  return async () => {
    const settings = await clientSettings(env, true, log);
    const [{ TemporalBackend }, { openDatabase, databasePathFromEnv }, { ExecutionStore }, { EventWriter }] =
      await Promise.all([
        import('../backends/temporal/temporal-backend.js'),
        import('../core/db/open-database.js'),
        import('../core/execution/execution-store.js'),
        import('../core/execution/event-writer.js'),
      ]);
    return new TemporalBackend({
      settings,
      log,
      env,
      stores: () => {
        const db = openDatabase(databasePathFromEnv(env));
        return { store: new ExecutionStore(db), events: new EventWriter(db), release: () => db.close() };
      },
    });
  };
}

export interface WorkerCommandOptions {
  readonly taskQueue: string;
  readonly concurrency: number;
  readonly log: SpineLogger;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * `spine worker`: runs the Temporal worker in the foreground until SIGINT/SIGTERM. It finds the server as
 * every command does (a recorded dev stack, unless SPINE_TEMPORAL_ADDRESS names another server), and is
 * refused when that stack's worker writes another database: its runs would be recorded in two places.
 */
export async function runBackgroundWorker(options: WorkerCommandOptions): Promise<void> {
  const { runWorker } = await import('../worker/main.js');
  const settings = await clientSettings(options.env ?? process.env, true);
  await runWorker({
    address: settings.address,
    namespace: settings.namespace,
    taskQueue: options.taskQueue,
    concurrency: options.concurrency,
    log: options.log,
  });
}

export interface ReplayResult {
  readonly deadLetter: DeadLetter;
  readonly execution: ExecutionRecord;
}

/**
 * `spine dlq replay`: submits the dead letter's params as a new execution (trigger `retry`) on the lane
 * the original ran on, so it goes to the same backend, and links it through replayed_execution_id.
 */
export async function replayDeadLetter(spine: Spine, id: number, options: StartOptions = {}): Promise<ReplayResult> {
  const dl = spine.deadLetters.get(id);
  if (!dl) throw new SpineError(ErrorCodes.NOT_FOUND, `Dead letter ${id} not found`, { nonRetryable: true });
  if (dl.status !== 'open') {
    throw new SpineError(ErrorCodes.INVALID_PARAMS, `Dead letter ${id} is already ${dl.status}`, {
      nonRetryable: true,
      details: { replayed_execution_id: dl.replayed_execution_id },
    });
  }
  const original = spine.store.get(dl.execution_id);
  const submitted = await spine.dispatcher.submit(dl.pipeline, dl.params as Record<string, string | number | boolean>, {
    lane: original?.lane ?? 'normal',
    trigger: 'retry',
    ...(options.wait !== undefined ? { wait: options.wait } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  if (isDryRun(submitted)) throw new SpineError(ErrorCodes.INTERNAL_ERROR, 'unexpected dry run');
  spine.deadLetters.resolve(id, 'replayed', submitted.id);
  return { deadLetter: spine.deadLetters.get(id) as DeadLetter, execution: submitted };
}

/**
 * Runs `fn` with a connected Temporal client (settings as for the background lane, dev stack included)
 * and closes the connection afterwards: for commands that talk to Temporal itself (`spine schedules`).
 */
export async function withTemporalClient<T>(
  fn: (client: Client, settings: TemporalSettings) => Promise<T>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<T> {
  const settings = await clientSettings(env, false);
  const { connectClient } = await import('../backends/temporal/connection.js');
  const temporal = await connectClient(settings);
  try {
    return await fn(temporal.client, settings);
  } finally {
    await temporal.close();
  }
}

/**
 * Live heartbeat progress of a running background execution (`spine executions show`), read from the
 * workflow's pending activities; undefined when the server cannot be reached (SQLite still tells the story).
 */
export async function liveProgress(
  workflowId: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string[] | undefined> {
  const settings = await clientSettings(env, false).catch(() => undefined);
  if (!settings) return undefined;
  const { fetchLiveActivities, progressLine } = await import('../backends/temporal/live-progress.js');
  const activities = await fetchLiveActivities(settings, workflowId);
  return activities?.map(progressLine).filter((l): l is string => l !== undefined);
}
