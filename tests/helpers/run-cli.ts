/**
 * Runs the BUILT `spine` binary (`node bin/run.js …`) against a temp database. The suite's global setup
 * checks that dist/ exists. SPINE_* variables of the parent process are dropped so runs are hermetic.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

export interface CliResult {
  /** Exit code; null when the process was killed (timeout). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON (for `--json` runs). */
  json<T = unknown>(): T;
}

export interface RunCliOptions {
  readonly dbPath: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  readonly timeoutMs?: number;
}

/** The environment a spawned `spine` gets: the parent's minus every SPINE_*, then the test's own. */
export function cliEnv(
  base: Readonly<Record<string, string>>,
  extra: Readonly<Record<string, string | undefined>> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SPINE_') && v !== undefined) env[k] = v;
  Object.assign(env, { SPINE_LOG_LEVEL: 'warn', SPINE_LOG_FORMAT: 'json', NO_COLOR: '1' }, base);
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function runCli(args: readonly string[], options: RunCliOptions): CliResult {
  const env = cliEnv({ SPINE_DATABASE_PATH: options.dbPath }, options.env);
  const res = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: options.timeoutMs ?? 30_000,
  });
  if (res.error) throw res.error;
  const stdout = res.stdout;
  const stderr = res.stderr;
  return {
    code: res.status,
    stdout,
    stderr,
    json: <T>() => {
      try {
        return JSON.parse(stdout) as T;
      } catch {
        throw new Error(`spine ${args.join(' ')} did not print JSON.\nstdout: ${stdout}\nstderr: ${stderr}`);
      }
    },
  };
}
