/**
 * `spine sync`'s stages called one at a time, in-process, on a real SQLite file and against the fake
 * FINRA Query API: what `check` and `recheck` return and record in core_source_checks, how the week
 * runs' outcomes settle the `changed` checks, and what `report` returns or throws. The stage context is
 * the one the runner would build (fixed clock, silent log); the week runs are stood in for by their
 * outcomes in `state.children`, as the runner hands them over.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChildOutcome, PipelineState, StageOutcome } from '../../../src/contracts/execution.js';
import { fixedClock } from '../../../src/core/clock.js';
import type { Db } from '../../../src/core/db/open-database.js';
import { SpineError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logging/logger.js';
import type { StageContext } from '../../../src/core/pipeline/types.js';
import { syncCheckStage } from '../../../src/domains/otc/sync/check-stage.js';
import { syncReportStage } from '../../../src/domains/otc/sync/report-stage.js';
import { settleChanged } from '../../../src/domains/otc/sync/settle.js';
import { SourceChecks, toSyncWeekRow } from '../../../src/domains/otc/sync/source-checks.js';
import type { SourceCheck } from '../../../src/domains/otc/sync/source-checks.js';
import { captureLogs } from '../../helpers/capture-logs.js';
import { startFakeFinra } from '../../helpers/fake-finra.js';
import type { RunningFake } from '../../helpers/fake-finra.js';
import { openTempDb, setEnv, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

const NOW = '2026-02-02T06:00:00.000Z';
const EXEC = 'sync-exec-1';
const WEEK = 'finra.otc_transparency.week';

let dir: TempDir;
let db: Db;
let fake: RunningFake;

beforeEach(async () => {
  dir = tempDir();
  db = openTempDb(dir.join('spine.db'));
  fake = await startFakeFinra({ rowsPerWeek: 40, now: NOW, env: { SPINE_FINRA_RETRY_BASE_MS: '1' } });
});

afterEach(async () => {
  await fake.stop();
  db.close();
  dir.cleanup();
});

function ctx(
  params: Record<string, string | number>,
  state: PipelineState = {},
  executionId = EXEC,
  log = silentLogger,
): StageContext {
  return {
    db,
    execution: { executionId, batchId: `batch-${executionId}`, pipeline: 'finra.otc_transparency.sync', attempt: 1 },
    params,
    state,
    log,
    clock: fixedClock(NOW),
    yieldControl: () => Promise.resolve(),
    checkFence: () => undefined,
  };
}

/** A published capture, as a week run would have left it. */
function published(id: string, tier: string, week: string, hash: string, lud: string): void {
  db.prepare(
    `INSERT INTO core_captures (capture_id, domain, week_ending, tier, captured_at, source_last_update_date, status,
       content_hash, execution_id, created_at)
     VALUES (?, 'finra.otc_transparency', ?, ?, '2026-01-20T00:00:00.000000+00:00', ?, 'published', ?, 'e', '2026-01-20T00:00:00.000Z')`,
  ).run(id, week, tier, lud, hash);
}

const checks = (): SourceChecks => new SourceChecks(db);
const brief = (c: SourceCheck): string => `${c.tier} ${c.week_ending} ${c.outcome} ${c.reason ?? '-'}`;

function thrown(f: () => unknown): SpineError {
  try {
    f();
  } catch (e) {
    return e as SpineError;
  }
  throw new Error('nothing thrown');
}

async function rejected(p: Promise<unknown>): Promise<SpineError> {
  try {
    await p;
  } catch (e) {
    return e as SpineError;
  }
  throw new Error('nothing thrown');
}

describe('sync check stage', () => {
  it('checks every tier, records each week and fans out one week run per changed week, tier by tier, oldest first', async () => {
    // OTC 2026-01-02 was captured before with other content: a revision (force, naming the capture).
    published('otc-old', 'OTC', '2026-01-02', 'not-the-served-hash', '2026-01-01');
    const out = await syncCheckStage(
      ctx({ as_of: '2026-02-02', lookback_weeks: 2, revision_window: 1, concurrency: 1 }),
      'check',
    );
    const rows = checks().ofExecution(EXEC);
    expect(rows.map(brief)).toEqual([
      'NMS_TIER_1 2026-01-09 changed new_week',
      'NMS_TIER_1 2026-01-16 changed new_week',
      'NMS_TIER_2 2025-12-26 changed new_week',
      'NMS_TIER_2 2026-01-02 changed new_week',
      'OTC 2025-12-26 changed new_week',
      'OTC 2026-01-02 changed content_changed',
    ]);
    expect(out).toEqual({
      state: {
        as_of: '2026-02-02',
        plans: [
          { tier: 'NMS_TIER_1', from: '2026-01-09', latest_due: '2026-01-16', planned: 2, skipped_captured: 0 },
          { tier: 'NMS_TIER_2', from: '2025-12-26', latest_due: '2026-01-02', planned: 2, skipped_captured: 0 },
          { tier: 'OTC', from: '2025-12-26', latest_due: '2026-01-02', planned: 2, skipped_captured: 0 },
        ],
        children: [],
      },
      metrics: { weeks_checked: 6, changed: 6, unavailable: 0, requests: 6 },
      children: [
        ...['NMS_TIER_1:2026-01-09', 'NMS_TIER_1:2026-01-16', 'NMS_TIER_2:2025-12-26', 'NMS_TIER_2:2026-01-02'].map(
          (label) => ({
            pipeline: WEEK,
            label,
            params: {
              source: 'api',
              tier: label.split(':')[0],
              week_ending: label.split(':')[1],
              expect_latest_capture: 'none',
            },
          }),
        ),
        {
          pipeline: WEEK,
          label: 'OTC:2025-12-26',
          params: { source: 'api', tier: 'OTC', week_ending: '2025-12-26', expect_latest_capture: 'none' },
        },
        {
          pipeline: WEEK,
          label: 'OTC:2026-01-02',
          params: {
            source: 'api',
            tier: 'OTC',
            week_ending: '2026-01-02',
            force: true,
            expect_latest_capture: 'otc-old',
          },
        },
      ],
    });
    const otc = rows.at(-1) as SourceCheck;
    expect(otc).toMatchObject({
      tier: 'OTC',
      week_ending: '2026-01-02',
      checked_at: NOW,
      outcome: 'changed',
      reason: 'content_changed',
      rows: 40,
      requests: 1,
      latest_capture_id: 'otc-old',
      capture_id: null,
      error_code: null,
      error_message: null,
      execution_id: EXEC,
    });
    expect(otc.content_hash).toMatch(/^[0-9a-f]{32}$/);
    expect(otc.source).toContain('OTC');
    expect(db.prepare(`SELECT DISTINCT batch_id AS b, domain AS d FROM core_source_checks`).all()).toEqual([
      { b: `batch-${EXEC}`, d: 'finra.otc_transparency' },
    ]);
  });

  it('records an unchanged week without a week run; a restamp alone is a change', async () => {
    const first = await syncCheckStage(
      ctx({ tier: 'OTC', as_of: '2026-02-02', lookback_weeks: 1, revision_window: 1 }, {}, 'probe'),
      'check',
    );
    expect(first.children).toHaveLength(1);
    const served = checks().ofExecution('probe')[0] as SourceCheck;
    published('same', 'OTC', '2026-01-02', served.content_hash as string, served.source_last_update_date as string);

    const out = await syncCheckStage(
      ctx({ tier: 'OTC', as_of: '2026-02-02', lookback_weeks: 1, revision_window: 1 }),
      'check',
    );
    expect(out).toEqual({
      state: {
        as_of: '2026-02-02',
        plans: [{ tier: 'OTC', from: '2026-01-02', latest_due: '2026-01-02', planned: 1, skipped_captured: 0 }],
        children: [],
      },
      metrics: { weeks_checked: 1, changed: 0, unavailable: 0, requests: 1 },
    });
    expect(checks().ofExecution(EXEC).map(brief)).toEqual(['OTC 2026-01-02 unchanged unchanged']);

    db.prepare(`UPDATE core_captures SET source_last_update_date = '2020-01-01' WHERE capture_id = 'same'`).run();
    const restamped = await syncCheckStage(
      ctx({ tier: 'OTC', as_of: '2026-02-02', lookback_weeks: 1, revision_window: 1 }, {}, 'again'),
      'check',
    );
    expect(checks().ofExecution('again').map(brief)).toEqual(['OTC 2026-01-02 changed source_date_changed']);
    expect(restamped.children?.map((c) => c.params)).toEqual([
      { source: 'api', tier: 'OTC', week_ending: '2026-01-02', force: true, expect_latest_capture: 'same' },
    ]);
  });

  it('an absent week is recorded absent: not published (never captured) or no longer served (captured)', async () => {
    published('had-it', 'OTC', '2026-01-02', 'h', '2026-01-30');
    fake.api.withhold('OTC', '2026-01-02');
    fake.api.withhold('OTC', '2025-12-26');
    const out = await syncCheckStage(
      ctx({ tier: 'OTC', as_of: '2026-02-02', lookback_weeks: 2, revision_window: 1 }),
      'check',
    );
    expect(checks().ofExecution(EXEC).map(brief).sort()).toEqual([
      'OTC 2025-12-26 absent not_published',
      'OTC 2026-01-02 absent no_longer_served',
    ]);
    expect(out.children).toBeUndefined();
    expect(out.metrics).toEqual({ weeks_checked: 2, changed: 0, unavailable: 0, requests: 2 });
  });

  it('check goes on without a week the API is down for; recheck asks only for it and fails SOURCE_UNAVAILABLE while it stays down', async () => {
    const restore = setEnv({ SPINE_FINRA_MAX_ATTEMPTS: '2' });
    try {
      fake.api.outage({ status: 503, requests: 1_000_000, weeks: ['2026-01-02'] });
      const params = { tier: 'OTC', as_of: '2026-02-02', lookback_weeks: 2, revision_window: 0, concurrency: 2 };
      const first = await syncCheckStage(ctx(params), 'check');
      expect(first.metrics).toEqual({ weeks_checked: 2, changed: 1, unavailable: 1, requests: 3 });
      expect(first.children?.map((c) => c.label)).toEqual(['OTC:2025-12-26']);
      // The unavailable week is not recorded: it stays undecided.
      expect(checks().ofExecution(EXEC).map(brief)).toEqual(['OTC 2025-12-26 changed new_week']);

      const weekRun: ChildOutcome = {
        label: 'OTC:2025-12-26',
        executionId: 'week-1226',
        status: 'completed',
        result: { capture_id: 'cap-1226' },
      };
      const e = await rejected(syncCheckStage(ctx(params, { children: [weekRun] as never }), 'recheck'));
      expect(e).toBeInstanceOf(SpineError);
      expect(e.code).toBe('SOURCE_UNAVAILABLE');
      expect(e.message).toContain('the FINRA API stayed unavailable for 1 week(s) (OTC:2026-01-02); last: ');
      expect(e.details).toMatchObject({ weeks: ['OTC:2026-01-02'], requests: 2 });
      // The recheck settled the first round's week run before asking again.
      expect(checks().ofExecution(EXEC).map(brief)).toEqual(['OTC 2025-12-26 published new_week']);

      fake.api.clearOutages();
      const again = await syncCheckStage(ctx(params, { children: [] }), 'recheck');
      expect(again).toEqual({
        state: { children: [] },
        metrics: { weeks_checked: 1, changed: 1, unavailable: 0, requests: 1 },
        children: [
          {
            pipeline: WEEK,
            label: 'OTC:2026-01-02',
            params: { source: 'api', tier: 'OTC', week_ending: '2026-01-02', expect_latest_capture: 'none' },
          },
        ],
      });
      // Nothing is left to ask: a further recheck asks nothing and fans out nothing new.
      const settled: ChildOutcome = {
        label: 'OTC:2026-01-02',
        executionId: 'week-0102',
        status: 'completed',
        result: { capture_id: 'cap-0102' },
      };
      const idle = await syncCheckStage(ctx(params, { children: [settled] as never }), 'recheck');
      expect(idle).toEqual({
        state: { children: [] },
        metrics: { weeks_checked: 0, changed: 0, unavailable: 0, requests: 0 },
      });
    } finally {
      restore();
    }
  });

  it('skips a tier without an enabled schedule', async () => {
    db.prepare(`UPDATE core_expected_schedules SET enabled = 0 WHERE tier <> 'OTC'`).run();
    const logs = captureLogs();
    const out = await syncCheckStage(
      ctx({ as_of: '2026-02-02', lookback_weeks: 1, revision_window: 0 }, {}, EXEC, logs.log),
      'check',
    );
    expect(logs.byEvent('sync.tier_disabled').map((l) => [l['level'], l['tier'], l['reason']])).toEqual([
      ['warn', 'NMS_TIER_1', 'no enabled row in core_expected_schedules'],
      ['warn', 'NMS_TIER_2', 'no enabled row in core_expected_schedules'],
    ]);
    expect(logs.one('sync.plan')).toMatchObject({
      as_of: '2026-02-02',
      weeks: 1,
      already_decided: 0,
      tiers: 'OTC 2026-01-02..2026-01-02',
    });
    expect((out.state?.['plans'] as { tier: string }[]).map((p) => p.tier)).toEqual(['OTC']);
    expect(out.metrics).toEqual({ weeks_checked: 1, changed: 1, unavailable: 0, requests: 1 });
  });
});

/** Records `changed` checks for the execution, as the check stage would have. */
function changed(execution: string, weeks: readonly [string, string, string | null][]): void {
  for (const [tier, week, latest] of weeks) {
    checks().record(
      {
        weekEnding: week,
        tier,
        source: 'api',
        outcome: 'changed',
        reason: latest === null ? 'new_week' : 'content_changed',
        contentHash: `hash-${tier}-${week}`,
        sourceLastUpdateDate: '2026-01-30',
        rows: 40,
        requests: 2,
        latestCaptureId: latest,
      },
      new Date(NOW),
      execution,
      `batch-${execution}`,
    );
  }
}

describe('settleChanged and the report stage', () => {
  it('settles each changed check with its week run: published, published by another run, failed, or not yet', () => {
    changed(EXEC, [
      ['OTC', '2026-01-02', null],
      ['OTC', '2025-12-26', 'prev-1226'],
      ['NMS_TIER_2', '2026-01-02', null],
      ['NMS_TIER_2', '2025-12-26', null],
      ['NMS_TIER_1', '2026-01-16', null],
    ]);
    // Another execution's check of the same week is left alone.
    changed('other-exec', [['OTC', '2026-01-02', null]]);
    const children: ChildOutcome[] = [
      { label: 'OTC:2026-01-02', executionId: 'w1', status: 'completed', result: { capture_id: 'cap-1' } },
      {
        label: 'OTC:2025-12-26',
        executionId: 'w2',
        status: 'completed',
        result: { capture_id: 'cap-theirs', skipped: true },
      },
      { label: 'NMS_TIER_2:2026-01-02', executionId: 'w3', status: 'failed', error: 'QUALITY_FAILED: too few rows' },
      { label: 'NMS_TIER_2:2025-12-26', executionId: 'w4', status: 'cancelled' },
    ];
    settleChanged(checks(), EXEC, { children: children as never });

    const rows = checks().ofExecution(EXEC);
    expect(
      rows.map((c) => [c.tier, c.week_ending, c.outcome, c.reason, c.capture_id, c.error_code, c.error_message]),
    ).toEqual([
      ['OTC', '2026-01-02', 'published', 'new_week', 'cap-1', null, null],
      ['OTC', '2025-12-26', 'unchanged', 'published_by_another_run', 'cap-theirs', null, null],
      ['NMS_TIER_2', '2026-01-02', 'failed', 'new_week', null, 'WEEK_RUN_FAILED', 'w3: QUALITY_FAILED: too few rows'],
      ['NMS_TIER_2', '2025-12-26', 'failed', 'new_week', null, 'WEEK_RUN_FAILED', 'w4: cancelled'],
      // No outcome for it (yet): still changed.
      ['NMS_TIER_1', '2026-01-16', 'changed', 'new_week', null, null, null],
    ]);
    expect(checks().ofExecution('other-exec').map(brief)).toEqual(['OTC 2026-01-02 changed new_week']);
    // The check's own facts stay.
    expect(rows[0]).toMatchObject({
      content_hash: 'hash-OTC-2026-01-02',
      source_last_update_date: '2026-01-30',
      rows: 40,
      requests: 2,
      latest_capture_id: null,
    });
    expect(rows[1]).toMatchObject({ latest_capture_id: 'prev-1226' });
  });

  it('only a changed check is settled, and a completed run without a capture id publishes none', () => {
    checks().record(
      { weekEnding: '2026-01-02', tier: 'OTC', source: 'api', outcome: 'unchanged', reason: 'unchanged', requests: 1 },
      new Date(NOW),
      EXEC,
      'b',
    );
    changed(EXEC, [['OTC', '2025-12-26', null]]);
    settleChanged(checks(), EXEC, {
      children: [
        { label: 'OTC:2026-01-02', executionId: 'w1', status: 'completed', result: { capture_id: 'cap-x' } },
        { label: 'OTC:2025-12-26', executionId: 'w2', status: 'completed', result: { capture_id: 7 } },
      ] as never,
    });
    expect(
      checks()
        .ofExecution(EXEC)
        .map((c) => [c.outcome, c.reason, c.capture_id]),
    ).toEqual([
      ['unchanged', 'unchanged', null],
      ['published', 'new_week', null],
    ]);
    // Without children in the state nothing changes.
    changed('e2', [['OTC', '2026-01-02', null]]);
    settleChanged(checks(), 'e2', {});
    expect(checks().ofExecution('e2').map(brief)).toEqual(['OTC 2026-01-02 changed new_week']);
  });

  it('report: the per-week result by tier then week, and the counts', async () => {
    changed(EXEC, [
      ['OTC', '2026-01-02', null],
      ['NMS_TIER_1', '2026-01-16', 'prev'],
    ]);
    checks().record(
      { weekEnding: '2025-12-26', tier: 'OTC', source: 'api', outcome: 'absent', reason: 'not_published', requests: 1 },
      new Date(NOW),
      EXEC,
      'b',
    );
    checks().record(
      {
        weekEnding: '2025-12-19',
        tier: 'OTC',
        source: 'api',
        outcome: 'unchanged',
        reason: 'unchanged',
        contentHash: 'h',
        sourceLastUpdateDate: '2025-12-22',
        rows: 0,
        requests: 3,
        latestCaptureId: 'cap-1219',
      },
      new Date(NOW),
      EXEC,
      'b',
    );
    const out: StageOutcome = await syncReportStage(
      ctx(
        {},
        {
          children: [
            { label: 'OTC:2026-01-02', executionId: 'w1', status: 'completed', result: { capture_id: 'cap-0102' } },
            {
              label: 'NMS_TIER_1:2026-01-16',
              executionId: 'w2',
              status: 'completed',
              result: { capture_id: 'cap-t1' },
            },
          ] as never,
        },
      ),
    );
    const counts = { checked: 4, published: 2, unchanged: 1, absent: 1, failed: 0, requests: 8 };
    expect(out.metrics).toEqual(counts);
    expect(out.state?.['counts']).toEqual(counts);
    expect(out.state?.['weeks']).toEqual([
      {
        tier: 'NMS_TIER_1',
        week_ending: '2026-01-16',
        outcome: 'published',
        reason: 'content_changed',
        capture_id: 'cap-t1',
        previous_capture_id: 'prev',
        source_last_update_date: '2026-01-30',
        rows: 40,
        requests: 2,
        error_code: null,
        error: null,
      },
      {
        tier: 'OTC',
        week_ending: '2025-12-19',
        outcome: 'unchanged',
        reason: 'unchanged',
        capture_id: null,
        previous_capture_id: 'cap-1219',
        source_last_update_date: '2025-12-22',
        rows: 0,
        requests: 3,
        error_code: null,
        error: null,
      },
      {
        tier: 'OTC',
        week_ending: '2025-12-26',
        outcome: 'absent',
        reason: 'not_published',
        capture_id: null,
        previous_capture_id: null,
        source_last_update_date: null,
        rows: null,
        requests: 1,
        error_code: null,
        error: null,
      },
      {
        tier: 'OTC',
        week_ending: '2026-01-02',
        outcome: 'published',
        reason: 'new_week',
        capture_id: 'cap-0102',
        previous_capture_id: null,
        source_last_update_date: '2026-01-30',
        rows: 40,
        requests: 2,
        error_code: null,
        error: null,
      },
    ]);
    expect(checks().resultOf(EXEC)).toEqual(out.state?.['weeks']);
  });

  it('report: fails CHILDREN_FAILED naming every week that could not be settled, after settling the rest', () => {
    changed(EXEC, [
      ['OTC', '2026-01-02', null],
      ['OTC', '2025-12-26', null],
      ['NMS_TIER_2', '2026-01-02', null],
    ]);
    checks().record(
      {
        weekEnding: '2025-12-19',
        tier: 'OTC',
        source: 'api',
        outcome: 'failed',
        requests: 1,
        errorCode: 'SOURCE_BAD_RESPONSE',
      },
      new Date(NOW),
      EXEC,
      'b',
    );
    const long = `QUALITY_FAILED: ${'x'.repeat(400)}`;
    // The stage throws as it is called (it is not async): the runner records it like a rejection.
    const e = thrown(() =>
      syncReportStage(
        ctx(
          {},
          {
            children: [
              { label: 'OTC:2026-01-02', executionId: 'w1', status: 'failed', error: long },
              { label: 'OTC:2025-12-26', executionId: 'w2', status: 'completed', result: { capture_id: 'cap-1226' } },
              { label: 'NMS_TIER_2:2026-01-02', executionId: 'w3', status: 'failed', error: 'PARSE_FAILED: bad' },
            ] as never,
          },
        ),
      ),
    );
    expect(e).toBeInstanceOf(SpineError);
    expect(e.code).toBe('CHILDREN_FAILED');
    const first = `OTC:2026-01-02: WEEK_RUN_FAILED: w1: ${long}`.slice(0, 300);
    expect(first).toHaveLength(300);
    expect(e.message).toBe(
      `Sync could not settle 3 week(s): ${first}; NMS_TIER_2:2026-01-02: WEEK_RUN_FAILED: w3: PARSE_FAILED: bad; ` +
        'OTC:2025-12-19: SOURCE_BAD_RESPONSE: ',
    );
    expect(e.details).toEqual({
      weeks: ['OTC:2026-01-02', 'NMS_TIER_2:2026-01-02', 'OTC:2025-12-19'],
      counts: { checked: 4, published: 1, unchanged: 0, absent: 0, failed: 3, requests: 7 },
    });
    expect(checks().ofExecution(EXEC).map(brief)).toEqual([
      'OTC 2026-01-02 failed new_week',
      'OTC 2025-12-26 published new_week',
      'NMS_TIER_2 2026-01-02 failed new_week',
      'OTC 2025-12-19 failed -',
    ]);
  });
});

describe('SourceChecks', () => {
  it('records every field of a check, and reads a partition newest first', () => {
    const s = checks();
    s.record(
      {
        weekEnding: '2026-01-02',
        tier: 'OTC',
        source: 'api:OTC',
        outcome: 'failed',
        requests: 5,
        errorCode: 'SOURCE_UNAVAILABLE',
        errorMessage: 'HTTP 503',
      },
      new Date('2026-02-01T00:00:00.000Z'),
      'e1',
      'b1',
    );
    s.record(
      {
        weekEnding: '2026-01-02',
        tier: 'OTC',
        source: 'api:OTC',
        outcome: 'unchanged',
        reason: 'unchanged',
        contentHash: 'abc',
        sourceLastUpdateDate: '2026-01-30',
        rows: 12,
        requests: 1,
        latestCaptureId: 'cap',
      },
      new Date('2026-02-02T00:00:00.000Z'),
      'e2',
      'b2',
    );
    s.record(
      { weekEnding: '2026-01-02', tier: 'NMS_TIER_2', source: 'api', outcome: 'absent', requests: 1 },
      new Date('2026-02-03T00:00:00.000Z'),
      'e3',
      'b3',
    );
    const rows = s.ofWeek('2026-01-02', 'OTC');
    expect(rows.map((r) => r.execution_id)).toEqual(['e2', 'e1']);
    const { id: _a, ...unchanged } = rows[0] as SourceCheck;
    const { id: _b, ...failed } = rows[1] as SourceCheck;
    expect(unchanged).toEqual({
      domain: 'finra.otc_transparency',
      week_ending: '2026-01-02',
      tier: 'OTC',
      source: 'api:OTC',
      checked_at: '2026-02-02T00:00:00.000Z',
      outcome: 'unchanged',
      reason: 'unchanged',
      content_hash: 'abc',
      source_last_update_date: '2026-01-30',
      rows: 12,
      requests: 1,
      latest_capture_id: 'cap',
      capture_id: null,
      error_code: null,
      error_message: null,
      execution_id: 'e2',
      batch_id: 'b2',
    });
    expect(failed).toMatchObject({
      outcome: 'failed',
      reason: null,
      content_hash: null,
      source_last_update_date: null,
      rows: null,
      requests: 5,
      latest_capture_id: null,
      error_code: 'SOURCE_UNAVAILABLE',
      error_message: 'HTTP 503',
    });
    expect(toSyncWeekRow(rows[1] as SourceCheck)).toEqual({
      tier: 'OTC',
      week_ending: '2026-01-02',
      outcome: 'failed',
      reason: null,
      capture_id: null,
      previous_capture_id: null,
      source_last_update_date: null,
      rows: null,
      requests: 5,
      error_code: 'SOURCE_UNAVAILABLE',
      error: 'HTTP 503',
    });
    expect(s.ofWeek('2026-01-02', 'NMS_TIER_2').map((r) => r.execution_id)).toEqual(['e3']);
    expect(s.ofWeek('2026-01-09', 'OTC')).toEqual([]);
  });

  it('settle keeps the reason unless given one, and clears or sets the capture and error', () => {
    const s = checks();
    s.record(
      { weekEnding: '2026-01-02', tier: 'OTC', source: 'api', outcome: 'changed', reason: 'new_week', requests: 1 },
      new Date(NOW),
      EXEC,
      'b',
    );
    const id = (s.ofExecution(EXEC)[0] as SourceCheck).id;
    s.settle(id, 'failed', { errorCode: 'WEEK_RUN_FAILED', errorMessage: 'w: boom' });
    expect(s.ofExecution(EXEC).map((c) => [c.outcome, c.reason, c.capture_id, c.error_code, c.error_message])).toEqual([
      ['failed', 'new_week', null, 'WEEK_RUN_FAILED', 'w: boom'],
    ]);
    s.settle(id, 'unchanged', { captureId: 'theirs', reason: 'published_by_another_run' });
    expect(s.ofExecution(EXEC).map((c) => [c.outcome, c.reason, c.capture_id, c.error_code, c.error_message])).toEqual([
      ['unchanged', 'published_by_another_run', 'theirs', null, null],
    ]);
    s.settle(id, 'published', {});
    expect(s.ofExecution(EXEC).map((c) => [c.outcome, c.reason, c.capture_id])).toEqual([
      ['published', 'published_by_another_run', null],
    ]);
    expect(thrown(() => s.settle(id, 'bogus' as 'published', {})).message).toMatch(/CHECK constraint/);
  });
});
