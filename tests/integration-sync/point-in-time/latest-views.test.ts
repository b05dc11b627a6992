/**
 * Issue 6, migration 031: the *_latest views show only the newest published capture per (week, tier),
 * leave the base tables untouched, and answer a week/tier lookup through indexes (no full table scan).
 * Week 2025-12-12 has two captures (120 rows, then a forced 100-row one); a capture of the week before
 * gives both rolling rows. Each test reads its own copy of the built database.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/core/db/open-database.js';
import { FIRST_RUN_AT, SECOND_RUN_AT, copyDatabase, runWeekAt } from '../../fixtures/revised/captures.js';
import type { BuiltCapture } from '../../fixtures/revised/captures.js';
import { TIER, WEEK, writeHeadCopy } from '../../fixtures/revised/revise-otc-file.js';
import { openTempDb, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

const CAPTURE_TABLES = [
  'finra_otc_transparency_raw',
  'finra_otc_transparency_venue_volume',
  'finra_otc_transparency_symbol_summary',
  'finra_otc_transparency_venue_share',
  'finra_otc_transparency_symbol_rolling_6w',
  'finra_otc_transparency_weekly_symbol_venue_volume',
  'finra_otc_transparency_weekly_symbol_venue_share',
  'finra_otc_transparency_weekly_symbol_venue_concentration_hhi',
  'finra_otc_transparency_weekly_symbol_tier_volume_share',
];

const PRIOR_WEEK = '2025-12-05';
const PRIOR_RUN_AT = '2025-12-08T12:00:00.000Z';

let dir: TempDir;
let db: Db;
let copies = 0;
let prior: BuiltCapture;
let first: BuiltCapture;
let second: BuiltCapture;

const n = (sql: string, ...args: unknown[]): number => (db.prepare(sql).get(...args) as { n: number }).n;

function queryPlan(sql: string, ...args: unknown[]): string[] {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail);
}

beforeAll(async () => {
  dir = tempDir();
  const priorFile = writeHeadCopy(dir.join('finra_otc_weekly_otc_20251208.csv'), 120);
  const file = writeHeadCopy(dir.join('finra_otc_weekly_otc_20251215.csv'), 120);
  const smaller = writeHeadCopy(dir.join('finra_otc_weekly_otc_20251215_rev.csv'), 100);
  prior = await runWeekAt(dir, 'build.db', PRIOR_RUN_AT, { file_path: priorFile });
  first = await runWeekAt(dir, 'build.db', FIRST_RUN_AT, { file_path: file });
  second = await runWeekAt(dir, 'build.db', SECOND_RUN_AT, {
    file_path: smaller,
    week_ending: WEEK,
    tier: TIER,
    force: true,
  });
}, 120_000);

beforeEach(() => {
  db = openTempDb(copyDatabase(dir.join('build.db'), dir.join(`copy-${++copies}.db`)));
});

afterEach(() => {
  db.close();
});

afterAll(() => {
  dir.cleanup();
});

describe('EXPLAIN QUERY PLAN of week/tier lookups through the latest views', () => {
  it('reads finra_otc_transparency_symbol_summary_latest for one week and tier through indexes only', () => {
    const plan = queryPlan(
      'SELECT * FROM finra_otc_transparency_symbol_summary_latest WHERE week_ending = ? AND tier = ?',
      WEEK,
      TIER,
    );
    const access = plan.filter((d) => /^(SCAN|SEARCH) /.test(d));

    expect(plan.join('\n')).not.toMatch(/SCAN finra_otc_transparency_symbol_summary\b/);
    expect(
      access.filter((d) => d.startsWith('SCAN')),
      plan.join('\n'),
    ).toEqual([]);
    for (const d of access)
      expect(d, plan.join('\n')).toMatch(/ USING (COVERING )?INDEX | USING (INTEGER )?PRIMARY KEY/);
  });

  it.each(CAPTURE_TABLES)('reads %s_latest for one week and tier without a full scan', (table) => {
    const plan = queryPlan(`SELECT * FROM ${table}_latest WHERE week_ending = ? AND tier = ?`, WEEK, TIER);

    expect(
      plan.filter((d) => d.startsWith('SCAN')),
      plan.join('\n'),
    ).toEqual([]);
  });

  it('reads core_captures_latest for one partition without a full scan', () => {
    const plan = queryPlan(
      'SELECT * FROM core_captures_latest WHERE domain = ? AND week_ending = ? AND tier = ?',
      'finra.otc_transparency',
      WEEK,
      TIER,
    );

    expect(
      plan.filter((d) => d.startsWith('SCAN')),
      plan.join('\n'),
    ).toEqual([]);
  });
});

describe('latest view contents', () => {
  it('shows only the newest published capture while the base tables keep both', () => {
    for (const table of CAPTURE_TABLES) {
      const latest = n(`SELECT COUNT(*) AS n FROM ${table}_latest WHERE week_ending = ? AND tier = ?`, WEEK, TIER);
      const ofSecond = n(`SELECT COUNT(*) AS n FROM ${table} WHERE capture_id = ?`, second.captureId);
      const ofFirst = n(`SELECT COUNT(*) AS n FROM ${table} WHERE capture_id = ?`, first.captureId);
      // Both captures have rows in every table (rolling too, thanks to the prior week), and not the same rows.
      expect({ table, ofFirst: ofFirst > 0, ofSecond: ofSecond > 0 }).toEqual({ table, ofFirst: true, ofSecond: true });
      expect(latest, table).toBe(ofSecond);
      expect(n(`SELECT COUNT(*) AS n FROM ${table} WHERE week_ending = ?`, WEEK), table).toBe(ofFirst + ofSecond);
      expect(
        n(
          `SELECT COUNT(*) AS n FROM ${table}_latest WHERE week_ending = ? AND capture_id <> ?`,
          WEEK,
          second.captureId,
        ),
        table,
      ).toBe(0);
      expect(
        n(
          `SELECT COUNT(*) AS n FROM ${table}_latest WHERE week_ending = ? AND capture_id <> ?`,
          PRIOR_WEEK,
          prior.captureId,
        ),
        table,
      ).toBe(0);
    }
    expect(n('SELECT COUNT(*) AS n FROM finra_otc_transparency_raw_latest WHERE week_ending = ?', WEEK)).toBe(100);
    expect(n('SELECT COUNT(*) AS n FROM finra_otc_transparency_raw WHERE capture_id = ?', first.captureId)).toBe(120);
    const rolling = (captureId: string): number =>
      n('SELECT COUNT(*) AS n FROM finra_otc_transparency_symbol_rolling_6w WHERE capture_id = ?', captureId);
    expect(rolling(second.captureId)).toBeLessThan(rolling(first.captureId));
  });

  it('ignores newer staged and failed captures', () => {
    const insert = db.prepare(
      `INSERT INTO core_captures (capture_id, domain, week_ending, tier, captured_at, status, execution_id, created_at)
       VALUES (?, 'finra.otc_transparency', ?, ?, ?, ?, 'x', '2025-12-30T00:00:00.000Z')`,
    );
    insert.run('staged-newer', WEEK, TIER, '2025-12-30T00:00:00.000000+00:00', 'staged');
    insert.run('failed-newer', WEEK, TIER, '2025-12-31T00:00:00.000000+00:00', 'failed');
    db.prepare(
      `INSERT INTO finra_otc_transparency_symbol_summary (week_ending, tier, symbol, total_volume, total_trades,
         venue_count, calculated_at, execution_id, batch_id, captured_at, capture_id)
       VALUES (?, ?, 'STAGED', 1, 1, 1, 'now', 'x', 'b', '2025-12-30T00:00:00.000000+00:00', 'staged-newer')`,
    ).run(WEEK, TIER);

    const latestIds = (
      db.prepare('SELECT capture_id FROM core_captures_latest WHERE week_ending = ?').all(WEEK) as {
        capture_id: string;
      }[]
    ).map((r) => r.capture_id);
    expect(latestIds).toEqual([second.captureId]);
    expect(n(`SELECT COUNT(*) AS n FROM finra_otc_transparency_symbol_summary_latest WHERE symbol = 'STAGED'`)).toBe(0);
    expect(n(`SELECT COUNT(*) AS n FROM finra_otc_transparency_symbol_summary WHERE symbol = 'STAGED'`)).toBe(1);
  });
});
