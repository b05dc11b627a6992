/** Process plumbing for `spine dev`: detached starts with log files, readiness waits, pid-checked stops. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCodes, SpineError } from '../../../core/errors.js';
import { connectClient } from '../connection.js';
import type { DevStackState } from './state.js';
import { isAlive, isOurProcess } from './state.js';

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export function startDetached(
  command: string,
  args: readonly string[],
  log: string,
  env: NodeJS.ProcessEnv,
): ChildProcess {
  const fd = openSync(log, 'a');
  try {
    const child = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd], env, cwd: process.cwd() });
    child.unref();
    return child;
  } finally {
    closeSync(fd);
  }
}

function failStart(what: string, log: string, why: string): SpineError {
  return new SpineError(
    ErrorCodes.TEMPORAL_UNAVAILABLE,
    `${what} did not start: ${why}\n--- ${log} ---\n${tail(log)}`,
    {
      details: { log, hint: `see ${log}` },
    },
  );
}

/** Resolves once the server answers a gRPC call; fails if the process dies first or time runs out. */
export async function waitForServer(
  address: string,
  child: ChildProcess,
  log: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw failStart('The Temporal dev server', log, `exited with code ${child.exitCode}`);
    try {
      const c = await connectClient({ address, namespace: 'default' }, 1_000);
      await c.close();
      return;
    } catch {
      await sleep(250);
    }
  }
  throw failStart('The Temporal dev server', log, `no answer at ${address} within ${timeoutMs / 1000}s`);
}

/** True when a poller with this identity is polling the queue's workflow tasks. */
export async function isPolling(
  address: string,
  namespace: string,
  taskQueue: string,
  identity: string,
): Promise<boolean> {
  const c = await connectClient({ address, namespace }, 1_000);
  try {
    const res = await c.client.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue } });
    return (res.pollers ?? []).some((p) => p.identity === identity);
  } finally {
    await c.close();
  }
}

export async function waitForWorker(state: DevStackState, child: ChildProcess, timeoutMs: number): Promise<void> {
  const worker = state.worker as NonNullable<DevStackState['worker']>;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw failStart('The Spine worker', worker.log, `exited with code ${child.exitCode}`);
    if (
      await isPolling(state.server.address, state.server.namespace, worker.taskQueue, worker.identity).catch(
        () => false,
      )
    )
      return;
    await sleep(300);
  }
  throw failStart('The Spine worker', worker.log, `not polling ${worker.taskQueue} within ${timeoutMs / 1000}s`);
}

/** Stops one process we started: SIGTERM, then SIGKILL after `graceMs`. Never touches a recycled pid. */
export async function stopProcess(
  pid: number,
  marker: string,
  graceMs: number,
): Promise<'stopped' | 'killed' | 'not running'> {
  if (!isOurProcess(pid, marker)) return 'not running';
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return 'stopped';
    await sleep(100);
  }
  if (isOurProcess(pid, marker)) process.kill(pid, 'SIGKILL');
  return 'killed';
}
