/**
 * The fake FINRA Query API for tests (src/devtools/fake-finra-api): built from the shipped real files in
 * data/samples, started on 127.0.0.1 (a free port, read back from the bound server) and pointed to by
 * SPINE_FINRA_API_URL. `stop()` restores the environment and closes the server.
 */
import { fileURLToPath } from 'node:url';
import { FakeFinraApi, readDataDir } from '../../src/devtools/fake-finra-api/index.js';
import type { FakeFinraOptions } from '../../src/devtools/fake-finra-api/index.js';
import { setEnv } from './tmp-db.js';

export const SAMPLES_DIR = fileURLToPath(new URL('../../data/samples/', import.meta.url));

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
