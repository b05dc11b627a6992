import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { workerIdentity } from '../../../contracts/temporal/task-queue.js';
import { ErrorCodes, SpineError } from '../../../core/errors.js';
import { PROJECT_ROOT, resolveTemporalBinary, TEMPORAL_INSTALL_HINT } from '../../../core/tools/temporal-binaries.js';
import { connectClient } from '../connection.js';
import type { DevStackConfig } from './config.js';
import { serverAddress, startDevArgs, uiUrl } from './config.js';
import type { DevStackState } from './state.js';
import { isOurProcess, readDevStackState, removeDevStackState, writeDevStackState } from './state.js';
import { isPolling, startDetached, stopProcess, waitForServer, waitForWorker } from './processes.js';

const SERVER_MARKER = 'start-dev';
const RUN_JS = join(PROJECT_ROOT, 'bin', 'run.js');
const WORKER_MARKER = RUN_JS;

export interface DevUpOptions {
  readonly config: DevStackConfig;
  readonly stateDir: string;
  /** Absolute; passed to the worker as SPINE_DATABASE_PATH and recorded. */
  readonly databasePath: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly serverTimeoutMs?: number;
  readonly workerTimeoutMs?: number;
}

export interface DevUpResult {
  readonly alreadyRunning: boolean;
  readonly state: DevStackState;
}

/**
 * Starts the dev server (flags from temporal-dev.yml) and one worker, both detached with logs under
 * `<stateDir>/logs`, waits until the server answers and the worker polls, and records both pids.
 * Idempotent while the recorded stack is alive; a half-started stack is stopped again on failure.
 */
export async function devUp(options: DevUpOptions): Promise<DevUpResult> {
  const { config, stateDir, databasePath } = options;
  const env = options.env ?? process.env;
  const existing = readDevStackState(stateDir);
  if (existing && isOurProcess(existing.server.pid, SERVER_MARKER)) {
    if (existing.databasePath !== databasePath) {
      throw new SpineError(
        ErrorCodes.INVALID_PARAMS,
        `The dev stack is already running with database ${existing.databasePath}, not ${databasePath}`,
        { details: { hint: 'run `spine dev down` first, or use the same SPINE_DATABASE_PATH' } },
      );
    }
    if (existing.worker && isOurProcess(existing.worker.pid, WORKER_MARKER))
      return { alreadyRunning: true, state: existing };
  }
  const address = serverAddress(config);
  if (!existing || !isOurProcess(existing.server.pid, SERVER_MARKER)) {
    const busy = await connectClient({ address, namespace: 'default' }, 1_000).then(
      async (c) => (await c.close(), true),
      () => false,
    );
    if (busy) {
      throw new SpineError(
        ErrorCodes.TEMPORAL_UNAVAILABLE,
        `Something already answers at ${address} that this dev stack did not start`,
        {
          details: { hint: `stop it, or change temporal.port in ${config.path}` },
        },
      );
    }
  }
  const cli = resolveTemporalBinary('cli', env);
  if (!cli) {
    throw new SpineError(ErrorCodes.TEMPORAL_UNAVAILABLE, 'The Temporal CLI is not installed', {
      details: { hint: TEMPORAL_INSTALL_HINT },
    });
  }
  const logs = join(stateDir, 'logs');
  mkdirSync(logs, { recursive: true });
  mkdirSync(dirname(config.temporal.dbFilename), { recursive: true });

  let state: DevStackState;
  let server: ChildProcess | undefined;
  if (existing && isOurProcess(existing.server.pid, SERVER_MARKER)) {
    const { worker: _stale, ...serverOnly } = existing;
    state = serverOnly;
  } else {
    const serverLog = join(logs, 'temporal.log');
    server = startDetached(cli.path, startDevArgs(config), serverLog, env);
    state = {
      version: 1,
      startedAt: new Date().toISOString(),
      configPath: config.path,
      databasePath,
      server: {
        pid: server.pid as number,
        address,
        namespace: config.temporal.namespace,
        uiUrl: uiUrl(config),
        log: serverLog,
      },
    };
    writeDevStackState(stateDir, state);
  }
  try {
    if (server) await waitForServer(address, server, state.server.log, options.serverTimeoutMs ?? 30_000);
    const workerLog = join(logs, 'worker.log');
    const worker = startDetached(
      process.execPath,
      [
        RUN_JS,
        'worker',
        '--task-queue',
        config.worker.taskQueue,
        '--concurrency',
        String(config.worker.maxConcurrentActivityTaskExecutions),
      ],
      workerLog,
      {
        ...env,
        SPINE_DATABASE_PATH: databasePath,
        SPINE_TEMPORAL_ADDRESS: address,
        SPINE_TEMPORAL_NAMESPACE: config.temporal.namespace,
        SPINE_TASK_QUEUE: config.worker.taskQueue,
        SPINE_LOG_FORMAT: 'json',
      },
    );
    state = {
      ...state,
      worker: {
        pid: worker.pid as number,
        taskQueue: config.worker.taskQueue,
        concurrency: config.worker.maxConcurrentActivityTaskExecutions,
        identity: workerIdentity(worker.pid as number, hostname()),
        log: workerLog,
      },
    };
    writeDevStackState(stateDir, state);
    await waitForWorker(state, worker, options.workerTimeoutMs ?? 60_000);
    return { alreadyRunning: false, state };
  } catch (err) {
    await devDown(stateDir);
    throw err;
  }
}

export interface DevDownResult {
  readonly worker: 'stopped' | 'killed' | 'not running' | 'none';
  readonly server: 'stopped' | 'killed' | 'not running' | 'none';
}

/** Stops exactly the worker and server recorded in dev-stack.json (worker first, so it drains). */
export async function devDown(stateDir: string): Promise<DevDownResult> {
  const state = readDevStackState(stateDir);
  if (!state) return { worker: 'none', server: 'none' };
  const worker = state.worker ? await stopProcess(state.worker.pid, WORKER_MARKER, 30_000) : 'none';
  const server = await stopProcess(state.server.pid, SERVER_MARKER, 15_000);
  removeDevStackState(stateDir);
  return { worker, server };
}

export interface DevStatus {
  readonly running: boolean;
  readonly databasePath: string | null;
  readonly server: {
    readonly pid: number | null;
    readonly alive: boolean;
    readonly reachable: boolean;
    readonly address: string | null;
    readonly uiUrl: string | null;
  };
  readonly worker: {
    readonly pid: number | null;
    readonly alive: boolean;
    readonly polling: boolean;
    readonly taskQueue: string | null;
  };
}

export async function devStatus(stateDir: string): Promise<DevStatus> {
  const state = readDevStackState(stateDir);
  const serverAlive = state ? isOurProcess(state.server.pid, SERVER_MARKER) : false;
  const reachable =
    state && serverAlive
      ? await connectClient({ address: state.server.address, namespace: state.server.namespace }, 2_000).then(
          async (c) => (await c.close(), true),
          () => false,
        )
      : false;
  const workerAlive = state?.worker ? isOurProcess(state.worker.pid, WORKER_MARKER) : false;
  const polling =
    state?.worker && workerAlive && reachable
      ? await isPolling(
          state.server.address,
          state.server.namespace,
          state.worker.taskQueue,
          state.worker.identity,
        ).catch(() => false)
      : false;
  return {
    running: reachable && polling,
    databasePath: state?.databasePath ?? null,
    server: {
      pid: state?.server.pid ?? null,
      alive: serverAlive,
      reachable,
      address: state?.server.address ?? null,
      uiUrl: state?.server.uiUrl ?? null,
    },
    worker: {
      pid: state?.worker?.pid ?? null,
      alive: workerAlive,
      polling,
      taskQueue: state?.worker?.taskQueue ?? null,
    },
  };
}
