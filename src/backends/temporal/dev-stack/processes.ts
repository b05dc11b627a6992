/**
 * Process plumbing for `spine dev`: detached starts with log files, readiness waits, identity checks
 * through /proc, a scan for every process of one stack, and pid-checked stops.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCodes, SpineError } from '../../../core/errors.js';
import { connectClient } from '../connection.js';
import { isAlive } from './state.js';

/**
 * Set in the environment of the server and the worker `spine dev up` starts, to the stack directory:
 * /proc/<pid>/environ then tells which stack a process belongs to, even when dev-stack.json is stale.
 */
export const STACK_ENV = 'SPINE_DEV_STACK';

export type StackRole = 'server' | 'worker';

/** A live process of a stack, as /proc shows it. */
export interface StackProcess {
  readonly pid: number;
  readonly role: StackRole;
  /** argv without the executable. */
  readonly args: readonly string[];
  /** Its initial environment (empty where /proc is unavailable). */
  readonly env: Readonly<Record<string, string>>;
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Starts a process detached from this one (own session, output to `log`), in `cwd`. */
export function startDetached(
  command: string,
  args: readonly string[],
  options: { readonly log: string; readonly env: NodeJS.ProcessEnv; readonly cwd: string },
): ChildProcess & { readonly pid: number } {
  const fd = openSync(options.log, 'a');
  try {
    const child = spawn(command, args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: options.env,
      cwd: options.cwd,
    });
    // A failed spawn reports through 'error' later; without a listener that would crash this process.
    child.on('error', () => undefined);
    if (child.pid === undefined) {
      throw new SpineError(ErrorCodes.TEMPORAL_UNAVAILABLE, `Could not start ${command}`, {
        details: { command, args },
      });
    }
    child.unref();
    return child as ChildProcess & { readonly pid: number };
  } finally {
    closeSync(fd);
  }
}

const PROCFS = existsSync('/proc/self/cmdline');

function nulSplit(text: string): string[] {
  return text.split('\0').filter((s, i, all) => s !== '' || i < all.length - 1);
}

function roleOf(argv: readonly string[]): StackRole | undefined {
  const args = argv.slice(1);
  if (args[0] === 'server' && args[1] === 'start-dev') return 'server';
  const runJs = args.findIndex((a) => /(^|[/\\])bin[/\\]run\.js$/.test(a));
  if (runJs >= 0 && args[runJs + 1] === 'worker') return 'worker';
  return undefined;
}

/** What /proc says about `pid`: undefined when it is gone, a zombie, or not readable by us. */
function inspect(pid: number): { argv: string[]; env: Record<string, string> | undefined } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return undefined;
    const argv = nulSplit(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    if (argv.length === 0) return undefined;
    let env: Record<string, string> | undefined;
    try {
      env = {};
      for (const entry of nulSplit(readFileSync(`/proc/${pid}/environ`, 'utf8'))) {
        const eq = entry.indexOf('=');
        if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
      }
    } catch {
      env = undefined;
    }
    return { argv, env };
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie. */
export function isRunning(pid: number): boolean {
  if (!isAlive(pid)) return false;
  return PROCFS ? inspect(pid) !== undefined : true;
}

/**
 * `pid` as a process of the stack in `stackDir` with this role, or undefined. A process carries the
 * stack in STACK_ENV; a `recorded` pid (from dev-stack.json) without that variable at all is accepted
 * on its command line alone (started before the variable existed), and where /proc is unavailable a
 * recorded pid is trusted while it is alive.
 */
export function stackProcess(
  pid: number,
  role: StackRole,
  stackDir: string,
  recorded: boolean,
): StackProcess | undefined {
  if (pid <= 0 || pid === process.pid || !isAlive(pid)) return undefined;
  if (!PROCFS) return recorded ? { pid, role, args: [], env: {} } : undefined;
  const info = inspect(pid);
  if (!info?.env || roleOf(info.argv) !== role) return undefined;
  const stack = info.env[STACK_ENV];
  if (stack === undefined ? !recorded : stack !== stackDir) return undefined;
  return { pid, role, args: info.argv.slice(1), env: info.env };
}

/** Every live process that carries this stack's STACK_ENV and runs a server or a worker (Linux only). */
export function scanStackProcesses(stackDir: string): StackProcess[] {
  if (!PROCFS) return [];
  const needle = `${STACK_ENV}=${stackDir}\0`;
  const found: StackProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    } catch {
      continue;
    }
    if (!environ.startsWith(needle) && !environ.includes(`\0${needle}`)) continue;
    const info = inspect(pid);
    const role = info ? roleOf(info.argv) : undefined;
    if (info?.env && role) found.push({ pid, role, args: info.argv.slice(1), env: info.env });
  }
  return found.sort((a, b) => a.pid - b.pid);
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

/** True when a gRPC call to the server succeeds within `timeoutMs`. */
export async function answers(address: string, timeoutMs = 1_000): Promise<boolean> {
  return connectClient({ address, namespace: 'default' }, timeoutMs).then(
    async (c) => (await c.close(), true),
    () => false,
  );
}

/**
 * Waits until the server at `address` answers; false when process `pid` is gone first or time runs
 * out (the caller decides whether that is an error).
 */
export async function waitUntilAnswers(address: string, pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRunning(pid)) return false;
    if (await answers(address)) return true;
    await sleep(250);
  }
  return false;
}

/** Resolves once the server answers a gRPC call; fails if the process dies first or time runs out. */
export async function waitForServer(
  address: string,
  child: ChildProcess,
  log: string,
  timeoutMs: number,
): Promise<void> {
  if (await waitUntilAnswers(address, child.pid as number, timeoutMs)) return;
  if (child.exitCode !== null || !isRunning(child.pid as number))
    throw failStart('The Temporal dev server', log, `exited with code ${child.exitCode ?? '?'}`);
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

export interface PollTarget {
  readonly address: string;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly identity: string;
}

/** Waits until process `pid` polls as `target.identity`; false when it dies first or time runs out. */
export async function waitUntilPolling(target: PollTarget, pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRunning(pid)) return false;
    if (await isPolling(target.address, target.namespace, target.taskQueue, target.identity).catch(() => false))
      return true;
    await sleep(300);
  }
  return false;
}

export async function waitForWorker(
  target: PollTarget,
  child: ChildProcess,
  log: string,
  timeoutMs: number,
): Promise<void> {
  if (await waitUntilPolling(target, child.pid as number, timeoutMs)) return;
  if (child.exitCode !== null || !isRunning(child.pid as number))
    throw failStart('The Spine worker', log, `exited with code ${child.exitCode ?? '?'}`);
  throw failStart('The Spine worker', log, `not polling ${target.taskQueue} within ${timeoutMs / 1000}s`);
}

export type StopOutcome = 'stopped' | 'killed' | 'not running';

/**
 * Stops one process of the stack: SIGTERM, then SIGKILL after `graceMs`. `still` re-checks its
 * identity before each signal, so a recycled pid is never touched.
 */
export async function stopProcess(pid: number, still: () => boolean, graceMs: number): Promise<StopOutcome> {
  if (!still()) return 'not running';
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'not running';
  }
  // Gone means gone from the process table: a dying process loses its command line before it exits.
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return 'stopped';
    await sleep(100);
  }
  if (!still()) return 'stopped';
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return 'stopped';
  }
  const reaped = Date.now() + 5_000;
  while (isAlive(pid) && Date.now() < reaped) await sleep(50);
  return 'killed';
}
