import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: `src/core/tools` and `dist/core/tools` are both three levels below it. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export interface ResolvedBinary {
  readonly path: string;
  readonly source: 'env' | 'project' | 'path';
}

/**
 * Finds a Temporal binary: the env override first, then the project-local install made by
 * `scripts/install-temporal.sh` (.tools/temporal/bin), then PATH. Undefined when none exists.
 */
export function resolveTemporalBinary(
  kind: 'cli' | 'test-server',
  env: NodeJS.ProcessEnv = process.env,
): ResolvedBinary | undefined {
  const envName = kind === 'cli' ? 'SPINE_TEMPORAL_CLI' : 'SPINE_TEMPORAL_TEST_SERVER';
  const binName = kind === 'cli' ? 'temporal' : 'temporal-test-server';
  const fromEnv = env[envName];
  if (fromEnv && isExecutable(fromEnv)) return { path: fromEnv, source: 'env' };
  const local = join(PROJECT_ROOT, '.tools', 'temporal', 'bin', binName);
  if (isExecutable(local)) return { path: local, source: 'project' };
  const found = onPath(binName, env);
  return found ? { path: found, source: 'path' } : undefined;
}

export const TEMPORAL_INSTALL_HINT = 'run `npm run tools:install` (bash scripts/install-temporal.sh)';
