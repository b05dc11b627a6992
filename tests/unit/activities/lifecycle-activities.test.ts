/**
 * The lifecycle mirroring activities (startExecution, recordFailure, finishExecution, markCancelled)
 * against a real SQLite file: the rows and events they write, their idempotency, and the non-retryable
 * NOT_FOUND failure when the worker's database does not hold the execution.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createActivities } from '../../../src/activities/index.js';
import type { SpineActivities } from '../../../src/activities/index.js';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import { mockActivityEnvironment, openActivitySpine } from '../../helpers/activity-spine.js';
import type { ActivitySpine } from '../../helpers/activity-spine.js';

let t: ActivitySpine;
let acts: SpineActivities;

beforeEach(() => {
  t = openActivitySpine();
  acts = createActivities(t.spine);
});

afterEach(() => {
  t.cleanup();
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

function summary(id: string) {
  return t.events(id).map((e) => ({
    type: e.event_type,
    status: e.status,
    stage: e.stage,
    attempt: e.attempt,
    error_type: e.error_type,
    error_message: e.error_message,
    payload: JSON.parse(e.payload) as unknown,
    capture_id: e.capture_id,
  }));
}

const submittedEvent = (pipeline: string, params: Record<string, unknown>, stages: string[]) => ({
  type: 'submitted',
  status: 'pending',
  stage: null,
  attempt: 1,
  error_type: null,
  error_message: null,
  payload: { pipeline, params, lane: 'background', backend: 'temporal', stages },
  capture_id: null,
});

describe('an execution the worker database does not hold', () => {
  it.each(['startExecution', 'finishExecution', 'markCancelled', 'recordFailure'] as const)(
    '%s fails with a non-retryable NOT_FOUND naming SPINE_DATABASE_PATH',
    async (name) => {
      const input = {
        executionId: 'exec_missing',
        pipeline: 'test.acts',
        state: {},
        stage: 'measure',
        attempts: 1,
        error: { type: 'EXECUTION_FAILED', message: 'x' },
        deadLetter: true,
      };
      // Through Temporal's activity harness: two of them throw before returning a promise, which the
      // worker turns into the activity's failure all the same.
      const calls = {
        startExecution: (i: typeof input) => acts.startExecution(i),
        finishExecution: (i: typeof input) => acts.finishExecution(i),
        markCancelled: (i: typeof input) => acts.markCancelled(i),
        recordFailure: (i: typeof input) => acts.recordFailure(i),
      };
      const err = await rejection(mockActivityEnvironment().run(calls[name], input));
      expect(err).toBeInstanceOf(ApplicationFailure);
      const failure = err as ApplicationFailure;
      expect(failure.type).toBe('NOT_FOUND');
      expect(failure.nonRetryable).toBe(true);
      expect(failure.message).toBe(
        "Execution exec_missing is not in this worker's database; the worker and the CLI must share SPINE_DATABASE_PATH",
      );
      expect(t.executions()).toEqual([]);
      expect(t.deadLetters()).toEqual([]);
    },
  );
});

describe('startExecution', () => {
  it('marks the recorded execution running and writes one started event, once', async () => {
    const e = await t.submit('test.acts', { tag: 'x' });
    expect(t.execution(e.id)).toMatchObject({ status: 'pending', started_at: null, attempts: 0 });
    await acts.startExecution({ executionId: e.id });
    await acts.startExecution({ executionId: e.id });
    const row = t.execution(e.id);
    expect(row).toMatchObject({ status: 'running', attempts: 1, workflow_id: `spine:test.acts:${e.id}` });
    expect(row.started_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
    expect(summary(e.id)).toEqual([
      submittedEvent('test.acts', { tag: 'x' }, ['measure', 'hiccup']),
      {
        type: 'started',
        status: 'running',
        stage: null,
        attempt: 1,
        error_type: null,
        error_message: null,
        payload: {},
        capture_id: null,
      },
    ]);
  });
});

describe('recordFailure', () => {
  let e: ExecutionRecord;
  beforeEach(async () => {
    e = await t.submit('test.acts', { tag: 'y' });
    await acts.startExecution({ executionId: e.id });
  });

  it('without a dead letter: a failed event and a failed execution naming the stage; returns null', async () => {
    const id = await acts.recordFailure({
      executionId: e.id,
      stage: 'hiccup',
      attempts: 2,
      error: { type: 'SOURCE_ERROR', message: 'bad row 7' },
      deadLetter: false,
    });
    expect(id).toBeNull();
    expect(t.deadLetters()).toEqual([]);
    expect(summary(e.id).slice(2)).toEqual([
      {
        type: 'failed',
        status: 'failed',
        stage: 'hiccup',
        attempt: 2,
        error_type: 'SOURCE_ERROR',
        error_message: 'bad row 7',
        payload: {},
        capture_id: null,
      },
    ]);
    expect(t.execution(e.id)).toMatchObject({
      status: 'failed',
      error_code: 'SOURCE_ERROR',
      error_message: 'bad row 7',
      error_stage: 'hiccup',
      result: null,
    });
  });

  it('with a dead letter: the row, failed and dead_lettered events; a retried call adds nothing', async () => {
    const input = {
      executionId: e.id,
      stage: 'hiccup',
      attempts: 4,
      error: { type: 'EXECUTION_FAILED', message: 'hiccup on attempt 4' },
      deadLetter: true,
    };
    const id = await acts.recordFailure(input);
    const [dl] = t.deadLetters();
    expect(id).toBe(dl?.id);
    expect(t.deadLetters()).toEqual([
      expect.objectContaining({
        execution_id: e.id,
        pipeline: 'test.acts',
        stage: 'hiccup',
        params: JSON.stringify({ tag: 'y' }),
        error_type: 'EXECUTION_FAILED',
        error_message: 'hiccup on attempt 4',
        attempts: 4,
        status: 'open',
      }),
    ]);
    const failed = {
      stage: 'hiccup',
      attempt: 4,
      error_type: 'EXECUTION_FAILED',
      error_message: 'hiccup on attempt 4',
      capture_id: null,
    };
    const expected = [
      { type: 'failed', status: 'failed', ...failed, payload: {} },
      { type: 'dead_lettered', status: 'dead_lettered', ...failed, payload: { dead_letter_id: id } },
    ];
    expect(summary(e.id).slice(2)).toEqual(expected);
    expect(t.execution(e.id)).toMatchObject({
      status: 'failed',
      error_code: 'EXECUTION_FAILED',
      error_message: 'hiccup on attempt 4',
      error_stage: 'hiccup',
    });

    expect(await acts.recordFailure(input)).toBe(id);
    expect(t.deadLetters()).toHaveLength(1);
    expect(summary(e.id).slice(2)).toEqual(expected);
  });
});

describe('finishExecution', () => {
  it("stores the pipeline's summary as the result and on the completed event, with the capture id", async () => {
    const e = await t.submit('test.acts');
    await acts.startExecution({ executionId: e.id });
    const result = await acts.finishExecution({
      executionId: e.id,
      pipeline: 'test.acts',
      state: { measured: 4 },
      captureId: 'cap_123',
    });
    expect(result).toEqual({ summary: 'measured 4' });
    expect(summary(e.id).slice(2)).toEqual([
      {
        type: 'completed',
        status: 'completed',
        stage: null,
        attempt: 1,
        error_type: null,
        error_message: null,
        payload: { summary: 'measured 4' },
        capture_id: 'cap_123',
      },
    ]);
    const row = t.execution(e.id);
    expect(row).toMatchObject({ status: 'completed', result: '{"summary":"measured 4"}', error_code: null });
    expect(row.completed_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('without summarize the state is the result; without a capture id the event has none', async () => {
    const e = await t.submit('test.echo', { week_ending: '2025-12-19' });
    await acts.startExecution({ executionId: e.id });
    const state = { prepared: 3, processed: 6, finished: true };
    expect(await acts.finishExecution({ executionId: e.id, pipeline: 'test.echo', state })).toEqual(state);
    const completed = summary(e.id).at(-1);
    expect(completed).toMatchObject({ type: 'completed', payload: state, capture_id: null });
    expect(t.execution(e.id)).toMatchObject({ status: 'completed', result: JSON.stringify(state) });
  });
});

describe('markCancelled', () => {
  it('writes the cancelled event and closes the execution as CANCELLED', async () => {
    const e = await t.submit('test.acts');
    await acts.startExecution({ executionId: e.id });
    await acts.markCancelled({ executionId: e.id });
    expect(summary(e.id).slice(2)).toEqual([
      {
        type: 'cancelled',
        status: 'cancelled',
        stage: null,
        attempt: 1,
        error_type: null,
        error_message: null,
        payload: {},
        capture_id: null,
      },
    ]);
    expect(t.execution(e.id)).toMatchObject({
      status: 'cancelled',
      error_code: 'CANCELLED',
      error_message: 'The workflow was cancelled',
      error_stage: null,
    });
  });
});
