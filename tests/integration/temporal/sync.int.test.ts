/**
 * `finra.otc_transparency.sync` on Temporal against the fake FINRA Query API: the per-tier schedules
 * `spine schedules ensure` creates (their policies, and a triggered one running a sync), and the same
 * scenario on the sync backend and on Temporal giving the same captures (compared by content).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Spine } from '../../../src/app/spine.js';
import { fixedClock } from '../../../src/core/clock.js';
import { toExecutionRecord } from '../../../src/core/execution/execution-store.js';
import type { ExecutionRecord, ExecutionRow } from '../../../src/core/execution/execution-store.js';
import { startFakeFinra } from '../../helpers/fake-finra.js';
import type { RunningFake } from '../../helpers/fake-finra.js';
import { runSpine } from '../../helpers/temporal-cli.js';
import { openTestStack, useTestTemporal, waitFor } from '../../helpers/temporal-env.js';
import { openTempSpine } from '../../helpers/tmp-db.js';

const SYNC = 'finra.otc_transparency.sync';

/** What a capture is, without its ids and clocks: enough to say two databases hold the same data. */
function captureContent(spine: Spine): unknown[] {
  return spine.db
    .prepare(
      `SELECT tier, week_ending, status, content_hash, source_last_update_date, row_counts, quality_status
       FROM core_captures ORDER BY tier, week_ending, captured_at`,
    )
    .all();
}

function checkOutcomes(spine: Spine): unknown[] {
  return spine.db
    .prepare(
      `SELECT c.tier, c.week_ending, c.outcome, c.reason, c.content_hash FROM core_source_checks c
       JOIN core_executions e ON e.id = c.execution_id ORDER BY e.created_at, c.tier, c.week_ending`,
    )
    .all();
}

/** The Friday on or before `d` (UTC), `n` weeks back. */
function fridayWeeksBefore(d: Date, n: number): string {
  const day = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 2) % 7) - 7 * n);
  return day.toISOString().slice(0, 10);
}

describe('spine sync on Temporal', () => {
  const temporal = useTestTemporal();
  let fake: RunningFake;

  beforeAll(async () => {
    fake = await startFakeFinra({ rowsPerWeek: 40, env: { SPINE_FINRA_RETRY_BASE_MS: '5' } });
  });
  afterAll(async () => {
    await fake.stop();
  });

  it('schedules ensure creates one sync schedule per tier (daily, jittered, SKIP, not paused on failure); a trigger syncs from the API', async () => {
    fake.api.setNow(new Date());
    const stack = openTestStack(temporal(), { name: 'sync-schedules' });
    const worker = await stack.startWorker();
    const prefix = `s${randomUUID().slice(0, 8)}`;
    const cli = (args: string[]) =>
      runSpine([...args, '--json'], {
        dbPath: stack.dbPath,
        devDir: stack.dir.join('.data'),
        env: {
          SPINE_TEMPORAL_ADDRESS: temporal().address,
          SPINE_TASK_QUEUE: stack.taskQueue,
          SPINE_SCHEDULE_PREFIX: prefix,
          SPINE_SYNC_LOOKBACK_WEEKS: '2',
        },
      });
    const ids = ['sync-tier1', 'sync-tier2', 'sync-otc'].map((t) => `${prefix}-${t}`);
    try {
      expect((await cli(['schedules', 'ensure'])).code).toBe(0);
      const described = await Promise.all(ids.map((id) => temporal().client.schedule.getHandle(id).describe()));
      expect(
        described.map((d) => ({
          args: d.action.type === 'startWorkflow' ? d.action.args : null,
          jitterMs: d.spec.jitter,
          overlap: d.policies.overlap,
          catchupWindowMs: d.policies.catchupWindow,
          pauseOnFailure: d.policies.pauseOnFailure,
          paused: d.state.paused,
        })),
      ).toEqual(
        [
          ['NMS_TIER_1', 'sync-tier1'],
          ['NMS_TIER_2', 'sync-tier2'],
          ['OTC', 'sync-otc'],
        ].map(([tier, id]) => ({
          args: [{ scheduleId: `${prefix}-${id}`, pipeline: SYNC, params: { tier, lookback_weeks: 2 } }],
          jitterMs: 15 * 60 * 1000,
          overlap: 'SKIP',
          catchupWindowMs: 24 * 60 * 60 * 1000,
          pauseOnFailure: false,
          paused: false,
        })),
      );
      const listed = (await cli(['schedules', 'list'])).json<{ schedules: { scheduleId: string; cron: string }[] }>();
      expect(listed.schedules.map((s) => [s.scheduleId, s.cron])).toEqual([
        [`${prefix}-captures-gc`, '0 3 * * 0'],
        [ids[0], '0 6 * * *'],
        [ids[1], '20 6 * * *'],
        [ids[2], '40 6 * * *'],
      ]);

      expect((await cli(['schedules', 'trigger', ids[2] as string])).code).toBe(0);
      const run = await waitFor(() => {
        const row = stack.client.db
          .prepare(`SELECT * FROM core_executions WHERE pipeline = ? AND status IN ('completed', 'failed')`)
          .get(SYNC) as ExecutionRow | undefined;
        return row ? toExecutionRecord(row) : undefined;
      }, 'the scheduled OTC sync');
      expect(run).toMatchObject({ status: 'completed', triggerSource: 'scheduler', backend: 'temporal' });
      // The two newest OTC weeks due today (OTC is due four weeks after the week ends).
      const today = new Date();
      const expected = [fridayWeeksBefore(today, 5), fridayWeeksBefore(today, 4)];
      const caps = stack.client.db
        .prepare(
          `SELECT week_ending, tier, status, json_extract(row_counts, '$.finra_otc_transparency_raw') AS raw FROM core_captures ORDER BY week_ending`,
        )
        .all();
      expect(caps).toEqual(expected.map((w) => ({ week_ending: w, tier: 'OTC', status: 'published', raw: 40 })));
    } finally {
      await cli(['schedules', 'delete']);
      for (const id of ids) await cli(['schedules', 'delete', id]);
      await worker.stop();
      stack.cleanup();
    }
  }, 240_000);

  it('the same scenario on the sync backend and on Temporal gives the same captures', async () => {
    fake.api.setNow('2026-02-02T06:00:00.000Z');
    const local = openTempSpine({ clock: fixedClock('2026-02-02T06:00:00.000Z', 1) });
    const stack = openTestStack(temporal(), { name: 'sync-parity' });
    const worker = await stack.startWorker();
    const params = { tier: 'otc', as_of: '2026-02-02', lookback_weeks: 3 };
    const both = async (): Promise<ExecutionRecord[]> => [
      (await local.spine.dispatcher.submit(SYNC, params)) as ExecutionRecord,
      (await stack.client.dispatcher.submit(SYNC, params, { lane: 'background', wait: true })) as ExecutionRecord,
    ];
    try {
      const first = await both();
      expect(first.map((e) => [e.backend, e.status])).toEqual([
        ['sync', 'completed'],
        ['temporal', 'completed'],
      ]);
      fake.api.revise('OTC', '2025-12-26', '2026-02-02');
      fake.api.withhold('OTC', '2026-01-02');
      const second = await both();
      expect(second.map((e) => e.status)).toEqual(['completed', 'completed']);

      expect(captureContent(stack.client)).toEqual(captureContent(local.spine));
      expect(checkOutcomes(stack.client)).toEqual(checkOutcomes(local.spine));
      expect(
        (checkOutcomes(local.spine) as { outcome: string; week_ending: string }[]).map(
          (c) => `${c.week_ending} ${c.outcome}`,
        ),
      ).toEqual([
        '2025-12-19 published',
        '2025-12-26 published',
        '2026-01-02 published',
        '2025-12-19 unchanged',
        '2025-12-26 published',
        '2026-01-02 absent',
      ]);
      // Three weeks, the revision of 2025-12-26, and the recompute capture of 2026-01-02 it triggered.
      expect(captureContent(local.spine)).toHaveLength(5);
    } finally {
      await worker.stop();
      stack.cleanup();
      local.cleanup();
    }
  }, 240_000);
});
