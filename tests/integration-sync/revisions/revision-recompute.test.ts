/**
 * Issue 13 item 5: a revision of (OTC, 2025-10-31) after seven published weeks recomputes, as new captures,
 * exactly the rolling windows that contain it (2025-11-07 … 2025-12-05, W+1..W+5) and W's cross-tier share of
 * NMS Tier 1; 2025-12-12 (W+6) is not touched. Real week pipeline on a real SQLite file (sync backend),
 * then the real CLI for the recompute pipeline and `--as-of` reads.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import type { Db } from '../../../src/core/db/open-database.js';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import type { ParamValue } from '../../../src/core/pipeline/params.js';
import { windowWeeks } from '../../../src/core/week-ending.js';
import { computeRolling } from '../../../src/domains/otc/calculations/rolling.js';
import type { RollingInput } from '../../../src/domains/otc/calculations/rolling.js';
import { findStaleDerived } from '../../../src/domains/otc/revisions/stale.js';
import { runCli } from '../../helpers/run-cli.js';
import { openTempDb, openTempSpine, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';
import { WEEKS, writeOtcWeek, writeTier1Week } from './seven-weeks.js';

const WEEK_PIPELINE = 'finra.otc_transparency.week';
const RECOMPUTE = 'finra.otc_transparency.recompute_revision';
const ROLLING = 'finra_otc_transparency_symbol_rolling_6w';
const TIER_SHARE = 'finra_otc_transparency_weekly_symbol_tier_volume_share';
const REVISED = '2025-10-31';
const AFFECTED = ['2025-11-07', '2025-11-14', '2025-11-21', '2025-11-28', '2025-12-05'];
const BEFORE_REVISION = '2026-01-20T00:00:00.000Z';

let dir: TempDir;
let dbPath: string;
let db: Db;
/** Latest capture per (week, tier) before the revision. */
const before = new Map<string, string>();
/** Rolling rows (latest) per week before the revision. */
const rollingBefore = new Map<string, Record<string, unknown>[]>();
let revision: ExecutionRecord;
let staleAfterRevision: ReturnType<typeof findStaleDerived>;
let recomputeRun: { code: number | null; result: Record<string, unknown>; id: string };

async function runAt(at: string, params: Readonly<Record<string, ParamValue>>, env: Record<string, string> = {}) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const t = openTempSpine({ dir, fileName: 'spine.db', clock: fixedClock(at) });
  try {
    return (await t.spine.dispatcher.submit(WEEK_PIPELINE, params)) as ExecutionRecord;
  } finally {
    t.cleanup();
    process.env = saved;
  }
}

const latestOf = (
  week: string,
  tier: string,
): { capture_id: string; base_capture_id: string | null; source: string; execution_id: string } =>
  db
    .prepare(
      `SELECT capture_id, base_capture_id, source, execution_id FROM core_captures_latest WHERE week_ending = ? AND tier = ?`,
    )
    .get(week, tier) as never;

const rollingRows = (week: string): Record<string, unknown>[] =>
  db
    .prepare(
      `SELECT symbol, avg_volume, avg_trades, min_volume, max_volume, trend_direction, trend_pct, weeks_in_window,
         is_complete FROM ${ROLLING}_latest WHERE week_ending = ? AND tier = 'OTC' ORDER BY symbol`,
    )
    .all(week) as Record<string, unknown>[];

/** computeRolling over the latest symbol summaries of the window: what the rolling rows must equal. */
function expectedRolling(week: string): Record<string, unknown>[] {
  const input: RollingInput[] = [];
  for (const w of windowWeeks(week, 6)) {
    for (const r of db
      .prepare(
        `SELECT symbol, total_volume, total_trades FROM finra_otc_transparency_symbol_summary_latest
         WHERE week_ending = ? AND tier = 'OTC'`,
      )
      .all(w) as { symbol: string; total_volume: number; total_trades: number }[]) {
      input.push({
        weekEnding: w,
        tier: 'OTC',
        symbol: r.symbol,
        totalVolume: r.total_volume,
        totalTrades: r.total_trades,
      });
    }
  }
  return computeRolling(input, week).map((r) => ({
    symbol: r.symbol,
    avg_volume: r.avgVolume,
    avg_trades: r.avgTrades,
    min_volume: r.minVolume,
    max_volume: r.maxVolume,
    trend_direction: r.trendDirection,
    trend_pct: r.trendPct,
    weeks_in_window: r.weeksInWindow,
    is_complete: r.isComplete ? 1 : 0,
  }));
}

beforeAll(async () => {
  dir = tempDir('spine-recompute-');
  dbPath = dir.join('spine.db');
  for (const [i, week] of WEEKS.entries()) {
    const r = await runAt(`2026-01-${String(10 + i).padStart(2, '0')}T12:00:00.000Z`, {
      file_path: writeOtcWeek(dir, week),
      week_ending: week,
      tier: 'OTC',
    });
    if (r.status !== 'completed') throw new Error(`${week}: ${r.errorMessage ?? r.status}`);
  }
  const t1 = await runAt('2026-01-19T12:00:00.000Z', {
    file_path: writeTier1Week(dir, REVISED),
    week_ending: REVISED,
    tier: 'NMS_TIER_1',
  });
  if (t1.status !== 'completed') throw new Error(`tier 1: ${t1.errorMessage ?? t1.status}`);
  db = openTempDb(dbPath);
  for (const week of WEEKS) {
    before.set(`${week}|OTC`, latestOf(week, 'OTC').capture_id);
    rollingBefore.set(week, rollingRows(week));
  }
  before.set(`${REVISED}|NMS_TIER_1`, latestOf(REVISED, 'NMS_TIER_1').capture_id);

  // The revision publishes, but its recompute stage fails every attempt: the derived data is now stale.
  const faults = dir.join('faults.json');
  writeFileSync(faults, JSON.stringify({ [`${WEEK_PIPELINE}/recompute`]: { always: true, error: 'SQLITE_CORRUPT' } }));
  revision = await runAt(
    '2026-01-25T12:00:00.000Z',
    {
      file_path: writeOtcWeek(dir, REVISED, { revised: true }),
      week_ending: REVISED,
      tier: 'OTC',
      replace_capture: true,
    },
    { SPINE_FAULTS_FILE: faults },
  );
  staleAfterRevision = findStaleDerived(db);

  const cli = runCli(['run', RECOMPUTE, '--week', REVISED, '--tier', 'otc', '--json'], { dbPath, timeoutMs: 120_000 });
  const rec = cli.json<{ id: string; result: Record<string, unknown> }>();
  recomputeRun = { code: cli.code, result: rec.result, id: rec.id };
}, 300_000);

afterAll(() => {
  db?.close();
  dir?.cleanup();
});

describe('revision-aware recompute', () => {
  it('records every input capture of each rolling window and cross-tier share', () => {
    const inputs = db
      .prepare(
        `SELECT input_week_ending AS week, input_capture_id AS id FROM core_derived_inputs
         WHERE capture_id = ? AND dataset = ? ORDER BY input_week_ending`,
      )
      .all(before.get('2025-12-05|OTC'), ROLLING);
    expect(inputs).toEqual(WEEKS.slice(0, 6).map((w) => ({ week: w, id: before.get(`${w}|OTC`) })));
    // Tier 1 was published after OTC 2025-10-31: its share read the OTC capture.
    expect(
      db
        .prepare(`SELECT input_capture_id, input_tier FROM core_derived_inputs WHERE capture_id = ? AND dataset = ?`)
        .all(before.get(`${REVISED}|NMS_TIER_1`), TIER_SHARE),
    ).toEqual([{ input_capture_id: before.get(`${REVISED}|OTC`), input_tier: 'OTC' }]);
  });

  it('a revision whose recompute failed leaves exactly the affected weeks stale', () => {
    expect(revision.status).toBe('failed');
    expect(revision.errorStage).toBe('recompute');
    const revisedCapture = db
      .prepare(`SELECT capture_id FROM core_captures WHERE execution_id = ? AND status = 'published'`)
      .get(revision.id) as { capture_id: string };
    expect(staleAfterRevision).toEqual([
      {
        week_ending: REVISED,
        tier: 'NMS_TIER_1',
        capture_id: before.get(`${REVISED}|NMS_TIER_1`),
        dataset: TIER_SHARE,
        input_week_ending: REVISED,
        input_tier: 'OTC',
        input_capture_id: before.get(`${REVISED}|OTC`),
        superseded_by: revisedCapture.capture_id,
      },
      ...AFFECTED.map((week) => ({
        week_ending: week,
        tier: 'OTC',
        capture_id: before.get(`${week}|OTC`),
        dataset: ROLLING,
        input_week_ending: REVISED,
        input_tier: 'OTC',
        input_capture_id: before.get(`${REVISED}|OTC`),
        superseded_by: revisedCapture.capture_id,
      })),
    ]);
  });

  it('recompute_revision makes a new capture of exactly the affected weeks and says which and why', () => {
    expect(recomputeRun.code).toBe(0);
    const recomputed = recomputeRun.result['recomputed'] as {
      week_ending: string;
      tier: string;
      datasets: string[];
      previous_capture_id: string;
      capture_id: string;
      reasons: string[];
    }[];
    expect(recomputed.map((r) => [r.week_ending, r.tier, r.datasets])).toEqual([
      [REVISED, 'NMS_TIER_1', ['tier_volume_share']],
      ...AFFECTED.map((w) => [w, 'OTC', ['rolling_6w']]),
    ]);
    expect(recomputeRun.result['recomputed_count']).toBe(6);
    for (const r of recomputed) {
      expect(r.previous_capture_id).toBe(before.get(`${r.week_ending}|${r.tier}`));
      expect(r.capture_id).toBe(latestOf(r.week_ending, r.tier).capture_id);
      expect(r.reasons).toHaveLength(1);
      expect(r.reasons[0]).toContain(`read ${REVISED} OTC capture ${before.get(`${REVISED}|OTC`)}, superseded by`);
    }
    // W+6 and the weeks before W keep their captures.
    expect(latestOf('2025-12-12', 'OTC').capture_id).toBe(before.get('2025-12-12|OTC'));
    expect(findStaleDerived(db)).toEqual([]);
  });

  it('recomputed rolling values equal computeRolling over the latest captures; W+6 keeps its old values', () => {
    for (const week of AFFECTED) {
      const rows = rollingRows(week);
      expect(rows).toEqual(expectedRolling(week));
      expect(rows).not.toEqual(rollingBefore.get(week));
    }
    expect(rollingRows('2025-12-12')).toEqual(rollingBefore.get('2025-12-12'));
    expect(rollingRows('2025-12-12')).toEqual(expectedRolling('2025-12-12'));
  });

  it('new captures carry the base rows with complete lineage and record their inputs', () => {
    for (const week of AFFECTED) {
      const c = latestOf(week, 'OTC');
      const old = before.get(`${week}|OTC`) as string;
      expect(c).toMatchObject({ base_capture_id: old, source: 'recompute', execution_id: recomputeRun.id });
      for (const table of [
        'finra_otc_transparency_raw',
        'finra_otc_transparency_symbol_summary',
        'finra_otc_transparency_venue_share',
        ROLLING,
      ]) {
        const rows = db
          .prepare(
            `SELECT COUNT(*) AS n, COUNT(DISTINCT execution_id) AS e, MIN(execution_id) AS ex, COUNT(DISTINCT captured_at) AS ca
             FROM ${table} WHERE capture_id = ?`,
          )
          .get(c.capture_id) as { n: number; e: number; ex: string; ca: number };
        const oldRows = (
          db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE capture_id = ?`).get(old) as { n: number }
        ).n;
        expect({ table, n: rows.n, e: rows.e, ex: rows.ex, ca: rows.ca }).toEqual({
          table,
          n: oldRows,
          e: 1,
          ex: recomputeRun.id,
          ca: 1,
        });
      }
      const inputs = db
        .prepare(
          `SELECT input_week_ending AS week, input_capture_id AS id FROM core_derived_inputs WHERE capture_id = ? AND dataset = ? ORDER BY 1`,
        )
        .all(c.capture_id, ROLLING) as { week: string; id: string }[];
      expect(inputs).toEqual(
        windowWeeks(week, 6)
          .filter((w) => WEEKS.includes(w))
          .map((w) => ({ week: w, id: latestOf(w, 'OTC').capture_id })),
      );
    }
  });

  it('--as-of an instant before the revision still returns the rolling values known then', () => {
    const res = runCli(
      ['query', 'otc.rolling', '--week', '2025-11-28', '--tier', 'otc', '--as-of', BEFORE_REVISION, '--all', '--json'],
      { dbPath },
    );
    expect(res.code, res.stderr).toBe(0);
    const body = res.json<{ rows: Record<string, unknown>[] }>();
    expect(new Set(body.rows.map((r) => r['capture_id']))).toEqual(new Set([before.get('2025-11-28|OTC')]));
    const pick = (r: Record<string, unknown>) => ({
      symbol: r['symbol'],
      avg_volume: r['avg_volume'],
      trend_pct: r['trend_pct'],
    });
    expect(body.rows.map(pick).sort((a, b) => String(a.symbol).localeCompare(String(b.symbol)))).toEqual(
      (rollingBefore.get('2025-11-28') ?? [])
        .map(pick)
        .sort((a, b) => String(a.symbol).localeCompare(String(b.symbol))),
    );
  });

  it('a second recompute is a no-op: nothing stale, no capture made', () => {
    const captures = (db.prepare('SELECT COUNT(*) AS n FROM core_captures').get() as { n: number }).n;
    const again = runCli(['run', RECOMPUTE, '--json'], { dbPath });
    expect(again.code, again.stderr).toBe(0);
    expect(again.json<{ result: Record<string, unknown> }>().result).toMatchObject({
      recomputed_count: 0,
      recomputed: [],
    });
    expect((db.prepare('SELECT COUNT(*) AS n FROM core_captures').get() as { n: number }).n).toBe(captures);
  });

  it('a --force revision recomputes in the same run, without the caller asking: only W+1 of 2025-12-05', async () => {
    // Now, not a pinned instant: the CLI recompute above ran on the system clock.
    const r = await runAt(new Date().toISOString(), {
      file_path: writeOtcWeek(dir, '2025-12-05', { revised: true }),
      week_ending: '2025-12-05',
      tier: 'OTC',
      force: true,
    });
    expect(r.status, r.errorMessage ?? '').toBe('completed');
    const recomputed = r.result?.['recomputed'] as { week_ending: string; tier: string; datasets: string[] }[];
    expect(recomputed.map((x) => [x.week_ending, x.tier, x.datasets])).toEqual([['2025-12-12', 'OTC', ['rolling_6w']]]);
    expect(rollingRows('2025-12-12')).toEqual(expectedRolling('2025-12-12'));
    expect(findStaleDerived(db)).toEqual([]);
    const events = db
      .prepare(
        `SELECT event_type FROM core_execution_events WHERE execution_id = ? AND stage = 'recompute' ORDER BY id`,
      )
      .all(r.id) as { event_type: string }[];
    expect(events.map((e) => e.event_type)).toContain('stage_completed');
  });
});
