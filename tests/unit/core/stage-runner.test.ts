/**
 * The stage runner (src/core/execution/stage-runner.ts) called directly, on a real migrated SQLite file,
 * with a small pipeline whose stage bodies each test sets: the events of each attempt, the attempt's
 * fence and lease, the lease keeper (renewal while the stage runs, cancel and close at a step boundary),
 * the stage context, the log context fields, the fault hook and the progress callback, with exact values.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunStageInput, StageOutcome } from '../../../src/contracts/execution.js';
import { LIVENESS } from '../../../src/contracts/liveness.js';
import { fixedClock } from '../../../src/core/clock.js';
import type { Clock } from '../../../src/core/clock.js';
import type { Db } from '../../../src/core/db/open-database.js';
import { ErrorCodes, SpineError } from '../../../src/core/errors.js';
import { EventWriter } from '../../../src/core/execution/event-writer.js';
import { ExecutionStore } from '../../../src/core/execution/execution-store.js';
import { InjectedFault } from '../../../src/core/execution/fault-injection.js';
import { FencedError } from '../../../src/core/execution/fence.js';
import type { LeaseOwner } from '../../../src/core/execution/lease.js';
import { runStage } from '../../../src/core/execution/stage-runner.js';
import type { StageRunnerDeps } from '../../../src/core/execution/stage-runner.js';
import type { StepEndInfo } from '../../../src/core/logging/log-context.js';
import { logStep } from '../../../src/core/logging/span.js';
import { PipelineRegistry } from '../../../src/core/pipeline/registry.js';
import type { PipelineDefinition, StageContext } from '../../../src/core/pipeline/types.js';
import { captureLogs } from '../../helpers/capture-logs.js';
import type { CapturedLogs } from '../../helpers/capture-logs.js';
import { writeFaultsFile } from '../../helpers/test-pipelines.js';
import { openTempDb, setEnv, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

const T0 = '2026-01-05T12:00:00.000Z';
/** T0 plus the lease TTL: what beginAttempt writes with the fixed clock. */
const LEASE_AT_T0 = '2026-01-05T12:01:00.000Z';
const OWNER: LeaseOwner = { host: 'runner-host', pid: 4242, boot: '777', kind: 'worker', identity: 'w-1' };
const OTHER: LeaseOwner = { host: 'other-host', pid: 99, boot: null, kind: 'cli' };
const ID = 'ex-1';

type Body = (ctx: StageContext) => Promise<StageOutcome>;

let dir: TempDir;
let db: Db;
let store: ExecutionStore;
let events: EventWriter;
let logs: CapturedLogs;
let registry: PipelineRegistry;
let ran: string[];
let body: Body;
let restoreEnv: () => void;

const pipeline: PipelineDefinition = {
  name: 'test.runner',
  description: 'Stages whose bodies the tests set',
  domain: 'runner_domain',
  params: [],
  stages: [
    {
      name: 'first',
      description: 'Never the one asked for',
      run: () => {
        ran.push('first');
        return Promise.resolve({ state: { first: true } });
      },
    },
    {
      name: 'main',
      description: 'Runs the current body',
      run: (ctx) => {
        ran.push('main');
        return body(ctx);
      },
    },
  ],
};

beforeEach(() => {
  restoreEnv = setEnv({ SPINE_FAULTS_FILE: undefined });
  dir = tempDir('spine-stage-runner-');
  db = openTempDb(dir.join('spine.db'));
  store = new ExecutionStore(db, fixedClock(T0));
  events = new EventWriter(db, fixedClock(T0));
  logs = captureLogs('debug');
  registry = new PipelineRegistry().register(pipeline);
  ran = [];
  body = () => Promise.resolve({});
  store.create({
    id: ID,
    pipeline: 'test.runner',
    params: { week: '2026-01-02' },
    lane: 'normal',
    backend: 'temporal',
    triggerSource: 'cli',
    batchId: 'batch-1',
  });
});

afterEach(() => {
  vi.useRealTimers();
  db.close();
  dir.cleanup();
  restoreEnv();
});

function deps(overrides: Partial<StageRunnerDeps> = {}): StageRunnerDeps {
  return {
    db,
    registry,
    log: logs.log,
    clock: fixedClock(T0),
    events,
    store,
    owner: OWNER,
    backend: 'temporal',
    ...overrides,
  };
}

function input(overrides: Partial<RunStageInput> = {}): RunStageInput {
  return {
    executionId: ID,
    pipeline: 'test.runner',
    stage: 'main',
    params: { week: '2026-01-02' },
    state: { prior: 1 },
    batchId: 'batch-1',
    attempt: 1,
    ...overrides,
  };
}

interface EventRow {
  type: string;
  attempt: number;
  stage: string | null;
  step: string | null;
  status: string;
  payload: Record<string, unknown>;
  rows_in: number | null;
  rows_out: number | null;
  capture_id: string | null;
}

function writtenEvents(id = ID): EventRow[] {
  const rows = db
    .prepare(
      `SELECT event_type, attempt, stage, step, status, payload, rows_in, rows_out, capture_id
       FROM core_execution_events WHERE execution_id = ? ORDER BY id`,
    )
    .all(id) as (Omit<EventRow, 'type' | 'payload'> & { event_type: string; payload: string })[];
  return rows.map(({ event_type, payload, ...rest }) => ({
    type: event_type,
    ...rest,
    payload: JSON.parse(payload) as Record<string, unknown>,
  }));
}

const started = (attempt: number): EventRow => ({
  type: 'stage_started',
  attempt,
  stage: 'main',
  step: null,
  status: 'running',
  payload: {},
  rows_in: null,
  rows_out: null,
  capture_id: null,
});

const progress = (attempt: number, step: string, metrics: Record<string, unknown> = {}): EventRow => ({
  type: 'progress',
  attempt,
  stage: 'main',
  step,
  status: 'running',
  payload: { duration_ms: expect.any(Number) as unknown, ...metrics },
  rows_in: null,
  rows_out: null,
  capture_id: null,
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

interface Gate {
  readonly entered: Promise<void>;
  /** Called by the stage body: signals that it got here, then waits for `release`. */
  wait(): Promise<void>;
  release(): void;
}

function gate(): Gate {
  let enter!: () => void;
  let release!: () => void;
  const entered = new Promise<void>((r) => (enter = r));
  const released = new Promise<void>((r) => (release = r));
  return {
    entered,
    wait: () => {
      enter();
      return released;
    },
    release: () => release(),
  };
}

describe('runStage: events', () => {
  it('writes stage_started, a progress event per step with its duration and metrics, and stage_completed', async () => {
    body = async (ctx) => {
      await logStep(ctx.log, 'main.read', (span) => span.addMetrics({ rows_in: 7, table: 't_in' }));
      await logStep(ctx.log, 'main.write', async (outer) => {
        await logStep(ctx.log, 'main.write.chunk', (span) => span.addMetrics({ rows_out: 5 }));
        outer.addMetrics({ rows_out: 5, chunks: 1 });
      });
      return { rowsIn: 7, rowsOut: 5, captureId: 'cap-9', metrics: { ratio: 0.5, label: 'x' }, state: { done: 1 } };
    };

    const outcome = await runStage(deps(), input());

    expect(outcome).toEqual({
      rowsIn: 7,
      rowsOut: 5,
      captureId: 'cap-9',
      metrics: { ratio: 0.5, label: 'x' },
      state: { done: 1 },
    });
    expect(ran).toEqual(['main']);
    expect(writtenEvents()).toEqual([
      started(1),
      progress(1, 'main.read', { rows_in: 7, table: 't_in' }),
      progress(1, 'main.write.chunk', { rows_out: 5 }),
      progress(1, 'main.write', { rows_out: 5, chunks: 1 }),
      progress(1, 'stage.main', { rows_in: 7, rows_out: 5 }),
      {
        type: 'stage_completed',
        attempt: 1,
        stage: 'main',
        step: null,
        status: 'running',
        payload: { ratio: 0.5, label: 'x' },
        rows_in: 7,
        rows_out: 5,
        capture_id: 'cap-9',
      },
    ]);
  });

  it('a stage without rows, capture or metrics completes with null columns and an empty payload', async () => {
    await runStage(deps(), input({ attempt: 3 }));

    expect(writtenEvents()).toEqual([
      started(3),
      progress(3, 'stage.main'),
      { ...started(3), type: 'stage_completed' },
    ]);
  });

  it('a zero row count is still recorded', async () => {
    body = () => Promise.resolve({ rowsIn: 0, rowsOut: 0 });
    await runStage(deps(), input());

    expect(writtenEvents().at(-1)).toMatchObject({ type: 'stage_completed', rows_in: 0, rows_out: 0, payload: {} });
  });

  it('a skipped stage writes stage_skipped with the reason and its metrics, and no stage_completed', async () => {
    body = () => Promise.resolve({ skipped: 'already done', metrics: { kept: 3 }, rowsIn: 4 });

    const outcome = await runStage(deps(), input({ attempt: 2 }));

    expect(outcome).toEqual({ skipped: 'already done', metrics: { kept: 3 }, rowsIn: 4 });
    expect(writtenEvents()).toEqual([
      started(2),
      progress(2, 'stage.main', { rows_in: 4, skipped: 'already done' }),
      { ...started(2), type: 'stage_skipped', payload: { reason: 'already done', kept: 3 } },
    ]);
  });

  it('a skipped stage without metrics has only the reason in its payload', async () => {
    body = () => Promise.resolve({ skipped: 'nothing to do' });
    await runStage(deps(), input());

    expect(writtenEvents().at(-1)).toEqual({
      ...started(1),
      type: 'stage_skipped',
      payload: { reason: 'nothing to do' },
    });
  });

  it('runs the stage asked for, not the first one', async () => {
    await runStage(deps(), input({ stage: 'first' }));
    expect(ran).toEqual(['first']);
    expect(writtenEvents().map((e) => [e.type, e.stage, e.step])).toEqual([
      ['stage_started', 'first', null],
      ['progress', 'first', 'stage.first'],
      ['stage_completed', 'first', null],
    ]);
  });

  it('running the same attempt again adds no stage_started or stage_completed, only the new spans', async () => {
    await runStage(deps(), input());
    await runStage(deps(), input());

    // Progress events are keyed by their span, and every run has new spans.
    expect(writtenEvents().map((e) => e.type)).toEqual(['stage_started', 'progress', 'stage_completed', 'progress']);
  });

  it('two steps of one name are two progress events (each span is its own)', async () => {
    body = async (ctx) => {
      await logStep(ctx.log, 'main.loop', (span) => span.addMetrics({ i: 1 }));
      await logStep(ctx.log, 'main.loop', (span) => span.addMetrics({ i: 2 }));
      return {};
    };
    await runStage(deps(), input());

    expect(writtenEvents().filter((e) => e.step === 'main.loop')).toEqual([
      progress(1, 'main.loop', { i: 1 }),
      progress(1, 'main.loop', { i: 2 }),
    ]);
  });

  it('a stage that throws writes only stage_started and the progress of its finished steps', async () => {
    body = async (ctx) => {
      await logStep(ctx.log, 'main.ok', () => undefined);
      throw new SpineError(ErrorCodes.EXECUTION_FAILED, 'stage broke');
    };

    const err = await rejection(runStage(deps(), input()));

    expect(err).toMatchObject({ code: 'EXECUTION_FAILED', message: 'stage broke' });
    expect(writtenEvents()).toEqual([started(1), progress(1, 'main.ok')]);
    expect(logs.one('stage.main.error')).toMatchObject({
      error_type: 'EXECUTION_FAILED',
      error_message: 'stage broke',
    });
  });

  it("an unknown stage fails before anything is written: Pipeline 'x' has no stage 'y'", async () => {
    const err = await rejection(runStage(deps(), input({ stage: 'nope' })));

    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe("Pipeline 'test.runner' has no stage 'nope'");
    expect(writtenEvents()).toEqual([]);
    expect(store.get(ID)).toMatchObject({ fence: 0, owner: null, leaseExpiresAt: null });
    expect(ran).toEqual([]);
  });

  it('an unknown execution is NOT_FOUND and writes nothing', async () => {
    const err = await rejection(runStage(deps(), input({ executionId: 'ghost' })));

    expect(err).toBeInstanceOf(SpineError);
    expect(err).toMatchObject({ code: 'NOT_FOUND', message: 'Execution ghost not found' });
    expect(writtenEvents('ghost')).toEqual([]);
    expect(ran).toEqual([]);
  });
});

describe('runStage: attempt, fence and lease', () => {
  it('each attempt takes the execution: fence bumped, owner and lease set', async () => {
    expect(store.get(ID)).toMatchObject({ fence: 0, owner: null, leaseExpiresAt: null });

    await runStage(deps(), input());
    expect(store.get(ID)).toMatchObject({ fence: 1, owner: OWNER, leaseExpiresAt: LEASE_AT_T0, status: 'pending' });

    await runStage(deps({ owner: OTHER }), input({ attempt: 2 }));
    expect(store.get(ID)).toMatchObject({ fence: 2, owner: OTHER, leaseExpiresAt: LEASE_AT_T0 });
  });

  it("the stage's checkFence passes for its own attempt and fails once another attempt began", async () => {
    const seen: unknown[] = [];
    body = (ctx) => {
      ctx.checkFence();
      seen.push('own fence passed');
      store.beginAttempt(ID, OTHER);
      try {
        ctx.checkFence();
      } catch (err) {
        seen.push(err);
      }
      return Promise.resolve({});
    };

    await runStage(deps(), input());

    expect(seen[0]).toBe('own fence passed');
    expect(seen[1]).toBeInstanceOf(FencedError);
    expect((seen[1] as FencedError).message).toBe(
      'Execution ex-1: this attempt no longer owns the run (attempt fence 1 was superseded by 2); nothing was written',
    );
    expect(seen).toHaveLength(2);
  });

  it("checkFence uses this attempt's fence, after earlier attempts", async () => {
    store.beginAttempt(ID, OTHER);
    store.beginAttempt(ID, OTHER);
    let fenceError: unknown = 'none';
    body = (ctx) => {
      try {
        ctx.checkFence();
      } catch (err) {
        fenceError = err;
      }
      return Promise.resolve({});
    };
    await runStage(deps(), input({ attempt: 3 }));

    expect(fenceError).toBe('none');
    expect(store.get(ID)?.fence).toBe(3);
  });

  it('renews the lease every leaseRenewMs while the stage runs, and stops renewing when it ends', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'], now: new Date(T0) });
    const clock: Clock = { now: () => new Date() };
    store = new ExecutionStore(db, clock);
    const g = gate();
    body = async () => {
      await g.wait();
      return {};
    };
    const at = (ms: number): string => new Date(Date.parse(T0) + ms).toISOString();

    const run = runStage(deps({ store, clock }), input());
    await g.entered;
    expect(store.get(ID)?.leaseExpiresAt).toBe(at(LIVENESS.leaseTtlMs));

    vi.advanceTimersByTime(LIVENESS.leaseRenewMs - 1);
    expect(store.get(ID)?.leaseExpiresAt).toBe(at(LIVENESS.leaseTtlMs));
    vi.advanceTimersByTime(1);
    expect(store.get(ID)?.leaseExpiresAt).toBe(at(LIVENESS.leaseRenewMs + LIVENESS.leaseTtlMs));
    vi.advanceTimersByTime(LIVENESS.leaseRenewMs);
    expect(store.get(ID)?.leaseExpiresAt).toBe(at(2 * LIVENESS.leaseRenewMs + LIVENESS.leaseTtlMs));

    g.release();
    await run;
    vi.advanceTimersByTime(3 * LIVENESS.leaseRenewMs);
    expect(store.get(ID)?.leaseExpiresAt).toBe(at(2 * LIVENESS.leaseRenewMs + LIVENESS.leaseTtlMs));
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops renewing when the stage throws too', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'], now: new Date(T0) });
    const clock: Clock = { now: () => new Date() };
    store = new ExecutionStore(db, clock);
    body = () => Promise.reject(new Error('boom'));

    await expect(runStage(deps({ store, clock }), input())).rejects.toThrow('boom');
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(3 * LIVENESS.leaseRenewMs);
    expect(store.get(ID)?.leaseExpiresAt).toBe(new Date(Date.parse(T0) + LIVENESS.leaseTtlMs).toISOString());
  });

  it('a renewal that fails does not break the stage; the next tick renews again', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'], now: new Date(T0) });
    let broken = false;
    const storeClock: Clock = {
      now: () => {
        if (broken) throw new Error('database is busy');
        return new Date();
      },
    };
    store = new ExecutionStore(db, storeClock);
    const g = gate();
    body = async (ctx) => {
      await g.wait();
      await logStep(ctx.log, 'main.after', () => undefined);
      return { rowsOut: 1 };
    };
    const at = (ms: number): string => new Date(Date.parse(T0) + ms).toISOString();

    const run = runStage(deps({ store }), input());
    await g.entered;
    broken = true;
    expect(() => vi.advanceTimersByTime(LIVENESS.leaseRenewMs)).not.toThrow();
    expect(store.get(ID)?.leaseExpiresAt).toBe(at(LIVENESS.leaseTtlMs));
    broken = false;
    vi.advanceTimersByTime(LIVENESS.leaseRenewMs);
    expect(store.get(ID)?.leaseExpiresAt).toBe(at(2 * LIVENESS.leaseRenewMs + LIVENESS.leaseTtlMs));
    g.release();

    await expect(run).resolves.toEqual({ rowsOut: 1 });
    expect(writtenEvents().map((e) => e.type)).toEqual(['stage_started', 'progress', 'progress', 'stage_completed']);
  });

  it('a lease renewal of a finished execution changes nothing', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'], now: new Date(T0) });
    const clock: Clock = { now: () => new Date() };
    store = new ExecutionStore(db, clock);
    const g = gate();
    body = async () => {
      await g.wait();
      return {};
    };
    const run = runStage(deps({ store, clock }), input());
    await g.entered;
    store.finish(ID, 'failed');
    vi.advanceTimersByTime(LIVENESS.leaseRenewMs);
    expect(store.get(ID)?.leaseExpiresAt).toBeNull();
    g.release();
    // Closed under it: the outer step's end sees it.
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('runStage: stopping at a step boundary', () => {
  /** A stage with two steps; `between` runs after the first one ended. */
  function twoSteps(between: () => void): Body {
    return async (ctx) => {
      await logStep(ctx.log, 'main.one', () => undefined);
      between();
      await logStep(ctx.log, 'main.two', () => {
        ran.push('two ran');
      });
      ran.push('after two');
      return {};
    };
  }

  async function stopped(between: () => void): Promise<SpineError> {
    body = twoSteps(between);
    const err = await rejection(runStage(deps(), input()));
    expect(err).toBeInstanceOf(SpineError);
    return err as SpineError;
  }

  it('a cancel request stops the stage at the next step end: CANCELLED, not retried', async () => {
    const err = await stopped(() => store.requestCancel(ID));

    expect(err.code).toBe(ErrorCodes.CANCELLED);
    expect(err.nonRetryable).toBe(true);
    expect(err.message).toBe('Execution ex-1 was cancelled');
    // The step's body ran; its end (and everything after) did not go on.
    expect(ran).toEqual(['main', 'two ran']);
    expect(writtenEvents()).toEqual([started(1), progress(1, 'main.one')]);
  });

  it('an execution closed under the stage stops it, naming the status', async () => {
    const err = await stopped(() => store.finish(ID, 'failed', { errorCode: 'ABANDONED' }));

    expect(err).toMatchObject({
      code: 'CANCELLED',
      nonRetryable: true,
      message: 'Execution ex-1 was closed (failed) while it ran',
    });
    expect(writtenEvents()).toEqual([started(1), progress(1, 'main.one')]);
  });

  it('names a completed close too', async () => {
    expect((await stopped(() => store.finish(ID, 'completed'))).message).toBe(
      'Execution ex-1 was closed (completed) while it ran',
    );
  });

  it('a cancelled status with a cancel request reads as cancelled', async () => {
    const err = await stopped(() => {
      store.requestCancel(ID);
      store.finish(ID, 'cancelled');
    });
    expect(err.message).toBe('Execution ex-1 was cancelled');
  });

  it('a cancel requested in the last step stops the stage at its own end', async () => {
    body = async () => {
      store.requestCancel(ID);
      return Promise.resolve({});
    };
    const err = await rejection(runStage(deps(), input()));

    expect(err).toMatchObject({ code: 'CANCELLED', message: 'Execution ex-1 was cancelled' });
    expect(writtenEvents()).toEqual([started(1)]);
  });

  it('a pending execution goes on', async () => {
    body = twoSteps(() => undefined);
    await runStage(deps(), input());
    expect(store.get(ID)?.status).toBe('pending');
    expect(ran).toEqual(['main', 'two ran', 'after two']);
  });

  it('a running execution goes on', async () => {
    store.markRunning(ID);
    body = twoSteps(() => undefined);
    await runStage(deps(), input());
    expect(store.get(ID)?.status).toBe('running');
    expect(ran).toEqual(['main', 'two ran', 'after two']);
    expect(writtenEvents().map((e) => e.step)).toEqual([null, 'main.one', 'main.two', 'stage.main', null]);
  });

  it('an execution row that vanished under the stage does not stop it', async () => {
    body = twoSteps(() => db.prepare('DELETE FROM core_executions WHERE id = ?').run(ID));
    await runStage(deps(), input());
    expect(ran).toEqual(['main', 'two ran', 'after two']);
  });
});

describe('runStage: the stage context, log fields and progress callback', () => {
  it('hands the stage the database, execution ids, params, state, logger, clock, yield and fence check', async () => {
    let ctx: StageContext | undefined;
    body = (c) => {
      ctx = c;
      return Promise.resolve({});
    };
    const clock = fixedClock('2030-01-01T00:00:00.000Z');
    const params = { week: '2026-01-02', n: 3, flag: true };
    const state = { prior: 1 };

    await runStage(deps({ clock }), input({ params, state, attempt: 2 }));

    const c = ctx as StageContext;
    expect(c.db).toBe(db);
    expect(c.log).toBe(logs.log);
    expect(c.clock).toBe(clock);
    expect(c.params).toBe(params);
    expect(c.state).toBe(state);
    expect(c.execution).toStrictEqual({ executionId: ID, batchId: 'batch-1', pipeline: 'test.runner', attempt: 2 });
    const yielded = c.yieldControl();
    expect(yielded).toBeInstanceOf(Promise);
    await expect(yielded).resolves.toBeUndefined();
  });

  it('passes the parent execution id when there is one', async () => {
    let execution: StageContext['execution'] | undefined;
    body = (c) => {
      execution = c.execution;
      return Promise.resolve({});
    };
    await runStage(deps(), input({ parentExecutionId: 'parent-1' }));

    expect(execution).toStrictEqual({
      executionId: ID,
      batchId: 'batch-1',
      pipeline: 'test.runner',
      attempt: 1,
      parentExecutionId: 'parent-1',
    });
  });

  it('logs with the run fields; attempt is left out on attempt 1 and present on later ones', async () => {
    body = (ctx) => {
      ctx.log.info('main.probe', { n: ctx.execution.attempt });
      return Promise.resolve({});
    };
    await runStage(deps(), input());
    await runStage(deps({ backend: 'sync' }), input({ attempt: 2 }));

    const [first, second] = logs.byEvent('main.probe');
    const fields = {
      execution_id: ID,
      pipeline: 'test.runner',
      batch_id: 'batch-1',
      domain: 'runner_domain',
      stage: 'main',
      step: 'stage.main',
    };
    expect(first).toMatchObject({ ...fields, backend: 'temporal', n: 1 });
    expect(first).not.toHaveProperty('attempt');
    expect(second).toMatchObject({ ...fields, backend: 'sync', n: 2, attempt: 2 });
    const { step: _step, ...runFields } = fields;
    expect(logs.byEvent('stage.main.end')[1]).toMatchObject({ ...runFields, attempt: 2 });
  });

  it('calls onProgress once per step, with the step, span, duration and metrics, and waits for it', async () => {
    const seen: (StepEndInfo | string)[] = [];
    body = async (ctx) => {
      await logStep(ctx.log, 'main.a', (span) => span.addMetrics({ rows_in: 2 }));
      seen.push('after main.a');
      return { rowsIn: 2 };
    };
    const onProgress = async (info: StepEndInfo): Promise<void> => {
      await new Promise((r) => setTimeout(r, 1));
      seen.push(info);
    };

    await runStage(deps({ onProgress }), input());

    const spanId = expect.stringMatching(/^[0-9a-f]{8}$/) as unknown;
    const durationMs = expect.any(Number) as unknown;
    expect(seen).toEqual([
      { step: 'main.a', spanId, durationMs, metrics: { rows_in: 2 } },
      'after main.a',
      { step: 'stage.main', spanId, durationMs, metrics: { rows_in: 2, rows_out: undefined, skipped: undefined } },
    ]);
    const infos = seen.filter((s): s is StepEndInfo => typeof s !== 'string');
    expect(infos[0]?.spanId).not.toBe(infos[1]?.spanId);
    const progressDurations = writtenEvents()
      .filter((e) => e.type === 'progress')
      .map((e) => e.payload['duration_ms']);
    expect(progressDurations).toEqual(infos.map((i) => i.durationMs));
  });
});

describe('runStage: injected faults', () => {
  it('fails the listed attempts of the named stage only, before the stage body runs', async () => {
    restoreEnv();
    restoreEnv = setEnv({
      SPINE_FAULTS_FILE: writeFaultsFile(dir.join('faults.json'), {
        'test.runner/main': { failAttempts: 2 },
        'test.other/main': { always: true },
      }),
    });

    const first = await rejection(runStage(deps(), input()));
    expect(first).toBeInstanceOf(InjectedFault);
    expect((first as InjectedFault).message).toBe('Injected fault in test.runner/main (attempt 1)');
    const second = await rejection(runStage(deps(), input({ attempt: 2 })));
    expect((second as InjectedFault).message).toBe('Injected fault in test.runner/main (attempt 2)');
    expect(ran).toEqual([]);

    await runStage(deps(), input({ attempt: 3 }));
    await runStage(deps(), input({ stage: 'first' }));
    expect(ran).toEqual(['main', 'first']);
    expect(writtenEvents().map((e) => [e.type, e.stage, e.attempt])).toEqual([
      ['stage_started', 'main', 1],
      ['stage_started', 'main', 2],
      ['stage_started', 'main', 3],
      ['progress', 'main', 3],
      ['stage_completed', 'main', 3],
      ['stage_started', 'first', 1],
      ['progress', 'first', 1],
      ['stage_completed', 'first', 1],
    ]);
  });
});
