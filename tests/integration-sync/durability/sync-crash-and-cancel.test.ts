/**
 * Durability of the sync backend as it happens in production: a `spine run` process killed with
 * kill -9 in the middle of its ingest, and a running one cancelled from another process. Real built
 * CLI processes on a real SQLite file; a synthetic FINRA week large enough to be caught mid-stage.
 */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/core/db/open-database.js';
import type { ExecutionDetail, ExecutionListItem } from '../../../src/core/execution/history.js';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import { exited, runSpine, spawnSpine } from '../../helpers/temporal-cli.js';
import { writeFinraFile } from '../../helpers/temporal-finra-file.js';
import { waitFor } from '../../helpers/temporal-env.js';
import { runCli } from '../../helpers/run-cli.js';
import { openTempDb, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

const WEEK = 'finra.otc_transparency.week';
const ROWS = 150_000;

let dir: TempDir;
let file: string;

beforeAll(async () => {
  dir = tempDir('spine-durable-');
  mkdirSync(dir.join('in'));
  file = dir.join('in', 'finra_otc_weekly_otc_20251215.csv');
  await writeFinraFile(file, ROWS);
}, 120_000);
afterAll(() => dir.cleanup());

interface Fresh {
  readonly dbPath: string;
  readonly db: Db;
  close(): void;
}

function freshDb(name: string): Fresh {
  const dbPath = dir.join(`${name}.db`);
  const db = openTempDb(dbPath);
  return { dbPath, db, close: () => db.close() };
}

/** Starts `spine run` in the background and returns its execution id once its ingest has written a chunk. */
async function startRunAndWaitForIngest(f: Fresh): Promise<{ child: ReturnType<typeof spawnSpine>; id: string }> {
  const child = spawnSpine(['run', WEEK, '--file', file, '--json'], { dbPath: f.dbPath, devDir: dir.join('.data') });
  const id = await waitFor(
    () =>
      (
        f.db
          .prepare(
            `SELECT execution_id AS id FROM core_execution_events WHERE event_type = 'progress' AND step = 'ingest.bulk_insert' LIMIT 1`,
          )
          .get() as { id: string } | undefined
      )?.id,
    'the first ingest chunk',
    90_000,
    20,
  );
  return { child, id };
}

const capturesOf = (db: Db, executionId: string) =>
  db.prepare(`SELECT capture_id, status FROM core_captures WHERE execution_id = ?`).all(executionId) as {
    capture_id: string;
    status: string;
  }[];

describe('a sync run killed with kill -9', () => {
  it('reads as abandoned, is taken over by the next run of its partition, and gc then collects its staged capture', async () => {
    const f = freshDb('killed');
    try {
      const { child, id } = await startRunAndWaitForIngest(f);
      child.kill('SIGKILL');
      await exited(child);

      // Stored as running, shown as abandoned: its owner's pid is gone.
      expect(f.db.prepare('SELECT status FROM core_executions WHERE id = ?').get(id)).toEqual({ status: 'running' });
      const abandoned = runCli(['executions', 'list', '--status', 'abandoned', '--json'], { dbPath: f.dbPath });
      expect(abandoned.code, abandoned.stderr).toBe(0);
      expect(abandoned.json<{ executions: ExecutionListItem[] }>().executions.map((e) => e.id)).toEqual([id]);
      const running = runCli(['executions', 'list', '--status', 'running', '--json'], { dbPath: f.dbPath });
      expect(running.json<{ executions: ExecutionListItem[] }>().executions).toEqual([]);
      const shown = runCli(['executions', 'show', id.slice(0, 8), '--json'], { dbPath: f.dbPath });
      expect(shown.json<ExecutionDetail>().state).toBe('abandoned');
      const staged = capturesOf(f.db, id);
      expect(staged).toHaveLength(1);
      expect(staged[0]?.status).toBe('staged');

      // Within the grace period gc keeps the dead run's staged capture.
      const early = runCli(['captures', 'gc', '--keep', '3', '--dry-run', '--json'], { dbPath: f.dbPath });
      expect(early.code, early.stderr).toBe(0);
      expect(JSON.stringify(early.json())).not.toContain(`"capture_id":"${staged[0]?.capture_id ?? ''}","week_ending`);

      // The same request in another spelling, from another directory: it takes the partition over.
      const again = await runSpine(['run', WEEK, '--file', '../in/./finra_otc_weekly_otc_20251215.csv', '--json'], {
        dbPath: f.dbPath,
        devDir: dir.join('.data'),
        cwd: dir.join('in'),
        timeoutMs: 180_000,
      });
      expect(again.code, again.stderr).toBe(0);
      const winner = again.json<ExecutionRecord>();
      expect(winner.status).toBe('completed');
      expect(winner.id).not.toBe(id);
      const old = f.db
        .prepare('SELECT status, error_code, error_message FROM core_executions WHERE id = ?')
        .get(id) as { status: string; error_code: string; error_message: string };
      expect(old.status).toBe('failed');
      expect(old.error_code).toBe('ABANDONED');
      expect(old.error_message).toContain(`taken over by ${winner.id}`);
      const published = f.db
        .prepare(`SELECT capture_id, row_counts FROM core_captures WHERE status = 'published'`)
        .all() as { capture_id: string; row_counts: string }[];
      expect(published).toHaveLength(1);
      expect(JSON.parse(published[0]?.row_counts ?? '{}')).toMatchObject({ finra_otc_transparency_raw: ROWS });

      // Past the grace period gc collects the staged capture and says whose it was.
      const gc = runCli(['captures', 'gc', '--keep', '3', '--json'], {
        dbPath: f.dbPath,
        env: { SPINE_ABANDONED_GRACE_MS: '0' },
        timeoutMs: 60_000,
      });
      expect(gc.code, gc.stderr).toBe(0);
      const result = gc.json<{ execution: ExecutionRecord }>().execution.result as { deleted_captures: string[] };
      expect(result.deleted_captures).toEqual([staged[0]?.capture_id]);
      const collected = f.db
        .prepare('SELECT status, status_reason FROM core_captures WHERE capture_id = ?')
        .get(staged[0]?.capture_id) as { status: string; status_reason: string };
      expect(collected.status).toBe('deleted');
      expect(collected.status_reason).toContain(`staged capture of execution ${id}, which ended failed`);
      const leftover = f.db
        .prepare(`SELECT COUNT(*) AS n FROM finra_otc_transparency_raw WHERE capture_id = ?`)
        .get(staged[0]?.capture_id) as { n: number };
      expect(leftover.n).toBe(0);
    } finally {
      f.close();
    }
  }, 300_000);
});

describe('spine executions cancel on a running sync run', () => {
  it('stops the run at its next step, closes it as cancelled, discards its staged capture, and the run exits 1', async () => {
    const f = freshDb('cancel');
    try {
      const { child, id } = await startRunAndWaitForIngest(f);
      const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const res = runCli(['executions', 'cancel', id.slice(0, 8), '--json'], { dbPath: f.dbPath, timeoutMs: 90_000 });
      expect(res.code, res.stderr).toBe(0);
      const out = res.json<{ execution: ExecutionRecord; how: string; discarded_captures: string[] }>();
      expect(out.execution.status).toBe('cancelled');
      expect(out.how).toBe('owner_stopped');
      expect(await exit).toBe(1);
      expect(capturesOf(f.db, id)).toEqual([]);
      const kinds = (
        f.db.prepare(`SELECT event_type FROM core_execution_events WHERE execution_id = ? ORDER BY id`).all(id) as {
          event_type: string;
        }[]
      ).map((e) => e.event_type);
      expect(kinds.at(-1)).toBe('cancelled');
      expect(kinds).not.toContain('completed');

      const again = runCli(['executions', 'cancel', id.slice(0, 8), '--json'], { dbPath: f.dbPath });
      expect(again.code).toBe(2);
      expect(again.stdout + again.stderr).toContain('already ended: cancelled');
    } finally {
      f.close();
    }
  }, 300_000);
});
