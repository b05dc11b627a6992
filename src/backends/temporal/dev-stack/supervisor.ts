import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { workerIdentity } from '../../../contracts/temporal/task-queue.js';
import { ErrorCodes, SpineError } from '../../../core/errors.js';
import { PROJECT_ROOT, resolveTemporalBinary, TEMPORAL_INSTALL_HINT } from '../../../core/tools/temporal-binaries.js';
import type { DevStackConfig } from './config.js';
import { serverAddress, startDevArgs, uiUrl } from './config.js';
import type { DevStackState } from './state.js';
import { readDevStackState, removeDevStackState, withStackLock, writeDevStackState } from './state.js';
import type { StackProcess, StackRole, StopOutcome } from './processes.js';
import {
  answers,
  isPolling,
  scanStackProcesses,
  stackProcess,
  STACK_ENV,
  startDetached,
  stopProcess,
  waitForServer,
  waitForWorker,
  waitUntilAnswers,
  waitUntilPolling,
} from './processes.js';

const RUN_JS = join(PROJECT_ROOT, 'bin', 'run.js');
const GRACE_MS: Record<StackRole, number> = { worker: 30_000, server: 15_000 };

export interface DevUpOptions {
  readonly config: DevStackConfig;
  readonly stateDir: string;
  /** Absolute; passed to the worker as SPINE_DATABASE_PATH and recorded. */
  readonly databasePath: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly serverTimeoutMs?: number;
  readonly workerTimeoutMs?: number;
  /** How long a live worker of the stack gets to (re)connect and poll before it is replaced. */
  readonly adoptTimeoutMs?: number;
}

export interface StoppedProcess {
  readonly pid: number;
  readonly role: StackRole;
  readonly outcome: StopOutcome;
}

export interface DevUpResult {
  /** Server and worker were both running and adopted, nothing was stopped or started. */
  readonly alreadyRunning: boolean;
  readonly server: 'adopted' | 'started' | 'restarted';
  readonly worker: 'adopted' | 'started' | 'replaced';
  /** Processes of this stack stopped on the way: extra or unresponsive workers, a stale server. */
  readonly stopped: readonly StoppedProcess[];
  readonly state: DevStackState;
}

/** The live processes of the stack: the /proc scan plus the recorded pids (checked). */
function stackProcesses(stateDir: string, recorded: DevStackState | undefined): StackProcess[] {
  const byPid = new Map<number, StackProcess>();
  for (const p of scanStackProcesses(stateDir)) byPid.set(p.pid, p);
  if (recorded) {
    const server = stackProcess(recorded.server.pid, 'server', stateDir, true);
    if (server) byPid.set(server.pid, server);
    const worker = recorded.worker ? stackProcess(recorded.worker.pid, 'worker', stateDir, true) : undefined;
    if (worker) byPid.set(worker.pid, worker);
  }
  return [...byPid.values()];
}

function isRecorded(state: DevStackState | undefined, pid: number): boolean {
  return state !== undefined && (state.server.pid === pid || state.worker?.pid === pid);
}

async function stopAll(
  processes: readonly StackProcess[],
  stateDir: string,
  recorded: DevStackState | undefined,
): Promise<StoppedProcess[]> {
  return Promise.all(
    processes.map(async (p) => ({
      pid: p.pid,
      role: p.role,
      outcome: await stopProcess(
        p.pid,
        () => stackProcess(p.pid, p.role, stateDir, isRecorded(recorded, p.pid)) !== undefined,
        GRACE_MS[p.role],
      ),
    })),
  );
}

function sameArgs(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Recorded first, then oldest: the process to adopt among equals. */
function preferred(candidates: readonly StackProcess[], recorded: DevStackState | undefined): StackProcess | undefined {
  return [...candidates].sort(
    (a, b) => Number(isRecorded(recorded, b.pid)) - Number(isRecorded(recorded, a.pid)) || a.pid - b.pid,
  )[0];
}

/**
 * Brings the stack up, whatever state it is in: a live server and a live worker of this stack that run
 * the configured settings are adopted (the worker once it polls again, e.g. after a server restart);
 * anything else of the stack (a second worker, a worker on other settings or that does not poll in
 * time, a server that does not answer) is stopped and replaced. So after `dev up` exactly one server
 * and one worker run for the stack. Runs under the stack's lock; once it has started something, a
 * failure stops the whole stack again.
 */
export async function devUp(options: DevUpOptions): Promise<DevUpResult> {
  return withStackLock(options.stateDir, () => up(options));
}

async function up(options: DevUpOptions): Promise<DevUpResult> {
  const { config, stateDir, databasePath } = options;
  const env = options.env ?? process.env;
  const address = serverAddress(config);
  const namespace = config.temporal.namespace;
  const recorded = readDevStackState(stateDir);
  const found = stackProcesses(stateDir, recorded);
  const liveDb =
    recorded?.databasePath ?? found.find((p) => p.role === 'worker')?.env['SPINE_DATABASE_PATH'] ?? undefined;
  if (found.length > 0 && liveDb !== undefined && liveDb !== databasePath) {
    throw new SpineError(
      ErrorCodes.INVALID_PARAMS,
      `The dev stack is already running with database ${liveDb}, not ${databasePath}`,
      { details: { hint: 'run `spine dev down` first, or use the same SPINE_DATABASE_PATH' } },
    );
  }
  const logs = join(stateDir, 'logs');
  mkdirSync(logs, { recursive: true });
  const stopped: StoppedProcess[] = [];

  // The server: adopt the stack's live one if it runs these flags and answers, else replace it.
  const servers = found.filter((p) => p.role === 'server');
  const serverArgs = startDevArgs(config);
  const serverCandidate = preferred(
    servers.filter((p) => (p.args.length === 0 ? recorded?.server.address === address : sameArgs(p.args, serverArgs))),
    recorded,
  );
  const adoptServer =
    serverCandidate !== undefined &&
    (await waitUntilAnswers(address, serverCandidate.pid, options.serverTimeoutMs ?? 30_000));
  stopped.push(
    ...(await stopAll(
      servers.filter((p) => !adoptServer || p.pid !== serverCandidate?.pid),
      stateDir,
      recorded,
    )),
  );
  const cli = resolveTemporalBinary('cli', env);
  if (!adoptServer) {
    if (await answers(address)) {
      throw new SpineError(
        ErrorCodes.TEMPORAL_UNAVAILABLE,
        `Something already answers at ${address} that this dev stack did not start`,
        { details: { hint: `stop it, or change temporal.port in ${config.path}` } },
      );
    }
    if (!cli) {
      throw new SpineError(ErrorCodes.TEMPORAL_UNAVAILABLE, 'The Temporal CLI is not installed', {
        details: { hint: TEMPORAL_INSTALL_HINT },
      });
    }
  }

  const marker = { [STACK_ENV]: stateDir };
  const serverLog = join(logs, 'temporal.log');
  const workerLog = join(logs, 'worker.log');
  try {
    let serverPid = serverCandidate?.pid as number;
    if (!adoptServer) {
      mkdirSync(dirname(config.temporal.dbFilename), { recursive: true });
      const server = startDetached((cli as { path: string }).path, serverArgs, {
        log: serverLog,
        env: { ...env, ...marker },
        cwd: stateDir,
      });
      serverPid = server.pid;
      writeDevStackState(stateDir, stackState(options, serverPid, serverLog));
      await waitForServer(address, server, serverLog, options.serverTimeoutMs ?? 30_000);
    }
    const startedAt = adoptServer && recorded?.server.pid === serverPid ? recorded.startedAt : undefined;
    let state = stackState(options, serverPid, serverLog, undefined, undefined, startedAt);
    writeDevStackState(stateDir, state);

    // The worker: adopt the one live worker on these settings once it polls; stop every other.
    const taskQueue = config.worker.taskQueue;
    const concurrency = config.worker.maxConcurrentActivityTaskExecutions;
    const workerArgs = [
      RUN_JS,
      'worker',
      '--config',
      config.path,
      '--task-queue',
      taskQueue,
      '--concurrency',
      String(concurrency),
    ];
    const workerEnv: Record<string, string> = {
      SPINE_DATABASE_PATH: databasePath,
      SPINE_TEMPORAL_ADDRESS: address,
      SPINE_TEMPORAL_NAMESPACE: namespace,
      SPINE_TASK_QUEUE: taskQueue,
    };
    const workers = found.filter((p) => p.role === 'worker');
    const workerCandidate = preferred(
      workers.filter((p) =>
        p.args.length === 0
          ? recorded?.worker?.taskQueue === taskQueue &&
            recorded.worker.concurrency === concurrency &&
            recorded.server.address === address
          : sameArgs(p.args, workerArgs) && Object.entries(workerEnv).every(([k, v]) => p.env[k] === v),
      ),
      recorded,
    );
    stopped.push(
      ...(await stopAll(
        workers.filter((p) => p.pid !== workerCandidate?.pid),
        stateDir,
        recorded,
      )),
    );
    const target = (pid: number) => ({ address, namespace, taskQueue, identity: workerIdentity(pid, hostname()) });
    let workerPid: number | undefined;
    if (workerCandidate) {
      if (await waitUntilPolling(target(workerCandidate.pid), workerCandidate.pid, options.adoptTimeoutMs ?? 20_000))
        workerPid = workerCandidate.pid;
      else stopped.push(...(await stopAll([workerCandidate], stateDir, recorded)));
    }
    if (workerPid === undefined) {
      const worker = startDetached(process.execPath, workerArgs, {
        log: workerLog,
        env: { ...env, ...workerEnv, SPINE_LOG_FORMAT: 'json', ...marker },
        cwd: stateDir,
      });
      workerPid = worker.pid;
      writeDevStackState(stateDir, stackState(options, serverPid, serverLog, workerPid, workerLog, startedAt));
      await waitForWorker(target(workerPid), worker, workerLog, options.workerTimeoutMs ?? 60_000);
    }
    state = stackState(options, serverPid, serverLog, workerPid, workerLog, startedAt);
    writeDevStackState(stateDir, state);
    const serverAction = adoptServer ? 'adopted' : servers.length > 0 || recorded ? 'restarted' : 'started';
    const workerAction = workerPid === workerCandidate?.pid ? 'adopted' : workers.length > 0 ? 'replaced' : 'started';
    return {
      alreadyRunning: serverAction === 'adopted' && workerAction === 'adopted' && stopped.length === 0,
      server: serverAction,
      worker: workerAction,
      stopped,
      state,
    };
  } catch (err) {
    await down(stateDir);
    throw err;
  }
}

function stackState(
  options: DevUpOptions,
  serverPid: number,
  serverLog: string,
  workerPid?: number,
  workerLog?: string,
  startedAt?: string,
): DevStackState {
  const { config } = options;
  return {
    version: 1,
    startedAt: startedAt ?? new Date().toISOString(),
    configPath: config.path,
    databasePath: options.databasePath,
    server: {
      pid: serverPid,
      address: serverAddress(config),
      namespace: config.temporal.namespace,
      uiUrl: uiUrl(config),
      log: serverLog,
    },
    ...(workerPid !== undefined && workerLog !== undefined
      ? {
          worker: {
            pid: workerPid,
            taskQueue: config.worker.taskQueue,
            concurrency: config.worker.maxConcurrentActivityTaskExecutions,
            identity: workerIdentity(workerPid, hostname()),
            log: workerLog,
          },
        }
      : {}),
  };
}

export interface DevDownResult {
  /** The worst outcome among the stack's workers; `none` when there was none, recorded or found. */
  readonly worker: StopOutcome | 'none';
  readonly server: StopOutcome | 'none';
  /** Every process of the stack that was stopped (recorded or found through its STACK_ENV). */
  readonly stopped: readonly StoppedProcess[];
}

/**
 * Stops every process of the stack (workers first, so they drain; then the server): the recorded pids
 * and any other process carrying this stack's SPINE_DEV_STACK, e.g. a worker left behind by a crash
 * or by an older dev-stack.json. Each pid's identity is checked before it is signalled.
 */
export async function devDown(stateDir: string): Promise<DevDownResult> {
  return withStackLock(stateDir, () => down(stateDir));
}

async function down(stateDir: string): Promise<DevDownResult> {
  const recorded = readDevStackState(stateDir);
  const found = stackProcesses(stateDir, recorded);
  const workers = await stopAll(
    found.filter((p) => p.role === 'worker'),
    stateDir,
    recorded,
  );
  const servers = await stopAll(
    found.filter((p) => p.role === 'server'),
    stateDir,
    recorded,
  );
  removeDevStackState(stateDir);
  const summary = (results: readonly StoppedProcess[], wasRecorded: boolean): StopOutcome | 'none' => {
    for (const outcome of ['killed', 'stopped'] as const)
      if (results.some((r) => r.outcome === outcome)) return outcome;
    return wasRecorded ? 'not running' : 'none';
  };
  return {
    worker: summary(workers, recorded?.worker !== undefined),
    server: summary(servers, recorded !== undefined),
    stopped: [...workers, ...servers],
  };
}

export interface DevStatus {
  /** Server answering, its worker polling, nothing else of the stack running: `dev status` exits 0. */
  readonly running: boolean;
  readonly stackDir: string;
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
  /** Processes of this stack that dev-stack.json does not record (e.g. a second worker). */
  readonly strays: readonly { readonly pid: number; readonly role: StackRole }[];
  /** Why `running` is false, one line each. */
  readonly problems: readonly string[];
}

export async function devStatus(stateDir: string): Promise<DevStatus> {
  const state = readDevStackState(stateDir);
  const serverAlive = state ? stackProcess(state.server.pid, 'server', stateDir, true) !== undefined : false;
  const reachable = state && serverAlive ? await answers(state.server.address, 2_000) : false;
  const workerAlive = state?.worker ? stackProcess(state.worker.pid, 'worker', stateDir, true) !== undefined : false;
  const polling =
    state?.worker && workerAlive && reachable
      ? await isPolling(
          state.server.address,
          state.server.namespace,
          state.worker.taskQueue,
          state.worker.identity,
        ).catch(() => false)
      : false;
  const strays = scanStackProcesses(stateDir)
    .filter((p) => !isRecorded(state, p.pid))
    .map(({ pid, role }) => ({ pid, role }));
  const problems: string[] = [];
  if (!state) problems.push(`no dev stack recorded in ${stateDir} (run \`spine dev up\`)`);
  else {
    if (!serverAlive) problems.push(`the Temporal server (pid ${state.server.pid}) is not running`);
    else if (!reachable) problems.push(`the Temporal server does not answer at ${state.server.address}`);
    if (!state.worker) problems.push('no worker recorded');
    else if (!workerAlive) problems.push(`the worker (pid ${state.worker.pid}) is not running`);
    else if (!polling) problems.push(`the worker (pid ${state.worker.pid}) is not polling ${state.worker.taskQueue}`);
  }
  for (const s of strays) problems.push(`a ${s.role} of this stack that dev-stack.json does not record (pid ${s.pid})`);
  return {
    running: problems.length === 0,
    stackDir: stateDir,
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
    strays,
    problems,
  };
}
