/**
 * Runs the BUILT `spine` binary asynchronously, so an in-process Temporal worker keeps serving while
 * the CLI waits (run-cli.ts uses spawnSync, which would block the worker). SPINE_* of the parent are
 * dropped; SPINE_DEV_DIR points at the test's directory so a developer's running dev stack is never seen.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { BIN, cliEnv, REPO_ROOT } from './run-cli.js';
import type { CliResult } from './run-cli.js';

export interface SpineProcessOptions {
  readonly dbPath: string;
  readonly devDir: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
}

export function spineEnv(options: SpineProcessOptions): NodeJS.ProcessEnv {
  return cliEnv({ SPINE_DATABASE_PATH: options.dbPath, SPINE_DEV_DIR: options.devDir }, options.env);
}

/** Starts `spine <args>` in the background (a worker, typically); the caller stops it. */
export function spawnSpine(
  args: readonly string[],
  options: SpineProcessOptions & { readonly logFile?: number },
): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: spineEnv(options),
    stdio: ['ignore', options.logFile ?? 'ignore', options.logFile ?? 'ignore'],
  });
}

export function runSpine(
  args: readonly string[],
  options: SpineProcessOptions & { readonly timeoutMs?: number },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? REPO_ROOT, env: spineEnv(options) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout,
        stderr,
        json: <T>() => {
          try {
            return JSON.parse(stdout) as T;
          } catch {
            throw new Error(`spine ${args.join(' ')} did not print JSON.\nstdout: ${stdout}\nstderr: ${stderr}`);
          }
        },
      });
    });
  });
}

/** Resolves when the process has exited (after a kill). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
