/**
 * The history read model in-process (src/core/execution/history.ts, dead-letters.ts) on a real migrated
 * SQLite file: `executions list` filters and liveness, id prefixes, the per-stage fold, `executions show`,
 * prune's keep rules and the dead-letter store. The CLI tests (tests/integration-sync/history) run the
 * same code through dist/; these call it directly, so a mutation of it fails here (issue 15).
 */
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import type { Db } from '../../../src/core/db/open-database.js';
import { DeadLetterStore, resolveDeadLetterId } from '../../../src/core/execution/dead-letters.js';
import type { DeadLetter } from '../../../src/core/execution/dead-letters.js';
import { EventWriter } from '../../../src/core/execution/event-writer.js';
import {
  countExecutions,
  describeExecution,
  eventsOf,
  listExecutions,
  pruneExecutions,
  resolveExecutionId,
  summarizeStages,
} from '../../../src/core/execution/history.js';
import type { EventRow } from '../../../src/core/execution/history.js';
import { processStartTime } from '../../../src/core/execution/lease.js';
import { insertEvent, insertExecution } from '../../integration-sync/history/seed.js';
import { openTempDb, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';
import { spineErrorOf } from '../../helpers/errors.js';

/** A same-host owner that is this test process (alive) or a pid no process has (gone). */
const ALIVE = { host: hostname(), pid: process.pid, boot: processStartTime(process.pid), kind: 'cli' };
const GONE = { host: hostname(), pid: 2_147_483_646, boot: null, kind: 'cli' };

let dir: TempDir;
let db: Db;
beforeEach(() => {
  dir = tempDir('spine-history-');
  db = openTempDb(dir.join('spine.db'));
});
afterEach(() => {
  db.close();
  dir.cleanup();
});

function insertCapture(captureId: string, executionId: string, status: string, week = '2025-12-05'): void {
  db.prepare(
    `INSERT INTO core_captures (capture_id, domain, week_ending, tier, captured_at, status, execution_id, created_at)
     VALUES (?, 'otc', ?, 'NMS_TIER_1', ?, ?, ?, ?)`,
  ).run(captureId, week, `2026-01-05T10:00:0${captureId.length % 10}.000000+00:00`, status, executionId, '2026-01-05');
}

describe('listExecutions and countExecutions', () => {
  beforeEach(() => {
    insertExecution(db, {
      id: 'exec-a-completed',
      pipeline: 'otc.week',
      status: 'completed',
      createdAt: '2026-01-05T10:00:00.000Z',
      startedAt: '2026-01-05T10:00:00.000Z',
      completedAt: '2026-01-05T10:00:01.500Z',
      params: { week_ending: '2025-12-05', tier: 'NMS_TIER_1' },
    });
    insertExecution(db, {
      id: 'exec-b-failed',
      pipeline: 'otc.week',
      status: 'failed',
      createdAt: '2026-01-05T11:00:00.000Z',
      params: { tier: 'OTC' },
      // The week and tier a run derived (result) win over what it was given.
      result: { week_ending: '2025-12-12', tier: 'NMS_TIER_2' },
      errorCode: 'QUALITY_FAILED',
      errorStage: 'publish',
      attempts: 3,
    });
    insertExecution(db, {
      id: 'exec-c-abandoned',
      pipeline: 'otc.backfill',
      status: 'running',
      createdAt: '2026-01-05T12:00:00.000Z',
      owner: GONE,
      leaseExpiresAt: '2999-01-01T00:00:00.000Z',
      parentId: 'exec-a-completed',
    });
    insertExecution(db, {
      id: 'exec-d-running',
      pipeline: 'otc.week',
      status: 'running',
      createdAt: '2026-01-05T13:00:00.000Z',
      owner: ALIVE,
      leaseExpiresAt: '2000-01-01T00:00:00.000Z',
    });
    insertExecution(db, {
      id: 'exec-e-pending',
      pipeline: 'otc.week',
      status: 'pending',
      createdAt: '2026-01-05T14:00:00.000Z',
      backend: 'temporal',
    });
  });

  const ids = (rows: readonly { id: string }[]): string[] => rows.map((r) => r.id);

  it('lists newest first, with open executions whose owner is gone shown as abandoned', () => {
    const rows = listExecutions(db, {});
    expect(rows.map((r) => [r.id, r.status])).toEqual([
      ['exec-e-pending', 'pending'],
      ['exec-d-running', 'running'],
      ['exec-c-abandoned', 'abandoned'],
      ['exec-b-failed', 'failed'],
      ['exec-a-completed', 'completed'],
    ]);
  });

  it('returns every column of a row: week and tier from params or result, duration, errors, lease', () => {
    const rows = listExecutions(db, {});
    expect(rows.find((r) => r.id === 'exec-a-completed')).toEqual({
      id: 'exec-a-completed',
      pipeline: 'otc.week',
      status: 'completed',
      lane: 'normal',
      backend: 'sync',
      week_ending: '2025-12-05',
      tier: 'NMS_TIER_1',
      created_at: '2026-01-05T10:00:00.000Z',
      duration_ms: 1500,
      attempts: 1,
      error_code: null,
      error_stage: null,
      error_message: null,
      parent_execution_id: null,
      owner: null,
      lease_expires_at: null,
    });
    const failed = rows.find((r) => r.id === 'exec-b-failed');
    expect([failed?.week_ending, failed?.tier, failed?.attempts]).toEqual(['2025-12-12', 'NMS_TIER_2', 3]);
    expect([failed?.error_code, failed?.error_stage, failed?.error_message]).toEqual([
      'QUALITY_FAILED',
      'publish',
      'seeded QUALITY_FAILED',
    ]);
    const abandoned = rows.find((r) => r.id === 'exec-c-abandoned');
    expect([abandoned?.duration_ms, abandoned?.parent_execution_id, abandoned?.lease_expires_at]).toEqual([
      null,
      'exec-a-completed',
      '2999-01-01T00:00:00.000Z',
    ]);
    expect(JSON.parse(abandoned?.owner ?? 'null')).toEqual(GONE);
  });

  it('filters by the derived statuses: abandoned, running (alive only) and pending', () => {
    expect(ids(listExecutions(db, { status: 'abandoned' }))).toEqual(['exec-c-abandoned']);
    // A same-host owner that is alive runs, whatever its lease says (an event loop blocked past it).
    expect(ids(listExecutions(db, { status: 'running' }))).toEqual(['exec-d-running']);
    // A Temporal run still queued for its first worker has no owner yet and is alive.
    expect(ids(listExecutions(db, { status: 'pending' }))).toEqual(['exec-e-pending']);
    expect(ids(listExecutions(db, { status: 'completed' }))).toEqual(['exec-a-completed']);
    expect(countExecutions(db, { status: 'abandoned' })).toBe(1);
    expect(countExecutions(db, { status: 'running' })).toBe(1);
    expect(countExecutions(db, { status: 'failed' })).toBe(1);
  });

  it('a pending sync run with no owner is abandoned, not pending', () => {
    insertExecution(db, {
      id: 'exec-f-orphan',
      pipeline: 'otc.week',
      status: 'pending',
      createdAt: '2026-01-05T15:00:00Z',
    });
    expect(ids(listExecutions(db, { status: 'pending' }))).toEqual(['exec-e-pending']);
    expect(ids(listExecutions(db, { status: 'abandoned' }))).toEqual(['exec-f-orphan', 'exec-c-abandoned']);
    expect(countExecutions(db, { status: 'pending' })).toBe(1);
  });

  it('filters by since (inclusive), until (exclusive), pipeline, week and tier', () => {
    expect(ids(listExecutions(db, { since: '2026-01-05T13:00:00.000Z' }))).toEqual([
      'exec-e-pending',
      'exec-d-running',
    ]);
    expect(ids(listExecutions(db, { until: '2026-01-05T11:00:00.000Z' }))).toEqual(['exec-a-completed']);
    expect(ids(listExecutions(db, { since: '2026-01-05T11:00:00.000Z', until: '2026-01-05T12:00:00.001Z' }))).toEqual([
      'exec-c-abandoned',
      'exec-b-failed',
    ]);
    expect(ids(listExecutions(db, { pipeline: 'otc.backfill' }))).toEqual(['exec-c-abandoned']);
    expect(ids(listExecutions(db, { week: '2025-12-12' }))).toEqual(['exec-b-failed']);
    expect(ids(listExecutions(db, { week: '2025-12-05' }))).toEqual(['exec-a-completed']);
    expect(ids(listExecutions(db, { tier: 'NMS_TIER_2' }))).toEqual(['exec-b-failed']);
    // The params' tier loses to the result's.
    expect(ids(listExecutions(db, { tier: 'OTC' }))).toEqual([]);
    expect(ids(listExecutions(db, { pipeline: 'otc.week', status: 'failed', week: '2025-12-12' }))).toEqual([
      'exec-b-failed',
    ]);
    expect(countExecutions(db, { pipeline: 'otc.week' })).toBe(4);
    expect(countExecutions(db, {})).toBe(5);
    expect(countExecutions(db, { pipeline: 'otc.week', since: '2026-01-05T11:00:00.000Z' })).toBe(3);
  });

  it('limits to 50 by default and to the limit given; the count ignores the limit', () => {
    for (let i = 0; i < 55; i += 1) {
      insertExecution(db, {
        id: `bulk-${String(i).padStart(2, '0')}`,
        pipeline: 'otc.week',
        status: i % 2 === 0 ? 'completed' : 'running',
        createdAt: `2026-01-04T10:${String(i).padStart(2, '0')}:00.000Z`,
      });
    }
    expect(listExecutions(db, {})).toHaveLength(50);
    expect(ids(listExecutions(db, { limit: 2 }))).toEqual(['exec-e-pending', 'exec-d-running']);
    expect(countExecutions(db, { limit: 2 })).toBe(60);
    // Derived statuses filter after liveness, then limit: 27 seeded running rows have no owner.
    expect(ids(listExecutions(db, { status: 'abandoned', limit: 3 }))).toEqual([
      'exec-c-abandoned',
      'bulk-53',
      'bulk-51',
    ]);
    expect(listExecutions(db, { status: 'abandoned' })).toHaveLength(28);
    expect(countExecutions(db, { status: 'abandoned', limit: 3 })).toBe(28);
    expect(countExecutions(db, { status: 'completed', limit: 3 })).toBe(29);
  });
});

describe('resolveExecutionId', () => {
  beforeEach(() => {
    for (const [id, createdAt] of [
      ['abcd1234-0000', '2026-01-05T10:00:00.000Z'],
      ['abcd1234-0000-x', '2026-01-05T11:00:00.000Z'],
      ['abce0000', '2026-01-05T12:00:00.000Z'],
    ] as const) {
      insertExecution(db, { id, pipeline: 'otc.week', status: 'completed', createdAt });
    }
  });

  it('takes a full id even when it prefixes another, and a unique prefix (trimmed)', () => {
    expect(resolveExecutionId(db, 'abcd1234-0000')).toBe('abcd1234-0000');
    expect(resolveExecutionId(db, ' abcd1234-0000-  ')).toBe('abcd1234-0000-x');
    expect(resolveExecutionId(db, 'abce')).toBe('abce0000');
  });

  it('refuses a fragment shorter than 4 characters, an unknown one and an ambiguous one', () => {
    const short = spineErrorOf(() => resolveExecutionId(db, ' abc '));
    expect([short.code, short.message]).toEqual([
      'INVALID_PARAMS',
      "Execution id 'abc' is too short: give at least 4 characters of it",
    ]);
    const none = spineErrorOf(() => resolveExecutionId(db, 'abcf'));
    expect([none.code, none.message]).toEqual(['NOT_FOUND', "No execution matches 'abcf'"]);
    expect(none.details).toEqual({ value: 'abcf', hint: 'spine executions list' });
    const ambiguous = spineErrorOf(() => resolveExecutionId(db, 'abcd'));
    expect(ambiguous.code).toBe('INVALID_PARAMS');
    expect(ambiguous.message).toBe(
      [
        "'abcd' matches 2 executions; give more characters of the one you mean:",
        '  abcd1234-0000  otc.week completed, created 2026-01-05T10:00:00Z',
        '  abcd1234-0000-x  otc.week completed, created 2026-01-05T11:00:00Z',
      ].join('\n'),
    );
  });
});

describe('summarizeStages', () => {
  let nextId = 0;
  const ev = (
    event_type: string,
    stage: string | null,
    at: string,
    extra: Partial<Pick<EventRow, 'attempt' | 'rows_in' | 'rows_out' | 'error_message'>> = {},
  ): EventRow => ({
    id: (nextId += 1),
    event_type,
    at: `2026-01-05T10:00:${at}.000Z`,
    attempt: extra.attempt ?? 1,
    stage,
    step: null,
    status: null,
    payload: {},
    error_type: extra.error_message ? 'Error' : null,
    error_message: extra.error_message ?? null,
    rows_in: extra.rows_in ?? null,
    rows_out: extra.rows_out ?? null,
    capture_id: null,
  });

  it('folds attempts into one line per stage: first start, last outcome, attempts counted', () => {
    const stages = summarizeStages([
      ev('started', null, '00'),
      ev('stage_completed', 'orphan', '00', { rows_out: 1 }),
      ev('stage_started', 'ingest', '01'),
      ev('progress', 'ingest', '02', { rows_in: 5 }),
      ev('retrying', 'ingest', '03', { error_message: 'busy' }),
      ev('stage_started', 'ingest', '05', { attempt: 2 }),
      ev('stage_completed', 'ingest', '08', { attempt: 2, rows_in: 10, rows_out: 9 }),
      ev('stage_started', 'rolling', '10'),
      ev('stage_skipped', 'rolling', '11'),
      ev('stage_started', 'publish', '12'),
      ev('failed', 'publish', '15', { error_message: 'quality FAIL' }),
      ev('stage_started', 'recompute', '20'),
      ev('failed', null, '21', { error_message: 'run failed' }),
    ]);
    expect(stages).toEqual([
      {
        stage: 'ingest',
        status: 'completed',
        attempts: 2,
        started_at: '2026-01-05T10:00:01.000Z',
        ended_at: '2026-01-05T10:00:08.000Z',
        duration_ms: 7000,
        rows_in: 10,
        rows_out: 9,
        error: null,
      },
      {
        stage: 'rolling',
        status: 'skipped',
        attempts: 1,
        started_at: '2026-01-05T10:00:10.000Z',
        ended_at: '2026-01-05T10:00:11.000Z',
        duration_ms: 1000,
        rows_in: null,
        rows_out: null,
        error: null,
      },
      {
        stage: 'publish',
        status: 'failed',
        attempts: 1,
        started_at: '2026-01-05T10:00:12.000Z',
        ended_at: '2026-01-05T10:00:15.000Z',
        duration_ms: 3000,
        rows_in: null,
        rows_out: null,
        error: 'quality FAIL',
      },
      {
        stage: 'recompute',
        status: 'running',
        attempts: 1,
        started_at: '2026-01-05T10:00:20.000Z',
        ended_at: null,
        duration_ms: null,
        rows_in: null,
        rows_out: null,
        error: null,
      },
    ]);
  });

  it('shows a stage between a retry and its next attempt as running, with the error so far', () => {
    const [stage] = summarizeStages([
      ev('stage_started', 'normalize', '01'),
      ev('stage_completed', 'normalize', '02', { rows_in: 4, rows_out: 4 }),
      ev('retrying', 'normalize', '04', { error_message: 'lock' }),
    ]);
    expect(stage).toMatchObject({
      status: 'running',
      ended_at: '2026-01-05T10:00:04.000Z',
      duration_ms: 3000,
      rows_in: 4,
      rows_out: 4,
      error: 'lock',
    });
  });
});

describe('describeExecution', () => {
  it('tells one execution: state, duration, stages, errors, captures produced and consumed, children', () => {
    insertExecution(db, {
      id: 'parent-0001',
      pipeline: 'otc.week',
      status: 'completed',
      createdAt: '2026-01-05T10:00:00.000Z',
      startedAt: '2026-01-05T10:00:00.000Z',
      completedAt: '2026-01-05T10:00:02.250Z',
      params: { week_ending: '2025-12-05' },
    });
    insertExecution(db, {
      id: 'child-0002',
      pipeline: 'otc.week',
      status: 'running',
      createdAt: '2026-01-05T10:00:01.000Z',
      parentId: 'parent-0001',
      owner: GONE,
    });
    insertExecution(db, {
      id: 'child-0001',
      pipeline: 'otc.week',
      status: 'completed',
      createdAt: '2026-01-05T10:00:00.500Z',
      parentId: 'parent-0001',
    });
    const events = new EventWriter(db, fixedClock('2026-01-05T10:00:00.000Z', 1000));
    events.write('parent-0001', { type: 'stage_started', stage: 'ingest' });
    events.write('parent-0001', {
      type: 'retrying',
      stage: 'ingest',
      error: { type: 'SqliteError', message: 'database is locked' },
      delayMs: 100,
    });
    events.write('parent-0001', { type: 'stage_started', stage: 'ingest', attempt: 2 });
    events.write('parent-0001', { type: 'stage_completed', stage: 'ingest', attempt: 2, rowsIn: 3, rowsOut: 3 });
    events.write('parent-0001', { type: 'stage_started', stage: 'rolling' });
    // Rolling reads the previous weeks' published captures: they are consumed, not produced.
    events.write('parent-0001', { type: 'stage_completed', stage: 'rolling', captureId: 'cap-older' });
    events.write('parent-0001', { type: 'stage_started', stage: 'publish' });
    events.write('parent-0001', { type: 'stage_completed', stage: 'publish', captureId: 'cap-new' });
    events.write('parent-0001', { type: 'completed', captureId: 'cap-new' });
    insertCapture('cap-new', 'parent-0001', 'published');
    insertCapture('cap-new-t2', 'parent-0001', 'superseded');

    const detail = describeExecution(db, 'parent-0');
    expect(detail.execution.id).toBe('parent-0001');
    expect(detail.state).toBe('completed');
    expect(detail.duration_ms).toBe(2250);
    expect(detail.stages.map((s) => [s.stage, s.status, s.attempts, s.rows_out])).toEqual([
      ['ingest', 'completed', 2, 3],
      ['rolling', 'completed', 1, null],
      ['publish', 'completed', 1, null],
    ]);
    expect(detail.errors).toEqual([
      {
        stage: 'ingest',
        attempt: 1,
        type: 'SqliteError',
        message: 'database is locked',
        at: '2026-01-05T10:00:01.000Z',
      },
    ]);
    expect(detail.captures_produced.map((c) => [c.capture_id, c.status, c.week_ending, c.tier])).toEqual([
      ['cap-new-t2', 'superseded', '2025-12-05', 'NMS_TIER_1'],
      ['cap-new', 'published', '2025-12-05', 'NMS_TIER_1'],
    ]);
    expect(detail.captures_consumed).toEqual(['cap-older']);
    expect(detail.children.map((c) => [c.id, c.status, c.parent_execution_id])).toEqual([
      ['child-0001', 'completed', 'parent-0001'],
      ['child-0002', 'abandoned', 'parent-0001'],
    ]);
    expect(detail.events.map((e) => e.event_type)).toEqual(eventsOf(db, 'parent-0001').map((e) => e.event_type));
    expect(detail.events).toHaveLength(9);

    const child = describeExecution(db, 'child-0002');
    expect([child.state, child.execution.status, child.duration_ms]).toEqual(['abandoned', 'running', null]);
    expect([child.stages, child.errors, child.captures_produced, child.children]).toEqual([[], [], [], []]);
  });
});

describe('pruneExecutions', () => {
  const OLD = '2026-01-01T00:00:00.000Z';
  const CUTOFF = '2026-02-01T00:00:00.000Z';

  beforeEach(() => {
    const seed = (id: string, status: 'completed' | 'failed' | 'running' | 'pending' | 'cancelled', at = OLD): void => {
      insertExecution(db, { id, pipeline: 'otc.week', status, createdAt: at });
      insertEvent(db, id, 'submitted', at);
      insertEvent(db, id, 'started', at);
    };
    seed('old-completed', 'completed');
    seed('old-failed', 'failed');
    seed('old-cancelled', 'cancelled');
    seed('old-running', 'running');
    seed('old-pending', 'pending');
    seed('old-published', 'completed');
    seed('old-staged', 'completed');
    seed('old-failed-capture', 'failed');
    seed('old-superseded', 'completed');
    seed('old-deleted', 'completed');
    seed('at-cutoff', 'completed', CUTOFF);
    seed('new-completed', 'completed', '2026-03-01T00:00:00.000Z');
    insertCapture('c-published', 'old-published', 'published');
    insertCapture('c-staged', 'old-staged', 'staged');
    insertCapture('c-failed', 'old-failed-capture', 'failed');
    insertCapture('c-superseded', 'old-superseded', 'superseded');
    insertCapture('c-deleted', 'old-deleted', 'deleted');
    // A newer child of a pruned parent keeps its own row, unlinked.
    insertExecution(db, {
      id: 'new-child',
      pipeline: 'otc.week',
      status: 'completed',
      createdAt: '2026-03-01T00:00:00.000Z',
      parentId: 'old-completed',
    });
  });

  const remaining = (): string[] =>
    (db.prepare('SELECT id FROM core_executions ORDER BY id').all() as { id: string }[]).map((r) => r.id);
  const eventCount = (): number =>
    (db.prepare('SELECT COUNT(*) AS n FROM core_execution_events').get() as { n: number }).n;

  it('dry run counts what would go and deletes nothing', () => {
    const before = remaining();
    expect(pruneExecutions(db, CUTOFF, true)).toEqual({ cutoff: CUTOFF, executions: 5, events: 10, dryRun: true });
    expect(remaining()).toEqual(before);
    expect(eventCount()).toBe(24);
  });

  it('deletes finished executions before the cutoff with their events; keeps open ones and stored captures', () => {
    expect(pruneExecutions(db, CUTOFF, false)).toEqual({ cutoff: CUTOFF, executions: 5, events: 10, dryRun: false });
    expect(remaining()).toEqual([
      'at-cutoff',
      'new-child',
      'new-completed',
      'old-failed-capture',
      'old-pending',
      'old-published',
      'old-running',
      'old-staged',
    ]);
    expect(eventCount()).toBe(14);
    const child = db.prepare('SELECT parent_execution_id AS p FROM core_executions WHERE id = ?').get('new-child');
    expect(child).toEqual({ p: null });
    // Idempotent: nothing left to prune.
    expect(pruneExecutions(db, CUTOFF, false)).toMatchObject({ executions: 0, events: 0 });
  });
});

describe('DeadLetterStore', () => {
  const execution = { id: 'dead-0001-aaaa', pipeline: 'otc.week', params: { week_ending: '2025-12-05' } };
  const error = { type: 'SpineError', message: 'source unreachable' };

  it('records once per (execution, stage), from the first failure event, and alerts only for a new row', async () => {
    insertExecution(db, {
      id: execution.id,
      pipeline: 'otc.week',
      status: 'failed',
      createdAt: '2026-01-05T09:00:00.000Z',
    });
    insertEvent(db, execution.id, 'retrying', '2026-01-05T09:00:05.000Z', { stage: 'ingest' });
    insertEvent(db, execution.id, 'retrying', '2026-01-05T09:00:03.000Z', { stage: 'ingest', attempt: 2 });
    insertEvent(db, execution.id, 'retrying', '2026-01-05T09:00:01.000Z', { stage: 'normalize' });
    const alerted: DeadLetter[] = [];
    const store = new DeadLetterStore(db, fixedClock('2026-01-05T10:00:00.000Z', 60_000), (dl) => {
      alerted.push(dl);
    });
    const id = await store.record({ execution, stage: 'ingest', error, attempts: 3 });
    expect(alerted.map((d) => d.id)).toEqual([id]);
    expect(await store.record({ execution, stage: 'ingest', error, attempts: 4 })).toBe(id);
    expect(alerted).toHaveLength(1);
    expect(store.get(id)).toEqual({
      id,
      execution_id: execution.id,
      pipeline: 'otc.week',
      stage: 'ingest',
      params: { week_ending: '2025-12-05' },
      error_type: 'SpineError',
      error_message: 'source unreachable',
      attempts: 3,
      first_failure_at: '2026-01-05T09:00:03.000Z',
      last_failure_at: '2026-01-05T10:00:00.000Z',
      status: 'open',
      replayed_execution_id: null,
      resolved_at: null,
    });
    expect(alerted[0]).toEqual(store.get(id));
    // No failure event for the stage: the first failure is now.
    const publish = await store.record({ execution, stage: 'publish', error, attempts: 1 });
    expect(store.get(publish)?.first_failure_at).toBe('2026-01-05T10:02:00.000Z');
    expect(store.get(9999)).toBeUndefined();
  });

  it('lists newest first by status with a limit; resolves only an open one', async () => {
    const store = new DeadLetterStore(db, fixedClock('2026-01-05T10:00:00.000Z', 1000));
    const a = await store.record({ execution, stage: 'ingest', error, attempts: 1 });
    const b = await store.record({ execution, stage: 'normalize', error, attempts: 1 });
    const c = await store.record({ execution, stage: 'publish', error, attempts: 1 });
    store.resolve(b, 'replayed', 'replay-exec');
    store.resolve(b, 'discarded');
    store.resolve(c, 'discarded');
    expect(store.list().map((d) => [d.id, d.status])).toEqual([
      [c, 'discarded'],
      [b, 'replayed'],
      [a, 'open'],
    ]);
    expect(store.list('open').map((d) => d.id)).toEqual([a]);
    expect(store.list(undefined, 2).map((d) => d.id)).toEqual([c, b]);
    expect(store.list('discarded', 1).map((d) => d.id)).toEqual([c]);
    const replayed = store.get(b);
    expect([replayed?.replayed_execution_id, replayed?.resolved_at]).toEqual([
      'replay-exec',
      '2026-01-05T10:00:03.000Z',
    ]);
    expect(store.get(c)?.replayed_execution_id).toBeNull();
  });

  it('resolves a dead letter by number, #number, or its execution id prefix', async () => {
    const store = new DeadLetterStore(db);
    const a = await store.record({ execution, stage: 'ingest', error, attempts: 1 });
    const b = await store.record({
      execution: { ...execution, id: 'dead-0002-bbbb' },
      stage: 'ingest',
      error,
      attempts: 1,
    });
    expect(resolveDeadLetterId(db, String(a))).toBe(a);
    expect(resolveDeadLetterId(db, ` #${b} `)).toBe(b);
    expect(resolveDeadLetterId(db, 'dead-0002')).toBe(b);
    const missing = spineErrorOf(() => resolveDeadLetterId(db, '#77'));
    expect([missing.code, missing.message]).toEqual(['NOT_FOUND', "No dead letter matches '#77'"]);
    expect(missing.details).toEqual({ value: '#77', hint: 'spine dlq list --status all' });
    // Only a leading # is the number's mark: '1#' is a (too short) id fragment, not dead letter 1.
    expect(spineErrorOf(() => resolveDeadLetterId(db, '1#')).code).toBe('INVALID_PARAMS');
    const short = spineErrorOf(() => resolveDeadLetterId(db, 'dea'));
    expect([short.code, short.message]).toEqual([
      'INVALID_PARAMS',
      "Dead letter id 'dea' is too short: give at least 4 characters of it",
    ]);
    const ambiguous = spineErrorOf(() => resolveDeadLetterId(db, 'dead'));
    expect(ambiguous.message).toBe(
      [
        "'dead' matches 2 dead letters; give more characters of the one you mean:",
        `  ${b}  execution dead-000 otc.week stage ingest (open)`,
        `  ${a}  execution dead-000 otc.week stage ingest (open)`,
      ].join('\n'),
    );
    const unknown = spineErrorOf(() => resolveDeadLetterId(db, 'zzzz'));
    expect([unknown.code, unknown.details]).toEqual([
      'NOT_FOUND',
      { value: 'zzzz', hint: 'spine dlq list --status all' },
    ]);
  });
});
