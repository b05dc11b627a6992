/**
 * Issue 4 docs: the ready-to-run SQL recipes over core_execution_events, checked against real runs of the
 * test pipelines (and, for stage timings, events written by the real EventWriter under a pinned clock).
 * The SQL strings below are meant to be copied verbatim into the docs.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSpine } from '../../../src/app/spine.js';
import type { Clock } from '../../../src/core/clock.js';
import { fixedClock } from '../../../src/core/clock.js';
import { EventWriter } from '../../../src/core/execution/event-writer.js';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import { ExecutionStore } from '../../../src/core/execution/execution-store.js';
import { silentLogger } from '../../../src/core/logging/logger.js';
import { runCli } from '../../helpers/run-cli.js';
import { testRegistry, writeFaultsFile } from '../../helpers/test-pipelines.js';
import { openTempSpine, setEnv } from '../../helpers/tmp-db.js';
import type { TempSpine } from '../../helpers/tmp-db.js';
import { DAY } from './seed.js';

/** Failed executions in the last 7 days: where (stage, attempt) and why (error type and message). */
const FAILED_THIS_WEEK_SQL = `SELECT x.id AS execution_id, x.pipeline, e.stage, e.attempt, e.error_type, e.error_message, e.at
FROM core_execution_events e
JOIN core_executions x ON x.id = e.execution_id
WHERE e.event_type = 'failed'
  AND e.at >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-7 days')
ORDER BY e.at DESC, e.id DESC`;

/** The slowest stage attempts: stage_started joined to the stage_completed of the same attempt. */
const SLOWEST_STAGES_SQL = `SELECT x.pipeline, s.stage, s.execution_id, s.attempt,
  CAST(ROUND((julianday(c.at) - julianday(s.at)) * 86400000) AS INTEGER) AS duration_ms
FROM core_execution_events s
JOIN core_execution_events c
  ON c.execution_id = s.execution_id AND c.stage = s.stage AND c.attempt = s.attempt
  AND c.event_type = 'stage_completed'
JOIN core_executions x ON x.id = s.execution_id
WHERE s.event_type = 'stage_started'
ORDER BY duration_ms DESC
LIMIT 10`;

/** Retries per pipeline: how many retrying events, over how many executions. */
const RETRIES_PER_PIPELINE_SQL = `SELECT x.pipeline, COUNT(*) AS retries, COUNT(DISTINCT e.execution_id) AS executions_retried
FROM core_execution_events e
JOIN core_executions x ON x.id = e.execution_id
WHERE e.event_type = 'retrying'
GROUP BY x.pipeline
ORDER BY retries DESC, x.pipeline`;

let t: TempSpine;
let restoreEnv: (() => void) | undefined;

beforeEach(() => {
  t = openTempSpine({ registry: testRegistry() });
});

afterEach(() => {
  restoreEnv?.();
  restoreEnv = undefined;
  t.cleanup();
});

const submit = async (pipeline: string, params: Record<string, string | number> = {}): Promise<ExecutionRecord> =>
  (await t.spine.dispatcher.submit(pipeline, params)) as ExecutionRecord;

function faults(spec: Parameters<typeof writeFaultsFile>[1]): void {
  restoreEnv?.();
  restoreEnv = setEnv({
    SPINE_FAULTS_FILE: writeFaultsFile(t.dir.join('faults.json'), spec),
    SPINE_RETRY_INITIAL_MS: '1',
  });
}

describe('SQL recipe: failed executions this week', () => {
  it('returns the failures of the last 7 days with stage, attempt and error, newest first, and not an older one', async () => {
    const tenDaysAgo = createSpine({
      db: t.spine.db,
      log: silentLogger,
      registry: testRegistry(),
      clock: fixedClock(new Date(Date.now() - 10 * DAY)),
      migrate: false,
    });
    const old = (await tenDaysAgo.dispatcher.submit('test.bad_input', {})) as ExecutionRecord;
    await submit('test.echo', { week_ending: '2025-12-12' });
    const badInput = await submit('test.bad_input');
    faults({ 'test.flaky/fetch': { always: true } });
    const flaky = await submit('test.flaky');
    expect([old.status, badInput.status, flaky.status]).toEqual(['failed', 'failed', 'failed']);

    const rows = t.spine.db.prepare(FAILED_THIS_WEEK_SQL).all() as Record<string, unknown>[];

    expect(rows.map(({ at: _at, error_message: _m, ...r }) => r)).toEqual([
      { execution_id: flaky.id, pipeline: 'test.flaky', stage: 'fetch', attempt: 3, error_type: 'EXECUTION_FAILED' },
      { execution_id: badInput.id, pipeline: 'test.bad_input', stage: 'parse', attempt: 1, error_type: 'SOURCE_ERROR' },
    ]);
    expect(rows[1]?.['error_message']).toBe('input.csv line 7: BAD_ROW: unparseable row');
  });

  it('runs unchanged through `spine query sql` on the read-only connection', async () => {
    const badInput = await submit('test.bad_input');

    const res = runCli(['query', 'sql', FAILED_THIS_WEEK_SQL, '--json'], { dbPath: t.dbPath });

    expect(res.code, res.stderr).toBe(0);
    const { rows } = res.json<{ rows: Record<string, unknown>[] }>();
    expect(rows).toEqual([
      expect.objectContaining({ execution_id: badInput.id, stage: 'parse', error_type: 'SOURCE_ERROR' }),
    ]);
  });
});

describe('SQL recipe: slowest stages', () => {
  it('ranks stage attempts by the time from stage_started to stage_completed, ignoring attempts that never completed', () => {
    let now = Date.parse('2025-12-15T10:00:00.000Z');
    const clock: Clock = { now: () => new Date(now) };
    const store = new ExecutionStore(t.spine.db, clock);
    const events = new EventWriter(t.spine.db, clock);
    const at = (ms: number): void => {
      now = Date.parse('2025-12-15T10:00:00.000Z') + ms;
    };
    const base = { lane: 'normal', backend: 'sync', triggerSource: 'cli', params: {}, batchId: 'b' } as const;
    store.create({ ...base, id: 'x-week', pipeline: 'finra.otc_transparency.week' });
    store.create({ ...base, id: 'x-gc', pipeline: 'captures.gc' });
    at(0);
    events.write('x-week', { type: 'stage_started', stage: 'ingest' });
    at(4_500);
    events.write('x-week', { type: 'stage_completed', stage: 'ingest' });
    events.write('x-week', { type: 'stage_started', stage: 'normalize' });
    at(4_750);
    events.write('x-week', { type: 'stage_completed', stage: 'normalize' });
    at(0);
    events.write('x-gc', { type: 'stage_started', stage: 'collect', attempt: 1 });
    at(300);
    events.write('x-gc', {
      type: 'retrying',
      stage: 'collect',
      attempt: 1,
      delayMs: 1_000,
      error: { type: 'DATABASE_ERROR', message: 'busy' },
    });
    at(1_300);
    events.write('x-gc', { type: 'stage_started', stage: 'collect', attempt: 2 });
    at(2_100);
    events.write('x-gc', { type: 'stage_completed', stage: 'collect', attempt: 2 });
    events.write('x-gc', { type: 'stage_started', stage: 'prune_events' });
    at(14_100);
    events.write('x-gc', { type: 'stage_completed', stage: 'prune_events' });

    const rows = t.spine.db.prepare(SLOWEST_STAGES_SQL).all();

    expect(rows).toEqual([
      { pipeline: 'captures.gc', stage: 'prune_events', execution_id: 'x-gc', attempt: 1, duration_ms: 12_000 },
      {
        pipeline: 'finra.otc_transparency.week',
        stage: 'ingest',
        execution_id: 'x-week',
        attempt: 1,
        duration_ms: 4_500,
      },
      { pipeline: 'captures.gc', stage: 'collect', execution_id: 'x-gc', attempt: 2, duration_ms: 800 },
      {
        pipeline: 'finra.otc_transparency.week',
        stage: 'normalize',
        execution_id: 'x-week',
        attempt: 1,
        duration_ms: 250,
      },
    ]);
  });
});

describe('SQL recipe: retry counts per pipeline', () => {
  it('counts retrying events and retried executions per pipeline, most retries first', async () => {
    faults({ 'test.flaky/fetch': { failAttempts: 2 }, 'test.echo/process': { failAttempts: 1 } });
    const runs = [
      await submit('test.flaky'),
      await submit('test.flaky'),
      await submit('test.echo', { week_ending: '2025-12-12' }),
      await submit('test.bad_input'),
    ];
    expect(runs.map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'failed']);

    const rows = t.spine.db.prepare(RETRIES_PER_PIPELINE_SQL).all();

    expect(rows).toEqual([
      { pipeline: 'test.flaky', retries: 4, executions_retried: 2 },
      { pipeline: 'test.echo', retries: 1, executions_retried: 1 },
    ]);
  });
});
