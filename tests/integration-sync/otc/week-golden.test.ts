/**
 * Golden values (domain-spec §17) for the two real FINRA weekly OTC files, run through the everyday week
 * pipeline with the real dispatcher on a temp SQLite file. Both weeks are loaded once (oldest first, as
 * a user would); every test below only reads what the pipeline wrote.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/core/db/open-database.js';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import { openTempSpine } from '../../helpers/tmp-db.js';
import type { TempSpine } from '../../helpers/tmp-db.js';
import {
  CAPTURED_AT_FORMAT,
  capturesOf,
  count,
  DATA_TABLES,
  eventsOf,
  runPipeline,
  SAMPLE_1215,
  SAMPLE_1222,
  WEEK_PIPELINE,
} from './otc-pipeline-helpers.js';

const W1 = '2025-12-12';
const W2 = '2025-12-19';

let t: TempSpine;
let db: Db;
let exec1: ExecutionRecord;
let exec2: ExecutionRecord;

beforeAll(async () => {
  t = openTempSpine();
  db = t.spine.db;
  exec1 = await runPipeline(t.spine, WEEK_PIPELINE, { file_path: SAMPLE_1215 });
  exec2 = await runPipeline(t.spine, WEEK_PIPELINE, { file_path: SAMPLE_1222 });
});

afterAll(() => {
  t.cleanup();
});

interface VenueShareRow {
  mpid: string;
  total_volume: number;
  market_share_pct: number;
  rank: number;
}

function venueShares(week: string): VenueShareRow[] {
  return db
    .prepare(
      `SELECT mpid, total_volume, market_share_pct, rank FROM finra_otc_transparency_venue_share_latest
       WHERE week_ending = ? AND tier = 'OTC' ORDER BY rank`,
    )
    .all(week) as VenueShareRow[];
}

function venue(week: string, mpid: string): VenueShareRow {
  const row = venueShares(week).find((v) => v.mpid === mpid);
  if (!row) throw new Error(`no venue_share row for ${mpid} in week ${week}`);
  return row;
}

function resolvedSource(executionId: string): Record<string, unknown> {
  const e = eventsOf(db, executionId).find((ev) => ev.event_type === 'progress' && ev.step === 'ingest.resolve_source');
  if (!e) throw new Error('no ingest.resolve_source progress event');
  return JSON.parse(e.payload) as Record<string, unknown>;
}

describe('week pipeline on the real FINRA OTC samples', () => {
  it('completes both weeks and publishes one capture per week', () => {
    expect(exec1.status).toBe('completed');
    expect(exec2.status).toBe('completed');
    const captures = capturesOf(db);
    expect(captures.map((c) => [c.week_ending, c.tier, c.status])).toEqual([
      [W1, 'OTC', 'published'],
      [W2, 'OTC', 'published'],
    ]);
  });

  it('derives week 2025-12-12 from _20251215 and week 2025-12-19 from _20251222, and tier OTC from the file name', () => {
    expect(exec1.result?.['week_ending']).toBe(W1);
    expect(exec2.result?.['week_ending']).toBe(W2);
    expect(exec1.result?.['tier']).toBe('OTC');
    expect(exec2.result?.['tier']).toBe('OTC');
    for (const exec of [exec1, exec2]) {
      expect(resolvedSource(exec.id)).toMatchObject({ week_source: 'filename', tier_source: 'filename', tier: 'OTC' });
    }
    expect(db.prepare(`SELECT DISTINCT week_ending, tier FROM finra_otc_transparency_raw ORDER BY 1`).all()).toEqual([
      { week_ending: W1, tier: 'OTC' },
      { week_ending: W2, tier: 'OTC' },
    ]);
  });

  it('stores 5,328 and 5,192 raw rows, accepts every one of them and rejects none', () => {
    const raw = (w: string): number =>
      count(db, `SELECT COUNT(*) AS n FROM finra_otc_transparency_raw_latest WHERE week_ending = ?`, w);
    const accepted = (w: string): number =>
      count(db, `SELECT COUNT(*) AS n FROM finra_otc_transparency_venue_volume_latest WHERE week_ending = ?`, w);
    expect([raw(W1), raw(W2)]).toEqual([5328, 5192]);
    expect([accepted(W1), accepted(W2)]).toEqual([5328, 5192]);
    expect(count(db, `SELECT COUNT(*) AS n FROM core_rejects`)).toBe(0);
    expect(exec1.result).toMatchObject({ rows_in: 5328, accepted: 5328, rejected: 0, duplicates_dropped: 0 });
    expect(exec2.result).toMatchObject({ rows_in: 5192, accepted: 5192, rejected: 0, duplicates_dropped: 0 });
  });

  it('sums 1,335,995,901 / 943,802,893 shares and 472,776 / 497,191 trades in every layer', () => {
    for (const [week, shares, trades] of [
      [W1, 1_335_995_901, 472_776],
      [W2, 943_802_893, 497_191],
    ] as const) {
      const raw = db
        .prepare(
          `SELECT SUM(total_shares) AS s, SUM(total_trades) AS t FROM finra_otc_transparency_raw_latest WHERE week_ending = ?`,
        )
        .get(week);
      const silver = db
        .prepare(
          `SELECT SUM(total_shares) AS s, SUM(total_trades) AS t FROM finra_otc_transparency_venue_volume_latest WHERE week_ending = ?`,
        )
        .get(week);
      const gold = db
        .prepare(
          `SELECT SUM(total_volume) AS s, SUM(total_trades) AS t FROM finra_otc_transparency_symbol_summary_latest WHERE week_ending = ?`,
        )
        .get(week);
      const venues = db
        .prepare(
          `SELECT SUM(total_volume) AS s, SUM(total_trades) AS t FROM finra_otc_transparency_venue_share_latest WHERE week_ending = ?`,
        )
        .get(week);
      for (const sums of [raw, silver, gold, venues]) expect(sums).toEqual({ s: shares, t: trades });
    }
  });

  it('summarises 3,111 and 2,985 symbols', () => {
    const symbols = (w: string): number =>
      count(db, `SELECT COUNT(*) AS n FROM finra_otc_transparency_symbol_summary_latest WHERE week_ending = ?`, w);
    expect([symbols(W1), symbols(W2)]).toEqual([3111, 2985]);
    expect(exec1.result?.['symbols']).toBe(3111);
    expect(exec2.result?.['symbols']).toBe(2985);
  });

  it('gives a mean HHI of 0.810250 / 0.801696 and 1,625 / 1,509 single-venue symbols', () => {
    const hhi = (w: string): { mean: number; single: number; n: number } =>
      db
        .prepare(
          `SELECT AVG(hhi) AS mean, SUM(venue_count = 1) AS single, COUNT(*) AS n
           FROM finra_otc_transparency_weekly_symbol_venue_concentration_hhi_latest WHERE week_ending = ?`,
        )
        .get(w) as { mean: number; single: number; n: number };
    const h1 = hhi(W1);
    const h2 = hhi(W2);
    expect(h1.mean.toFixed(6)).toBe('0.810250');
    expect(h2.mean.toFixed(6)).toBe('0.801696');
    expect([h1.single, h2.single]).toEqual([1625, 1509]);
    expect([h1.n, h2.n]).toEqual([3111, 2985]);
    expect(
      count(
        db,
        `SELECT COUNT(*) AS n FROM finra_otc_transparency_weekly_symbol_venue_concentration_hhi_latest
         WHERE venue_count = 1 AND hhi <> 1.0`,
      ),
    ).toBe(0);
  });

  it('ranks OTCN, OTCX and ARCA first in week 2025-12-12 with the reference shares, and STEN ninth', () => {
    const shares = venueShares(W1);
    expect(shares).toHaveLength(9);
    expect(shares.map((s) => s.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(shares.slice(0, 3).map((s) => s.mpid)).toEqual(['OTCN', 'OTCX', 'ARCA']);
    expect(venue(W1, 'OTCN').total_volume).toBe(1_098_033_568);
    expect(venue(W1, 'OTCN').market_share_pct).toBeCloseTo(0.8218839348070724, 15);
    expect(venue(W1, 'OTCX').total_volume).toBe(192_693_090);
    expect(venue(W1, 'OTCX').market_share_pct).toBeCloseTo(0.14423179730998292, 15);
    expect(venue(W1, 'ARCA').total_volume).toBe(41_003_592);
    expect(venue(W1, 'ARCA').market_share_pct).toBeCloseTo(0.030691405541969547, 15);
    const sten = venue(W1, 'STEN');
    expect(sten.rank).toBe(9);
    expect(sten.total_volume).toBe(10);
    expect(sten.market_share_pct).toBeCloseTo(7.485052905113666e-9, 15);
    expect(sten.market_share_pct / 7.485052905113666e-9).toBeCloseTo(1, 12);
    expect(shares.reduce((s, v) => s + v.market_share_pct, 0)).toBeCloseTo(1, 12);
  });

  it('ranks OTCN first in week 2025-12-19 with 763,597,534 shares (0.8090646253189647) and SMKT last of 9 with 4,413', () => {
    const shares = venueShares(W2);
    expect(shares).toHaveLength(9);
    expect(venue(W2, 'OTCN')).toMatchObject({ rank: 1, total_volume: 763_597_534 });
    expect(venue(W2, 'OTCN').market_share_pct).toBeCloseTo(0.8090646253189647, 15);
    expect(venue(W2, 'OTCX').total_volume).toBe(133_827_461);
    expect(venue(W2, 'OTCX').market_share_pct).toBeCloseTo(0.14179598514962383, 15);
    expect(venue(W2, 'ARCA').total_volume).toBe(43_843_069);
    expect(venue(W2, 'ARCA').market_share_pct).toBeCloseTo(0.0464536285332196, 15);
    expect(shares.at(-1)).toMatchObject({ mpid: 'SMKT', rank: 9, total_volume: 4413 });
    expect(shares.some((s) => s.mpid === 'STEN')).toBe(false);
    expect(shares.some((s) => s.mpid === 'VIAT')).toBe(true);
  });

  it('trades every symbol on at most 3 venues, 3,762 symbols across both weeks, largest row ECOX/OTCN', () => {
    const maxVenues = (w: string): number =>
      count(
        db,
        `SELECT MAX(venue_count) AS n FROM finra_otc_transparency_weekly_symbol_venue_concentration_hhi_latest
         WHERE week_ending = ?`,
        w,
      );
    expect([maxVenues(W1), maxVenues(W2)]).toEqual([3, 3]);
    expect(count(db, `SELECT COUNT(DISTINCT symbol) AS n FROM finra_otc_transparency_symbol_summary_latest`)).toBe(
      3762,
    );
    expect(
      db
        .prepare(
          `SELECT symbol, mpid, total_shares, total_trades FROM finra_otc_transparency_venue_volume_latest
           WHERE week_ending = ? ORDER BY total_shares DESC LIMIT 1`,
        )
        .get(W1),
    ).toEqual({ symbol: 'ECOX', mpid: 'OTCN', total_shares: 249_703_875, total_trades: 185 });
  });

  it('passes every quality check of both captures, week-over-week included', () => {
    const checks = db
      .prepare(
        `SELECT c.week_ending, q.check_name, q.status FROM core_quality q
         JOIN core_captures c ON c.capture_id = q.capture_id ORDER BY c.week_ending, q.id`,
      )
      .all() as { week_ending: string; check_name: string; status: string }[];
    const names = [
      'venue_share_invariant',
      'hhi_range',
      'venue_share_sum',
      'raw_reconciles',
      'week_over_week_volume_swing',
      'venue_drop',
    ];
    expect(checks).toEqual(
      [W1, W2].flatMap((week) => names.map((check_name) => ({ week_ending: week, check_name, status: 'PASS' }))),
    );
    expect([exec1.result?.['quality'], exec2.result?.['quality']]).toEqual(['PASS', 'PASS']);
  });

  it('has per-symbol venue shares summing to 1 and every HHI within [0, 1]', () => {
    const off = count(
      db,
      `SELECT COUNT(*) AS n FROM (
         SELECT week_ending, symbol, SUM(venue_share) AS s FROM finra_otc_transparency_weekly_symbol_venue_share_latest
         GROUP BY week_ending, symbol HAVING ABS(s - 1.0) > 1e-9)`,
    );
    expect(off).toBe(0);
    expect(
      count(
        db,
        `SELECT COUNT(*) AS n FROM finra_otc_transparency_weekly_symbol_venue_concentration_hhi_latest WHERE hhi < 0 OR hhi > 1`,
      ),
    ).toBe(0);
  });

  it('computes rolling at 2025-12-19 over both weeks: 2,334 incomplete 2-week rows, 1,216 UP, 1,023 DOWN, 95 FLAT', () => {
    const stats = db
      .prepare(
        `SELECT COUNT(*) AS n, SUM(weeks_in_window = 2) AS two_weeks, SUM(is_complete = 0) AS incomplete,
           SUM(trend_direction = 'UP') AS up, SUM(trend_direction = 'DOWN') AS down, SUM(trend_direction = 'FLAT') AS flat
         FROM finra_otc_transparency_symbol_rolling_6w_latest WHERE week_ending = ? AND tier = 'OTC'`,
      )
      .get(W2);
    expect(stats).toEqual({ n: 2334, two_weeks: 2334, incomplete: 2334, up: 1216, down: 1023, flat: 95 });
  });

  it('rolls AABB from 6,794,184 down to 1,833,194 shares: avg 4,313,689, trend about -73.018 %, DOWN', () => {
    const aabb = db
      .prepare(
        `SELECT avg_volume, min_volume, max_volume, trend_pct, trend_direction, weeks_in_window, is_complete
         FROM finra_otc_transparency_symbol_rolling_6w_latest WHERE week_ending = ? AND symbol = 'AABB'`,
      )
      .get(W2) as Record<string, number | string>;
    expect(aabb).toMatchObject({
      avg_volume: 4313689,
      min_volume: 1_833_194,
      max_volume: 6_794_184,
      trend_direction: 'DOWN',
      weeks_in_window: 2,
      is_complete: 0,
    });
    expect(aabb['trend_pct']).toBeCloseTo(-73.018, 3);
  });

  it('stamps every data row with its capture, fixed-width captured_at, the dispatcher execution id, batch, week and source date', () => {
    for (const [exec, week, sourceDate] of [
      [exec1, W1, '2025-12-15'],
      [exec2, W2, '2025-12-22'],
    ] as const) {
      const [capture] = capturesOf(db, week);
      if (!capture) throw new Error(`no capture for ${week}`);
      expect(capture.captured_at).toMatch(CAPTURED_AT_FORMAT);
      expect(capture.capture_id).toMatch(new RegExp(`^finra\\.otc_transparency:OTC:${week}:[0-9a-f]{6}$`));
      expect(capture.execution_id).toBe(exec.id);
      expect(capture.batch_id).toBe(exec.batchId);
      expect(capture.source_last_update_date).toBe(sourceDate);
      expect(exec.result?.['capture_id']).toBe(capture.capture_id);
      for (const table of DATA_TABLES) {
        const total = count(db, `SELECT COUNT(*) AS n FROM ${table} WHERE week_ending = ?`, week);
        const offLineage = count(
          db,
          `SELECT COUNT(*) AS n FROM ${table} WHERE week_ending = ? AND NOT (
             capture_id = ? AND captured_at = ? AND execution_id = ? AND batch_id = ? AND source_last_update_date = ?)`,
          week,
          capture.capture_id,
          capture.captured_at,
          exec.id,
          exec.batchId,
          sourceDate,
        );
        expect({ table, offLineage }).toEqual({ table, offLineage: 0 });
        // Rolling needs two weeks, so the first week has no rolling rows; every other table has rows.
        if (!(table === 'finra_otc_transparency_symbol_rolling_6w' && week === W1)) expect(total).toBeGreaterThan(0);
      }
      for (const table of DATA_TABLES) {
        const elsewhere = count(db, `SELECT COUNT(*) AS n FROM ${table} WHERE week_ending NOT IN (?, ?)`, W1, W2);
        expect({ table, elsewhere }).toEqual({ table, elsewhere: 0 });
      }
      expect(
        count(
          db,
          `SELECT COUNT(*) AS n FROM finra_otc_transparency_raw WHERE week_ending = ? AND ingested_at <> captured_at`,
          week,
        ),
      ).toBe(0);
    }
  });
});
