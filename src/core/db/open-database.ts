import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export type Db = Database.Database;
/** A prepared statement (re-exported so domains never import the driver). */
export type Statement = Database.Statement;

export interface OpenDatabaseOptions {
  readonly readonly?: boolean;
  /** Milliseconds a writer waits for the lock before SQLITE_BUSY. */
  readonly busyTimeoutMs?: number;
}

/** `SPINE_DATABASE_PATH`, default `./spine.db` relative to the working directory. */
export function databasePathFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env['SPINE_DATABASE_PATH'] ?? 'spine.db');
}

/**
 * Opens the database with the pragmas every connection needs. Pragmas live here, not in migrations:
 * `foreign_keys` is ignored inside a transaction and WAL cannot be switched while one is open.
 */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Db {
  if (!options.readonly && path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, {
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
    timeout: options.busyTimeoutMs ?? 10_000,
  });
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -65536');
  return db;
}
