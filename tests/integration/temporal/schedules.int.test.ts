import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EnsureResult, ScheduleStatus } from '../../../src/backends/temporal/schedules.js';
import type { ExecutionRow } from '../../../src/core/execution/execution-store.js';
import { toExecutionRecord } from '../../../src/core/execution/execution-store.js';
import { runSpine } from '../../helpers/temporal-cli.js';
import { openTestStack, useTestTemporal, waitFor } from '../../helpers/temporal-env.js';

describe('spine schedules', () => {
  const temporal = useTestTemporal();

  it('ensure is idempotent, applies changes keeping the paused state, and a triggered run records a scheduler execution', async () => {
    const stack = openTestStack(temporal(), { name: 'schedules' });
    const worker = await stack.startWorker();
    const prefix = `t${randomUUID().slice(0, 8)}`;
    const scheduleId = `${prefix}-captures-gc`;
    const syncIds = ['sync-tier1', 'sync-tier2', 'sync-otc'].map((t) => `${prefix}-${t}`);
    const all = (outcome: string, gc = outcome) => [
      { scheduleId, outcome: gc },
      ...syncIds.map((id) => ({ scheduleId: id, outcome })),
    ];
    const cli = (args: string[], env: Record<string, string> = {}) =>
      runSpine([...args, '--json'], {
        dbPath: stack.dbPath,
        devDir: stack.dir.join('.data'),
        env: {
          SPINE_TEMPORAL_ADDRESS: temporal().address,
          SPINE_TASK_QUEUE: stack.taskQueue,
          SPINE_SCHEDULE_PREFIX: prefix,
          ...env,
        },
      });
    const ensure = async (env: Record<string, string> = {}): Promise<EnsureResult[]> =>
      (await cli(['schedules', 'ensure'], env)).json<{ schedules: EnsureResult[] }>().schedules;
    const list = async (): Promise<ScheduleStatus> =>
      (await cli(['schedules', 'list'])).json<{ schedules: ScheduleStatus[] }>().schedules[0] as ScheduleStatus;
    try {
      expect(await ensure()).toEqual(all('created'));
      expect(await ensure()).toEqual(all('unchanged'));
      expect(await list()).toMatchObject({
        scheduleId,
        exists: true,
        paused: false,
        upToDate: true,
        pipeline: 'captures.gc',
        cron: '0 3 * * 0',
      });
      expect((await list()).nextRuns[0]).toMatch(/T03:00:00\.000Z$/);

      expect((await cli(['schedules', 'pause', '--note', 'maintenance'])).code).toBe(0);
      expect(await ensure({ SPINE_GC_KEEP: '5' })).toEqual(all('unchanged', 'updated'));
      expect(await list()).toMatchObject({ paused: true, note: 'maintenance', upToDate: false });
      expect(await ensure({ SPINE_GC_KEEP: '5' })).toEqual(all('unchanged'));
      expect((await cli(['schedules', 'unpause'])).code).toBe(0);

      expect((await cli(['schedules', 'trigger'])).code).toBe(0);
      const run = await waitFor(() => {
        const row = stack.client.db
          .prepare("SELECT * FROM core_executions WHERE pipeline = 'captures.gc' AND status = 'completed'")
          .get() as ExecutionRow | undefined;
        return row ? toExecutionRecord(row) : undefined;
      }, 'the scheduled captures.gc run');
      expect(run).toMatchObject({ triggerSource: 'scheduler', backend: 'temporal', lane: 'background' });
      expect(run.params['keep']).toBe(5);
      expect(run.workflowId).toMatch(new RegExp(`^${scheduleId}-workflow-.+/run$`));

      expect((await cli(['schedules', 'delete'])).code).toBe(0);
      expect(await list()).toMatchObject({ exists: false });
      const missing = await cli(['schedules', 'pause']);
      expect(missing.code).toBe(2);
    } finally {
      await cli(['schedules', 'delete']);
      for (const id of syncIds) await cli(['schedules', 'delete', id]);
      await worker.stop();
      stack.cleanup();
    }
  }, 180_000);

  it('unpause takes effect: a schedule paused before it could fire runs by itself once unpaused', async () => {
    const stack = openTestStack(temporal(), { name: 'unpause' });
    const worker = await stack.startWorker();
    const prefix = `u${randomUUID().slice(0, 8)}`;
    const cli = (args: string[], env: Record<string, string> = {}) =>
      runSpine([...args, '--json'], {
        dbPath: stack.dbPath,
        devDir: stack.dir.join('.data'),
        env: {
          SPINE_TEMPORAL_ADDRESS: temporal().address,
          SPINE_TASK_QUEUE: stack.taskQueue,
          SPINE_SCHEDULE_PREFIX: prefix,
          ...env,
        },
      });
    const list = async (): Promise<ScheduleStatus> =>
      (await cli(['schedules', 'list'])).json<{ schedules: ScheduleStatus[] }>().schedules[0] as ScheduleStatus;
    const scheduledRuns = (): number =>
      (
        stack.client.db
          .prepare(
            `SELECT COUNT(*) AS n FROM core_executions
             WHERE pipeline = 'captures.gc' AND trigger_source = 'scheduler' AND status = 'completed'`,
          )
          .get() as { n: number }
      ).n;
    try {
      // Created for Sunday 03:00, paused, then switched to every 2 s: while paused it must not fire.
      expect((await cli(['schedules', 'ensure'])).code).toBe(0);
      expect((await cli(['schedules', 'pause', '--note', 'until the test says so'])).code).toBe(0);
      const changed = await cli(['schedules', 'ensure'], { SPINE_GC_CRON: '@every 2s' });
      expect(changed.json<{ schedules: EnsureResult[] }>().schedules).toEqual([
        { scheduleId: `${prefix}-captures-gc`, outcome: 'updated' },
        ...['sync-tier1', 'sync-tier2', 'sync-otc'].map((t) => ({
          scheduleId: `${prefix}-${t}`,
          outcome: 'unchanged',
        })),
      ]);
      const handle = temporal().client.schedule.getHandle(`${prefix}-captures-gc`);
      expect((await handle.describe()).state.paused).toBe(true);
      expect((await handle.describe()).state.note).toBe('until the test says so');

      expect((await cli(['schedules', 'unpause'])).code).toBe(0);

      expect((await handle.describe()).state.paused).toBe(false);
      expect(await list()).toMatchObject({ paused: false });
      // No trigger: the schedule's own spec starts the run, which the worker records like any other.
      await waitFor(() => scheduledRuns() > 0, 'a scheduled captures.gc run after unpause');
      expect((await handle.describe()).info.recentActions.length).toBeGreaterThan(0);
    } finally {
      await cli(['schedules', 'delete']);
      for (const t of ['sync-tier1', 'sync-tier2', 'sync-otc']) await cli(['schedules', 'delete', `${prefix}-${t}`]);
      await worker.stop();
      stack.cleanup();
    }
  }, 180_000);
});
