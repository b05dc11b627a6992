/**
 * Temp directories and a real file-backed Spine for tests. Every test gets its own directory so runs
 * never share a database; callers clean up in `afterEach` (cleanup closes the database first).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSpine } from '../../src/app/spine.js';
import type { Spine } from '../../src/app/spine.js';
import type { Clock } from '../../src/core/clock.js';
import { migrate } from '../../src/core/db/migrate.js';
import { openDatabase } from '../../src/core/db/open-database.js';
import type { Db } from '../../src/core/db/open-database.js';
import { silentLogger } from '../../src/core/logging/logger.js';
import type { SpineLogger } from '../../src/core/logging/logger.js';
import type { PipelineRegistry } from '../../src/core/pipeline/registry.js';

export interface TempDir {
  readonly path: string;
  /** A path inside the directory. */
  join(...parts: string[]): string;
  cleanup(): void;
}

export function tempDir(prefix = 'spine-test-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    join: (...parts) => join(path, ...parts),
    cleanup: () => rmSync(path, { recursive: true, force: true }),
  };
}

/** Opens (and by default migrates) a database file; the caller closes it. */
export function openTempDb(path: string, options: { migrate?: boolean } = {}): Db {
  const db = openDatabase(path);
  if (options.migrate ?? true) migrate(db);
  return db;
}

export interface TempSpineOptions {
  readonly dir?: TempDir;
  readonly fileName?: string;
  readonly log?: SpineLogger;
  readonly registry?: PipelineRegistry;
  readonly clock?: Clock;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface TempSpine {
  readonly spine: Spine;
  readonly dir: TempDir;
  readonly dbPath: string;
  /** Closes the database and, when the directory was created here, removes it. */
  cleanup(): void;
}

/** A real Spine (migrated SQLite file, sync backend) in a temp directory. */
export function openTempSpine(options: TempSpineOptions = {}): TempSpine {
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? tempDir();
  const dbPath = dir.join(options.fileName ?? 'spine.db');
  const spine = createSpine({
    dbPath,
    log: options.log ?? silentLogger,
    ...(options.registry ? { registry: options.registry } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  let closed = false;
  return {
    spine,
    dir,
    dbPath,
    cleanup: () => {
      if (!closed) spine.close();
      closed = true;
      if (ownsDir) dir.cleanup();
    },
  };
}

/** Sets environment variables for one test and returns a function restoring the previous values. */
export function setEnv(vars: Readonly<Record<string, string | undefined>>): () => void {
  const previous = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries(vars)) {
    previous.set(k, process.env[k]);
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  return () => {
    for (const [k, v] of previous) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
