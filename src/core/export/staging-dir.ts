import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ErrorCodes, SpineError } from '../errors.js';

/**
 * An output directory built next to its final place and moved there whole. Files are written into a
 * hidden temporary directory inside `--out`'s parent (same file system, so the final step is one
 * rename); `commit` renames it into place, `abort` removes it. A failed export therefore never leaves a
 * half-written `--out`: readers see the old directory (or none) until the new one is complete.
 */
export interface StagingDir {
  /** The final directory (absolute). */
  readonly target: string;
  /** Where files are written until `commit`. */
  readonly path: string;
  commit(): void;
  abort(): void;
}

const invalidOut = (out: string, why: string, details: Record<string, unknown> = {}): SpineError =>
  new SpineError(ErrorCodes.INVALID_PARAMS, `--out ${out}: ${why}`, { details: { out, ...details } });

/**
 * Checks `out` and creates the staging directory. `out` may be missing or an empty directory; a
 * non-empty directory needs `force` (it is then replaced whole at commit). Missing parents are created;
 * a parent that is a file, or that cannot be written, is refused. Nothing is left behind by a refusal.
 */
export function openStagingDir(out: string, options: { readonly force?: boolean } = {}): StagingDir {
  const target = resolve(out);
  const parent = dirname(target);
  if (target === parent) throw invalidOut(out, 'cannot export into the file system root');
  const blocker = firstNonDirectory(parent);
  if (blocker) throw invalidOut(out, `${blocker} is not a directory`, { reason: 'not_a_directory' });
  let replaces = false;
  if (existsSync(target) || isSymlink(target)) {
    if (isSymlink(target)) throw invalidOut(out, 'is a symbolic link; give the real directory', { reason: 'symlink' });
    if (!statSync(target).isDirectory())
      throw invalidOut(out, 'exists and is not a directory', { reason: 'not_a_directory' });
    const entries = readdirSync(target);
    if (entries.length > 0 && !options.force) {
      throw invalidOut(out, `is not empty (${entries.length} entries); use --force to replace it`, {
        reason: 'not_empty',
        entries: entries.length,
      });
    }
    replaces = entries.length > 0;
  }
  // Missing parents are created (like mkdir -p) and removed again if the export fails.
  let createdTop: string | undefined;
  let path: string;
  try {
    createdTop = mkdirSync(parent, { recursive: true });
    // mkdir, not mkdtemp: the directory gets the usual permissions (0777 less the umask), not 0700.
    path = join(parent, `.${basename(target)}.export-${randomBytes(6).toString('hex')}`);
    mkdirSync(path);
  } catch (err) {
    removeCreated(parent, createdTop);
    const code = (err as { code?: string }).code ?? 'ERROR';
    throw invalidOut(out, `cannot write in ${parent} (${code})`, { reason: 'not_writable', errno_code: code });
  }
  let done = false;
  return {
    target,
    path,
    commit: () => {
      if (done) return;
      syncDir(path);
      if (replaces) {
        const old = mkdtempSync(join(parent, `.${basename(target)}.replaced-`));
        renameSync(target, join(old, 'previous'));
        try {
          renameSync(path, target);
        } catch (err) {
          renameSync(join(old, 'previous'), target);
          rmSync(old, { recursive: true, force: true });
          throw err;
        }
        rmSync(old, { recursive: true, force: true });
      } else {
        // Onto a missing or empty directory: one atomic rename(2).
        renameSync(path, target);
      }
      syncDir(parent);
      done = true;
    },
    abort: () => {
      if (done) return;
      done = true;
      rmSync(path, { recursive: true, force: true });
      removeCreated(parent, createdTop);
    },
  };
}

/** The first existing ancestor of `dir` (or `dir` itself) that is not a directory, if any. */
function firstNonDirectory(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(d)) return statSync(d).isDirectory() ? undefined : d;
    if (dirname(d) === d) return undefined;
  }
}

/** Removes the directories `mkdir -p` created, from `dir` up to `top`, as long as they are empty. */
function removeCreated(dir: string, top: string | undefined): void {
  if (top === undefined) return;
  for (let d = dir; d.startsWith(top); d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return;
    }
    if (d === top) return;
  }
}

function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** fsync a directory so the renames and new entries in it survive a crash (best effort where unsupported). */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on directories; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
