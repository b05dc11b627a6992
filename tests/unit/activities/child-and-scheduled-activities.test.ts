/**
 * Fan-out (`prepareChildren`) and schedules (`submitScheduled`) against a real SQLite file: the child
 * rows the dispatcher records through the worker's background lane (ChildRecorderBackend), the workflow
 * inputs handed back, idempotent retries, and the per-child error for a request the dispatcher refuses.
 * `submitScheduled` reads the scheduled workflow's id from Temporal's activity Context
 * (MockActivityEnvironment).
 */
import type { Info } from '@temporalio/activity';
import type { MockActivityEnvironment } from '@temporalio/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { childWorkflowId } from '../../../src/activities/child-executions.js';
import { createActivities } from '../../../src/activities/index.js';
import type { SpineActivities } from '../../../src/activities/index.js';
import type { ScheduledRunInput } from '../../../src/contracts/temporal/scheduled-run.js';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import { mockActivityEnvironment, openActivitySpine } from '../../helpers/activity-spine.js';
import type { ActivitySpine } from '../../helpers/activity-spine.js';
import { setEnv } from '../../helpers/tmp-db.js';

let t: ActivitySpine;
let acts: SpineActivities;
let restoreEnv: () => void;

// Retry, concurrency and heartbeat settings come from the environment in planRun: pin them to defaults.
const PLAN_ENV = {
  SPINE_CHILD_CONCURRENCY: undefined,
  SPINE_HEARTBEAT_TIMEOUT_MS: undefined,
  SPINE_RETRY_INITIAL_MS: undefined,
  SPINE_RETRY_BACKOFF: undefined,
  SPINE_RETRY_MAX_INTERVAL_MS: undefined,
  SPINE_RETRY_MAX_ATTEMPTS: undefined,
  SPINE_FAULTS_FILE: undefined,
};

const DEFAULT_RETRY = {
  initialIntervalMs: 1_000,
  backoffCoefficient: 2,
  maximumIntervalMs: 60_000,
  maximumAttempts: 5,
};

beforeEach(() => {
  restoreEnv = setEnv(PLAN_ENV);
  t = openActivitySpine();
  acts = createActivities(t.spine);
});

afterEach(() => {
  t.cleanup();
  restoreEnv();
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

function echoInput(id: string, week: string, count: number, batchId: string, parentExecutionId: string) {
  return {
    executionId: id,
    pipeline: 'test.echo',
    stages: ['prepare', 'process', 'finish'].map((name) => ({ name, retry: DEFAULT_RETRY })),
    params: { week_ending: week, count, force: false },
    batchId,
    parentExecutionId,
    childConcurrency: 4,
    heartbeatTimeoutMs: 30_000,
  };
}

describe('prepareChildren', () => {
  let parent: ExecutionRecord;
  beforeEach(async () => {
    parent = await t.submit('test.fanout', { weeks: '2025-12-12,2025-12-19' });
  });

  const requests = [
    { pipeline: 'test.echo', params: { week_ending: '2025-12-12', count: 1 }, label: '2025-12-12' },
    { pipeline: 'test.echo', params: { week_ending: '2025-12-19', count: 1 }, label: '2025-12-19' },
  ];

  it("records each child on the parent's batch and trigger and returns its workflow input", async () => {
    const prepared = await acts.prepareChildren({ parentExecutionId: parent.id, requests });
    const children = t.executions().filter((e) => e.parent_execution_id === parent.id);
    expect(children).toHaveLength(2);
    const [a, b] = children.map((c) => c.id) as [string, string];
    expect(prepared).toEqual([
      {
        label: '2025-12-12',
        executionId: a,
        workflowId: `spine:test.echo:${a}`,
        input: echoInput(a, '2025-12-12', 1, parent.batchId as string, parent.id),
      },
      {
        label: '2025-12-19',
        executionId: b,
        workflowId: `spine:test.echo:${b}`,
        input: echoInput(b, '2025-12-19', 1, parent.batchId as string, parent.id),
      },
    ]);
    for (const [child, week] of [
      [children[0], '2025-12-12'],
      [children[1], '2025-12-19'],
    ] as const) {
      expect(child).toMatchObject({
        pipeline: 'test.echo',
        params: JSON.stringify({ week_ending: week, count: 1, force: false }),
        lane: 'background',
        backend: 'temporal',
        trigger_source: 'cli',
        status: 'pending',
        batch_id: parent.batchId,
        workflow_id: `spine:test.echo:${child?.id}`,
      });
    }
    expect(childWorkflowId('test.echo', 'exec_1')).toBe('spine:test.echo:exec_1');
  });

  it('a retried call reuses the children already recorded, matching pipeline and every param', async () => {
    const first = await acts.prepareChildren({ parentExecutionId: parent.id, requests });
    // Reversed order: each request finds its own child wherever it stands in the earlier list.
    const again = await acts.prepareChildren({ parentExecutionId: parent.id, requests: [...requests].reverse() });
    expect(again).toEqual([...first].reverse());
    expect(t.executions().filter((e) => e.parent_execution_id === parent.id)).toHaveLength(2);

    // Same week, other count: a new child. Same (empty) params, other pipeline: a new child.
    const more = await acts.prepareChildren({
      parentExecutionId: parent.id,
      requests: [
        { pipeline: 'test.echo', params: { week_ending: '2025-12-12', count: 1 }, label: 'same' },
        { pipeline: 'test.echo', params: { week_ending: '2025-12-19', count: 2 }, label: 'other count' },
        { pipeline: 'test.flaky', params: {}, label: 'other pipeline' },
      ],
    });
    const rows = t.executions().filter((e) => e.parent_execution_id === parent.id);
    expect(rows.map((r) => [r.pipeline, r.params])).toEqual([
      ['test.echo', JSON.stringify({ week_ending: '2025-12-12', count: 1, force: false })],
      ['test.echo', JSON.stringify({ week_ending: '2025-12-19', count: 1, force: false })],
      ['test.echo', JSON.stringify({ week_ending: '2025-12-19', count: 2, force: false })],
      ['test.flaky', JSON.stringify({})],
    ]);
    expect(more.map((p) => [p.label, p.executionId])).toEqual([
      ['same', first[0]?.executionId],
      ['other count', rows[2]?.id],
      ['other pipeline', rows[3]?.id],
    ]);
  });

  it('a request the dispatcher refuses becomes an error entry; the others are still recorded', async () => {
    const prepared = await acts.prepareChildren({
      parentExecutionId: parent.id,
      requests: [
        { pipeline: 'test.echo', params: { week_ending: '2025-12-12', count: -1 }, label: 'negative' },
        { pipeline: 'test.echo', params: { week_ending: '2025-12-19', count: 1 }, label: 'fine' },
      ],
    });
    const rows = t.executions().filter((e) => e.parent_execution_id === parent.id);
    expect(rows).toHaveLength(1);
    const refused = (await rejection(
      t.spine.dispatcher.submit('test.echo', { week_ending: '2025-12-12', count: -1 }),
    )) as Error;
    expect(refused.message).toMatch(/count/);
    expect(prepared).toEqual([
      { label: 'negative', executionId: '', error: refused.message },
      expect.objectContaining({ label: 'fine', executionId: rows[0]?.id }),
    ]);
  });

  it('an unknown parent is an error naming it', async () => {
    const err = await rejection(acts.prepareChildren({ parentExecutionId: 'exec_nobody', requests }));
    expect((err as Error).message).toBe('Parent execution exec_nobody not found');
    expect(t.executions()).toHaveLength(1);
  });
});

describe('submitScheduled', () => {
  const input = { scheduleId: 'nightly-flaky', pipeline: 'test.flaky', params: {} };
  const flakyRetry = { ...DEFAULT_RETRY, maximumAttempts: 3 };

  const submitScheduled = (i: ScheduledRunInput) => acts.submitScheduled(i);

  function envFor(workflowId: string | undefined): MockActivityEnvironment {
    // Without a workflow: Temporal's standalone activity (`inWorkflow: false`, no workflow execution).
    // (`workflowExecution: undefined` overrides the harness default; Info's type has no undefined there.)
    const standalone = { workflowExecution: undefined, inWorkflow: false } as unknown as Partial<Info>;
    return mockActivityEnvironment(
      workflowId === undefined ? standalone : { workflowExecution: { workflowId, runId: 'run-1' } },
    );
  }

  it("records a scheduler-triggered execution under the scheduled workflow's id, once across retries", async () => {
    const env = envFor('spine-schedule-nightly-2025-12-20T00:00:00Z');
    const prepared = await env.run(submitScheduled, input);
    const rows = t.executions();
    expect(rows).toHaveLength(1);
    const id = rows[0]?.id as string;
    const workflowId = 'spine-schedule-nightly-2025-12-20T00:00:00Z/run';
    expect(prepared).toEqual({
      label: 'nightly-flaky',
      executionId: id,
      workflowId,
      input: {
        executionId: id,
        pipeline: 'test.flaky',
        stages: [
          { name: 'fetch', retry: flakyRetry },
          { name: 'store', retry: flakyRetry },
        ],
        params: {},
        batchId: rows[0]?.batch_id,
        childConcurrency: 4,
        heartbeatTimeoutMs: 30_000,
      },
    });
    expect(rows[0]).toMatchObject({
      pipeline: 'test.flaky',
      lane: 'background',
      backend: 'temporal',
      trigger_source: 'scheduler',
      status: 'pending',
      parent_execution_id: null,
      workflow_id: workflowId,
    });

    // test.flaky has no logical key: only the workflow id lookup keeps a retry from recording a second run.
    expect(await env.run(submitScheduled, input)).toEqual(prepared);
    expect(t.executions()).toHaveLength(1);
  });

  it('outside a workflow the schedule id names the run', async () => {
    const prepared = await envFor(undefined).run(submitScheduled, input);
    expect(prepared).toMatchObject({ label: 'nightly-flaky', workflowId: 'nightly-flaky/run' });
    expect(t.executions().map((r) => r.workflow_id)).toEqual(['nightly-flaky/run']);
  });

  it('params the dispatcher refuses come back as the error, nothing recorded', async () => {
    const prepared = await envFor('wf-bad').run(submitScheduled, {
      scheduleId: 'bad',
      pipeline: 'test.echo',
      params: { count: 2 },
    });
    const expected = (await rejection(t.spine.dispatcher.submit('test.echo', { count: 2 }))) as Error;
    expect(expected.message).toMatch(/week_ending/);
    expect(prepared).toEqual({ label: 'bad', executionId: '', error: expected.message });
    expect(t.executions()).toEqual([]);
  });
});
