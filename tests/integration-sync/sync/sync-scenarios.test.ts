/**
 * `finra.otc_transparency.sync` on the sync backend against the fake FINRA Query API, with the clock of
 * both under the test's control (the fake's "now" and the run's as_of).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Spine } from '../../../src/app/spine.js';
import { fixedClock } from '../../../src/core/clock.js';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import { startFakeFinra } from '../../helpers/fake-finra.js';
import type { RunningFake } from '../../helpers/fake-finra.js';
import { openTempSpine, setEnv } from '../../helpers/tmp-db.js';
import type { TempSpine } from '../../helpers/tmp-db.js';
import { runPipeline } from '../otc/otc-pipeline-helpers.js';

const SYNC = 'finra.otc_transparency.sync';

let t: TempSpine;
let spine: Spine;
let fake: RunningFake;

beforeEach(async () => {
  t = openTempSpine({ clock: fixedClock('2026-02-02T06:00:00.000Z', 1) });
  spine = t.spine;
  fake = await startFakeFinra({
    rowsPerWeek: 40,
    now: '2026-02-02T06:00:00.000Z',
    env: { SPINE_FINRA_RETRY_BASE_MS: '5' },
  });
});

afterEach(async () => {
  await fake.stop();
  t.cleanup();
});

interface Week {
  tier: string;
  week_ending: string;
  outcome: string;
  reason: string | null;
  capture_id: string | null;
}

const weeksOf = (e: ExecutionRecord): Week[] => (e.result?.['weeks'] ?? []) as unknown as Week[];
const outcomes = (e: ExecutionRecord): string[] => weeksOf(e).map((w) => `${w.tier} ${w.week_ending} ${w.outcome}`);

/** Published captures made from the API (a recompute capture, base_capture_id set, carries another's rows). */
function captures(): { week_ending: string; tier: string; capture_id: string; source_last_update_date: string }[] {
  return spine.db
    .prepare(
      `SELECT week_ending, tier, capture_id, source_last_update_date FROM core_captures
       WHERE status = 'published' AND base_capture_id IS NULL ORDER BY tier, week_ending, captured_at`,
    )
    .all() as { week_ending: string; tier: string; capture_id: string; source_last_update_date: string }[];
}

describe('spine sync against the fake FINRA API', () => {
  it('ingests the due weeks once, then a week more when it becomes due, and records unchanged re-checks without a capture', async () => {
    const first = await runPipeline(spine, SYNC, { tier: 'otc', as_of: '2026-02-02', lookback_weeks: 3 });
    expect(first.status).toBe('completed');
    expect(outcomes(first)).toEqual([
      'OTC 2025-12-19 published',
      'OTC 2025-12-26 published',
      'OTC 2026-01-02 published',
    ]);
    expect(captures().map((c) => c.week_ending)).toEqual(['2025-12-19', '2025-12-26', '2026-01-02']);

    fake.api.setNow('2026-02-09T06:00:00.000Z');
    const second = await runPipeline(spine, SYNC, { tier: 'otc', as_of: '2026-02-09', lookback_weeks: 3 });
    expect(second.status).toBe('completed');
    // The lookback moves with the calendar: 2025-12-19 is no longer among the last 3 due weeks.
    expect(outcomes(second)).toEqual([
      'OTC 2025-12-26 unchanged',
      'OTC 2026-01-02 unchanged',
      'OTC 2026-01-09 published',
    ]);
    expect(captures().map((c) => c.week_ending)).toEqual(['2025-12-19', '2025-12-26', '2026-01-02', '2026-01-09']);
    const checks = spine.db
      .prepare(
        `SELECT outcome, COUNT(*) AS n FROM core_source_checks WHERE execution_id = ? GROUP BY outcome ORDER BY outcome`,
      )
      .all(second.id);
    expect(checks).toEqual([
      { outcome: 'published', n: 1 },
      { outcome: 'unchanged', n: 2 },
    ]);

    const third = await runPipeline(spine, SYNC, { tier: 'otc', as_of: '2026-02-09', lookback_weeks: 3 });
    expect(outcomes(third)).toEqual([
      'OTC 2025-12-26 unchanged',
      'OTC 2026-01-02 unchanged',
      'OTC 2026-01-09 unchanged',
    ]);
    expect(captures()).toHaveLength(4);
    expect(third.result?.['counts']).toEqual({
      checked: 3,
      published: 0,
      unchanged: 3,
      absent: 0,
      failed: 0,
      requests: 3,
    });
  }, 60_000);

  it('publishes exactly one new capture for a revised old week, with the revised numbers and source date', async () => {
    await runPipeline(spine, SYNC, { tier: 'otc', as_of: '2026-02-02', lookback_weeks: 3 });
    const before = captures().find((c) => c.week_ending === '2025-12-26');
    fake.api.revise('OTC', '2025-12-26', '2026-02-03');

    const run = await runPipeline(spine, SYNC, { tier: 'otc', as_of: '2026-02-03', lookback_weeks: 3 });

    expect(run.status).toBe('completed');
    expect(outcomes(run)).toEqual(['OTC 2025-12-19 unchanged', 'OTC 2025-12-26 published', 'OTC 2026-01-02 unchanged']);
    const revised = weeksOf(run).find((w) => w.week_ending === '2025-12-26') as Week & { previous_capture_id: string };
    expect(revised.reason).toBe('content_changed');
    expect(revised.previous_capture_id).toBe(before?.capture_id);
    const of1226 = captures().filter((c) => c.week_ending === '2025-12-26');
    expect(of1226.map((c) => c.capture_id)).toEqual([before?.capture_id, revised.capture_id]);
    expect(of1226.map((c) => c.source_last_update_date)).toEqual(['2026-01-23', '2026-02-03']);
    // The new capture holds what the API serves now: three rows 1,000 shares up, every row restamped.
    const served = fake.api.weekRows('OTC', '2025-12-26');
    const stored = spine.db
      .prepare(
        `SELECT symbol, mpid, total_shares AS shares, total_trades AS trades, source_last_update_date AS lud
         FROM finra_otc_transparency_raw WHERE capture_id = ? ORDER BY source_line`,
      )
      .all(revised.capture_id);
    expect(stored).toEqual(
      served.map((r) => ({
        symbol: r['issueSymbolIdentifier'],
        mpid: r['MPID'],
        shares: r['totalWeeklyShareQuantity'],
        trades: r['totalWeeklyTradeCount'],
        lud: '2026-02-03',
      })),
    );
    const old = spine.db
      .prepare(`SELECT total_shares AS s FROM finra_otc_transparency_raw WHERE capture_id = ? AND source_line = 1`)
      .get(before?.capture_id) as { s: number };
    expect((stored[0] as { shares: number }).shares - old.s).toBe(1000);

    // The publication alone triggered the revision-aware recompute: the next week's rolling window
    // (2026-01-02) got a recompute capture on the same source rows.
    const of0102 = captures().find((c) => c.week_ending === '2026-01-02');
    const recomputed = spine.db
      .prepare(
        `SELECT base_capture_id AS base FROM core_captures WHERE base_capture_id IS NOT NULL AND status = 'published'`,
      )
      .all();
    expect(recomputed).toEqual([{ base: of0102?.capture_id }]);

    // The recompute capture keeps its base's content hash, so the next check finds nothing new.
    const again = await runPipeline(spine, SYNC, { tier: 'otc', as_of: '2026-02-03', lookback_weeks: 3 });
    expect(outcomes(again)).toEqual([
      'OTC 2025-12-19 unchanged',
      'OTC 2025-12-26 unchanged',
      'OTC 2026-01-02 unchanged',
    ]);
    expect(captures()).toHaveLength(4);
  }, 60_000);

  it('publishes both revisions when one sync finds a week and the week after it revised', async () => {
    await runPipeline(spine, SYNC, { tier: 'otc', as_of: '2026-02-02', lookback_weeks: 3 });
    fake.api.revise('OTC', '2025-12-26', '2026-02-03');
    fake.api.revise('OTC', '2026-01-02', '2026-02-03');

    // 2025-12-26 is published first; its recompute makes a capture of 2026-01-02 on the old source rows
    // before 2026-01-02's own revision publishes. That must not read as "another run published".
    const run = await runPipeline(spine, SYNC, { tier: 'otc', as_of: '2026-02-03', lookback_weeks: 3 });

    expect(run.status).toBe('completed');
    expect(outcomes(run)).toEqual(['OTC 2025-12-19 unchanged', 'OTC 2025-12-26 published', 'OTC 2026-01-02 published']);
    const latest = spine.db
      .prepare(
        `SELECT week_ending, source_last_update_date AS lud, base_capture_id AS base FROM core_captures c
         WHERE status = 'published' AND captured_at = (SELECT MAX(captured_at) FROM core_captures l
           WHERE l.status = 'published' AND l.week_ending = c.week_ending AND l.tier = c.tier)
         ORDER BY week_ending`,
      )
      .all();
    expect(latest).toEqual([
      { week_ending: '2025-12-19', lud: '2025-12-22', base: null },
      { week_ending: '2025-12-26', lud: '2026-02-03', base: null },
      { week_ending: '2026-01-02', lud: '2026-02-03', base: null },
    ]);
    const next = await runPipeline(spine, SYNC, { tier: 'otc', as_of: '2026-02-03', lookback_weeks: 3 });
    expect(outcomes(next)).toEqual([
      'OTC 2025-12-19 unchanged',
      'OTC 2025-12-26 unchanged',
      'OTC 2026-01-02 unchanged',
    ]);
  }, 60_000);

  it('a withheld week is not fetched as data and stays absent until the fake releases it', async () => {
    fake.api.withhold('OTC', '2025-12-26');
    const run = await runPipeline(spine, SYNC, { tier: 'otc', as_of: '2026-02-02', lookback_weeks: 3 });

    expect(run.status).toBe('completed');
    expect(outcomes(run)).toEqual(['OTC 2025-12-19 published', 'OTC 2025-12-26 absent', 'OTC 2026-01-02 published']);
    expect(weeksOf(run)[1]?.reason).toBe('not_published');
    expect(captures().map((c) => c.week_ending)).toEqual(['2025-12-19', '2026-01-02']);
    const asked = fake.api.requests.filter((r) => r.weekEnding === '2025-12-26');
    expect(asked.map((r) => [r.status, r.rows])).toEqual([[200, 0]]);

    fake.api.release('OTC', '2025-12-26');
    const later = await runPipeline(spine, SYNC, { tier: 'otc', as_of: '2026-02-02', lookback_weeks: 3 });
    expect(outcomes(later)).toEqual([
      'OTC 2025-12-19 unchanged',
      'OTC 2025-12-26 published',
      'OTC 2026-01-02 unchanged',
    ]);
  }, 60_000);

  it('retries through a 503 period and a 429 period with Retry-After, then succeeds', async () => {
    fake.api.outage({ status: 503, requests: 2 });
    fake.api.outage({ status: 429, requests: 1, retryAfterSeconds: 1 });
    const run = await runPipeline(spine, SYNC, { tier: 'otc', as_of: '2026-02-02', lookback_weeks: 3, concurrency: 1 });

    expect(run.status).toBe('completed');
    expect(outcomes(run)).toEqual(['OTC 2025-12-19 published', 'OTC 2025-12-26 published', 'OTC 2026-01-02 published']);
    // The first week took four attempts (503, 503, 429, 200); its check counts them.
    expect(fake.api.requests.slice(0, 4).map((r) => [r.weekEnding, r.status])).toEqual([
      ['2025-12-19', 503],
      ['2025-12-19', 503],
      ['2025-12-19', 429],
      ['2025-12-19', 200],
    ]);
    expect((weeksOf(run)[0] as Week & { requests: number }).requests).toBe(4);
  }, 60_000);

  it('ends SOURCE_UNAVAILABLE (dead-lettered) when the API stays down, publishing what it could; a re-run resumes', async () => {
    const restore = setEnv({
      SPINE_FINRA_MAX_ATTEMPTS: '2',
      SPINE_RETRY_MAX_ATTEMPTS: '2',
      SPINE_RETRY_INITIAL_MS: '10',
    });
    try {
      // 9 weeks from 2025-11-07; the API stays down for the last five.
      const down = ['2025-12-05', '2025-12-12', '2025-12-19', '2025-12-26', '2026-01-02'];
      fake.api.outage({ status: 503, requests: 1_000_000, weeks: down });
      const run = await runPipeline(spine, SYNC, {
        tier: 'otc',
        as_of: '2026-02-02',
        from_week: '2025-11-07',
        concurrency: 1,
      });

      expect(run.status).toBe('failed');
      expect(run.errorCode).toBe('SOURCE_UNAVAILABLE');
      expect(run.errorStage).toBe('recheck');
      expect(run.errorMessage).toContain(
        '5 week(s) (OTC:2025-12-05, OTC:2025-12-12, OTC:2025-12-19, OTC:2025-12-26, OTC:2026-01-02)',
      );
      expect(captures().map((c) => c.week_ending)).toEqual(['2025-11-07', '2025-11-14', '2025-11-21', '2025-11-28']);
      const dead = spine.db
        .prepare(`SELECT stage, error_type, attempts FROM core_dead_letters WHERE execution_id = ?`)
        .all(run.id);
      expect(dead).toEqual([{ stage: 'recheck', error_type: 'SOURCE_UNAVAILABLE', attempts: 2 }]);

      fake.api.clearOutages();
      const seen = fake.api.requests.length;
      const resumed = await runPipeline(spine, SYNC, {
        tier: 'otc',
        as_of: '2026-02-02',
        from_week: '2025-11-07',
        revision_window: 0,
      });
      expect(resumed.status).toBe('completed');
      expect(outcomes(resumed)).toEqual([
        'OTC 2025-12-05 published',
        'OTC 2025-12-12 published',
        'OTC 2025-12-19 published',
        'OTC 2025-12-26 published',
        'OTC 2026-01-02 published',
      ]);
      // The four weeks captured before the outage were not asked again (one page per week here, for the
      // check and again for its week run).
      const asked = new Set(fake.api.requests.slice(seen).map((r) => r.weekEnding));
      expect([...asked].sort()).toEqual(['2025-12-05', '2025-12-12', '2025-12-19', '2025-12-26', '2026-01-02']);
      expect(resumed.result?.['plans']).toEqual([
        { tier: 'OTC', from: '2025-11-07', latest_due: '2026-01-02', planned: 5, skipped_captured: 4 },
      ]);
    } finally {
      restore();
    }
  }, 90_000);
});
