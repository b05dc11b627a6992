/**
 * Capture gc on a real SQLite file with hand-made captures and executions: what planGc picks and why,
 * what open executions protect, and what applyGc deletes and records. The CLI and pipeline paths are in
 * tests/integration-sync/captures/gc.test.ts.
 */
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyGc, planGc } from '../../../src/core/captures/gc.js';
import type { GcOptions } from '../../../src/core/captures/gc.js';
import type { Db } from '../../../src/core/db/open-database.js';
import { currentOwner } from '../../../src/core/execution/lease.js';
import { insertEvent, insertExecution } from '../../integration-sync/history/seed.js';
import { openTempDb, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

let dir: TempDir;
let db: Db;

const NOW = new Date('2026-01-10T12:00:00.000Z');
const HOUR = 3_600_000;
const iso = (offsetMs: number): string => new Date(NOW.getTime() + offsetMs).toISOString();
const TABLES = ['core_rejects'];

function capture(
  id: string,
  status: string,
  over: { week?: string; tier?: string; exec?: string; created?: string } = {},
): void {
  db.prepare(
    `INSERT INTO core_captures (capture_id, domain, week_ending, tier, captured_at, status, execution_id, created_at)
     VALUES (?, 'd', ?, ?, ?, ?, ?, ?)`,
  ).run(
    id,
    over.week ?? '2025-12-12',
    over.tier ?? 'OTC',
    `2025-12-15T00:00:${id.slice(-2)}.000000+00:00`,
    status,
    over.exec ?? 'e-done',
    over.created ?? iso(-30 * 24 * HOUR),
  );
}

function rejects(captureId: string, n: number): void {
  for (let i = 0; i < n; i++) {
    db.prepare(
      `INSERT INTO core_rejects (domain, partition_key, stage, reason_code, capture_id, execution_id, created_at)
       VALUES ('d', 'k', 'NORMALIZE', 'X', ?, 'e', '2026-01-05')`,
    ).run(captureId);
  }
}

function setOwner(id: string, owner: object | null, leaseExpiresAt: string | null): void {
  db.prepare('UPDATE core_executions SET owner = ?, lease_expires_at = ?, backend = ? WHERE id = ?').run(
    owner ? JSON.stringify(owner) : null,
    leaseExpiresAt,
    'sync',
    id,
  );
}

const options = (over: Partial<GcOptions> = {}): GcOptions => ({
  domain: 'd',
  keep: 2,
  abandonedBefore: iso(-24 * HOUR),
  now: NOW,
  graceMs: HOUR,
  ...over,
});

beforeEach(() => {
  dir = tempDir('spine-gc-');
  db = openTempDb(dir.join('spine.db'));
  insertExecution(db, { id: 'e-done', pipeline: 'p', status: 'completed', createdAt: iso(-30 * 24 * HOUR) });
});
afterEach(() => {
  db.close();
  dir.cleanup();
});

describe('planGc', () => {
  it('lists the published captures beyond the newest `keep` of each (week, tier), with their rows', () => {
    for (const id of ['p01', 'p02', 'p03', 'p04']) capture(id, 'published');
    capture('p05', 'published', { tier: 'NMS_TIER_1' });
    capture('p06', 'superseded');
    rejects('p01', 3);
    rejects('p02', 1);
    const plan = planGc(db, TABLES, options());
    expect(plan).toEqual({
      keep: 2,
      candidates: [
        {
          capture_id: 'p02',
          week_ending: '2025-12-12',
          tier: 'OTC',
          captured_at: '2025-12-15T00:00:02.000000+00:00',
          status: 'published',
          reason: 'older than the 2 newest published',
          rows: { core_rejects: 1 },
        },
        {
          capture_id: 'p01',
          week_ending: '2025-12-12',
          tier: 'OTC',
          captured_at: '2025-12-15T00:00:01.000000+00:00',
          status: 'published',
          reason: 'older than the 2 newest published',
          rows: { core_rejects: 3 },
        },
      ],
      protected: [],
      rows_total: 4,
    });
    expect(planGc(db, TABLES, options({ keep: 3 })).candidates.map((c) => c.capture_id)).toEqual(['p01']);
  });

  it('always keeps the latest: keep 0 means keep 1', () => {
    for (const id of ['p01', 'p02']) capture(id, 'published');
    const plan = planGc(db, TABLES, options({ keep: 0 }));
    expect([plan.keep, plan.candidates.map((c) => [c.capture_id, c.reason, c.rows])]).toEqual([
      1,
      [['p01', 'older than the 1 newest published', {}]],
    ]);
  });

  it('narrows to one week and one tier', () => {
    for (const id of ['p01', 'p02']) capture(id, 'published');
    for (const id of ['p11', 'p12']) capture(id, 'published', { week: '2025-12-19' });
    for (const id of ['p21', 'p22']) capture(id, 'published', { tier: 'NMS_TIER_1' });
    const ids = (o: Partial<GcOptions>): string[] =>
      planGc(db, TABLES, options({ keep: 1, ...o })).candidates.map((c) => c.capture_id);
    expect(ids({})).toEqual(['p21', 'p01', 'p11']);
    expect(ids({ week: '2025-12-19' })).toEqual(['p11']);
    expect(ids({ tier: 'NMS_TIER_1' })).toEqual(['p21']);
    expect(ids({ week: '2025-12-12', tier: 'OTC' })).toEqual(['p01']);
    expect(planGc(db, TABLES, options({ keep: 1, domain: 'other' })).candidates).toEqual([]);
  });

  it('collects staged and failed captures created before the cutoff whose executions ended, not newer ones', () => {
    capture('s01', 'staged', { created: iso(-25 * HOUR) });
    capture('s02', 'failed', { created: iso(-25 * HOUR) });
    capture('s03', 'failed', { created: iso(-23 * HOUR) });
    const plan = planGc(db, TABLES, options());
    expect(plan.candidates.map((c) => [c.capture_id, c.status, c.reason])).toEqual([
      ['s02', 'failed', 'abandoned failed capture'],
      ['s01', 'staged', 'staged capture of execution e-done, which ended completed without publishing it'],
    ]);
  });

  it('keeps a staged capture of an ended execution within the grace period after it ended', () => {
    insertExecution(db, { id: 'e-recent', pipeline: 'p', status: 'failed', createdAt: iso(-30 * 60_000) });
    capture('s01', 'staged', { exec: 'e-recent', created: iso(-30 * 60_000) });
    expect(planGc(db, TABLES, options()).candidates).toEqual([]);
    expect(planGc(db, TABLES, options({ graceMs: 10 * 60_000 })).candidates.map((c) => c.reason)).toEqual([
      'staged capture of execution e-recent, which ended failed without publishing it',
    ]);
  });

  it('protects what a live execution wrote or announced, listing the announced published capture it saved', () => {
    insertExecution(db, { id: 'e-live', pipeline: 'p', status: 'running', createdAt: iso(-48 * HOUR) });
    setOwner('e-live', currentOwner(), iso(60_000));
    for (const id of ['p01', 'p02', 'p03']) capture(id, 'published');
    capture('s04', 'staged', { exec: 'e-live', created: iso(-48 * HOUR) });
    insertEvent(db, 'e-live', 'stage_completed', iso(-HOUR), { stage: 'resolve_source', captureId: 'p01' });
    const plan = planGc(db, TABLES, options());
    expect(plan.candidates).toEqual([]);
    expect(plan.protected).toEqual([{ capture_id: 'p01', reason: 'used by a running execution' }]);
  });

  it('an abandoned execution protects nothing: its staged capture is garbage once the grace period is over', () => {
    insertExecution(db, { id: 'e-dead', pipeline: 'p', status: 'running', createdAt: iso(-48 * HOUR) });
    setOwner('e-dead', { host: 'elsewhere', pid: 1, boot: null, kind: 'cli' }, iso(-2 * HOUR));
    capture('s01', 'staged', { exec: 'e-dead', created: iso(-HOUR) });
    capture('s02', 'failed', { exec: 'e-dead', created: iso(-HOUR) });
    capture('p03', 'published', { exec: 'e-dead' });
    capture('p04', 'published');
    insertEvent(db, 'e-dead', 'stage_completed', iso(-HOUR), { stage: 'resolve_source', captureId: 'p04' });
    const plan = planGc(db, TABLES, options({ keep: 1 }));
    expect(plan.candidates.map((c) => [c.capture_id, c.reason])).toEqual([
      ['p03', 'older than the 1 newest published'],
      ['s02', `failed capture of abandoned execution e-dead (owner gone since ${iso(-2 * HOUR)})`],
      ['s01', `staged capture of abandoned execution e-dead (owner gone since ${iso(-2 * HOUR)})`],
    ]);
    expect(plan.protected).toEqual([]);
  });

  it('an abandoned execution within the grace period still holds its captures; without a lease its start counts', () => {
    insertExecution(db, { id: 'e-dead', pipeline: 'p', status: 'running', createdAt: iso(-30 * 60_000) });
    setOwner('e-dead', null, null);
    capture('s01', 'staged', { exec: 'e-dead', created: iso(-48 * HOUR) });
    expect(planGc(db, TABLES, options())).toEqual({ keep: 2, candidates: [], protected: [], rows_total: 0 });
    expect(planGc(db, TABLES, options({ graceMs: 60_000 })).candidates.map((c) => c.reason)).toEqual([
      `staged capture of abandoned execution e-dead (owner gone since ${iso(-30 * 60_000)})`,
    ]);
  });
});

describe('planGc at the exact boundaries', () => {
  it('a failed capture created exactly at the cutoff is not yet garbage', () => {
    capture('f01', 'failed', { exec: 'e-none', created: iso(-24 * HOUR) });
    capture('f02', 'failed', { exec: 'e-none', created: iso(-24 * HOUR - 1) });
    expect(planGc(db, TABLES, options()).candidates.map((c) => c.capture_id)).toEqual(['f02']);
  });

  it('the grace period ends exactly graceMs after the lease expired or the execution ended', () => {
    insertExecution(db, { id: 'e-dead', pipeline: 'p', status: 'running', createdAt: iso(-48 * HOUR) });
    setOwner('e-dead', { host: 'elsewhere', pid: 1, boot: null, kind: 'cli' }, iso(-HOUR));
    capture('s01', 'staged', { exec: 'e-dead', created: iso(-HOUR) });
    insertExecution(db, { id: 'e-ended', pipeline: 'p', status: 'failed', createdAt: iso(-HOUR) });
    capture('s02', 'staged', { exec: 'e-ended', created: iso(-HOUR) });
    expect(planGc(db, TABLES, options()).candidates.map((c) => c.capture_id)).toEqual(['s02', 's01']);
    expect(planGc(db, TABLES, options({ graceMs: HOUR + 1 })).candidates).toEqual([]);
  });
});

describe('applyGc', () => {
  it("deletes the planned captures' rows and marks them deleted with the reason, the execution and the counts", () => {
    for (const id of ['p01', 'p02', 'p03']) capture(id, 'published');
    rejects('p01', 2);
    rejects('p03', 1);
    const plan = planGc(db, TABLES, options({ keep: 1 }));
    expect(applyGc(db, TABLES, plan, NOW)).toEqual({ deleted: ['p02', 'p01'], rows: { core_rejects: 2 } });
    const p01 = db
      .prepare(
        `SELECT status, deleted_at, status_reason, deleted_by_execution, deleted_rows FROM core_captures WHERE capture_id = 'p01'`,
      )
      .get();
    expect(p01).toEqual({
      status: 'deleted',
      deleted_at: '2026-01-10T12:00:00.000Z',
      status_reason: 'gc: older than the 1 newest published',
      deleted_by_execution: null,
      deleted_rows: '{"core_rejects":2}',
    });
    const p02 = db.prepare(`SELECT deleted_rows FROM core_captures WHERE capture_id = 'p02'`).get();
    expect(p02).toEqual({ deleted_rows: '{}' });
    const left = db.prepare('SELECT capture_id, COUNT(*) AS n FROM core_rejects GROUP BY capture_id').all();
    expect(left).toEqual([{ capture_id: 'p03', n: 1 }]);
  });

  it('skips a candidate that became latest or in use since the plan', () => {
    for (const id of ['p01', 'p02']) capture(id, 'published');
    const plan = planGc(db, TABLES, options({ keep: 1 }));
    db.prepare(`UPDATE core_captures SET status = 'superseded' WHERE capture_id = 'p02'`).run();
    expect(applyGc(db, TABLES, plan, NOW)).toEqual({ deleted: [], rows: {} });
    capture('p03', 'published');
    insertExecution(db, { id: 'e-live', pipeline: 'p', status: 'running', createdAt: iso(-HOUR) });
    setOwner('e-live', currentOwner(), iso(60_000));
    insertEvent(db, 'e-live', 'stage_completed', iso(-HOUR), { stage: 'resolve_source', captureId: 'p01' });
    expect(applyGc(db, TABLES, planGc(db, TABLES, options({ keep: 1 })), NOW)).toEqual({ deleted: [], rows: {} });
    expect(db.prepare(`SELECT status FROM core_captures WHERE capture_id = 'p01'`).get()).toEqual({
      status: 'published',
    });
  });

  it('reports, for an execution, what all its attempts deleted; a failing fence deletes nothing', () => {
    for (const id of ['p01', 'p02', 'p03']) capture(id, 'published');
    rejects('p01', 2);
    rejects('p02', 3);
    const first = planGc(db, TABLES, options({ keep: 2 }));
    expect(applyGc(db, TABLES, first, NOW, { executionId: 'gc1' })).toEqual({
      deleted: ['p01'],
      rows: { core_rejects: 2 },
    });
    const fence = (): void => {
      throw new Error(`fenced on ${hostname()}`);
    };
    const second = planGc(db, TABLES, options({ keep: 1 }));
    expect(() => applyGc(db, TABLES, second, NOW, { executionId: 'gc1', fence })).toThrow('fenced');
    expect(applyGc(db, TABLES, second, NOW, { executionId: 'gc1' })).toEqual({
      deleted: ['p01', 'p02'],
      rows: { core_rejects: 5 },
    });
  });
});
