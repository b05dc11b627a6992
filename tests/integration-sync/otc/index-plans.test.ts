/**
 * Issue 12: a secondary index on an OTC table exists only where a documented query uses it
 * (docs/benchmarks.md, "Indexes and the queries they serve"). Each index below is listed with the query
 * it serves, and that query's EXPLAIN QUERY PLAN must name it; an index added without a documented query
 * fails the first test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/core/db/open-database.js';
import { openTempSpine } from '../../helpers/tmp-db.js';
import type { TempSpine } from '../../helpers/tmp-db.js';
import { runPipeline, SAMPLE_1215, WEEK_PIPELINE } from './otc-pipeline-helpers.js';

const P = 'finra_otc_transparency_';

/** index → [what it serves, a query of that kind with its parameters]. */
const DOCUMENTED: Record<string, [string, string, unknown[]]> = {
  [`idx_${P}raw_capture`]: [
    'normalize: the rows validated one by one, in line order (keyset pages)',
    `SELECT id FROM ${P}raw WHERE capture_id = ? AND id > ? ORDER BY id LIMIT 100`,
    ['c', 0],
  ],
  [`idx_${P}venue_volume_capture`]: [
    'aggregate: GROUP BY symbol over one capture, in index order',
    `SELECT symbol, SUM(total_shares) FROM ${P}venue_volume WHERE capture_id = ? GROUP BY symbol`,
    ['c'],
  ],
  [`idx_${P}symbol_summary_capture`]: [
    'spine query otc.summary / rolling: one capture, optionally one symbol',
    `SELECT * FROM ${P}symbol_summary t WHERE t.capture_id IN (?) AND t.symbol = ? ORDER BY t.total_volume DESC`,
    ['c', 'AABB'],
  ],
  [`idx_${P}venue_share_capture`]: [
    'spine query otc.venue_share: one capture by rank',
    `SELECT * FROM ${P}venue_share t WHERE t.capture_id IN (?) ORDER BY t.rank ASC`,
    ['c'],
  ],
  [`idx_${P}symbol_rolling_6w_capture`]: [
    'spine query otc.rolling: one capture, optionally one symbol',
    `SELECT * FROM ${P}symbol_rolling_6w t WHERE t.capture_id IN (?) AND t.symbol = ?`,
    ['c', 'AABB'],
  ],
  idx_finra_otc_weekly_symbol_venue_share_capture: [
    'symbol-venue calcs: HHI grouped by symbol from the share rows',
    `SELECT symbol, SUM(venue_share * venue_share) FROM ${P}weekly_symbol_venue_share WHERE capture_id = ? GROUP BY symbol`,
    ['c'],
  ],
  idx_finra_otc_weekly_symbol_hhi_capture: [
    'symbol-venue calcs: tier share from the HHI rows; spine query otc.hhi',
    `SELECT symbol, total_symbol_volume FROM ${P}weekly_symbol_venue_concentration_hhi WHERE capture_id = ?`,
    ['c'],
  ],
  idx_finra_otc_weekly_symbol_tier_share_capture: [
    'spine query otc.tier_share: one capture, optionally one symbol',
    `SELECT * FROM ${P}weekly_symbol_tier_volume_share t WHERE t.capture_id IN (?) AND t.symbol = ?`,
    ['c', 'AABB'],
  ],
};

let t: TempSpine;
let db: Db;

beforeAll(async () => {
  t = openTempSpine();
  db = t.spine.db;
  await runPipeline(t.spine, WEEK_PIPELINE, { file_path: SAMPLE_1215 });
});

afterAll(() => t.cleanup());

function plan(sql: string, args: unknown[]): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail).join('\n');
}

describe('secondary indexes of the OTC tables', () => {
  it('are exactly the documented ones (UNIQUE keys aside)', () => {
    const names = (
      db
        .prepare(
          `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name LIKE 'finra_otc_%'
             AND name NOT LIKE 'sqlite_autoindex_%' ORDER BY name`,
        )
        .all() as { name: string }[]
    ).map((r) => r.name);
    expect(names).toEqual(Object.keys(DOCUMENTED).sort());
  });

  it.each(Object.entries(DOCUMENTED))('%s serves %s', (index, [, sql, args]) => {
    expect(plan(sql, args)).toContain(`INDEX ${index} `);
  });

  it('serve the set-based statements without sorting the capture', () => {
    const vv = `${P}venue_volume`;
    for (const sql of [
      `SELECT symbol, SUM(total_shares) OVER (PARTITION BY symbol) FROM ${vv} WHERE capture_id = ?`,
      `SELECT mpid, symbol FROM ${vv} WHERE capture_id = ? ORDER BY symbol, mpid`,
    ]) {
      const p = plan(sql, ['c']);
      expect(p).toContain(`INDEX idx_${P}venue_volume_capture `);
      expect(p).not.toMatch(/TEMP B-TREE/);
    }
    // normalize reads the raw rows through the UNIQUE key, already in (symbol, mpid) order.
    const raw = plan(
      `SELECT symbol, mpid FROM ${P}raw WHERE week_ending = ? AND tier = ? AND capture_id = ? ORDER BY symbol, mpid`,
      ['w', 'OTC', 'c'],
    );
    expect(raw).toContain(`INDEX sqlite_autoindex_${P}raw_1 (week_ending=? AND tier=?)`);
    expect(raw).not.toMatch(/TEMP B-TREE/);
  });
});
