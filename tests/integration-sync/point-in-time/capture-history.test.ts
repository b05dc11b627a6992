/**
 * Point-in-time reads over a week with a history of every kind of capture, built by the real week
 * pipeline (dispatcher, sync backend, pinned clocks) from small fixtures; read back through the helpers
 * of src/core/query/point-in-time.ts and through `spine query`.
 *
 *   T1 A  good file                           published   source 2025-12-15
 *   T2 B  good file, --force                  superseded  (by D)
 *   T3 D  good file, --replace-capture        published   source 2025-12-15
 *   T4 E  revised file (a row dated 12-22)    published   source 2025-12-22
 *   T5 F  good file, --force                  published   source 2025-12-15
 *   T6 C  zero-share file, --force            failed      source 2025-12-15 (quality gate)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/core/db/open-database.js';
import { captureAsOf, capturePublishedAsOf, getLatestCapture } from '../../../src/core/query/point-in-time.js';
import type { DatasetResult } from '../../../src/domains/otc/query/query-service.js';
import { capturedAtOf, submitWeekAt } from '../../fixtures/revised/captures.js';
import { runCli } from '../../helpers/run-cli.js';
import { openTempDb, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';
import { pipelineFixture } from '../otc/otc-pipeline-helpers.js';

const DOMAIN = 'finra.otc_transparency';
const WEEK = '2025-12-12';
const TIER = 'OTC';
const GOOD = pipelineFixture('good_otc_20251215.psv');
const REVISED = pipelineFixture('revised-source-date_otc_20251215.psv');
const ZERO_SHARES = pipelineFixture('zero-shares_otc_20251215.psv');

const T = {
  A: '2025-12-15T12:00:00.000Z',
  B: '2025-12-16T12:00:00.000Z',
  D: '2025-12-17T12:00:00.000Z',
  E: '2025-12-18T12:00:00.000Z',
  F: '2025-12-19T12:00:00.000Z',
  C: '2025-12-20T12:00:00.000Z',
} as const;
type Name = keyof typeof T;

let dir: TempDir;
let dbPath: string;
let db: Db;
const ids = {} as Record<Name, string>;

beforeAll(async () => {
  dir = tempDir();
  dbPath = dir.join('spine.db');
  const runs: [Name, string, Record<string, boolean>][] = [
    ['A', GOOD, {}],
    ['B', GOOD, { force: true }],
    ['D', GOOD, { replace_capture: true }],
    ['E', REVISED, { force: true }],
    ['F', GOOD, { force: true }],
    ['C', ZERO_SHARES, { force: true }],
  ];
  for (const [name, file, flags] of runs) {
    const exec = await submitWeekAt(dir, 'spine.db', T[name], { file_path: file, ...flags });
    expect(exec.status).toBe(name === 'C' ? 'failed' : 'completed');
  }
  db = openTempDb(dbPath);
  for (const [name, at] of Object.entries(T) as [Name, string][]) {
    const row = db.prepare(`SELECT capture_id FROM core_captures WHERE captured_at = ?`).get(capturedAtOf(at)) as
      { capture_id: string } | undefined;
    if (!row) throw new Error(`no capture captured at ${at}`);
    ids[name] = row.capture_id;
  }
});

afterAll(() => {
  db.close();
  dir.cleanup();
});

const query = (...args: string[]) => runCli(['query', 'otc.summary', '--week', WEEK, ...args, '--json'], { dbPath });
const answeredBy = (...args: string[]): string[] => {
  const res = query(...args);
  expect(res.code, res.stderr).toBe(0);
  return res.json<DatasetResult>().captures.map((c) => c.capture_id);
};

describe('the history the pipeline wrote', () => {
  it('has one capture per run with the expected status and source date', () => {
    const rows = db
      .prepare(
        `SELECT capture_id, status, source_last_update_date AS source, superseded_by FROM core_captures ORDER BY captured_at`,
      )
      .all();
    expect(rows).toEqual([
      { capture_id: ids.A, status: 'published', source: '2025-12-15', superseded_by: null },
      { capture_id: ids.B, status: 'superseded', source: '2025-12-15', superseded_by: ids.D },
      { capture_id: ids.D, status: 'published', source: '2025-12-15', superseded_by: null },
      { capture_id: ids.E, status: 'published', source: '2025-12-22', superseded_by: null },
      { capture_id: ids.F, status: 'published', source: '2025-12-15', superseded_by: null },
      { capture_id: ids.C, status: 'failed', source: '2025-12-15', superseded_by: null },
    ]);
  });
});

describe('--published-as-of (clock 2: the source update date)', () => {
  it('picks the newest published capture among equal source dates, never the newer failed one', () => {
    expect(capturePublishedAsOf(db, DOMAIN, WEEK, TIER, '2025-12-15')?.capture_id).toBe(ids.F);
    expect(capturePublishedAsOf(db, DOMAIN, WEEK, TIER, '2025-12-21')?.capture_id).toBe(ids.F);
    expect(answeredBy('--published-as-of', '2025-12-15')).toEqual([ids.F]);
  });

  it('prefers a later source date over a later capture time', () => {
    expect(capturePublishedAsOf(db, DOMAIN, WEEK, TIER, '2025-12-22')?.capture_id).toBe(ids.E);
    expect(capturePublishedAsOf(db, DOMAIN, WEEK, TIER, '2026-01-31')?.capture_id).toBe(ids.E);
    expect(answeredBy('--published-as-of', '2025-12-22')).toEqual([ids.E]);
  });

  it('finds nothing before the first source date', () => {
    expect(capturePublishedAsOf(db, DOMAIN, WEEK, TIER, '2025-12-14')).toBeUndefined();
    const res = query('--published-as-of', '2025-12-14');
    expect(res.code).toBe(2);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('NOT_FOUND');
  });
});

describe('--as-of (clock 1: captured_at)', () => {
  const between = (at: string): string => new Date(Date.parse(at) + 6 * 3_600_000).toISOString();

  it('answers from the capture that was latest at each instant', () => {
    const asOf = (at: string): string | undefined =>
      captureAsOf(db, DOMAIN, WEEK, TIER, capturedAtOf(between(at)))?.capture_id;
    expect(asOf(T.A)).toBe(ids.A);
    expect(asOf(T.D)).toBe(ids.D);
    expect(asOf(T.E)).toBe(ids.E);
    expect(asOf(T.F)).toBe(ids.F);
    // The failed capture C was never latest: after T6 the answer is still F.
    expect(asOf(T.C)).toBe(ids.F);
    expect(getLatestCapture(db, DOMAIN, WEEK, TIER)?.capture_id).toBe(ids.F);
    expect(answeredBy('--as-of', between(T.E))).toEqual([ids.E]);
    expect(answeredBy('--as-of', 'latest')).toEqual([ids.F]);
  });

  it('says the then-latest capture was superseded instead of answering from another one', () => {
    expect(() => captureAsOf(db, DOMAIN, WEEK, TIER, capturedAtOf(between(T.B)))).toThrow(
      `Capture ${ids.B} was the latest for week ${WEEK} tier ${TIER} at ${capturedAtOf(between(T.B))}, but it has been superseded`,
    );

    const res = query('--as-of', between(T.B));

    expect(res.code).toBe(2);
    expect(res.json<{ error: { code: string; details: unknown } }>().error).toMatchObject({
      code: 'NOT_FOUND',
      details: { capture_id: ids.B, status: 'superseded' },
    });
  });

  it('refuses the superseded capture by id and says so, exiting like the instant form (exit 2)', () => {
    const res = query('--as-of', ids.B);
    expect(res.code).toBe(2);
    expect(res.stdout + res.stderr).toContain('superseded');
  });
});
