/**
 * The fake FINRA Query API for tests (src/devtools/fake-finra-api): built from the shipped real files in
 * data/samples, started on 127.0.0.1 (a free port, read back from the bound server) and pointed to by
 * SPINE_FINRA_API_URL. `stop()` restores the environment and closes the server.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FakeFinraApi, readDataDir } from '../../src/devtools/fake-finra-api/index.js';
import type { FakeFinraOptions } from '../../src/devtools/fake-finra-api/index.js';
import { setEnv } from './tmp-db.js';

export const SAMPLES_DIR = fileURLToPath(new URL('../../data/samples/', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../../scripts/fake-finra-api.mjs', import.meta.url));

export interface RunningFake {
  readonly api: FakeFinraApi;
  readonly url: string;
  stop(): Promise<void>;
}

export async function startFakeFinra(
  opts: Omit<FakeFinraOptions, 'baseRows' | 'realWeeks' | 'now'> & {
    readonly now?: string;
    readonly env?: Record<string, string>;
  } = {},
): Promise<RunningFake> {
  const { now, env, ...rest } = opts;
  const api = FakeFinraApi.fromDataDir(SAMPLES_DIR, readDataDir(SAMPLES_DIR), rest);
  if (now !== undefined) api.setNow(now);
  const url = await api.start();
  const restore = setEnv({ SPINE_FINRA_API_URL: url, ...env });
  return {
    api,
    url,
    stop: async () => {
      restore();
      await api.close();
    },
  };
}

/**
 * The fake as its own process (`node scripts/fake-finra-api.mjs`, the built code), for tests that block
 * their event loop on spawnSync. Resolves with the URL the script prints once its port is bound.
 */
export async function startFakeFinraProcess(
  args: readonly string[] = [],
): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^SPINE_FINRA_API_URL=(\S+)$/m.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`fake-finra-api.mjs exited ${code}: ${stderr}`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
