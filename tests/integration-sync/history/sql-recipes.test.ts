/**
 * Issue 4 docs: the ready-to-run SQL recipes of docs/execution-history.md, read from the page's fenced
 * `sql` blocks (one recipe per `-- title` comment) and run unchanged against real runs of the test
 * pipelines (and, for exact stage timings, events written by the real EventWriter under a pinned clock).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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

const DOC = fileURLToPath(new URL('../../../docs/execution-history.md', import.meta.url));

/** The recipes of the doc: every fenced sql block, split at its `-- title` lines; title → statement. */
function docRecipes(): Map<string, string> {
  const out = new Map<string, string>();
  for (const block of readFileSync(DOC, 'utf8').matchAll(/^```sql\n([\s\S]*?)^```$/gm)) {
    let title: string | undefined;
    let lines: string[] = [];
    const flush = (): void => {
      if (title !== undefined) out.set(title, lines.join('\n').trim().replace(/;$/, ''));
    };
    for (const line of (block[1] ?? '').split('\n')) {
      const heading = /^-- (.+)$/.exec(line);
      if (heading) {
        flush();
        title = heading[1];
        lines = [];
      } else lines.push(line);
    }
    flush();
  }
  return out;
}

const RECIPES = docRecipes();
function recipe(titleStart: string): string {
  const found = [...RECIPES].filter(([title]) => title.startsWith(titleStart));
  if (found.length !== 1) throw new Error(`expected one recipe titled '${titleStart}…', found ${found.length}`);
  return (found[0] as [string, string])[1];
}

const FAILED_THIS_WEEK = 'Failed in the last 7 days';
const SLOWEST_STAGES = 'Slowest stage attempts';
const RETRIES_PER_PIPELINE = 'Retry counts per pipeline';
const ONE_EXECUTION = 'Where and why one execution failed';

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

describe('the recipes in docs/execution-history.md', () => {
  it('are the four documented ones, each a single read-only statement', () => {
    expect([...RECIPES.keys()]).toEqual([
      'Failed in the last 7 days: which pipeline, where (stage, attempt) and why',
      SLOWEST_STAGES,
      RETRIES_PER_PIPELINE,
      `${ONE_EXECUTION} (bind the execution id: spine query sql "…" --param <id>)`,
    ]);
    for (const sql of RECIPES.values()) {
      const stmt = t.spine.db.prepare(sql);
      expect({ sql, readonly: stmt.readonly, reader: stmt.reader }).toEqual({ sql, readonly: true, reader: true });
    }
  });
});

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

    const rows = t.spine.db.prepare(recipe(FAILED_THIS_WEEK)).all() as Record<string, unknown>[];

    expect(rows.map(({ at: _at, error_message: _m, ...r }) => r)).toEqual([
      { execution_id: flaky.id, pipeline: 'test.flaky', stage: 'fetch', attempt: 3, error_type: 'EXECUTION_FAILED' },
      { execution_id: badInput.id, pipeline: 'test.bad_input', stage: 'parse', attempt: 1, error_type: 'SOURCE_ERROR' },
    ]);
    expect(rows[1]?.['error_message']).toBe('input.csv line 7: BAD_ROW: unparseable row');
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

    const rows = t.spine.db.prepare(recipe(SLOWEST_STAGES)).all();

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

describe('SQL recipe: slowest stages over real runs', () => {
  it('lists every completed stage attempt of real runs with its event-to-event duration, slowest first', async () => {
    faults({ 'test.flaky/fetch': { failAttempts: 2 } });
    const echo = await submit('test.echo', { week_ending: '2025-12-12' });
    const flaky = await submit('test.flaky');
    expect([echo.status, flaky.status]).toEqual(['completed', 'completed']);
    // Expected from the events themselves: each stage_started with the stage_completed of its attempt.
    const events = t.spine.db
      .prepare(`SELECT execution_id, event_type, stage, attempt, at FROM core_execution_events ORDER BY id`)
      .all() as { execution_id: string; event_type: string; stage: string | null; attempt: number; at: string }[];
    const key = (e: (typeof events)[number]): string => `${e.execution_id}|${e.stage ?? ''}|${e.attempt}`;
    const completedAt = new Map(events.filter((e) => e.event_type === 'stage_completed').map((e) => [key(e), e.at]));
    const pipelineOf = new Map([
      [echo.id, 'test.echo'],
      [flaky.id, 'test.flaky'],
    ]);
    const expected = events
      .filter((e) => e.event_type === 'stage_started' && completedAt.has(key(e)))
      .map((e) => ({
        pipeline: pipelineOf.get(e.execution_id),
        stage: e.stage,
        execution_id: e.execution_id,
        attempt: e.attempt,
        duration_ms: Date.parse(completedAt.get(key(e)) ?? '') - Date.parse(e.at),
      }));

    const rows = t.spine.db.prepare(recipe(SLOWEST_STAGES)).all() as typeof expected;

    // echo: prepare, process, finish; flaky: fetch attempt 3 and store (fetch attempts 1 and 2 never completed).
    expect(expected.map((e) => [e.stage, e.attempt])).toEqual([
      ['prepare', 1],
      ['process', 1],
      ['finish', 1],
      ['fetch', 3],
      ['store', 1],
    ]);
    type Row = (typeof expected)[number];
    const order = (a: Row, b: Row): number =>
      b.duration_ms - a.duration_ms ||
      `${a.execution_id}${a.stage ?? ''}`.localeCompare(`${b.execution_id}${b.stage ?? ''}`);
    expect([...rows].sort(order)).toEqual([...expected].sort(order));
    expect(rows.map((r) => r.duration_ms)).toEqual(rows.map((r) => r.duration_ms).sort((a, b) => b - a));
  });
});

describe('SQL recipe: where and why one execution failed', () => {
  it("lists a dead-lettered run's retries, its failure and its dead letter, in order, and nothing of another run", async () => {
    faults({ 'test.flaky/fetch': { always: true, message: 'upstream down' } });
    const flaky = await submit('test.flaky');
    await submit('test.bad_input');
    expect(flaky.status).toBe('failed');

    const rows = t.spine.db.prepare(recipe(ONE_EXECUTION)).all(flaky.id) as Record<string, unknown>[];

    expect(rows.map(({ at: _at, ...r }) => r)).toEqual([
      ...[1, 2].map((attempt) => ({
        event_type: 'retrying',
        stage: 'fetch',
        attempt,
        error_type: 'EXECUTION_FAILED',
        error_message: 'upstream down',
      })),
      ...['failed', 'dead_lettered'].map((event_type) => ({
        event_type,
        stage: 'fetch',
        attempt: 3,
        error_type: 'EXECUTION_FAILED',
        error_message: 'upstream down',
      })),
    ]);
  });
});

describe('every recipe through `spine query sql`', () => {
  it('runs each recipe unchanged on the read-only connection and answers what the database answers', async () => {
    faults({ 'test.flaky/fetch': { failAttempts: 2 } });
    await submit('test.flaky');
    await submit('test.echo', { week_ending: '2025-12-12' });
    const badInput = await submit('test.bad_input');

    for (const [title, sql] of RECIPES) {
      const params = sql.includes('?') ? [badInput.id] : [];
      const res = runCli(['query', 'sql', sql, ...params.flatMap((p) => ['--param', p]), '--json'], {
        dbPath: t.dbPath,
      });
      expect(res.code, `${title}: ${res.stderr}`).toBe(0);
      const expected = t.spine.db.prepare(sql).all(...params);
      expect(expected.length, title).toBeGreaterThan(0);
      expect(res.json<{ rows: unknown[] }>().rows, title).toEqual(expected);
    }
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

    const rows = t.spine.db.prepare(recipe(RETRIES_PER_PIPELINE)).all();

    expect(rows).toEqual([
      { pipeline: 'test.flaky', retries: 4, executions_retried: 2 },
      { pipeline: 'test.echo', retries: 1, executions_retried: 1 },
    ]);
  });
});
