/**
 * Two helpers the CLI tests reach only through the built binary: folding SQLite's bigints back to numbers
 * where they are exact (src/core/db/exact-rows.ts), and finding the Temporal binaries
 * (src/core/tools/temporal-binaries.ts) in the documented order: env override, project install, PATH.
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exactRow, foldExactInteger } from '../../../src/core/db/exact-rows.js';
import { PROJECT_ROOT, resolveTemporalBinary } from '../../../src/core/tools/temporal-binaries.js';
import { tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

describe('foldExactInteger / exactRow', () => {
  const max = BigInt(Number.MAX_SAFE_INTEGER);

  it('folds bigints within ±(2^53 − 1) to numbers and keeps the rest as they are', () => {
    expect(foldExactInteger(5328n)).toBe(5328);
    expect(foldExactInteger(max)).toBe(Number.MAX_SAFE_INTEGER);
    expect(foldExactInteger(-max)).toBe(-Number.MAX_SAFE_INTEGER);
    expect(foldExactInteger(max + 1n)).toBe(max + 1n);
    expect(foldExactInteger(-max - 1n)).toBe(-max - 1n);
    expect(foldExactInteger(9007199254740993n)).toBe(9007199254740993n);
    expect(foldExactInteger('12')).toBe('12');
    expect(foldExactInteger(1.5)).toBe(1.5);
    expect(foldExactInteger(null)).toBe(null);
  });

  it('folds every column of a row', () => {
    expect(exactRow({ a: 1n, b: 9007199254740993n, c: 'x', d: null })).toEqual({
      a: 1,
      b: 9007199254740993n,
      c: 'x',
      d: null,
    });
  });
});

describe('resolveTemporalBinary', () => {
  let dir: TempDir;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());

  function executable(path: string): string {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, '#!/bin/sh\n');
    chmodSync(path, 0o755);
    return path;
  }

  it('takes SPINE_TEMPORAL_CLI / SPINE_TEMPORAL_TEST_SERVER first when they name an executable', () => {
    const cli = executable(dir.join('bin', 'my-temporal'));
    const server = executable(dir.join('bin', 'my-test-server'));
    expect(resolveTemporalBinary('cli', { SPINE_TEMPORAL_CLI: cli, PATH: '' })).toEqual({ path: cli, source: 'env' });
    expect(resolveTemporalBinary('test-server', { SPINE_TEMPORAL_TEST_SERVER: server, PATH: '' })).toEqual({
      path: server,
      source: 'env',
    });
  });

  // The project install (scripts/install-temporal.sh) comes before PATH: on a machine that has it, it is
  // the answer; without it (a fresh clone, Stryker's sandbox), PATH is.
  const installed = (name: string): string | undefined => {
    const local = join(PROJECT_ROOT, '.tools', 'temporal', 'bin', name);
    return existsSync(local) ? local : undefined;
  };

  it('passes over an override that is not executable; then the project install, then its own name on PATH', () => {
    const plain = dir.join('plain');
    writeFileSync(plain, 'not executable');
    const pathDir = dir.join('path-bin');
    const onPath = executable(join(pathDir, 'temporal-test-server'));
    executable(join(pathDir, 'temporal'));
    const env = { SPINE_TEMPORAL_TEST_SERVER: plain, PATH: ['', dir.join('empty'), pathDir].join(':') };
    const local = installed('temporal-test-server');
    expect(resolveTemporalBinary('test-server', env)).toEqual(
      local !== undefined ? { path: local, source: 'project' } : { path: onPath, source: 'path' },
    );
  });

  it('is undefined when there is no override, no project install and nothing on PATH', () => {
    const local = installed('temporal');
    expect(
      resolveTemporalBinary('cli', { SPINE_TEMPORAL_CLI: dir.join('missing'), PATH: dir.join('nothing') }),
    ).toEqual(local !== undefined ? { path: local, source: 'project' } : undefined);
  });
});
