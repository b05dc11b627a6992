import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../../src/core/db/open-database.js';
import type { StageContext } from '../../../../src/core/pipeline/types.js';
import { inCapture, writeChunked } from '../../../../src/domains/otc/stages/chunks.js';
import { openTempDb, tempDir } from '../../../helpers/tmp-db.js';
import type { TempDir } from '../../../helpers/tmp-db.js';

// bench/chaos found sync runs dead-lettered with DATABASE_BUSY while a worker wrote the same file: the
// fenced chunk transactions read (the fence) before they write, and a DEFERRED transaction that does so
// gets SQLITE_BUSY at once, busy timeout or not. They must wait for the other writer like any write.

const driver = createRequire(import.meta.url).resolve('better-sqlite3');

/** Another connection (in a thread, so it can let go while this one waits) holds the write lock briefly. */
async function holdWriteLock(path: string, holdMs: number): Promise<Worker> {
  const holder = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const Database = require(workerData.driver);
     const db = new Database(workerData.path);
     db.exec('BEGIN IMMEDIATE');
     db.prepare('INSERT INTO t VALUES (0)').run();
     parentPort.postMessage('locked');
     setTimeout(() => { db.exec('COMMIT'); db.close(); }, workerData.holdMs);`,
    { eval: true, workerData: { path, driver, holdMs } },
  );
  await once(holder, 'message');
  return holder;
}

function stageContext(db: Db): StageContext {
  // Only what the chunk writers use: the database, the fence (a read, as the real one) and the yield.
  return {
    db,
    checkFence: () => db.prepare('SELECT COUNT(*) AS n FROM t').get(),
    yieldControl: () => Promise.resolve(),
  } as unknown as StageContext;
}

describe('fenced chunk writes while another connection writes', () => {
  let dir: TempDir;
  let db: Db;
  let holder: Worker | undefined;

  afterEach(async () => {
    if (holder) await holder.terminate();
    db.close();
    dir.cleanup();
  });

  const setup = (): string => {
    dir = tempDir('spine-write-lock-');
    const path = dir.join('lock.db');
    db = openTempDb(path, { migrate: false });
    db.exec('CREATE TABLE t (x INTEGER)');
    return path;
  };
  const count = (): number => (db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;

  it.each([true, false])('writeChunked (staged %s) waits for the lock and writes every row', async (staged) => {
    holder = await holdWriteLock(setup(), 300);
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    await writeChunked(
      stageContext(db),
      staged,
      () => undefined,
      [1, 2, 3],
      (x) => insert.run(x),
    );
    expect(count()).toBe(4);
  });

  it.each([true, false])('inCapture (staged %s) waits for the lock and writes every row', async (staged) => {
    holder = await holdWriteLock(setup(), 300);
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    function* work(): Generator<void, void, undefined> {
      for (const x of [1, 2, 3]) {
        insert.run(x);
        yield;
      }
    }
    await inCapture(stageContext(db), staged, work);
    expect(count()).toBe(4);
  });
});
