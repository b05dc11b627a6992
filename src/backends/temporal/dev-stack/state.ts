import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** What `spine dev up` started, so `down` stops exactly that and other commands can check they match. */
export interface DevStackState {
  readonly version: 1;
  readonly startedAt: string;
  readonly configPath: string;
  /** The absolute database path the worker writes; CLI calls using another one are refused. */
  readonly databasePath: string;
  readonly server: {
    readonly pid: number;
    readonly address: string;
    readonly namespace: string;
    readonly uiUrl: string | null;
    readonly log: string;
  };
  readonly worker?: {
    readonly pid: number;
    readonly taskQueue: string;
    readonly concurrency: number;
    readonly identity: string;
    readonly log: string;
  };
}

/** `SPINE_DEV_DIR`, default `./.data` (git-ignored): dev-stack.json and logs/. */
export function devStateDir(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return resolve(cwd, env['SPINE_DEV_DIR'] ?? '.data');
}

export function stateFile(dir: string): string {
  return join(dir, 'dev-stack.json');
}

export function readDevStackState(dir: string): DevStackState | undefined {
  const file = stateFile(dir);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DevStackState;
  } catch {
    return undefined;
  }
}

export function writeDevStackState(dir: string, state: DevStackState): void {
  mkdirSync(dir, { recursive: true });
  const tmp = `${stateFile(dir)}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n');
  renameSync(tmp, stateFile(dir));
}

export function removeDevStackState(dir: string): void {
  rmSync(stateFile(dir), { force: true });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when `pid` still runs the command we started (guards against a recycled pid). Where /proc is
 * unavailable, liveness is all we can check.
 */
export function isOurProcess(pid: number, marker: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    return true;
  }
}
