/**
 * Issue 4: the events a real week run writes to core_execution_events — a good run, a run that fails on
 * bad input, and a run whose stage fails once (test fault hook) and then succeeds.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import { eventsOf } from '../../../src/core/execution/history.js';
import type { EventRow } from '../../../src/core/execution/history.js';
import { WEEK_PIPELINE } from '../../fixtures/revised/captures.js';
import { ORIGINAL_FILE, dataRowCount } from '../../fixtures/revised/revise-otc-file.js';
import { writeFaultsFile } from '../../helpers/test-pipelines.js';
import { openTempSpine, setEnv } from '../../helpers/tmp-db.js';
import type { TempSpine } from '../../helpers/tmp-db.js';

const WEEK_STAGES = ['ingest', 'normalize', 'aggregate', 'venue_share', 'symbol_venue_calcs', 'rolling', 'publish', 'recompute'];

async function runWeek(t: TempSpine, params: Record<string, string | boolean>): Promise<ExecutionRecord> {
  return (await t.spine.dispatcher.submit(WEEK_PIPELINE, params)) as ExecutionRecord;
}

/** Everything but progress, as [type, stage, attempt]. */
const lifecycle = (events: readonly EventRow[]): [string, string | null, number][] =>
  events.filter((e) => e.event_type !== 'progress').map((e) => [e.event_type, e.stage, e.attempt]);

describe('execution events of a week run on a good file', () => {
  let t: TempSpine;
  let run: ExecutionRecord;
  let events: EventRow[];

  beforeAll(async () => {
    t = openTempSpine();
    run = await runWeek(t, { file_path: ORIGINAL_FILE });
    events = eventsOf(t.spine.db, run.id);
  });

  afterAll(() => t.cleanup());

  it('records submitted, started, every stage started then completed in pipeline order, and completed', () => {
    expect(run.status).toBe('completed');

    expect(lifecycle(events)).toEqual([
      ['submitted', null, 1],
      ['started', null, 1],
      ...WEEK_STAGES.flatMap((s): [string, string, number][] => [
        ['stage_started', s, 1],
        ['stage_completed', s, 1],
      ]),
      ['completed', null, 1],
    ]);
    expect(events[0]?.payload['stages']).toEqual(WEEK_STAGES);
    expect(events.map((e) => e.status)).toEqual(
      events.map((e) =>
        e.event_type === 'submitted' ? 'pending' : e.event_type === 'completed' ? 'completed' : 'running',
      ),
    );
    const ats = events.map((e) => e.at);
    expect([...ats].sort()).toEqual(ats);
    expect(events.every((e) => e.error_type === null && e.error_message === null)).toBe(true);
  });

  it('writes progress events with counters inside the stage that produced them', () => {
    for (const stage of WEEK_STAGES) {
      const start = events.findIndex((e) => e.event_type === 'stage_started' && e.stage === stage);
      const end = events.findIndex((e) => e.event_type === 'stage_completed' && e.stage === stage);
      const progress = events.flatMap((e, i) => (e.event_type === 'progress' && e.stage === stage ? [i] : []));
      expect(progress.length, `progress events of ${stage}`).toBeGreaterThan(0);
      for (const i of progress) {
        expect(i).toBeGreaterThan(start);
        expect(i).toBeLessThan(end);
        expect(events[i]?.step).toEqual(expect.any(String));
        expect(events[i]?.payload['duration_ms']).toEqual(expect.any(Number));
      }
    }
    const rows = dataRowCount(ORIGINAL_FILE);
    const bulk = events.filter((e) => e.step === 'ingest.bulk_insert');
    expect(bulk.at(-1)?.payload).toMatchObject({ rows_in: rows, rows_out: rows, rows_rejected: 0 });
    const ingestDone = events.find((e) => e.event_type === 'stage_completed' && e.stage === 'ingest');
    expect(ingestDone).toMatchObject({ rows_in: rows, rows_out: rows, capture_id: run.result?.['capture_id'] });
    expect(events.at(-1)).toMatchObject({ event_type: 'completed', capture_id: run.result?.['capture_id'] });
  });

  it('ignores a repeated write of an event the run already recorded', () => {
    const replayed = [
      t.spine.events.write(run.id, { type: 'stage_started', stage: 'normalize', attempt: 1 }),
      t.spine.events.write(run.id, { type: 'stage_completed', stage: 'normalize', attempt: 1, rowsOut: 1 }),
      t.spine.events.write(run.id, { type: 'completed' }),
    ];

    expect(replayed).toEqual([false, false, false]);
    expect(eventsOf(t.spine.db, run.id)).toEqual(events);
  });
});

describe('execution events of week runs that fail or retry', () => {
  let t: TempSpine;
  let restoreEnv: (() => void) | undefined;

  beforeEach(() => {
    t = openTempSpine();
  });

  afterEach(() => {
    restoreEnv?.();
    restoreEnv = undefined;
    t.cleanup();
  });

  it('ends a run on a file with a bad header with one failed event of type SOURCE_ERROR in stage ingest', async () => {
    const bad = t.dir.join('finra_otc_weekly_otc_20251215.csv');
    writeFileSync(bad, 'Symbol|Venue|Date|Volume\nAABB|OTCN|2025-12-12|100\n');

    const run = await runWeek(t, { file_path: bad });
    const events = eventsOf(t.spine.db, run.id);

    expect(lifecycle(events)).toEqual([
      ['submitted', null, 1],
      ['started', null, 1],
      ['stage_started', 'ingest', 1],
      ['failed', 'ingest', 1],
    ]);
    const failed = events.at(-1);
    expect(failed).toMatchObject({
      event_type: 'failed',
      status: 'failed',
      stage: 'ingest',
      error_type: 'SOURCE_ERROR',
    });
    expect(failed?.error_message).toContain('HEADER_MISSING_COLUMN');
    expect(failed?.error_message).toContain(bad);
    expect(run).toMatchObject({ status: 'failed', errorCode: 'SOURCE_ERROR', errorStage: 'ingest', attempts: 1 });
    const published = t.spine.db
      .prepare(`SELECT COUNT(*) AS n FROM core_captures WHERE status = 'published'`)
      .get() as {
      n: number;
    };
    expect(published.n).toBe(0);
  });

  it('records a retrying event with attempt 1 and its delay, then stage_started attempt 2, when a stage fails once', async () => {
    const faults = writeFaultsFile(t.dir.join('faults.json'), { [`${WEEK_PIPELINE}/normalize`]: { failAttempts: 1 } });
    restoreEnv = setEnv({ SPINE_FAULTS_FILE: faults, SPINE_RETRY_INITIAL_MS: '1' });

    const run = await runWeek(t, { file_path: ORIGINAL_FILE });
    const events = eventsOf(t.spine.db, run.id);

    expect(run).toMatchObject({ status: 'completed', attempts: 2, errorCode: null });
    const life = lifecycle(events);
    const retryAt = life.findIndex(([type]) => type === 'retrying');
    expect(life.slice(retryAt - 1, retryAt + 3)).toEqual([
      ['stage_started', 'normalize', 1],
      ['retrying', 'normalize', 1],
      ['stage_started', 'normalize', 2],
      ['stage_completed', 'normalize', 2],
    ]);
    expect(life.filter(([type]) => type === 'retrying')).toHaveLength(1);
    expect(life.at(-1)).toEqual(['completed', null, 1]);
    const retrying = events.find((e) => e.event_type === 'retrying');
    expect(retrying).toMatchObject({ status: 'running', error_type: 'EXECUTION_FAILED', payload: { delay_ms: 1 } });
    expect(retrying?.error_message).toContain(`${WEEK_PIPELINE}/normalize`);
    expect(events.some((e) => e.event_type === 'failed' || e.event_type === 'dead_lettered')).toBe(false);
  });
});
