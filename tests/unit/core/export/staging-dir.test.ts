import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStagingDir } from '../../../../src/core/export/staging-dir.js';
import { tempDir } from '../../../helpers/tmp-db.js';
import type { TempDir } from '../../../helpers/tmp-db.js';

let dir: TempDir;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

describe('openStagingDir', () => {
  it('stages beside the target, hidden, and commit moves it into place whole', () => {
    const target = dir.join('out');
    const staging = openStagingDir(target);
    expect(readdirSync(dir.path)).toEqual([staging.path.slice(dir.path.length + 1)]);
    expect(staging.path).toMatch(/\/\.out\.export-[0-9a-f]{12}$/);
    writeFileSync(join(staging.path, 'a.csv'), 'x');
    expect(existsSync(target)).toBe(false);
    staging.commit();
    expect(readdirSync(dir.path)).toEqual(['out']);
    expect(readdirSync(target)).toEqual(['a.csv']);
  });

  it('fills an existing empty directory', () => {
    const target = dir.join('out');
    mkdirSync(target);
    const staging = openStagingDir(target);
    writeFileSync(join(staging.path, 'a.csv'), 'x');
    staging.commit();
    expect(readdirSync(dir.path)).toEqual(['out']);
    expect(readdirSync(target)).toEqual(['a.csv']);
  });

  it('refuses a non-empty directory without force, and with force replaces it whole at commit', () => {
    const target = dir.join('out');
    mkdirSync(target);
    writeFileSync(join(target, 'old.csv'), 'old');
    expect(() => openStagingDir(target)).toThrow(
      `--out ${target}: is not empty (1 entries); use --force to replace it`,
    );
    expect(readdirSync(dir.path)).toEqual(['out']);

    const staging = openStagingDir(target, { force: true });
    writeFileSync(join(staging.path, 'new.csv'), 'new');
    expect(readFileSync(join(target, 'old.csv'), 'utf8')).toBe('old');
    staging.commit();
    expect(readdirSync(dir.path)).toEqual(['out']);
    expect(readdirSync(target)).toEqual(['new.csv']);
  });

  it('abort removes the staging directory and leaves the target as it was', () => {
    const target = dir.join('out');
    mkdirSync(target);
    writeFileSync(join(target, 'old.csv'), 'old');
    const staging = openStagingDir(target, { force: true });
    writeFileSync(join(staging.path, 'half.csv'), 'half');
    staging.abort();
    expect(readdirSync(dir.path)).toEqual(['out']);
    expect(readdirSync(target)).toEqual(['old.csv']);
  });

  it('refuses a target that is a file, or under a file, creating nothing', () => {
    writeFileSync(dir.join('file'), 'x');
    expect(() => openStagingDir(dir.join('file'))).toThrow('exists and is not a directory');
    expect(() => openStagingDir(dir.join('file', 'a', 'out'))).toThrow(`${dir.join('file')} is not a directory`);
    expect(readdirSync(dir.path)).toEqual(['file']);
  });

  it('creates missing parents, and removes them again on abort', () => {
    const target = dir.join('a', 'b', 'out');
    const aborted = openStagingDir(target);
    expect(existsSync(dir.join('a', 'b'))).toBe(true);
    aborted.abort();
    expect(readdirSync(dir.path)).toEqual([]);

    const staging = openStagingDir(target);
    writeFileSync(join(staging.path, 'a.csv'), 'x');
    staging.commit();
    expect(readdirSync(dir.join('a', 'b'))).toEqual(['out']);
    expect(readdirSync(target)).toEqual(['a.csv']);
  });
});
