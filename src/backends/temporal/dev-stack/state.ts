import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { isAbsolute, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCodes, SpineError } from '../../../core/errors.js';
import { PROJECT_ROOT } from '../../../core/tools/temporal-binaries.js';

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

/** The default stack directory: `.data` at the project root (next to temporal-dev.yml), whatever the cwd. */
export const DEFAULT_DEV_DIR = join(PROJECT_ROOT, '.data');

/**
 * The stack directory (dev-stack.json, logs/, the lock): `SPINE_DEV_DIR`, else `<project root>/.data`.
 * Never derived from the working directory, so every command of one checkout finds the same stack; a
 * relative `SPINE_DEV_DIR` is refused for the same reason.
 */
export function devStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env['SPINE_DEV_DIR']?.trim();
  if (!dir) return DEFAULT_DEV_DIR;
  if (!isAbsolute(dir)) {
    throw new SpineError(
      ErrorCodes.INVALID_PARAMS,
      `SPINE_DEV_DIR must be an absolute path, got ${JSON.stringify(dir)}: a relative one would name another stack in every directory`,
      { nonRetryable: true, details: { hint: `e.g. SPINE_DEV_DIR=${resolve(dir)}` } },
    );
  }
  return resolve(dir);
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
 * Runs `fn` holding the stack's lock file (`<dir>/dev-stack.lock`, the holder's pid inside), so two
 * `spine dev up|down` never interleave (two concurrent `up`s would each start a worker). A lock whose
 * holder process is gone is taken over.
 */
export async function withStackLock<T>(dir: string, fn: () => Promise<T>, timeoutMs = 180_000): Promise<T> {
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, 'dev-stack.lock');
  // Written aside and hard-linked into place: the lock never exists without its pid.
  const mine = `${lock}.${process.pid}.${randomUUID()}`;
  writeFileSync(mine, String(process.pid));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      linkSync(mine, lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        rmSync(mine, { force: true });
        throw err;
      }
    }
    const holder = Number.parseInt(readText(lock), 10);
    if (!Number.isInteger(holder) || !isAlive(holder)) {
      rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      rmSync(mine, { force: true });
      throw new SpineError(
        ErrorCodes.TEMPORAL_UNAVAILABLE,
        `Another \`spine dev\` command (pid ${holder}) is working on the dev stack in ${dir}`,
        { details: { hint: `wait for it, or remove ${lock} if pid ${holder} is not a spine command` } },
      );
    }
    await sleep(200);
  }
  rmSync(mine, { force: true });
  try {
    return await fn();
  } finally {
    if (readText(lock) === String(process.pid)) rmSync(lock, { force: true });
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}
