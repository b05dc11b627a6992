import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, migrationStatus } from '../../../src/core/db/migrate.js';
import { DEFAULT_MIGRATIONS_DIR, readMigrationFiles } from '../../../src/core/db/migration-files.js';
import { openDatabase } from '../../../src/core/db/open-database.js';
import type { Db } from '../../../src/core/db/open-database.js';
import { SpineError } from '../../../src/core/errors.js';
import { tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

interface LedgerRow {
  version: number;
  name: string;
  checksum: string;
  applied_at: string;
}

let dir: TempDir;
let migrationsDir: string;
const opened: Db[] = [];

function openDb(): Db {
  const db = openDatabase(dir.join('spine.db'));
  opened.push(db);
  return db;
}

function ledger(db: Db): LedgerRow[] {
  return db
    .prepare('SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version')
    .all() as LedgerRow[];
}

function tableExists(db: Db, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

function fileName(version: number, name: string): string {
  return `${String(version).padStart(3, '0')}_${name}.sql`;
}

function migrateError(db: Db): SpineError {
  try {
    migrate(db, readMigrationFiles(migrationsDir));
  } catch (err) {
    if (err instanceof SpineError) return err;
    throw err;
  }
  throw new Error('expected migrate to refuse');
}

beforeEach(() => {
  dir = tempDir();
  migrationsDir = dir.join('migrations');
  cpSync(DEFAULT_MIGRATIONS_DIR, migrationsDir, { recursive: true });
});

afterEach(() => {
  for (const db of opened.splice(0)) db.close();
  dir.cleanup();
});

describe('migrate', () => {
  it('applies every migration file in version order and records each with its sha256 checksum', () => {
    const files = readMigrationFiles(migrationsDir);
    expect(files[0]?.fileName).toBe('001_core.sql');
    const db = openDb();

    const result = migrate(db, files);

    expect(result.applied).toEqual(files.map((f) => f.fileName));
    expect(result.skipped).toEqual([]);
    const rows = ledger(db);
    expect(rows.map((r) => r.version)).toEqual(files.map((f) => f.version));
    expect(rows.map((r) => r.version)).toEqual([...rows.map((r) => r.version)].sort((a, b) => a - b));
    for (const f of files) {
      const row = rows.find((r) => r.version === f.version);
      const expected = createHash('sha256')
        .update(readFileSync(join(migrationsDir, f.fileName)))
        .digest('hex');
      expect(row?.checksum).toBe(expected);
      expect(row?.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row?.name).toBe(f.name);
      expect(row?.applied_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
    for (const table of ['core_executions', 'core_manifest', 'core_execution_events', 'core_dead_letters']) {
      expect(tableExists(db, table)).toBe(true);
    }
  });

  it('applies nothing on a second run and reports every file as skipped', () => {
    const db = openDb();
    const files = readMigrationFiles(migrationsDir);
    migrate(db, files);
    const before = ledger(db);

    const second = migrate(db, readMigrationFiles(migrationsDir));

    expect(second.applied).toEqual([]);
    expect(second.skipped).toEqual(files.map((f) => f.fileName));
    expect(ledger(db)).toEqual(before);
  });

  it('reports applied and pending files in migrationStatus', () => {
    const db = openDb();
    const files = readMigrationFiles(migrationsDir);
    const first = files[0];
    if (!first) throw new Error('no migrations');
    migrate(db, [first]);

    const status = migrationStatus(db, files);

    expect(status.map((s) => s.file)).toEqual(files.map((f) => f.fileName));
    expect(status[0]).toMatchObject({ version: 1, file: '001_core.sql', state: 'applied' });
    expect(status[0]?.applied_at).toMatch(/Z$/);
    for (const s of status.slice(1)) expect(s).toMatchObject({ state: 'pending', applied_at: null });
  });

  it('refuses to continue when an applied file was edited, naming the file', () => {
    const db = openDb();
    migrate(db, readMigrationFiles(migrationsDir));
    appendFileSync(join(migrationsDir, '001_core.sql'), '\n-- edited after the fact\n');

    const err = migrateError(db);

    expect(err.code).toBe('DATABASE_ERROR');
    expect(err.message).toContain('001_core.sql');
    expect(err.message).toContain('checksum');
  });

  it('refuses to continue when an applied file is missing from the folder, naming the file', () => {
    const db = openDb();
    const files = readMigrationFiles(migrationsDir);
    migrate(db, files);
    const last = files.at(-1);
    if (!last) throw new Error('no migrations');
    rmSync(join(migrationsDir, last.fileName));

    const err = migrateError(db);

    expect(err.code).toBe('DATABASE_ERROR');
    expect(err.message).toContain(last.fileName);
    expect(err.message).toContain('missing');
  });

  it('refuses a new file numbered below the last applied migration and applies nothing', () => {
    const db = openDb();
    const files = readMigrationFiles(migrationsDir);
    migrate(db, files);
    const versions = new Set(files.map((f) => f.version));
    const lastVersion = files.at(-1)?.version ?? 0;
    let gap = 2;
    while (versions.has(gap)) gap++;
    expect(gap).toBeLessThan(lastVersion);
    const name = fileName(gap, 'late_arrival');
    writeFileSync(join(migrationsDir, name), 'CREATE TABLE late_arrival (x INTEGER);\n');

    const err = migrateError(db);

    expect(err.message).toContain(name);
    expect(err.message).toContain('below');
    expect(tableExists(db, 'late_arrival')).toBe(false);
    expect(ledger(db).map((r) => r.version)).not.toContain(gap);
  });

  it('rolls back a failing migration file and leaves no ledger row for it', () => {
    const db = openDb();
    const files = readMigrationFiles(migrationsDir);
    migrate(db, files);
    const version = (files.at(-1)?.version ?? 0) + 1;
    const name = fileName(version, 'broken');
    writeFileSync(
      join(migrationsDir, name),
      'CREATE TABLE half_done (x INTEGER);\nINSERT INTO no_such_table VALUES (1);\n',
    );

    const err = migrateError(db);

    expect(err.code).toBe('DATABASE_ERROR');
    expect(err.message).toContain(name);
    expect(err.message).toContain('no_such_table');
    expect(tableExists(db, 'half_done')).toBe(false);
    expect(ledger(db).map((r) => r.version)).toEqual(files.map((f) => f.version));

    writeFileSync(join(migrationsDir, name), 'CREATE TABLE half_done (x INTEGER);\n');
    expect(migrate(db, readMigrationFiles(migrationsDir)).applied).toEqual([name]);
    expect(tableExists(db, 'half_done')).toBe(true);
  });
});

describe('readMigrationFiles', () => {
  it('ignores files that do not match NNN_name.sql', () => {
    writeFileSync(join(migrationsDir, 'README.md'), '# notes');
    writeFileSync(join(migrationsDir, '1_short.sql'), 'SELECT 1;');
    writeFileSync(join(migrationsDir, '099_Upper.sql'), 'SELECT 1;');

    const names = readMigrationFiles(migrationsDir).map((f) => f.fileName);

    expect(names).toEqual(readMigrationFiles(DEFAULT_MIGRATIONS_DIR).map((f) => f.fileName));
  });

  it('refuses two files that share a version', () => {
    writeFileSync(join(migrationsDir, '001_again.sql'), 'SELECT 1;');

    expect(() => readMigrationFiles(migrationsDir)).toThrow(/share version 1/);
  });
});
