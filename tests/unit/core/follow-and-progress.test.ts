/**
 * The live read models in-process on a real SQLite file: `followExecution` (the lines `executions watch`
 * and `run --async --wait` print, abandoned and timed-out watches) and `ProgressTracker` (the progress
 * display of `spine run`). Events are written by the product's EventWriter, as a running stage writes them.
 */
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import type { Db } from '../../../src/core/db/open-database.js';
import { SpineError } from '../../../src/core/errors.js';
import { EventWriter } from '../../../src/core/execution/event-writer.js';
import { ExecutionStore } from '../../../src/core/execution/execution-store.js';
import { AbandonedError, describeEvent, followExecution } from '../../../src/core/execution/follow.js';
import type { EventRow } from '../../../src/core/execution/history.js';
import { processStartTime } from '../../../src/core/execution/lease.js';
import { ProgressTracker } from '../../../src/core/execution/progress.js';
import { insertEvent, insertExecution } from '../../integration-sync/history/seed.js';
import type { SeedExecution } from '../../integration-sync/history/seed.js';
import { openTempDb, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

const ALIVE = { host: hostname(), pid: process.pid, boot: processStartTime(process.pid), kind: 'cli' };
const GONE = { host: hostname(), pid: 2_147_483_646, boot: null, kind: 'cli' };
const EMPTY = '.'.repeat(24);
const HALF = `${'#'.repeat(12)}${'.'.repeat(12)}`;
const FULL = '#'.repeat(24);

let dir: TempDir;
let db: Db;
let events: EventWriter;
beforeEach(() => {
  dir = tempDir('spine-follow-');
  db = openTempDb(dir.join('spine.db'));
  events = new EventWriter(db, fixedClock('2026-01-05T10:00:00.000Z', 1000));
});
afterEach(() => {
  db.close();
  dir.cleanup();
});

const seed = (id: string, e: Partial<SeedExecution> = {}): void =>
  insertExecution(db, {
    id,
    pipeline: 'otc.week',
    status: 'running',
    createdAt: '2026-01-05T10:00:00.000Z',
    owner: ALIVE,
    ...e,
  });
const finish = (id: string, status: 'completed' | 'failed' | 'cancelled'): void => {
  db.prepare('UPDATE core_executions SET status = ?, completed_at = ? WHERE id = ?').run(
    status,
    '2026-01-05T11:00:00Z',
    id,
  );
};

/** A two-stage run: a retried second stage that ends skipped. */
function writeTwoStageRun(id: string): void {
  events.write(id, { type: 'submitted', payload: { stages: ['ingest', 'rolling'] } });
  events.write(id, { type: 'started' });
  events.write(id, { type: 'stage_started', stage: 'ingest' });
  events.write(id, { type: 'progress', stage: 'ingest', step: 'read', spanId: 's1', payload: { rows_in: 10 } });
  events.write(id, { type: 'progress', stage: 'ingest', step: 'hash', spanId: 's2', payload: { duration_ms: 3 } });
  events.write(id, { type: 'stage_completed', stage: 'ingest', rowsOut: 10 });
  events.write(id, { type: 'stage_started', stage: 'rolling' });
  events.write(id, {
    type: 'retrying',
    stage: 'rolling',
    error: { type: 'SqliteError', message: 'database is locked' },
    delayMs: 1000,
  });
  events.write(id, { type: 'stage_started', stage: 'rolling', attempt: 2 });
  events.write(id, { type: 'stage_skipped', stage: 'rolling', attempt: 2, payload: { reason: 'no prior weeks' } });
  events.write(id, { type: 'completed' });
}

describe('followExecution', () => {
  it('prints one line per event with a stage bar, then returns the finished record', async () => {
    seed('follow-0001');
    writeTwoStageRun('follow-0001');
    finish('follow-0001', 'completed');
    const lines: string[] = [];
    let ticks = 0;
    const record = await followExecution(db, 'follow-0', {
      onLine: (l) => lines.push(l),
      onTick: () => (ticks += 1),
    });
    expect([record.id, record.status]).toEqual(['follow-0001', 'completed']);
    expect(ticks).toBe(1);
    expect(lines).toEqual([
      `[${EMPTY}] 0/2 ingest started`,
      `[${EMPTY}] 0/2 ingest read rows=10`,
      `[${HALF}] 1/2 ingest done rows_out=10`,
      `[${HALF}] 1/2 rolling started`,
      `[${HALF}] 1/2 rolling retrying after attempt 1 in 1000 ms: database is locked`,
      `[${HALF}] 1/2 rolling started (attempt 2)`,
      `[${FULL}] 2/2 rolling skipped: no prior weeks`,
    ]);
  });

  it('polls until the run ends, reporting each event once, and counts stages it was not told about', async () => {
    seed('follow-0002');
    events.write('follow-0002', { type: 'stage_started', stage: 'ingest' });
    const lines: string[] = [];
    let ticks = 0;
    const record = await followExecution(db, 'follow-0002', {
      intervalMs: 1,
      onLine: (l) => lines.push(l),
      onTick: () => {
        ticks += 1;
        if (ticks === 1) events.write('follow-0002', { type: 'stage_completed', stage: 'ingest', rowsOut: 4 });
        if (ticks === 2) events.write('follow-0002', { type: 'stage_started', stage: 'publish' });
        if (ticks === 3) {
          events.write('follow-0002', {
            type: 'failed',
            stage: 'publish',
            error: { type: 'SpineError', message: 'quality FAIL' },
          });
          finish('follow-0002', 'failed');
        }
      },
    });
    expect(record.status).toBe('failed');
    expect(ticks).toBe(4);
    expect(lines).toEqual([
      `[${EMPTY}] 0/1 ingest started`,
      `[${FULL}] 1/1 ingest done rows_out=4`,
      `[${HALF}] 1/2 publish started`,
      `[${HALF}] 1/2 publish failed: quality FAIL`,
    ]);
  });

  it('gives up on an execution whose owner is gone, naming the cancel command', async () => {
    seed('abandon-0003', { owner: GONE });
    const err = (await followExecution(db, 'abandon-0003', { intervalMs: 1 }).catch(
      (e: unknown) => e,
    )) as AbandonedError;
    expect(err).toBeInstanceOf(AbandonedError);
    expect([err.code, err.name, err.details]).toEqual([
      'EXECUTION_FAILED',
      'AbandonedError',
      { execution_id: 'abandon-0003', abandoned: true },
    ]);
    expect(err.message).toBe(
      'Execution abandon-0003 was abandoned: its owner is gone. Run the same request again to take it over, or `spine executions cancel abandon-`',
    );
    expect(err.execution.status).toBe('running');
  });

  it('times out a watch on a live run that does not end', async () => {
    seed('slow-0004');
    let ticks = 0;
    const err = (await followExecution(db, 'slow-0004', {
      intervalMs: 5,
      timeoutMs: 30,
      onTick: () => (ticks += 1),
    }).catch((e: unknown) => e)) as SpineError;
    expect(err).toBeInstanceOf(SpineError);
    expect(err).not.toBeInstanceOf(AbandonedError);
    expect([err.code, err.message]).toEqual([
      'EXECUTION_FAILED',
      'Gave up watching slow-0004 after 30 ms (still running)',
    ]);
    expect(ticks).toBeGreaterThan(1);
  });

  it('a Temporal run waiting for its first worker (no owner) is followed, not abandoned', async () => {
    insertExecution(db, {
      id: 'queued-0005',
      pipeline: 'otc.week',
      status: 'pending',
      createdAt: '2026-01-05T10:00:00.000Z',
      backend: 'temporal',
    });
    let ticks = 0;
    const record = await followExecution(db, 'queued-0005', {
      intervalMs: 1,
      onTick: () => {
        ticks += 1;
        if (ticks === 2) finish('queued-0005', 'cancelled');
      },
    });
    expect([record.status, ticks]).toEqual(['cancelled', 3]);
  });

  it('for a fan-out run prints one line per child week as it ends, counted against the weeks planned', async () => {
    seed('backfill-0006', { pipeline: 'otc.backfill' });
    events.write('backfill-0006', { type: 'stage_started', stage: 'plan' });
    events.write('backfill-0006', { type: 'stage_completed', stage: 'plan', payload: { weeks_planned: 3 } });
    seed('child-b', { params: { week_ending: '2025-12-12' }, createdAt: '2026-01-05T10:00:02.000Z' });
    seed('child-a', {
      params: { week_ending: '2025-12-05' },
      createdAt: '2026-01-05T10:00:01.000Z',
      status: 'completed',
    });
    db.prepare(`UPDATE core_executions SET parent_execution_id = 'backfill-0006' WHERE id LIKE 'child-%'`).run();
    const lines: string[] = [];
    let ticks = 0;
    await followExecution(db, 'backfill-0006', {
      intervalMs: 1,
      onLine: (l) => lines.push(l),
      onTick: () => {
        ticks += 1;
        if (ticks === 1) {
          finish('child-b', 'failed');
          seed('child-c-nodate', { createdAt: '2026-01-05T10:00:03.000Z', status: 'completed' });
          db.prepare(
            `UPDATE core_executions SET parent_execution_id = 'backfill-0006' WHERE id = 'child-c-nodate'`,
          ).run();
        }
        if (ticks === 2) finish('backfill-0006', 'completed');
      },
    });
    expect(lines).toEqual([
      `[${EMPTY}] 0/1 plan started`,
      `[${FULL}] 1/1 plan done`,
      'week 2025-12-05 completed (1/3 weeks)',
      'week 2025-12-12 failed (2/3 weeks)',
      'week child-c- completed (3/3 weeks)',
    ]);
  });
});

describe('followExecution stage counting', () => {
  it('takes the stage list from the submitted event only', async () => {
    seed('follow-0007', { status: 'completed' });
    events.write('follow-0007', { type: 'submitted', payload: { stages: ['a', 'b'] } });
    events.write('follow-0007', { type: 'stage_started', stage: 'a' });
    // A later event that happens to carry a `stages` list does not add stages.
    events.write('follow-0007', { type: 'stage_completed', stage: 'a', payload: { stages: ['x', 'y', 'z'] } });
    const lines: string[] = [];
    await followExecution(db, 'follow-0007', { onLine: (l) => lines.push(l) });
    expect(lines).toEqual([`[${EMPTY}] 0/2 a started`, `[${HALF}] 1/2 a done`]);
  });
});

describe('describeEvent', () => {
  const row = (event_type: string, extra: Partial<EventRow> = {}): EventRow => ({
    id: 1,
    event_type,
    at: '2026-01-05T10:00:00.000Z',
    attempt: 1,
    stage: 'normalize',
    step: null,
    status: null,
    payload: {},
    error_type: null,
    error_message: null,
    rows_in: null,
    rows_out: null,
    capture_id: null,
    ...extra,
  });

  it('describes progress by rows_in, else rows_out, and nothing without rows', () => {
    expect(describeEvent(row('progress', { step: 'dedupe', payload: { rows_out: 7 } }), 1, 4)).toBe(
      `[${'#'.repeat(6)}${'.'.repeat(18)}] 1/4 normalize dedupe rows=7`,
    );
    expect(describeEvent(row('progress', { step: 'dedupe', payload: { rows_in: 9, rows_out: 7 } }), 1, 4)).toBe(
      `[${'#'.repeat(6)}${'.'.repeat(18)}] 1/4 normalize dedupe rows=9`,
    );
    expect(describeEvent(row('progress', { payload: { duration_ms: 5 } }), 1, 4)).toBeUndefined();
    expect(describeEvent(row('progress', { payload: { rows_in: 0 } }), 0, 3)).toBe(`[${EMPTY}] 0/3 normalize  rows=0`);
  });

  it('describes completion with and without rows, failures, dead letters; not run-level events', () => {
    expect(describeEvent(row('stage_completed'), 3, 3)).toBe(`[${FULL}] 3/3 normalize done`);
    expect(describeEvent(row('stage_completed', { rows_out: 0 }), 3, 3)).toBe(
      `[${FULL}] 3/3 normalize done rows_out=0`,
    );
    expect(describeEvent(row('dead_lettered', { error_message: 'gave up' }), 2, 3)).toBe(
      `[${'#'.repeat(16)}${'.'.repeat(8)}] 2/3 normalize dead_lettered: gave up`,
    );
    expect(describeEvent(row('failed', { stage: null }), 0, 0)).toBe(`[${EMPTY}] 0/0  failed: `);
    expect(describeEvent(row('stage_skipped'), 1, 1)).toBe(`[${FULL}] 1/1 normalize skipped: `);
    for (const type of ['submitted', 'started', 'completed', 'cancelled'])
      expect(describeEvent(row(type), 0, 1)).toBeUndefined();
  });

  it('never overfills the bar past the stage count', () => {
    expect(describeEvent(row('stage_started', { attempt: 3 }), 5, 2)).toBe(
      `[${FULL}] 5/2 normalize started (attempt 3)`,
    );
  });
});

describe('ProgressTracker', () => {
  const PARAMS = { week_ending: '2025-12-05', file_path: 'week.psv' };

  it('follows stage, rows against the first stage hint, retries and attempts, incrementally', () => {
    seed('progress-01', { params: { file_path: 'stored.psv' } });
    const hinted: unknown[] = [];
    const tracker = new ProgressTracker(db, 'progress-01', {
      rowsHint: (params) => {
        hinted.push(params);
        return params['file_path'] === 'week.psv' ? 100 : undefined;
      },
    });
    expect(tracker.executionId).toBe('progress-01');
    const base = {
      executionId: 'progress-01',
      pipeline: 'otc.week',
      status: 'running',
      createdAt: '2026-01-05T10:00:00.000Z',
      weeks: null,
      child: null,
      retry: null,
    };
    // Before any event: the stored params, no stage.
    expect(tracker.poll()).toEqual({ ...base, week: null, stage: null });

    events.write('progress-01', {
      type: 'submitted',
      payload: { stages: ['ingest', 'normalize', 'publish'], params: PARAMS },
    });
    events.write('progress-01', { type: 'stage_started', stage: 'ingest' });
    expect(tracker.poll()).toEqual({
      ...base,
      week: '2025-12-05',
      stage: { name: 'ingest', index: 1, count: 3, attempt: 1, rowsDone: 0, rowsTotal: 100 },
    });
    expect(hinted.at(-1)).toEqual(PARAMS);

    events.write('progress-01', {
      type: 'progress',
      stage: 'ingest',
      step: 'read',
      spanId: 'a',
      payload: { rows_in: 40 },
    });
    // The stage's closing span repeats its totals: not counted as rows done.
    events.write('progress-01', {
      type: 'progress',
      stage: 'ingest',
      step: 'stage.ingest',
      spanId: 'b',
      payload: { rows_in: 99 },
    });
    expect(tracker.poll()?.stage).toEqual({
      name: 'ingest',
      index: 1,
      count: 3,
      attempt: 1,
      rowsDone: 40,
      rowsTotal: 100,
    });
    events.write('progress-01', {
      type: 'progress',
      stage: 'ingest',
      step: 'read',
      spanId: 'c',
      payload: { rows_in: 30 },
    });
    expect(tracker.poll()?.stage?.rowsDone).toBe(40);
    events.write('progress-01', {
      type: 'progress',
      stage: 'ingest',
      step: 'read',
      spanId: 'd',
      payload: { rows_in: 150 },
    });
    expect(tracker.poll()?.stage?.rowsDone).toBe(100);

    events.write('progress-01', { type: 'stage_completed', stage: 'ingest', rowsOut: 100 });
    events.write('progress-01', { type: 'stage_started', stage: 'normalize' });
    // A later stage has no total until a step reports its rows.
    expect(tracker.poll()?.stage).toEqual({
      name: 'normalize',
      index: 2,
      count: 3,
      attempt: 1,
      rowsDone: null,
      rowsTotal: null,
    });
    events.write('progress-01', {
      type: 'progress',
      stage: 'normalize',
      step: 'dedupe',
      spanId: 'e',
      payload: { rows_in: 60 },
    });
    expect(tracker.poll()?.stage).toEqual({
      name: 'normalize',
      index: 2,
      count: 3,
      attempt: 1,
      rowsDone: 60,
      rowsTotal: 60,
    });

    events.write('progress-01', {
      type: 'retrying',
      stage: 'normalize',
      error: { type: 'SqliteError', message: 'busy' },
      delayMs: 500,
    });
    expect(tracker.poll()?.retry).toBe('normalize attempt 1 failed, retrying in 500 ms');
    events.write('progress-01', { type: 'stage_started', stage: 'normalize', attempt: 2 });
    const retried = tracker.poll();
    expect([retried?.retry, retried?.stage?.attempt, retried?.stage?.rowsDone]).toEqual([null, 2, null]);

    // A stage the submitted list did not name is appended.
    events.write('progress-01', { type: 'stage_started', stage: 'extra' });
    expect(tracker.poll()?.stage).toMatchObject({ name: 'extra', index: 4, count: 4 });
  });

  it('without a hint the first stage has no total, and rows done are unknown until reported', () => {
    seed('progress-02');
    const tracker = new ProgressTracker(db, 'progress-02');
    events.write('progress-02', { type: 'stage_started', stage: 'ingest' });
    expect(tracker.poll()?.stage).toEqual({
      name: 'ingest',
      index: 1,
      count: 1,
      attempt: 1,
      rowsDone: null,
      rowsTotal: null,
    });
    events.write('progress-02', {
      type: 'progress',
      stage: 'ingest',
      step: 'read',
      spanId: 'a',
      payload: { rows_in: 12 },
    });
    expect(tracker.poll()?.stage).toMatchObject({ rowsDone: 12, rowsTotal: null });
    expect(new ProgressTracker(db, 'no-such-execution').poll()).toBeUndefined();
  });

  it('for a fan-out run counts its weeks and shows the running child until the parent ends', () => {
    seed('fanout-01', { pipeline: 'otc.backfill' });
    events.write('fanout-01', { type: 'stage_started', stage: 'plan' });
    events.write('fanout-01', { type: 'stage_completed', stage: 'plan', payload: { weeks_planned: 5 } });
    const tracker = new ProgressTracker(db, 'fanout-01');
    expect(tracker.poll()?.weeks).toEqual({ done: 0, failed: 0, total: 5 });
    const child = (id: string, status: SeedExecution['status'], at: string): void => {
      seed(id, {
        status,
        createdAt: at,
        parentId: 'fanout-01',
        params: { week_ending: `2025-12-${at.slice(17, 19)}` },
      });
    };
    child('c1', 'completed', '2026-01-05T10:00:01.000Z');
    child('c2', 'failed', '2026-01-05T10:00:02.000Z');
    child('c3', 'cancelled', '2026-01-05T10:00:03.000Z');
    child('c4', 'running', '2026-01-05T10:00:04.000Z');
    child('c5', 'running', '2026-01-05T10:00:05.000Z');
    events.write('c4', { type: 'stage_started', stage: 'normalize' });
    const snap = tracker.poll();
    expect(snap?.weeks).toEqual({ done: 1, failed: 2, total: 5 });
    expect(snap?.child).toEqual({
      executionId: 'c4',
      pipeline: 'otc.week',
      status: 'running',
      createdAt: '2026-01-05T10:00:04.000Z',
      week: '2025-12-04',
      stage: { name: 'normalize', index: 1, count: 1, attempt: 1, rowsDone: null, rowsTotal: null },
      weeks: null,
      child: null,
      retry: null,
    });
    // More children than planned: the total follows the children.
    child('c6', 'completed', '2026-01-05T10:00:06.000Z');
    finish('c4', 'completed');
    expect(tracker.poll()?.weeks).toEqual({ done: 3, failed: 2, total: 6 });
    expect(tracker.poll()?.child?.executionId).toBe('c5');
    finish('fanout-01', 'failed');
    expect(tracker.poll()).toMatchObject({ status: 'failed', child: null });
  });

  it('a submitted event without stages or params keeps what the row and the stages say', () => {
    seed('progress-03', { params: { week_ending: '2025-12-12' } });
    events.write('progress-03', { type: 'submitted', payload: { params: 'not an object' } });
    events.write('progress-03', { type: 'stage_started', stage: 'ingest' });
    expect(new ProgressTracker(db, 'progress-03').poll()).toMatchObject({
      week: '2025-12-12',
      stage: { name: 'ingest', index: 1, count: 1 },
    });
  });

  it('a skipped plan stage can carry the weeks planned too', () => {
    seed('fanout-03', { pipeline: 'otc.backfill' });
    events.write('fanout-03', { type: 'stage_started', stage: 'plan' });
    events.write('fanout-03', { type: 'stage_skipped', stage: 'plan', payload: { reason: 'x', weeks_planned: 2 } });
    expect(new ProgressTracker(db, 'fanout-03').poll()?.weeks).toEqual({ done: 0, failed: 0, total: 2 });
  });

  it('events without a stage (rows written by older versions) still read', () => {
    seed('progress-04');
    insertEvent(db, 'progress-04', 'stage_started', '2026-01-05T10:00:01.000Z');
    insertEvent(db, 'progress-04', 'retrying', '2026-01-05T10:00:02.000Z');
    const snap = new ProgressTracker(db, 'progress-04').poll();
    expect(snap?.stage).toEqual({ name: '', index: 0, count: 0, attempt: 1, rowsDone: null, rowsTotal: null });
    expect(snap?.retry).toBe(' attempt 1 failed, retrying in ? ms');
  });

  it("only the top run is a fan-out: a running child's own children are not counted", () => {
    seed('fanout-04', { pipeline: 'otc.backfill' });
    seed('f4-child', { parentId: 'fanout-04' });
    seed('f4-grandchild', { parentId: 'f4-child', status: 'completed' });
    const snap = new ProgressTracker(db, 'fanout-04').poll();
    expect(snap?.weeks).toEqual({ done: 0, failed: 0, total: 1 });
    expect([snap?.child?.executionId, snap?.child?.weeks, snap?.child?.child]).toEqual(['f4-child', null, null]);
  });

  it('a run with children but no plan event is a fan-out run too', () => {
    seed('fanout-02', { pipeline: 'otc.backfill', status: 'completed' });
    seed('d1', { status: 'completed', parentId: 'fanout-02' });
    expect(new ProgressTracker(db, 'fanout-02').poll()?.weeks).toEqual({ done: 1, failed: 0, total: 1 });
    // A week run is not.
    expect(new ProgressTracker(db, 'd1').poll()?.weeks).toBeNull();
  });
});

describe('the execution store behind follow', () => {
  it('reads the record follow returns through the same store', async () => {
    seed('store-0001', { status: 'completed' });
    const record = await followExecution(db, 'store-0001');
    expect(record).toEqual(new ExecutionStore(db).get('store-0001'));
  });
});
