import { formatUtc } from '../clock.js';
import { ErrorCodes, SpineError } from '../errors.js';
import type { MigrationFile } from './migration-files.js';
import { readMigrationFiles } from './migration-files.js';
import type { Db } from './open-database.js';

export interface AppliedMigration {
  readonly version: number;
  readonly name: string;
  readonly checksum: string;
  readonly applied_at: string;
}

export interface MigrationStatusRow {
  readonly version: number;
  readonly name: string;
  readonly file: string;
  readonly state: 'applied' | 'pending';
  readonly applied_at: string | null;
}

export interface MigrationResult {
  readonly applied: readonly string[];
  readonly skipped: readonly string[];
}

const LEDGER_DDL = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  checksum TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`;

function historyError(file: string, message: string): SpineError {
  return new SpineError(ErrorCodes.DATABASE_ERROR, `Migration history refused (${file}): ${message}`, {
    details: { file },
    nonRetryable: true,
  });
}

function readLedger(db: Db): AppliedMigration[] {
  if (db.readonly) {
    const exists = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).get();
    if (!exists) return [];
  } else {
    db.exec(LEDGER_DDL);
  }
  return db
    .prepare('SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version')
    .all() as AppliedMigration[];
}

/**
 * Refuses to go on from inconsistent history: an applied migration missing on disk or whose file was
 * edited, or a pending file numbered below the last applied one (it would run out of order).
 */
export function appliedMigrations(db: Db): AppliedMigration[] {
  return readLedger(db);
}

export function verifyHistory(applied: readonly AppliedMigration[], files: readonly MigrationFile[]): void {
  const byVersion = new Map(files.map((f) => [f.version, f]));
  for (const row of applied) {
    const file = byVersion.get(row.version);
    const label = `${String(row.version).padStart(3, '0')}_${row.name}.sql`;
    if (!file) throw historyError(label, 'applied to this database but missing from the migrations folder');
    if (file.checksum !== row.checksum) {
      throw historyError(file.fileName, 'edited after it was applied (checksum changed); add a new migration instead');
    }
  }
  const last = applied.at(-1)?.version ?? 0;
  const appliedVersions = new Set(applied.map((a) => a.version));
  for (const file of files) {
    if (!appliedVersions.has(file.version) && file.version < last) {
      throw historyError(file.fileName, `pending but numbered below the last applied migration ${last}; renumber it`);
    }
  }
}

/** Applies each pending file together with its ledger row in one IMMEDIATE transaction. */
export function migrate(db: Db, files: readonly MigrationFile[] = readMigrationFiles()): MigrationResult {
  verifyHistory(readLedger(db), files);
  const applied: string[] = [];
  const skipped: string[] = [];
  const insert = db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)');
  for (const file of files) {
    const didApply = db
      .transaction(() => {
        // Re-read inside the lock: a worker and the CLI may migrate at the same moment.
        const exists = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(file.version);
        if (exists) return false;
        try {
          db.exec(file.sql);
        } catch (err) {
          throw new SpineError(
            ErrorCodes.DATABASE_ERROR,
            `Migration ${file.fileName} failed: ${(err as Error).message}`,
            {
              cause: err,
              details: { file: file.fileName },
            },
          );
        }
        insert.run(file.version, file.name, file.checksum, formatUtc(new Date()));
        return true;
      })
      .immediate();
    (didApply ? applied : skipped).push(file.fileName);
  }
  return { applied, skipped };
}

/** Applied vs pending per file; read-only on a read-only connection (`spine db status` never writes). */
export function migrationStatus(db: Db, files: readonly MigrationFile[] = readMigrationFiles()): MigrationStatusRow[] {
  const applied = new Map(readLedger(db).map((a) => [a.version, a]));
  return files.map((f) => {
    const row = applied.get(f.version);
    return {
      version: f.version,
      name: f.name,
      file: f.fileName,
      state: row ? 'applied' : 'pending',
      applied_at: row?.applied_at ?? null,
    };
  });
}
