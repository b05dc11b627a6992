/**
 * The stage activity in Temporal's activity harness (MockActivityEnvironment: attempt, workflow id,
 * last heartbeat details, heartbeats and cancellation) against a real SQLite file: the events it writes
 * (stage, progress, `retrying` for a lost attempt and for a failure Temporal will retry), the heartbeat
 * details, the ApplicationFailure it throws (type = taxonomy code, nonRetryable = the code's class,
 * attempt detail) and a cancellation that passes through untouched.
 */
import { ApplicationFailure, CancelledFailure } from '@temporalio/activity';
import type { MockActivityEnvironment } from '@temporalio/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createActivities } from '../../../src/activities/index.js';
import type { SpineActivities, StageActivityInput } from '../../../src/activities/index.js';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import { captureLogs } from '../../helpers/capture-logs.js';
import type { CapturedLogs } from '../../helpers/capture-logs.js';
import { actsPipeline, mockActivityEnvironment, onHeartbeat, openActivitySpine } from '../../helpers/activity-spine.js';
import type { ActivitySpine } from '../../helpers/activity-spine.js';
import { setEnv } from '../../helpers/tmp-db.js';

let t: ActivitySpine;
let logs: CapturedLogs;
let acts: SpineActivities;
let restoreEnv: () => void;
let e: ExecutionRecord;

const RETRY = actsPipeline.retryPolicy as StageActivityInput['retry'];
const WORKFLOW_ID = 'spine:test.acts:wf';

beforeEach(async () => {
  restoreEnv = setEnv({ SPINE_FAULTS_FILE: undefined });
  logs = captureLogs('warn');
  t = openActivitySpine(logs.log);
  acts = createActivities(t.spine);
  e = await t.submit('test.acts', { tag: 'z' });
  await acts.startExecution({ executionId: e.id });
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

function input(stage: string, exec: ExecutionRecord = e): StageActivityInput {
  return {
    executionId: exec.id,
    pipeline: exec.pipeline,
    stage,
    params: exec.params as StageActivityInput['params'],
    state: {},
    batchId: exec.batchId as string,
    retry: RETRY,
  };
}

interface Harness {
  readonly env: MockActivityEnvironment;
  readonly heartbeats: unknown[];
}

function harness(attempt: number, heartbeatDetails?: unknown): Harness {
  const env = mockActivityEnvironment({
    attempt,
    heartbeatDetails,
    workflowExecution: { workflowId: WORKFLOW_ID, runId: 'run-1' },
  });
  const heartbeats: unknown[] = [];
  onHeartbeat(env, (d) => heartbeats.push(d));
  return { env, heartbeats };
}

/** The events after submitted and started, without their timestamps and span ids. */
function stageEvents(id: string = e.id) {
  return t
    .events(id)
    .slice(2)
    .map((row) => {
      const payload = JSON.parse(row.payload) as Record<string, unknown>;
      delete payload['duration_ms'];
      return {
        type: row.event_type,
        attempt: row.attempt,
        stage: row.stage,
        step: row.step,
        error_type: row.error_type,
        error_message: row.error_message,
        rows_in: row.rows_in,
        rows_out: row.rows_out,
        payload,
      };
    });
}

const ev = (
  type: string,
  attempt: number,
  stage: string,
  more: Partial<ReturnType<typeof stageEvents>[number]> = {},
) => ({
  type,
  attempt,
  stage,
  step: null,
  error_type: null,
  error_message: null,
  rows_in: null,
  rows_out: null,
  payload: {},
  ...more,
});

describe('a stage that succeeds', () => {
  it('runs core runStage, heartbeats after every step with its metrics, and returns the outcome', async () => {
    const { env, heartbeats } = harness(1);
    const outcome = await env.run(acts.runStage, input('measure'));
    expect(outcome).toEqual({ state: { measured: 4 }, rowsIn: 5, rowsOut: 4 });
    expect(heartbeats).toEqual([
      { executionId: e.id, stage: 'measure', step: 'acts.measure', rowsIn: 5, rowsOut: 4, line: 7 },
      { executionId: e.id, stage: 'measure', step: 'stage.measure', rowsIn: 5, rowsOut: 4 },
    ]);
    expect(stageEvents()).toEqual([
      ev('stage_started', 1, 'measure'),
      ev('progress', 1, 'measure', { step: 'acts.measure', payload: { rows_in: 5, rows_out: 4, line: 7 } }),
      ev('progress', 1, 'measure', { step: 'stage.measure', payload: { rows_in: 5, rows_out: 4 } }),
      ev('stage_completed', 1, 'measure', { rows_in: 5, rows_out: 4 }),
    ]);
    const row = t.execution(e.id);
    expect(row.attempts).toBe(1);
    expect(JSON.parse(row.owner as string)).toMatchObject({ kind: 'worker', identity: WORKFLOW_ID, pid: process.pid });
    expect(logs.byEvent('stage.resume')).toEqual([]);
  });
});

describe('a stage that fails with a retryable error', () => {
  it('attempt 1 of 4: a retrying event with the next delay, then an ApplicationFailure Temporal retries', async () => {
    const { env, heartbeats } = harness(1);
    const err = await rejection(env.run(acts.runStage, input('hiccup')));
    expect(err).toBeInstanceOf(ApplicationFailure);
    const failure = err as ApplicationFailure;
    expect(failure.type).toBe('EXECUTION_FAILED');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toBe('hiccup on attempt 1');
    expect(failure.details).toEqual([{ attempt: 1 }]);
    expect(failure.stack).toContain('hiccup on attempt 1');
    // The step's `line` metric is not a number, so the heartbeat leaves it out.
    expect(heartbeats).toEqual([{ executionId: e.id, stage: 'hiccup', step: 'acts.hiccup' }]);
    expect(stageEvents()).toEqual([
      ev('stage_started', 1, 'hiccup'),
      ev('progress', 1, 'hiccup', { step: 'acts.hiccup', payload: { line: '12' } }),
      ev('retrying', 1, 'hiccup', {
        error_type: 'EXECUTION_FAILED',
        error_message: 'hiccup on attempt 1',
        payload: { delay_ms: 100 },
      }),
    ]);
    expect(t.execution(e.id).attempts).toBe(1);
  });

  it('attempt 2 after a lost attempt 1: the lost attempt gets its retrying event and a stage.resume warning', async () => {
    const last = { executionId: e.id, stage: 'hiccup', step: 'acts.hiccup' };
    const { env } = harness(2, last);
    const err = (await rejection(env.run(acts.runStage, input('hiccup')))) as ApplicationFailure;
    expect([err.type, err.nonRetryable, err.details]).toEqual(['EXECUTION_FAILED', false, [{ attempt: 2 }]]);
    expect(stageEvents()).toEqual([
      ev('retrying', 1, 'hiccup', {
        error_type: 'ATTEMPT_LOST',
        error_message: 'Attempt 1 did not report back (worker lost or heartbeat timeout)',
        payload: { delay_ms: 100 },
      }),
      ev('stage_started', 2, 'hiccup'),
      ev('progress', 2, 'hiccup', { step: 'acts.hiccup', payload: { line: '12' } }),
      ev('retrying', 2, 'hiccup', {
        error_type: 'EXECUTION_FAILED',
        error_message: 'hiccup on attempt 2',
        payload: { delay_ms: 300 },
      }),
    ]);
    expect(t.execution(e.id).attempts).toBe(2);
    expect(logs.one('stage.resume')).toMatchObject({
      level: 'warn',
      execution_id: e.id,
      stage: 'hiccup',
      attempt: 2,
      previous_attempt_lost: true,
      last_heartbeat: last,
    });
  });

  it('an attempt that reported back: the resume finds its retrying event and says it was not lost', async () => {
    await rejection(harness(1).env.run(acts.runStage, input('hiccup')));
    await rejection(harness(2).env.run(acts.runStage, input('hiccup')));
    expect(stageEvents().filter((x) => x.type === 'retrying' && x.attempt === 1)).toEqual([
      ev('retrying', 1, 'hiccup', {
        error_type: 'EXECUTION_FAILED',
        error_message: 'hiccup on attempt 1',
        payload: { delay_ms: 100 },
      }),
    ]);
    const resume = logs.one('stage.resume');
    expect(resume['previous_attempt_lost']).toBe(false);
    expect(resume).not.toHaveProperty('last_heartbeat');
  });

  it('the last attempt (4 of 4): no retrying event for it; the failure keeps the code and its class', async () => {
    const { env } = harness(4);
    const err = (await rejection(env.run(acts.runStage, input('hiccup')))) as ApplicationFailure;
    expect([err.type, err.nonRetryable, err.details]).toEqual(['EXECUTION_FAILED', false, [{ attempt: 4 }]]);
    expect(stageEvents()).toEqual([
      ev('retrying', 3, 'hiccup', {
        error_type: 'ATTEMPT_LOST',
        error_message: 'Attempt 3 did not report back (worker lost or heartbeat timeout)',
        payload: { delay_ms: 900 },
      }),
      ev('stage_started', 4, 'hiccup'),
      ev('progress', 4, 'hiccup', { step: 'acts.hiccup', payload: { line: '12' } }),
    ]);
    expect(t.execution(e.id).attempts).toBe(4);
  });
});

describe('a stage that fails with a non-retryable error', () => {
  it('throws a non-retryable ApplicationFailure typed SOURCE_ERROR and writes no retrying event', async () => {
    const bad = await t.submit('test.bad_input');
    await acts.startExecution({ executionId: bad.id });
    const err = (await rejection(harness(1).env.run(acts.runStage, input('parse', bad)))) as ApplicationFailure;
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect([err.type, err.nonRetryable, err.message, err.details]).toEqual([
      'SOURCE_ERROR',
      true,
      'input.csv line 7: BAD_ROW: unparseable row',
      [{ attempt: 1 }],
    ]);
    expect(stageEvents(bad.id).map((x) => x.type)).toEqual(['stage_started']);
  });
});

describe('a cancelled stage', () => {
  it('stops at the next heartbeat and rethrows the CancelledFailure itself, with no retrying event', async () => {
    const { env, heartbeats } = harness(1);
    onHeartbeat(env, () => env.cancel());
    const err = await rejection(env.run(acts.runStage, input('measure')));
    expect(err).toBeInstanceOf(CancelledFailure);
    expect(err).not.toBeInstanceOf(ApplicationFailure);
    expect((err as CancelledFailure).message).toBe('CANCELLED');
    expect(heartbeats).toEqual([
      { executionId: e.id, stage: 'measure', step: 'acts.measure', rowsIn: 5, rowsOut: 4, line: 7 },
    ]);
    expect(stageEvents()).toEqual([
      ev('stage_started', 1, 'measure'),
      ev('progress', 1, 'measure', { step: 'acts.measure', payload: { rows_in: 5, rows_out: 4, line: 7 } }),
    ]);
  });
});
