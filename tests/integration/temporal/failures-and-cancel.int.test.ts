/**
 * Background runs that do not complete, on the suite's real Temporal dev server with an in-process worker
 * and a real SQLite file: a non-retryable failure fails at once (one attempt, no retry, no dead letter),
 * and cancelling the workflow of a running execution records it as `cancelled`.
 */
import { setTimeout as pause } from 'node:timers/promises';
import { WorkflowFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { StageOutcome } from '../../../src/contracts/execution.js';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import { logStep } from '../../../src/core/logging/span.js';
import type { PipelineDefinition } from '../../../src/core/pipeline/types.js';
import { eventsOf } from '../../helpers/temporal-parity.js';
import { openTestStack, useTestTemporal, waitFor } from '../../helpers/temporal-env.js';
import { testRegistry } from '../../helpers/test-pipelines.js';

/**
 * Runs until it is cancelled: one log step (a progress event and a heartbeat, where a cancellation is
 * noticed) every 100 ms. The pause paces the workload; no test waits on it.
 */
const holdPipeline: PipelineDefinition = {
  name: 'test.hold',
  description: 'Reports a step every 100 ms until cancelled',
  domain: 'test',
  params: [],
  stages: [
    {
      name: 'hold',
      description: 'Ticks until cancelled',
      async run(ctx): Promise<StageOutcome> {
        for (let tick = 1; tick <= 1_200; tick++) {
          await logStep(ctx.log, 'hold.tick', (span) => span.addMetrics({ rows_in: tick }));
          await ctx.yieldControl();
          await pause(100);
        }
        throw new Error('test.hold was never cancelled');
      },
    },
  ],
};

const statusOf = (db: Parameters<typeof eventsOf>[0], id: string): string =>
  (db.prepare('SELECT status FROM core_executions WHERE id = ?').get(id) as { status: string }).status;

describe('failures and cancellation on Temporal', () => {
  const temporal = useTestTemporal();

  it('fails a non-retryable error after one attempt, without retrying events or a dead letter', async () => {
    const stack = openTestStack(temporal(), { name: 'nonretry', registry: testRegistry() });
    const worker = await stack.startWorker();
    try {
      const run = (await stack.client.dispatcher.submit(
        'test.bad_input',
        {},
        { lane: 'background', wait: true },
      )) as ExecutionRecord;

      expect(run).toMatchObject({
        status: 'failed',
        backend: 'temporal',
        attempts: 1,
        errorCode: 'SOURCE_ERROR',
        errorStage: 'parse',
        errorMessage: 'input.csv line 7: BAD_ROW: unparseable row',
      });
      expect(eventsOf(stack.client.db, run.id).map((e) => [e.event_type, e.stage, e.attempt])).toEqual([
        ['submitted', null, 1],
        ['started', null, 1],
        ['stage_started', 'parse', 1],
        ['failed', 'parse', 1],
      ]);
      expect(stack.client.deadLetters.list('open')).toEqual([]);
      const handle = temporal().client.workflow.getHandle(run.workflowId as string);
      await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
      expect((await handle.describe()).status.name).toBe('FAILED');
    } finally {
      await worker.stop();
      stack.cleanup();
    }
  });

  it('records a running execution whose workflow is cancelled as cancelled', async () => {
    const stack = openTestStack(temporal(), { name: 'cancel', registry: testRegistry().register(holdPipeline) });
    const worker = await stack.startWorker();
    try {
      const started = (await stack.client.dispatcher.submit(
        'test.hold',
        {},
        { lane: 'background' },
      )) as ExecutionRecord;
      await waitFor(
        () => eventsOf(stack.client.db, started.id, 'progress').length > 0,
        'the hold stage to report progress',
      );
      expect(statusOf(stack.client.db, started.id)).toBe('running');

      const handle = temporal().client.workflow.getHandle(started.workflowId as string);
      await handle.cancel();

      await waitFor(() => statusOf(stack.client.db, started.id) === 'cancelled', 'the execution to be cancelled');
      const row = stack.client.store.get(started.id);
      expect(row).toMatchObject({ status: 'cancelled', errorCode: 'CANCELLED' });
      // The activity may still report a step or two before it notices the cancellation at its next heartbeat.
      const types = eventsOf(stack.client.db, started.id).map((e) => e.event_type);
      expect(types.filter((t) => t === 'cancelled')).toEqual(['cancelled']);
      expect(types).not.toContain('failed');
      expect(types).not.toContain('completed');
      expect(stack.client.deadLetters.list('open')).toEqual([]);
      await waitFor(async () => (await handle.describe()).status.name === 'CANCELLED', 'the workflow to close');
    } finally {
      await worker.stop();
      stack.cleanup();
    }
  });
});
