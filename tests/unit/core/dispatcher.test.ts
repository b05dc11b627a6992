import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/core/db/open-database.js';
import { isDryRun } from '../../../src/core/dispatch/dispatcher.js';
import type { DryRunPreview } from '../../../src/core/dispatch/dispatcher.js';
import { BadParamsError, PipelineNotFoundError } from '../../../src/core/errors.js';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import type { ParamValue } from '../../../src/core/pipeline/params.js';
import { echoPartition, testRegistry, writeFaultsFile } from '../../helpers/test-pipelines.js';
import { openTempSpine, setEnv, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir, TempSpine } from '../../helpers/tmp-db.js';
import type { EventRow } from '../../helpers/activity-spine.js';

interface ExecutionRow {
  id: string;
  pipeline: string;
  params: string;
  lane: string;
  backend: string;
  trigger_source: string;
  logical_key: string | null;
  status: string;
  parent_execution_id: string | null;
  batch_id: string | null;
  attempts: number;
  started_at: string | null;
  completed_at: string | null;
  error_code: string | null;
  error_message: string | null;
  error_stage: string | null;
  result: string | null;
}

let dir: TempDir;
let t: TempSpine;
let db: Db;
let sleeps: number[];
let restoreEnv: () => void;

function faults(spec: Parameters<typeof writeFaultsFile>[1]): void {
  writeFaultsFile(dir.join('faults.json'), spec);
}

async function run(pipeline: string, params: Record<string, ParamValue | undefined> = {}): Promise<ExecutionRecord> {
  const result = await t.spine.dispatcher.submit(pipeline, params);
  if (isDryRun(result)) throw new Error('unexpected dry run');
  return result;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

function events(executionId: string): EventRow[] {
  return db
    .prepare('SELECT * FROM core_execution_events WHERE execution_id = ? ORDER BY id')
    .all(executionId) as EventRow[];
}

function executionRow(id: string): ExecutionRow {
  return db.prepare('SELECT * FROM core_executions WHERE id = ?').get(id) as ExecutionRow;
}

function count(table: string): number {
  return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
}

function payload(e: EventRow | undefined): Record<string, unknown> {
  return JSON.parse(e?.payload ?? 'null') as Record<string, unknown>;
}

beforeEach(() => {
  dir = tempDir();
  sleeps = [];
  restoreEnv = setEnv({
    SPINE_FAULTS_FILE: dir.join('faults.json'),
    SPINE_RETRY_INITIAL_MS: undefined,
    SPINE_RETRY_BACKOFF: undefined,
    SPINE_RETRY_MAX_INTERVAL_MS: undefined,
    SPINE_RETRY_MAX_ATTEMPTS: undefined,
    SPINE_ALERT_COMMAND: undefined,
    SPINE_ALERT_WEBHOOK_URL: undefined,
  });
  t = openTempSpine({
    dir,
    registry: testRegistry(),
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
  db = t.spine.db;
});

afterEach(() => {
  t.cleanup();
  restoreEnv();
  dir.cleanup();
});

describe('Dispatcher.submit on the sync backend', () => {
  it('records a completed execution with its result, coerced params and lineage', async () => {
    const exec = await run('test.echo', { week_ending: '2025-12-12', count: '2' });

    expect(exec.status).toBe('completed');
    const row = executionRow(exec.id);
    expect(row).toMatchObject({
      pipeline: 'test.echo',
      lane: 'normal',
      backend: 'sync',
      trigger_source: 'cli',
      logical_key: 'echo:2025-12-12',
      status: 'completed',
      parent_execution_id: null,
      attempts: 1,
      error_code: null,
    });
    expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(row.batch_id).toMatch(/^echo_\d{8}T\d{6}_[0-9a-f]{8}$/);
    expect(JSON.parse(row.params)).toEqual({ week_ending: '2025-12-12', count: 2, force: false });
    expect(JSON.parse(row.result ?? 'null')).toEqual({ prepared: 2, processed: 4, finished: true });
    expect(row.started_at).toMatch(/Z$/);
    expect(row.completed_at).toMatch(/Z$/);
    expect(exec.result).toEqual({ prepared: 2, processed: 4, finished: true });
  });

  it('writes one manifest row per stage carrying the execution and batch ids', async () => {
    const exec = await run('test.echo', { week_ending: '2025-12-12', count: '2' });

    const rows = db
      .prepare(
        'SELECT stage, stage_rank, row_count, metrics_json, execution_id, batch_id FROM core_manifest WHERE domain = ? AND partition_key = ? ORDER BY stage_rank',
      )
      .all('test', echoPartition('2025-12-12'));
    expect(rows).toEqual([
      {
        stage: 'prepare',
        stage_rank: 0,
        row_count: 2,
        metrics_json: null,
        execution_id: exec.id,
        batch_id: exec.batchId,
      },
      {
        stage: 'process',
        stage_rank: 1,
        row_count: 4,
        metrics_json: '{"doubled":4}',
        execution_id: exec.id,
        batch_id: exec.batchId,
      },
      {
        stage: 'finish',
        stage_rank: 2,
        row_count: null,
        metrics_json: null,
        execution_id: exec.id,
        batch_id: exec.batchId,
      },
    ]);
  });

  it('writes the lifecycle events in order: submitted, started, then per stage started/progress/completed, then completed', async () => {
    const exec = await run('test.echo', { week_ending: '2025-12-12', count: '2' });

    const evs = events(exec.id);
    expect(evs.map((e) => [e.event_type, e.stage, e.step])).toEqual([
      ['submitted', null, null],
      ['started', null, null],
      ['stage_started', 'prepare', null],
      ['progress', 'prepare', 'echo.prepare'],
      ['progress', 'prepare', 'stage.prepare'],
      ['stage_completed', 'prepare', null],
      ['stage_started', 'process', null],
      ['progress', 'process', 'echo.process.inner'],
      ['progress', 'process', 'echo.process'],
      ['progress', 'process', 'stage.process'],
      ['stage_completed', 'process', null],
      ['stage_started', 'finish', null],
      ['progress', 'finish', 'stage.finish'],
      ['stage_completed', 'finish', null],
      ['completed', null, null],
    ]);
    expect(evs.map((e) => e.status)).toEqual(['pending', ...Array<string>(13).fill('running'), 'completed']);
    expect(evs.every((e) => e.attempt === 1)).toBe(true);
    expect(payload(evs[0])).toMatchObject({ pipeline: 'test.echo', lane: 'normal', backend: 'sync' });
    expect(payload(evs[3])).toMatchObject({ rows_in: 2 });
    expect(typeof payload(evs[3])['duration_ms']).toBe('number');
    const processDone = evs[10];
    expect(processDone).toMatchObject({ rows_in: 2, rows_out: 4 });
    expect(payload(processDone)).toEqual({ doubled: 4 });
    expect(payload(evs.at(-1))).toEqual({ prepared: 2, processed: 4, finished: true });
  });

  it('reports a stage that has nothing to do as stage_skipped and re-runs it when force=true', async () => {
    await run('test.echo', { week_ending: '2025-12-12' });

    const again = await run('test.echo', { week_ending: '2025-12-12' });
    const forced = await run('test.echo', { week_ending: '2025-12-12', force: 'true' });

    const finishOf = (id: string): string[] =>
      events(id)
        .filter((e) => e.stage === 'finish')
        .map((e) => e.event_type);
    expect(again.status).toBe('completed');
    expect(finishOf(again.id)).toEqual(['stage_started', 'progress', 'stage_skipped']);
    expect(payload(events(again.id).find((e) => e.event_type === 'stage_skipped'))).toEqual({
      reason: 'already finished',
    });
    expect(finishOf(forced.id)).toEqual(['stage_started', 'progress', 'stage_completed']);
    expect(executionRow(forced.id).params).toContain('"force":true');
  });

  it('throws PipelineNotFoundError for an unknown pipeline and records nothing', async () => {
    const err = await rejection(t.spine.dispatcher.submit('no.such.pipeline', {}));

    expect(err).toBeInstanceOf(PipelineNotFoundError);
    expect(err).toMatchObject({ code: 'PIPELINE_NOT_FOUND', exitCode: 2 });
    expect((err as PipelineNotFoundError).message).toContain('no.such.pipeline');
    expect((err as PipelineNotFoundError).details['available']).toEqual([
      'test.bad_input',
      'test.echo',
      'test.fanout',
      'test.flaky',
    ]);
    expect(count('core_executions')).toBe(0);
    expect(count('core_execution_events')).toBe(0);
  });

  it('throws BadParamsError for missing or invalid params and records nothing', async () => {
    const missing = await rejection(t.spine.dispatcher.submit('test.echo', { count: '1' }));
    const invalid = await rejection(t.spine.dispatcher.submit('test.echo', { week_ending: '2025-02-30', count: 'x' }));

    expect(missing).toBeInstanceOf(BadParamsError);
    expect(missing).toMatchObject({ code: 'MISSING_REQUIRED', missing: ['week_ending'] });
    expect(invalid).toBeInstanceOf(BadParamsError);
    expect(invalid).toMatchObject({ code: 'INVALID_PARAMS' });
    expect(Object.keys((invalid as BadParamsError).invalid).sort()).toEqual(['count', 'week_ending']);
    expect(count('core_executions')).toBe(0);
    expect(count('core_execution_events')).toBe(0);
    expect(count('core_manifest')).toBe(0);
  });

  it('returns a preview for a dry run and records nothing', async () => {
    const preview = await t.spine.dispatcher.submit(
      'test.echo',
      { week_ending: '2025-12-12', force: '1' },
      { dryRun: true },
    );

    expect(isDryRun(preview)).toBe(true);
    expect(preview).toEqual({
      dryRun: true,
      pipeline: 'test.echo',
      params: { week_ending: '2025-12-12', count: 3, force: true },
      lane: 'normal',
      backend: 'sync',
      stages: ['prepare', 'process', 'finish'],
      logicalKey: 'echo:2025-12-12',
    } satisfies DryRunPreview);
    expect(count('core_executions')).toBe(0);
    expect(count('core_execution_events')).toBe(0);
    expect(count('core_manifest')).toBe(0);
  });

  it('previews the background lane on the temporal backend without needing one', async () => {
    const preview = await t.spine.dispatcher.submit(
      'test.echo',
      { week_ending: '2025-12-12' },
      { dryRun: true, lane: 'background' },
    );
    expect(preview).toMatchObject({ lane: 'background', backend: 'temporal' });
    expect(count('core_executions')).toBe(0);
  });

  it('refuses the background lane where this process has no background backend, recording nothing', async () => {
    const err = await rejection(
      t.spine.dispatcher.submit('test.echo', { week_ending: '2025-12-12' }, { lane: 'background' }),
    );
    expect((err as Error).message).toBe('The background lane is not configured in this process');
    expect(count('core_executions')).toBe(0);
    expect(count('core_execution_events')).toBe(0);
  });
});

describe('retries and dead letters', () => {
  it('retries a stage that fails once with a retryable fault, then completes', async () => {
    faults({ 'test.flaky/fetch': { failAttempts: 1 } });

    const exec = await run('test.flaky');

    expect(exec.status).toBe('completed');
    expect(exec.attempts).toBe(2);
    expect(exec.result).toEqual({ fetched: 2, stored: true });
    expect(sleeps).toEqual([1000]);
    const evs = events(exec.id);
    const retrying = evs.filter((e) => e.event_type === 'retrying');
    expect(retrying).toHaveLength(1);
    expect(retrying[0]).toMatchObject({ attempt: 1, stage: 'fetch', error_type: 'EXECUTION_FAILED' });
    expect(retrying[0]?.error_message).toContain('Injected fault in test.flaky/fetch (attempt 1)');
    expect(payload(retrying[0])).toEqual({ delay_ms: 1000 });
    expect(evs.filter((e) => e.stage === 'fetch').map((e) => [e.event_type, e.attempt])).toEqual([
      ['stage_started', 1],
      ['retrying', 1],
      ['stage_started', 2],
      ['progress', 2],
      ['progress', 2],
      ['stage_completed', 2],
    ]);
    expect(evs.at(-1)?.event_type).toBe('completed');
    expect(count('core_dead_letters')).toBe(0);
  });

  it('takes the first retry delay from SPINE_RETRY_INITIAL_MS', async () => {
    faults({ 'test.flaky/fetch': { failAttempts: 1 } });
    process.env['SPINE_RETRY_INITIAL_MS'] = '5';

    const exec = await run('test.flaky');

    expect(exec.status).toBe('completed');
    expect(sleeps).toEqual([5]);
    expect(payload(events(exec.id).find((e) => e.event_type === 'retrying'))).toEqual({ delay_ms: 5 });
  });

  it('fails a permanently faulty stage after the maximum attempts and dead-letters it', async () => {
    faults({ 'test.flaky/fetch': { always: true, message: 'upstream is down' } });

    const exec = await run('test.flaky');

    expect(exec).toMatchObject({
      status: 'failed',
      attempts: 3,
      errorCode: 'EXECUTION_FAILED',
      errorStage: 'fetch',
      errorMessage: 'upstream is down',
    });
    expect(sleeps).toEqual([1000, 2000]);
    const evs = events(exec.id);
    expect(evs.filter((e) => e.event_type === 'retrying').map((e) => [e.attempt, payload(e)['delay_ms']])).toEqual([
      [1, 1000],
      [2, 2000],
    ]);
    expect(evs.slice(-2).map((e) => [e.event_type, e.attempt, e.status])).toEqual([
      ['failed', 3, 'failed'],
      ['dead_lettered', 3, 'dead_lettered'],
    ]);
    expect(evs.some((e) => e.stage === 'store' || e.event_type === 'completed')).toBe(false);

    const letters = t.spine.deadLetters.list();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      execution_id: exec.id,
      pipeline: 'test.flaky',
      stage: 'fetch',
      params: {},
      error_type: 'EXECUTION_FAILED',
      error_message: 'upstream is down',
      attempts: 3,
      status: 'open',
    });
    expect(payload(evs.at(-1))).toEqual({ dead_letter_id: letters[0]?.id });
    const first = evs.find((e) => e.event_type === 'retrying');
    expect(letters[0]?.first_failure_at).toBe(
      (db.prepare('SELECT at FROM core_execution_events WHERE id = ?').get(first?.id) as { at: string }).at,
    );
  });

  it('fails at once on a non-retryable SourceError, without retries or a dead letter', async () => {
    const exec = await run('test.bad_input');

    expect(exec).toMatchObject({
      status: 'failed',
      attempts: 1,
      errorCode: 'SOURCE_ERROR',
      errorStage: 'parse',
      errorMessage: 'input.csv line 7: BAD_ROW: unparseable row',
    });
    expect(sleeps).toEqual([]);
    const evs = events(exec.id);
    expect(evs.map((e) => e.event_type)).toEqual(['submitted', 'started', 'stage_started', 'failed']);
    expect(evs.at(-1)).toMatchObject({ error_type: 'SOURCE_ERROR', attempt: 1, stage: 'parse' });
    expect(count('core_dead_letters')).toBe(0);
  });
});

describe('fan-out', () => {
  it('records children with parent_execution_id and the parent batch, and hands their outcomes to the next stage', async () => {
    const parent = await run('test.fanout', { weeks: '2025-12-05,2025-12-12' });

    expect(parent.status).toBe('completed');
    const children = db
      .prepare('SELECT * FROM core_executions WHERE parent_execution_id = ? ORDER BY created_at, rowid')
      .all(parent.id) as ExecutionRow[];
    expect(children).toHaveLength(2);
    for (const child of children) {
      expect(child).toMatchObject({
        pipeline: 'test.echo',
        status: 'completed',
        batch_id: parent.batchId,
        trigger_source: 'cli',
        lane: 'normal',
      });
    }
    expect(children.map((c) => (JSON.parse(c.params) as { week_ending: string }).week_ending)).toEqual([
      '2025-12-05',
      '2025-12-12',
    ]);
    expect(parent.result).toMatchObject({
      planned: 2,
      child_count: 2,
      completed_children: ['2025-12-05', '2025-12-12'],
    });
    const outcomes = parent.result?.['children'] as { label: string; executionId: string; status: string }[];
    const weekOf = (c: ExecutionRow): string => (JSON.parse(c.params) as { week_ending: string }).week_ending;
    expect(outcomes.map((o) => [o.label, o.executionId, o.status])).toEqual(
      children.map((c) => [weekOf(c), c.id, 'completed']),
    );
    for (const child of children) expect(events(child.id).at(-1)?.event_type).toBe('completed');
  });

  it('reports a child that cannot be submitted as failed in the outcomes without failing the parent', async () => {
    const parent = await run('test.fanout', { weeks: '2025-12-05,not-a-date' });

    expect(parent.status).toBe('completed');
    expect(count('core_executions')).toBe(2);
    const outcomes = parent.result?.['children'] as {
      label: string;
      executionId: string;
      status: string;
      error?: string;
    }[];
    expect(outcomes[1]).toMatchObject({ label: 'not-a-date', executionId: '', status: 'failed' });
    expect(outcomes[1]?.error).toContain('week_ending');
    expect(parent.result).toMatchObject({ child_count: 2, completed_children: ['2025-12-05'] });
  });
});
