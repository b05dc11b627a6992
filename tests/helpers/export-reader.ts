/**
 * An independent reader for export files: pyarrow (installed from PyPI into .tools/python by
 * scripts/install-test-tools.sh, which scripts/test.sh runs) driven by tests/helpers/read-export.py.
 * The tests skip, saying why, only when pyarrow cannot be installed on this machine.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./read-export.py', import.meta.url));
const PYTHONPATH = fileURLToPath(new URL('../../.tools/python', import.meta.url));

export type ExportReader =
  { readonly ok: true; readonly python: string } | { readonly ok: false; readonly reason: string };

/** One file as pyarrow read it: its Arrow schema and its rows (int64 as strings, see read-export.py). */
export interface ReadBackFile {
  readonly path: string;
  readonly schema: [string, string][];
  readonly rows: (string | number | null)[][];
}

export interface ReadBack {
  readonly pyarrow: string;
  readonly files: ReadBackFile[];
}

const env = (): NodeJS.ProcessEnv => ({ ...process.env, PYTHONPATH });

/** Installs pyarrow if needed (idempotent, quick when present) and checks that it imports. */
export function ensureExportReader(): ExportReader {
  const install = spawnSync('bash', ['scripts/install-test-tools.sh'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (install.status !== 0) {
    return {
      ok: false,
      reason: `pyarrow could not be installed (scripts/install-test-tools.sh exited ${install.status}): ${install.stderr.trim().slice(-500)}`,
    };
  }
  const probe = spawnSync('python3', ['-c', 'import pyarrow.parquet, pyarrow.csv, pyarrow.json'], {
    env: env(),
    encoding: 'utf8',
  });
  if (probe.status !== 0) return { ok: false, reason: `pyarrow does not import: ${probe.stderr.trim().slice(-500)}` };
  return { ok: true, python: 'python3' };
}

/** Reads every file of an export directory with pyarrow, with the types its manifest declares. */
export function readExport(dir: string): ReadBack {
  const res = spawnSync('python3', [SCRIPT, dir], {
    env: env(),
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    timeout: 120_000,
  });
  if (res.status !== 0) throw new Error(`pyarrow could not read ${dir}:\n${res.stderr}`);
  return JSON.parse(res.stdout) as ReadBack;
}
