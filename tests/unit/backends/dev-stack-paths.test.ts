import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_DEV_STACK_FILE, findDevStackConfig } from '../../../src/backends/temporal/dev-stack/config.js';
import { devStateDir, withStackLock } from '../../../src/backends/temporal/dev-stack/state.js';
import { tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

const REPO_STACK_FILE = fileURLToPath(new URL('../../../temporal-dev.yml', import.meta.url));
const REPO_DATA_DIR = fileURLToPath(new URL('../../../.data', import.meta.url));

/** The dev stack is found through configuration only: never through the working directory. */
describe('dev stack discovery', () => {
  let dir: TempDir | undefined;
  const cwd = process.cwd();
  afterEach(() => {
    process.chdir(cwd);
    dir?.cleanup();
    dir = undefined;
  });

  it('defaults to the project root, whatever the working directory holds', () => {
    dir = tempDir('spine-devpaths-');
    writeFileSync(dir.join('temporal-dev.yml'), 'temporal:\n  port: 1234\n');
    process.chdir(dir.path);
    expect(devStateDir({})).toBe(REPO_DATA_DIR);
    expect(findDevStackConfig(undefined, {})).toBe(REPO_STACK_FILE);
    expect(DEFAULT_DEV_STACK_FILE).toBe(REPO_STACK_FILE);
    // --config is a path typed on the command line: relative to the working directory like any other.
    expect(findDevStackConfig('temporal-dev.yml', {})).toBe(dir.join('temporal-dev.yml'));
  });

  it('takes SPINE_DEV_DIR and SPINE_DEV_CONFIG when absolute, and refuses relative ones', () => {
    const d = (dir = tempDir('spine-devpaths-'));
    const file = d.join('my-stack.yml');
    writeFileSync(file, 'temporal:\n  port: 1234\n');
    expect(devStateDir({ SPINE_DEV_DIR: `${d.path}/stack/` })).toBe(d.join('stack'));
    expect(() => devStateDir({ SPINE_DEV_DIR: '.data' })).toThrow('SPINE_DEV_DIR must be an absolute path');
    expect(findDevStackConfig(undefined, { SPINE_DEV_CONFIG: file })).toBe(file);
    expect(() => findDevStackConfig(undefined, { SPINE_DEV_CONFIG: 'my-stack.yml' })).toThrow(
      'SPINE_DEV_CONFIG must be an absolute path',
    );
    expect(() => findDevStackConfig(undefined, { SPINE_DEV_CONFIG: d.join('missing.yml') })).toThrow(
      'Dev stack file not found',
    );
  });

  it('falls back to the file the recorded stack was started with, if it still exists', () => {
    dir = tempDir('spine-devpaths-');
    const file = dir.join('recorded.yml');
    writeFileSync(file, 'temporal:\n  port: 1234\n');
    expect(findDevStackConfig(undefined, {}, file)).toBe(file);
    expect(findDevStackConfig(undefined, {}, dir.join('gone.yml'))).toBe(REPO_STACK_FILE);
    expect(findDevStackConfig(undefined, { SPINE_DEV_CONFIG: REPO_STACK_FILE }, file)).toBe(REPO_STACK_FILE);
  });

  it('serialises dev commands on one stack with a lock file', async () => {
    dir = tempDir('spine-devlock-');
    const order: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const first = withStackLock(dir.path, async () => {
      order.push('first:start');
      await gate;
      order.push('first:end');
    });
    const second = withStackLock(dir.path, () => {
      order.push('second');
      return Promise.resolve();
    });
    await new Promise((r) => setTimeout(r, 300));
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first:start', 'first:end', 'second']);
  });
});
