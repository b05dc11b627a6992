/**
 * Retention keeps lineage (docs/execution-history.md): `spine executions prune` and the `captures.gc`
 * pipeline never delete an execution whose capture is still stored (staged, published or failed), and do
 * delete old ones whose capture is gone (superseded, deleted) or that produced none. The executions are
 * real week-pipeline runs on a temp SQLite file under a clock 200 days back; each test prunes its own copy
 * of that file through the built CLI, today.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import { pruneExecutions } from '../../../src/core/execution/history.js';
import type { ParamValue } from '../../../src/core/pipeline/params.js';
import { copyDatabase } from '../../fixtures/revised/captures.js';
import { runCli } from '../../helpers/run-cli.js';
import { openTempDb, openTempSpine, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';
import { pipelineFixture, WEEK_PIPELINE } from '../otc/otc-pipeline-helpers.js';

const GOOD = pipelineFixture('good_otc_20251215.psv');
const ZERO_SHARES = pipelineFixture('zero-shares_otc_20251215.psv');
const EMPTY = pipelineFixture('empty_otc_20251215.psv');

let dir: TempDir;
let template: string;
/** The database of the running test: a fresh copy of the template. */
let dbPath: string;
/** Execution id per role, in run order. */
const exec: Record<'published' | 'superseded' | 'replacing' | 'failedCapture' | 'noCapture', string> = {
  published: '',
  superseded: '',
  replacing: '',
  failedCapture: '',
  noCapture: '',
};

/** One week-pipeline run on the shared file with the clock pinned 200 days (plus `minutes`) back. */
async function runOld(minutes: number, params: Readonly<Record<string, ParamValue>>): Promise<ExecutionRecord> {
  const at = new Date(Date.now() - 200 * 86_400_000 + minutes * 60_000);
  const t = openTempSpine({ dir, fileName: 'template.db', clock: fixedClock(at), sleep: () => Promise.resolve() });
  try {
    return (await t.spine.dispatcher.submit(WEEK_PIPELINE, params)) as ExecutionRecord;
  } finally {
    t.cleanup();
  }
}

function read<T>(sql: string, ...args: unknown[]): T[] {
  const db = openTempDb(dbPath, { migrate: false });
  try {
    return db.prepare(sql).all(...args) as T[];
  } finally {
    db.close();
  }
}

const executionIds = (): string[] =>
  read<{ id: string }>(`SELECT id FROM core_executions WHERE pipeline = ? ORDER BY created_at`, WEEK_PIPELINE).map(
    (r) => r.id,
  );
const eventCount = (id: string): number =>
  read<{ n: number }>(`SELECT COUNT(*) AS n FROM core_execution_events WHERE execution_id = ?`, id)[0]?.n ?? -1;
const captureStatusOf = (id: string): string[] =>
  read<{ status: string }>(`SELECT status FROM core_captures WHERE execution_id = ?`, id).map((r) => r.status);

beforeAll(async () => {
  dir = tempDir();
  template = dir.join('template.db');
  exec.published = (await runOld(0, { file_path: GOOD })).id;
  exec.superseded = (await runOld(1, { file_path: GOOD, force: true })).id;
  exec.replacing = (await runOld(2, { file_path: GOOD, replace_capture: true })).id;
  exec.failedCapture = (await runOld(3, { file_path: ZERO_SHARES, force: true })).id;
  exec.noCapture = (await runOld(4, { file_path: EMPTY })).id;
});

afterAll(() => {
  dir.cleanup();
});

let copies = 0;
beforeEach(() => {
  dbPath = copyDatabase(template, dir.join(`copy-${++copies}.db`));
});

describe('retention and capture lineage', () => {
  it('starts from five old executions: two published captures, one superseded, one failed, one run without capture', () => {
    expect(executionIds()).toEqual([
      exec.published,
      exec.superseded,
      exec.replacing,
      exec.failedCapture,
      exec.noCapture,
    ]);
    expect([
      captureStatusOf(exec.published),
      captureStatusOf(exec.superseded),
      captureStatusOf(exec.replacing),
      captureStatusOf(exec.failedCapture),
      captureStatusOf(exec.noCapture),
    ]).toEqual([['published'], ['superseded'], ['published'], ['failed'], []]);
  });

  it('`executions prune --older-than 90d` keeps the executions whose capture is stored and deletes the others', () => {
    const res = runCli(['executions', 'prune', '--older-than', '90d', '--json'], { dbPath });

    expect(res.code, res.stderr).toBe(0);
    expect(res.json()).toMatchObject({ executions: 2, dryRun: false });
    expect(executionIds()).toEqual([exec.published, exec.replacing, exec.failedCapture]);
    expect(eventCount(exec.superseded)).toBe(0);
    expect(eventCount(exec.noCapture)).toBe(0);
    expect(eventCount(exec.published)).toBeGreaterThan(0);
  });

  it('pruneExecutions (what both call) counts and deletes the same two executions in process', () => {
    const db = openTempDb(dbPath, { migrate: false });
    try {
      const cutoff = new Date(Date.now() - 90 * 86_400_000).toISOString();
      expect(pruneExecutions(db, cutoff, true)).toMatchObject({ executions: 2, dryRun: true });
      expect(pruneExecutions(db, cutoff, false)).toMatchObject({ executions: 2, dryRun: false });
    } finally {
      db.close();
    }
    expect(executionIds()).toEqual([exec.published, exec.replacing, exec.failedCapture]);
  });

  it('`captures gc --keep 1` deletes the older published and the abandoned failed capture, and its prune keeps only the producer of the stored one', () => {
    const res = runCli(['captures', 'gc', '--keep', '1', '--json'], { dbPath });

    expect(res.code, res.stderr).toBe(0);
    expect(captureStatusOf(exec.published)).toEqual(['deleted']);
    expect(captureStatusOf(exec.failedCapture)).toEqual(['deleted']);
    expect(captureStatusOf(exec.replacing)).toEqual(['published']);
    // The gc run itself is new and stays; of the old week runs only the producer of the stored capture stays.
    expect(executionIds()).toEqual([exec.replacing]);
    expect(eventCount(exec.published)).toBe(0);
    expect(eventCount(exec.failedCapture)).toBe(0);
    expect(eventCount(exec.replacing)).toBeGreaterThan(0);
    expect(read(`SELECT status FROM core_executions WHERE pipeline = 'captures.gc'`)).toEqual([
      { status: 'completed' },
    ]);
  });
});
