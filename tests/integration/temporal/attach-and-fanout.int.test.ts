import { describe, expect, it } from 'vitest';
import type { JsonObject, StageOutcome } from '../../../src/contracts/execution.js';
import type { ExecutionRecord, ExecutionRow } from '../../../src/core/execution/execution-store.js';
import { toExecutionRecord } from '../../../src/core/execution/execution-store.js';
import type { PipelineDefinition } from '../../../src/core/pipeline/types.js';
import { eventsOf } from '../../helpers/temporal-parity.js';
import { openTestStack, useTestTemporal, waitFor } from '../../helpers/temporal-env.js';
import { testRegistry } from '../../helpers/test-pipelines.js';

/**
 * Holds its one stage open until a second submission of the same week has attached to this run (its row
 * is `cancelled` with `attached_to`), so the attach always happens while the workflow runs.
 */
const slowWeek: PipelineDefinition = {
  name: 'test.slow_week',
  description: 'Waits for a second submission of its week to attach',
  domain: 'test',
  params: [{ name: 'week_ending', type: 'date', description: 'Week ending', required: true }],
  logicalKey: (params) => `week:${String(params['week_ending'])}`,
  stages: [
    {
      name: 'hold',
      description: 'Waits for the attached submission',
      async run(ctx): Promise<StageOutcome> {
        await waitFor(
          () =>
            ctx.db
              .prepare(
                `SELECT 1 FROM core_executions WHERE pipeline = 'test.slow_week' AND status = 'cancelled'
                   AND json_extract(result, '$.attached_to') = ?`,
              )
              .get(ctx.execution.executionId) !== undefined,
          'the second submission to attach',
          30_000,
        );
        return { state: { held: String(ctx.params['week_ending']) } };
      },
    },
  ],
};

describe('workflow ids and fan-out on Temporal', () => {
  const temporal = useTestTemporal();

  it('two concurrent submissions of the same week attach to one run', async () => {
    const stack = openTestStack(temporal(), { name: 'attach', registry: testRegistry().register(slowWeek) });
    const worker = await stack.startWorker();
    try {
      const submit = (): Promise<ExecutionRecord> =>
        stack.client.dispatcher.submit(
          'test.slow_week',
          { week_ending: '2025-12-12' },
          { lane: 'background', wait: true },
        ) as Promise<ExecutionRecord>;
      const [a, b] = await Promise.all([submit(), submit()]);
      expect(a.id).toBe(b.id);
      expect(a).toMatchObject({
        status: 'completed',
        result: { held: '2025-12-12' },
        workflowId: 'spine:test.slow_week:week:2025-12-12',
      });

      const rows = (
        stack.client.db
          .prepare("SELECT * FROM core_executions WHERE pipeline = 'test.slow_week'")
          .all() as ExecutionRow[]
      ).map(toExecutionRecord);
      expect(rows).toHaveLength(2);
      const attached = rows.find((r) => r.id !== a.id) as ExecutionRecord;
      // The claim in SQLite attaches the second submission before it reaches Temporal.
      expect(attached).toMatchObject({ status: 'cancelled', result: { attached_to: a.id }, workflowId: null });
      expect(eventsOf(stack.client.db, attached.id).map((e) => e.event_type)).toEqual(['submitted', 'cancelled']);
      const started = stack.client.db
        .prepare("SELECT COUNT(*) AS n FROM core_execution_events WHERE event_type = 'stage_started'")
        .get() as { n: number };
      expect(started.n).toBe(1);
    } finally {
      await worker.stop();
      stack.cleanup();
    }
  });

  it('runs fan-out children as child workflows on the parent batch, reporting the ones that could not start', async () => {
    const stack = openTestStack(temporal(), { name: 'fanout', registry: testRegistry() });
    const worker = await stack.startWorker();
    try {
      const weeks = '2025-12-05,2025-12-12,not-a-date';
      const sync = (await stack.client.dispatcher.submit('test.fanout', { weeks })) as ExecutionRecord;
      const run = (await stack.client.dispatcher.submit(
        'test.fanout',
        { weeks },
        { lane: 'background', wait: true },
      )) as ExecutionRecord;
      expect(run).toMatchObject({
        status: 'completed',
        result: { planned: 3, child_count: 3, completed_children: ['2025-12-05', '2025-12-12'] },
      });
      expect(run.result?.['completed_children']).toEqual(sync.result?.['completed_children']);
      expect(sync.status).toBe('completed');

      const children = (
        stack.client.db
          .prepare('SELECT * FROM core_executions WHERE parent_execution_id = ? ORDER BY created_at')
          .all(run.id) as ExecutionRow[]
      ).map(toExecutionRecord);
      expect(children).toHaveLength(2);
      for (const child of children) {
        expect(child).toMatchObject({
          pipeline: 'test.echo',
          status: 'completed',
          backend: 'temporal',
          batchId: run.batchId,
          workflowId: `spine:test.echo:${child.id}`,
        });
        const desc = await temporal()
          .client.workflow.getHandle(child.workflowId as string)
          .describe();
        expect(desc.parentExecution?.workflowId).toBe(run.workflowId);
      }
      const shape = (e: ExecutionRecord): unknown[] =>
        ((e.result?.['children'] ?? []) as JsonObject[]).map((c) => [
          c['label'],
          c['status'],
          c['error'] ?? null,
          c['result'] ?? null,
        ]);
      expect(shape(run)).toEqual([
        ['2025-12-05', 'completed', null, { prepared: 1, processed: 2 }],
        ['2025-12-12', 'completed', null, { prepared: 1, processed: 2 }],
        ['not-a-date', 'failed', "Invalid parameter 'week_ending': expected a date YYYY-MM-DD, got 'not-a-date'", null],
      ]);
      expect(((run.result?.['children'] ?? []) as JsonObject[]).map((c) => c['executionId'])).toEqual([
        ...children.map((c) => c.id),
        '',
      ]);
    } finally {
      await worker.stop();
      stack.cleanup();
    }
  });
});
