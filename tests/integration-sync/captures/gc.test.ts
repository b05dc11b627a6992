/**
 * Issue 7: `spine captures gc` keeps the latest and the N newest published captures per (week, tier),
 * removes the rest (and abandoned failed captures) from every capture-scoped table, is recorded as a
 * `captures.gc` execution with events, prunes old execution history, never touches a capture used by a
 * running execution, and --dry-run lists exactly what a real run then deletes while changing nothing.
 * Captures come from real week runs of a 60-row slice of the sample file, at pinned recent instants.
 */
import { currentOwner } from '../../../src/core/execution/lease.js';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyGc } from '../../../src/core/captures/gc.js';
import type { GcPlan } from '../../../src/core/captures/gc.js';
import { gcPlanFor } from '../../../src/app/pipelines/captures-gc.js';
import type { Db } from '../../../src/core/db/open-database.js';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import { eventsOf, listExecutions } from '../../../src/core/execution/history.js';
import { OTC_CAPTURE_TABLES } from '../../../src/domains/otc/constants.js';
import { copyDatabase, runWeekAt, submitWeekAt } from '../../fixtures/revised/captures.js';
import { TIER, WEEK, writeHeadCopy } from '../../fixtures/revised/revise-otc-file.js';
import { runCli } from '../../helpers/run-cli.js';
import { openTempDb, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';
import { DAY, HOUR, MINUTE, ago, insertEvent, insertExecution } from '../history/seed.js';

const WEEK_B = '2025-12-19';

interface Template {
  readonly path: string;
  /** Published captures of (WEEK, OTC), oldest first. */
  readonly weekA: string[];
  /** Published captures of (WEEK_B, OTC), oldest first. */
  readonly weekB: string[];
  /** A failed capture created two days ago (abandoned) and one created an hour ago (kept). */
  readonly failedOld: string;
  readonly failedRecent: string;
}

let dir: TempDir;
let template: Template;
let copies = 0;

type Snapshot = { statuses: Record<string, string>; rows: Record<string, Record<string, number>> };

/** Status of every capture and its rows in every capture-scoped table. */
function snapshot(db: Db): Snapshot {
  const statuses: Record<string, string> = {};
  const rows: Record<string, Record<string, number>> = {};
  for (const c of db.prepare('SELECT capture_id, status FROM core_captures ORDER BY capture_id').all() as {
    capture_id: string;
    status: string;
  }[]) {
    statuses[c.capture_id] = c.status;
    rows[c.capture_id] = Object.fromEntries(
      OTC_CAPTURE_TABLES.map((t) => [
        t,
        (db.prepare(`SELECT COUNT(*) AS n FROM ${t} WHERE capture_id = ?`).get(c.capture_id) as { n: number }).n,
      ]),
    );
  }
  return { statuses, rows };
}

const tableTotals = (s: Snapshot): Record<string, number> =>
  Object.fromEntries(
    OTC_CAPTURE_TABLES.map((t) => [t, Object.values(s.rows).reduce((sum, r) => sum + (r[t] ?? 0), 0)]),
  );

/** A fresh copy of the template database. */
function freshCopy(): string {
  copies += 1;
  return copyDatabase(template.path, dir.join(`gc-${copies}.db`));
}

function withDb<T>(path: string, fn: (db: Db) => T): T {
  const db = openTempDb(path);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

function gc(dbPath: string, ...flags: string[]): ExecutionRecord {
  const res = runCli(['captures', 'gc', ...flags, '--json'], { dbPath });
  expect(res.code, res.stderr).toBe(0);
  const out = res.json<{ dryRun: boolean; execution: ExecutionRecord }>();
  expect(out.dryRun).toBe(false);
  return out.execution;
}

function dryRun(dbPath: string, ...flags: string[]): GcPlan {
  const res = runCli(['captures', 'gc', ...flags, '--dry-run', '--json'], { dbPath });
  expect(res.code, res.stderr).toBe(0);
  const out = res.json<{ dryRun: boolean; plan: GcPlan }>();
  expect(out.dryRun).toBe(true);
  return out.plan;
}

beforeAll(async () => {
  dir = tempDir();
  const file = writeHeadCopy(dir.join('finra_otc_weekly_otc_20251215.csv'), 60);
  const allBad = dir.join('finra_otc_weekly_otc_20251215_bad.csv');
  writeFileSync(
    allBad,
    'tierDescription|issueSymbolIdentifier|issueName|marketParticipantName|MPID|totalWeeklyShareQuantity|totalWeeklyTradeCount|lastUpdateDate\n' +
      'OTC|BADA|Bad A|OTCN OTC LINK NQB IDQS|OTCN|lots|1|2025-12-15\n' +
      'OTC|BADB|Bad B|OTCN OTC LINK NQB IDQS|OTCN|many|2|2025-12-15\n',
  );
  const now = new Date();
  const at = (ms: number): string => ago(now, ms);
  const weekA: string[] = [];
  const weekB: string[] = [];
  for (const h of [5, 4, 3, 2]) {
    weekA.push((await runWeekAt(dir, 'template.db', at(h * HOUR), { file_path: file, force: true })).captureId);
  }
  for (const h of [5, 2]) {
    const params = { file_path: file, week_ending: WEEK_B, tier: TIER, force: true };
    weekB.push((await runWeekAt(dir, 'template.db', at(h * HOUR + 30 * MINUTE), params)).captureId);
  }
  const failed: string[] = [];
  for (const ms of [2 * DAY, HOUR]) {
    const r = await submitWeekAt(dir, 'template.db', at(ms), {
      file_path: allBad,
      week_ending: WEEK,
      tier: TIER,
      force: true,
    });
    expect(r.status).toBe('failed');
    const db = openTempDb(dir.join('template.db'));
    const row = db.prepare('SELECT capture_id FROM core_captures WHERE execution_id = ?').get(r.id) as {
      capture_id: string;
    };
    db.close();
    failed.push(row.capture_id);
  }
  template = {
    path: dir.join('template.db'),
    weekA,
    weekB,
    failedOld: failed[0] ?? '',
    failedRecent: failed[1] ?? '',
  };
}, 180_000);

afterAll(() => dir.cleanup());

describe('the gc template', () => {
  it('holds four and two published captures, and two failed captures whose rejects are stored', () => {
    withDb(template.path, (db) => {
      const s = snapshot(db);
      for (const id of [...template.weekA, ...template.weekB]) expect(s.statuses[id]).toBe('published');
      expect(s.statuses[template.failedOld]).toBe('failed');
      expect(s.rows[template.failedOld]?.['core_rejects']).toBe(2);
    });
  });
});

describe('after spine captures gc --keep 2', () => {
  let dbPath: string;
  let before: Snapshot;
  let after: Snapshot;
  let execution: ExecutionRecord;

  beforeAll(() => {
    dbPath = freshCopy();
    withDb(dbPath, (db) => {
      const now = new Date();
      insertExecution(db, { id: 'old-finished', pipeline: 'x', status: 'completed', createdAt: ago(now, 200 * DAY) });
      insertEvent(db, 'old-finished', 'completed', ago(now, 200 * DAY));
      insertExecution(db, { id: 'old-running', pipeline: 'x', status: 'running', createdAt: ago(now, 200 * DAY) });
      before = snapshot(db);
    });
    execution = gc(dbPath, '--keep', '2');
    after = withDb(dbPath, snapshot);
  }, 120_000);

  it('keeps the two newest published captures of each (week, tier), the latest among them', () => {
    const [a1, a2, a3, a4] = template.weekA;
    const [b1, b2] = template.weekB;

    expect([a1, a2, a3, a4, b1, b2].map((id) => after.statuses[id ?? ''])).toEqual([
      'deleted',
      'deleted',
      'published',
      'published',
      'published',
      'published',
    ]);
  });

  it('deletes an abandoned failed capture older than a day and keeps a recent one', () => {
    expect(after.statuses[template.failedOld]).toBe('deleted');
    expect(after.statuses[template.failedRecent]).toBe('failed');
    expect(after.rows[template.failedRecent]).toEqual(before.rows[template.failedRecent]);
  });

  it("removes deleted captures' rows from every capture-scoped table and leaves kept ones intact", () => {
    for (const [id, status] of Object.entries(after.statuses)) {
      if (status === 'deleted')
        expect(after.rows[id], id).toEqual(Object.fromEntries(OTC_CAPTURE_TABLES.map((t) => [t, 0])));
      else expect(after.rows[id], id).toEqual(before.rows[id]);
    }
  });

  it('records the gc as a completed captures.gc execution whose counts match the rows deleted', () => {
    const deleted = Object.keys(after.statuses).filter((id) => after.statuses[id] === 'deleted');
    const removedPerTable = Object.fromEntries(
      Object.entries(tableTotals(before)).map(([t, n]) => [t, n - (tableTotals(after)[t] ?? 0)]),
    );

    expect(execution).toMatchObject({ pipeline: 'captures.gc', status: 'completed' });
    expect([...(execution.result?.['deleted_captures'] as string[])].sort()).toEqual(deleted.sort());
    expect(execution.result?.['rows_deleted']).toEqual(
      Object.fromEntries(Object.entries(removedPerTable).filter(([, n]) => n > 0)),
    );
  });

  it('writes the lifecycle events of the gc execution, with progress for the plan and the delete', () => {
    const events = withDb(dbPath, (db) => eventsOf(db, execution.id));
    const rowsDeleted = Object.values(execution.result?.['rows_deleted'] as Record<string, number>).reduce(
      (a, b) => a + b,
      0,
    );

    expect(events.filter((e) => e.event_type !== 'progress').map((e) => [e.event_type, e.stage])).toEqual([
      ['submitted', null],
      ['started', null],
      ['stage_started', 'collect'],
      ['stage_completed', 'collect'],
      ['stage_started', 'prune_events'],
      ['stage_completed', 'prune_events'],
      ['completed', null],
    ]);
    expect(events.find((e) => e.step === 'gc.plan')?.payload).toMatchObject({ candidates: 3 });
    expect(events.find((e) => e.step === 'gc.delete')?.payload).toMatchObject({ captures_deleted: 3 });
    expect(events.find((e) => e.event_type === 'stage_completed' && e.stage === 'collect')?.rows_out).toBe(rowsDeleted);
    expect(withDb(dbPath, (db) => listExecutions(db, { pipeline: 'captures.gc' }).map((e) => e.id))).toEqual([
      execution.id,
    ]);
  });

  it('prunes finished executions past the retention, never a running one', () => {
    const ids = withDb(dbPath, (db) =>
      (db.prepare('SELECT id FROM core_executions').all() as { id: string }[]).map((r) => r.id),
    );

    expect(ids).not.toContain('old-finished');
    expect(ids).toContain('old-running');
    expect(execution.result).toMatchObject({ executions_pruned: 1, events_pruned: 1 });
  });
});

describe('spine captures gc --dry-run', () => {
  it('changes nothing and lists exactly the captures and rows per table that the real run then deletes', () => {
    const dbPath = freshCopy();
    const before = withDb(dbPath, snapshot);

    const plan = dryRun(dbPath, '--keep', '1');
    const afterDry = withDb(dbPath, snapshot);
    expect(afterDry).toEqual(before);
    expect(withDb(dbPath, (db) => listExecutions(db, { pipeline: 'captures.gc' }))).toEqual([]);

    const execution = gc(dbPath, '--keep', '1');
    const after = withDb(dbPath, snapshot);

    const planned = plan.candidates.map((c) => c.capture_id).sort();
    const deleted = Object.keys(after.statuses).filter(
      (id) => after.statuses[id] === 'deleted' && before.statuses[id] !== 'deleted',
    );
    expect(deleted.sort()).toEqual(planned);
    expect(planned).toEqual([...template.weekA.slice(0, 3), template.weekB[0] ?? '', template.failedOld].sort());
    const plannedPerTable: Record<string, number> = {};
    for (const c of plan.candidates)
      for (const [t, n] of Object.entries(c.rows)) plannedPerTable[t] = (plannedPerTable[t] ?? 0) + n;
    const removedPerTable = Object.fromEntries(
      Object.entries(tableTotals(before))
        .map(([t, n]) => [t, n - (tableTotals(after)[t] ?? 0)] as const)
        .filter(([, n]) => n > 0),
    );
    expect(removedPerTable).toEqual(plannedPerTable);
    expect(execution.result?.['rows_deleted']).toEqual(plannedPerTable);
    expect(Object.values(plannedPerTable).reduce((a, b) => a + b, 0)).toBe(plan.rows_total);
  });

  it('with --keep 1 leaves exactly one published capture per (week, tier): the newest', () => {
    const dbPath = freshCopy();
    gc(dbPath, '--keep', '1');

    const published = withDb(dbPath, (db) =>
      db
        .prepare(
          `SELECT week_ending, tier, capture_id FROM core_captures WHERE status = 'published' ORDER BY week_ending`,
        )
        .all(),
    );
    expect(published).toEqual([
      { week_ending: WEEK, tier: TIER, capture_id: template.weekA[3] },
      { week_ending: WEEK_B, tier: TIER, capture_id: template.weekB[1] },
    ]);
  });

  it('prints the candidates, their rows per table and a closing line in human mode', () => {
    const dbPath = freshCopy();

    const res = runCli(['captures', 'gc', '--keep', '3', '--dry-run'], { dbPath });

    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(template.weekA[0]);
    expect(res.stdout).toContain(template.failedOld);
    expect(res.stdout).toMatch(/raw=60 venue_volume=60 /);
    expect(res.stdout).toMatch(/Dry run: would delete 2 capture\(s\), \d+ row\(s\); nothing was changed\./);
  });
});

describe('a capture used by a running execution', () => {
  it('is listed as protected by the dry run and kept by the real gc, with all its rows', () => {
    const dbPath = freshCopy();
    const [oldest, second] = template.weekA;
    const before = withDb(dbPath, (db) => {
      const now = new Date();
      insertExecution(db, {
        id: 'reader',
        pipeline: 'finra.otc_transparency.compute_rolling',
        status: 'running',
        createdAt: ago(now, MINUTE),
      });
      // A live owner: this test process holds the reader's lease (a dead owner protects nothing).
      db.prepare(`UPDATE core_executions SET owner = ?, lease_expires_at = ? WHERE id = 'reader'`).run(
        JSON.stringify(currentOwner('cli')),
        new Date(now.getTime() + 60_000).toISOString(),
      );
      insertEvent(db, 'reader', 'stage_started', ago(now, MINUTE), { stage: 'rolling', captureId: oldest ?? '' });
      return snapshot(db);
    });

    const plan = dryRun(dbPath, '--keep', '2', '--week', WEEK, '--tier', 'otc');
    const human = runCli(['captures', 'gc', '--keep', '2', '--week', WEEK, '--tier', 'otc', '--dry-run'], { dbPath });
    gc(dbPath, '--keep', '2', '--week', WEEK, '--tier', 'otc');
    const after = withDb(dbPath, snapshot);

    expect(plan.protected).toEqual([{ capture_id: oldest, reason: 'used by a running execution' }]);
    expect(plan.candidates.map((c) => c.capture_id)).toEqual([second, template.failedOld]);
    expect(human.stdout).toContain(`kept ${oldest ?? ''}: used by a running execution`);
    expect(after.statuses[oldest ?? '']).toBe('published');
    expect(after.rows[oldest ?? '']).toEqual(before.rows[oldest ?? '']);
    expect(after.statuses[second ?? '']).toBe('deleted');
  });
});

describe('a retried gc', () => {
  it('reports what its earlier attempt deleted, and a fenced-out attempt deletes nothing', () => {
    const dbPath = freshCopy();
    withDb(dbPath, (db) => {
      const now = new Date();
      const plan = () => gcPlanFor(db, { keep: 1 }, now);
      const first = plan();
      expect(first.candidates.length).toBeGreaterThan(1);
      const expectedIds = first.candidates.map((c) => c.capture_id).sort();
      const expectedRows = first.candidates.reduce<Record<string, number>>((acc, c) => {
        for (const [t, n] of Object.entries(c.rows)) acc[t] = (acc[t] ?? 0) + n;
        return acc;
      }, {});

      // A stale attempt (its fence check throws) changes nothing.
      const stale = () => {
        throw new Error('fenced');
      };
      expect(() => applyGc(db, OTC_CAPTURE_TABLES, first, now, { executionId: 'gc-run', fence: stale })).toThrow(
        'fenced',
      );
      expect(
        plan()
          .candidates.map((c) => c.capture_id)
          .sort(),
      ).toEqual(expectedIds);

      // Attempt 1 deletes; attempt 2 (after a lost report) finds nothing left but reports the same work.
      const a1 = applyGc(db, OTC_CAPTURE_TABLES, first, now, { executionId: 'gc-run' });
      const a2 = applyGc(db, OTC_CAPTURE_TABLES, plan(), now, { executionId: 'gc-run' });
      expect([...a1.deleted].sort()).toEqual(expectedIds);
      expect([...a2.deleted].sort()).toEqual(expectedIds);
      expect(a2.rows).toEqual(expectedRows);
      expect(plan().candidates).toEqual([]);
    });
  });
});
