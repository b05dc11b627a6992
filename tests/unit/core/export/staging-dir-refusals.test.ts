/**
 * openStagingDir's refusals of --out (each with its message, code and details), a failed mkdir, and what
 * commit and abort do when called twice, in the wrong order, or when the staging directory is gone.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SpineError } from '../../../../src/core/errors.js';
import { openStagingDir } from '../../../../src/core/export/staging-dir.js';
import { tempDir } from '../../../helpers/tmp-db.js';
import type { TempDir } from '../../../helpers/tmp-db.js';

let dir: TempDir;
beforeEach(() => {
  dir = tempDir('spine-staging-');
});
afterEach(() => dir.cleanup());

function refusal(out: string, force = false): SpineError {
  try {
    openStagingDir(out, { force });
  } catch (err) {
    expect(err).toBeInstanceOf(SpineError);
    return err as SpineError;
  }
  throw new Error(`openStagingDir(${out}) did not throw`);
}

function expectRefusal(out: string, why: string, details: Record<string, unknown>, force = false): void {
  const err = refusal(out, force);
  expect(err.message).toBe(`--out ${out}: ${why}`);
  expect(err.code).toBe('INVALID_PARAMS');
  expect(err.exitCode).toBe(2);
  expect(err.details).toEqual({ out, ...details });
}

/** Paths this process holds open descriptors on (a leaked descriptor shows up here). */
const openPaths = (): string[] =>
  readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      return [readlinkSync(`/proc/self/fd/${fd}`)];
    } catch {
      return [];
    }
  });

describe('openStagingDir refusals', () => {
  it('refuses the file system root', () => {
    expectRefusal('/', 'cannot export into the file system root', {});
  });

  it('refuses a target that is a file, naming the reason', () => {
    writeFileSync(dir.join('file'), 'x');
    expectRefusal(dir.join('file'), 'exists and is not a directory', { reason: 'not_a_directory' });
    expectRefusal(dir.join('file'), 'exists and is not a directory', { reason: 'not_a_directory' }, true);
    expect(readdirSync(dir.path)).toEqual(['file']);
  });

  it('refuses a target under a file, naming the file', () => {
    writeFileSync(dir.join('file'), 'x');
    expectRefusal(dir.join('file', 'out'), `${dir.join('file')} is not a directory`, { reason: 'not_a_directory' });
    expectRefusal(dir.join('file', 'a', 'b', 'out'), `${dir.join('file')} is not a directory`, {
      reason: 'not_a_directory',
    });
    expect(readdirSync(dir.path)).toEqual(['file']);
  });

  it('refuses a symbolic link, to a directory or dangling, even with force', () => {
    mkdirSync(dir.join('real'));
    symlinkSync(dir.join('real'), dir.join('link'));
    expectRefusal(dir.join('link'), 'is a symbolic link; give the real directory', { reason: 'symlink' });
    expectRefusal(dir.join('link'), 'is a symbolic link; give the real directory', { reason: 'symlink' }, true);
    symlinkSync(dir.join('nowhere'), dir.join('dangling'));
    expectRefusal(dir.join('dangling'), 'is a symbolic link; give the real directory', { reason: 'symlink' });
    expect(readdirSync(dir.path).sort()).toEqual(['dangling', 'link', 'real']);
    expect(readdirSync(dir.join('real'))).toEqual([]);
  });

  it('refuses a non-empty directory with its entry count', () => {
    mkdirSync(dir.join('out'));
    for (const name of ['a.csv', 'b.csv', 'c']) writeFileSync(dir.join('out', name), name);
    expectRefusal(dir.join('out'), 'is not empty (3 entries); use --force to replace it', {
      reason: 'not_empty',
      entries: 3,
    });
    expect(readdirSync(dir.path)).toEqual(['out']);
  });

  it('refuses a parent it cannot write in, with the errno code, and removes the parents it created', () => {
    // A staging name longer than NAME_MAX: mkdir fails with ENAMETOOLONG (root ignores read-only modes).
    const out = dir.join('a', 'b', 'x'.repeat(240));
    expectRefusal(out, `cannot write in ${dir.join('a', 'b')} (ENAMETOOLONG)`, {
      reason: 'not_writable',
      errno_code: 'ENAMETOOLONG',
    });
    expect(readdirSync(dir.path)).toEqual([]);
  });

  it('keeps an existing parent when mkdir fails in it', () => {
    mkdirSync(dir.join('a'));
    const out = dir.join('a', 'x'.repeat(240));
    expectRefusal(out, `cannot write in ${dir.join('a')} (ENAMETOOLONG)`, {
      reason: 'not_writable',
      errno_code: 'ENAMETOOLONG',
    });
    expect(readdirSync(dir.path)).toEqual(['a']);
    expect(readdirSync(dir.join('a'))).toEqual([]);
  });
});

describe('staging directory commit and abort', () => {
  it('names the staging directory after the target and resolves a relative --out', () => {
    const staging = openStagingDir(join(dir.path, 'x', '..', 'out'));
    expect(staging.target).toBe(dir.join('out'));
    expect(staging.path.startsWith(`${dir.join('.out.export-')}`)).toBe(true);
    expect(staging.path).toMatch(/^[^\n]*\/\.out\.export-[0-9a-f]{12}$/);
    staging.abort();
    expect(readdirSync(dir.path)).toEqual([]);
  });

  it('commit twice is one commit', () => {
    const target = dir.join('out');
    const staging = openStagingDir(target);
    writeFileSync(join(staging.path, 'a.csv'), 'a');
    staging.commit();
    staging.commit();
    staging.abort();
    expect(readdirSync(dir.path)).toEqual(['out']);
    expect(readFileSync(join(target, 'a.csv'), 'utf8')).toBe('a');
  });

  it('commit twice over a replaced directory is one commit', () => {
    const target = dir.join('out');
    mkdirSync(target);
    writeFileSync(join(target, 'old.csv'), 'old');
    const staging = openStagingDir(target, { force: true });
    writeFileSync(join(staging.path, 'new.csv'), 'new');
    staging.commit();
    staging.commit();
    expect(readdirSync(dir.path)).toEqual(['out']);
    expect(readdirSync(target)).toEqual(['new.csv']);
  });

  it('commit after abort does nothing', () => {
    const target = dir.join('out');
    const staging = openStagingDir(target);
    writeFileSync(join(staging.path, 'a.csv'), 'a');
    staging.abort();
    staging.commit();
    expect(readdirSync(dir.path)).toEqual([]);
  });

  it('abort twice, or after the staging directory is gone, does not throw', () => {
    const staging = openStagingDir(dir.join('a', 'out'));
    rmSync(staging.path, { recursive: true });
    staging.abort();
    staging.abort();
    expect(readdirSync(dir.path)).toEqual([]);
  });

  it('a failed rename onto a replaced directory puts the old one back and leaves nothing else', () => {
    const target = dir.join('out');
    mkdirSync(target);
    writeFileSync(join(target, 'old.csv'), 'old');
    const staging = openStagingDir(target, { force: true });
    rmSync(staging.path, { recursive: true });
    let thrown: unknown;
    try {
      staging.commit();
    } catch (err) {
      thrown = err;
    }
    expect((thrown as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect((thrown as NodeJS.ErrnoException).syscall).toBe('rename');
    expect(readdirSync(dir.path)).toEqual(['out']);
    expect(readdirSync(target)).toEqual(['old.csv']);
    expect(readFileSync(join(target, 'old.csv'), 'utf8')).toBe('old');
  });

  it('commit leaves no descriptor open on the directories it synced', () => {
    const target = dir.join('out');
    const staging = openStagingDir(target);
    writeFileSync(join(staging.path, 'a.csv'), 'a');
    staging.commit();
    const held = openPaths().filter((p) => p.startsWith(dir.path));
    expect(held).toEqual([]);
    expect(existsSync(join(target, 'a.csv'))).toBe(true);
  });
});
