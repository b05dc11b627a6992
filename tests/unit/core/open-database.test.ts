/**
 * What every connection is opened with (src/core/db/open-database.ts), read back from SQLite itself.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databasePathFromEnv, openDatabase } from '../../../src/core/db/open-database.js';
import { tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

let dir: TempDir;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

const pragma = (db: ReturnType<typeof openDatabase>, name: string): unknown => db.pragma(name, { simple: true });

describe('openDatabase', () => {
  it('a writer creates missing folders and the file, in WAL with synchronous NORMAL, foreign keys on, temp in memory, 64 MiB cache, 10 s busy wait', () => {
    const path = dir.join('a', 'b', 'spine.db');
    const db = openDatabase(path);
    try {
      expect(existsSync(path)).toBe(true);
      expect(pragma(db, 'journal_mode')).toBe('wal');
      expect(pragma(db, 'synchronous')).toBe(1);
      expect(pragma(db, 'foreign_keys')).toBe(1);
      expect(pragma(db, 'temp_store')).toBe(2);
      expect(pragma(db, 'cache_size')).toBe(-65536);
      expect(pragma(db, 'busy_timeout')).toBe(10_000);
      expect(db.readonly).toBe(false);
    } finally {
      db.close();
    }
  });

  it('takes the busy wait it is given', () => {
    const db = openDatabase(dir.join('spine.db'), { busyTimeoutMs: 250 });
    expect(pragma(db, 'busy_timeout')).toBe(250);
    db.close();
  });

  it('a reader needs the file to exist, creates nothing and leaves the journal mode alone', () => {
    const missing = dir.join('nope', 'spine.db');
    expect(() => openDatabase(missing, { readonly: true })).toThrow();
    expect(existsSync(dir.join('nope'))).toBe(false);

    const path = dir.join('spine.db');
    openDatabase(path).close();
    const db = openDatabase(path, { readonly: true });
    try {
      expect(db.readonly).toBe(true);
      expect(pragma(db, 'journal_mode')).toBe('wal');
      expect(pragma(db, 'foreign_keys')).toBe(1);
    } finally {
      db.close();
    }
  });

  it('opens :memory: without touching the file system', () => {
    const db = openDatabase(':memory:');
    expect(pragma(db, 'journal_mode')).toBe('memory');
    expect(existsSync(resolve(':memory:'))).toBe(false);
    db.close();
  });
});

describe('databasePathFromEnv', () => {
  it('is SPINE_DATABASE_PATH made absolute, else ./spine.db', () => {
    expect(databasePathFromEnv({ SPINE_DATABASE_PATH: 'x/y.db' })).toBe(resolve('x/y.db'));
    expect(databasePathFromEnv({})).toBe(resolve('spine.db'));
  });
});
