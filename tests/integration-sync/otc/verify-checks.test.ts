/**
 * verifyData check by check: five small weeks published through the real week pipeline, four of them then
 * damaged behind the pipeline in a different way each, so every check is seen passing and failing with its
 * exact detail, and the checks that need rows are seen skipped when the rows are gone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/core/db/open-database.js';
import { verifyData } from '../../../src/domains/otc/query/verify.js';
import type { VerifyCheck } from '../../../src/domains/otc/query/verify.js';
import { runWeekAt } from '../../fixtures/revised/captures.js';
import type { BuiltCapture } from '../../fixtures/revised/captures.js';
import { openTempDb, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';
import { pipelineFixture } from './otc-pipeline-helpers.js';

/** good: 3 rows, untouched. negative: 5 rows, 2 rejected at normalize. The other three are damaged below. */
const WEEKS = {
  good: '2025-11-07',
  negative: '2025-11-14',
  badValues: '2025-11-21',
  rowGone: '2025-11-28',
  allGone: '2025-12-05',
} as const;
type Name = keyof typeof WEEKS;

let dir: TempDir;
let db: Db;
const built = {} as Record<Name, BuiltCapture>;

const VV = 'finra_otc_transparency_venue_volume';
const VS = 'finra_otc_transparency_venue_share';
const HHI = 'finra_otc_transparency_weekly_symbol_venue_concentration_hhi';

beforeAll(async () => {
  dir = tempDir();
  let day = 1;
  for (const [name, week] of Object.entries(WEEKS) as [Name, string][]) {
    const file = pipelineFixture(name === 'negative' ? 'negative_otc_20251215.psv' : 'good_otc_20251215.psv');
    built[name] = await runWeekAt(dir, 'v.db', `2025-12-${String(10 + day++)}T12:00:00.000Z`, {
      file_path: file,
      week_ending: week,
      tier: 'OTC',
    });
  }
  db = openTempDb(dir.join('v.db'));
  const id = (n: Name): string => built[n].captureId;
  // The tables' CHECK constraints refuse these values: they stand for a database damaged outside Spine.
  db.pragma('ignore_check_constraints = ON');
  // badValues: one negative share count, one empty mpid, an HHI above 1 and a venue share off by 0.25.
  db.prepare(`UPDATE ${VV} SET total_shares = -1 WHERE capture_id = ? AND symbol = 'BBBB'`).run(id('badValues'));
  db.prepare(`UPDATE ${VV} SET mpid = '' WHERE capture_id = ? AND symbol = 'AAAA' AND mpid = 'OTCX'`).run(
    id('badValues'),
  );
  db.prepare(`UPDATE ${HHI} SET hhi = 1.5 WHERE capture_id = ? AND symbol = 'AAAA'`).run(id('badValues'));
  db.prepare(`UPDATE ${VS} SET market_share_pct = market_share_pct + 0.25 WHERE capture_id = ? AND mpid = 'OTCX'`).run(
    id('badValues'),
  );
  // rowGone: one accepted row deleted. allGone: every accepted row and every venue share deleted.
  db.prepare(`DELETE FROM ${VV} WHERE capture_id = ? AND symbol = 'BBBB'`).run(id('rowGone'));
  db.prepare(`DELETE FROM ${VV} WHERE capture_id = ?`).run(id('allGone'));
  db.prepare(`DELETE FROM ${VS} WHERE capture_id = ?`).run(id('allGone'));
  db.pragma('ignore_check_constraints = OFF');
}, 120_000);

afterAll(() => {
  db.close();
  dir.cleanup();
});

const tables = (n: Name): number =>
  Object.keys(
    JSON.parse(
      (
        db.prepare('SELECT row_counts FROM core_captures WHERE capture_id = ?').get(built[n].captureId) as {
          row_counts: string;
        }
      ).row_counts,
    ) as object,
  ).length;

const shareSum = (n: Name): number =>
  (
    db.prepare(`SELECT SUM(market_share_pct) AS s FROM ${VS} WHERE capture_id = ?`).get(built[n].captureId) as {
      s: number;
    }
  ).s;

const check = (n: Name, name: string, status: 'PASS' | 'FAIL', detail: string): VerifyCheck => ({
  week_ending: WEEKS[n],
  tier: 'OTC',
  capture_id: built[n].captureId,
  check: name,
  status,
  detail,
});

describe('verifyData', () => {
  it('passes every check of an untouched week, with what it counted', () => {
    expect(tables('good')).toBe(8);
    expect(verifyData(db, { week: WEEKS.good })).toEqual([
      check('good', 'row_counts_match', 'PASS', '8 tables'),
      check('good', 'raw_reconciles', 'PASS', 'raw 3 = accepted 3 + rejected 0'),
      check('good', 'no_null_or_negative', 'PASS', '0 bad venue rows'),
      check('good', 'venue_share_sum', 'PASS', `Σ share = ${shareSum('good')}`),
      check('good', 'hhi_range', 'PASS', '0 symbols outside [0, 1]'),
    ]);
  });

  it('reconciles raw rows with accepted plus rows rejected at normalize', () => {
    const checks = verifyData(db, { week: WEEKS.negative, tier: 'OTC' });
    expect(checks.map((c) => [c.check, c.status])).toEqual([
      ['row_counts_match', 'PASS'],
      ['raw_reconciles', 'PASS'],
      ['no_null_or_negative', 'PASS'],
      ['venue_share_sum', 'PASS'],
      ['hhi_range', 'PASS'],
    ]);
    expect(checks[1]).toEqual(check('negative', 'raw_reconciles', 'PASS', 'raw 5 = accepted 3 + rejected 2'));
  });

  it('fails negative or empty venue values, a venue share sum off 1 and an HHI outside [0, 1]', () => {
    expect(verifyData(db, { week: WEEKS.badValues })).toEqual([
      check('badValues', 'row_counts_match', 'PASS', '8 tables'),
      check('badValues', 'raw_reconciles', 'PASS', 'raw 3 = accepted 3 + rejected 0'),
      check('badValues', 'no_null_or_negative', 'FAIL', '2 bad venue rows'),
      check('badValues', 'venue_share_sum', 'FAIL', `Σ share = ${shareSum('badValues')}`),
      check('badValues', 'hhi_range', 'FAIL', '1 symbols outside [0, 1]'),
    ]);
    expect(shareSum('badValues')).toBeCloseTo(1.25, 12);
  });

  it('fails the row counts and the reconciliation when an accepted row is gone', () => {
    expect(verifyData(db, { week: WEEKS.rowGone })).toEqual([
      check('rowGone', 'row_counts_match', 'FAIL', `differs: ${VV}`),
      check('rowGone', 'raw_reconciles', 'FAIL', 'raw 3 = accepted 2 + rejected 0'),
      check('rowGone', 'no_null_or_negative', 'PASS', '0 bad venue rows'),
      check('rowGone', 'venue_share_sum', 'PASS', `Σ share = ${shareSum('rowGone')}`),
      check('rowGone', 'hhi_range', 'PASS', '0 symbols outside [0, 1]'),
    ]);
  });

  it('skips the checks over accepted rows and venue shares when there are none, and lists every differing table', () => {
    expect(verifyData(db, { week: WEEKS.allGone })).toEqual([
      check('allGone', 'row_counts_match', 'FAIL', `differs: ${VV}, ${VS}`),
      check('allGone', 'hhi_range', 'PASS', '0 symbols outside [0, 1]'),
    ]);
  });

  it('checks every latest capture, oldest week first, narrowed by week and tier', () => {
    const all = verifyData(db, {});
    expect([...new Set(all.map((c) => c.week_ending))]).toEqual(Object.values(WEEKS));
    expect(all.length).toBe(5 + 5 + 5 + 5 + 2);
    expect(all.filter((c) => c.status === 'FAIL').length).toBe(3 + 2 + 1);
    expect(verifyData(db, { tier: 'OTC' })).toEqual(all);
    expect(verifyData(db, { tier: 'NMS_TIER_1' })).toEqual([]);
    expect(verifyData(db, { week: WEEKS.good, tier: 'NMS_TIER_2' })).toEqual([]);
    expect(verifyData(db, { week: '2025-10-31' })).toEqual([]);
  });
});
