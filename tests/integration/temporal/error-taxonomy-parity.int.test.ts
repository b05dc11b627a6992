/**
 * One error taxonomy, two backends: every class of failure goes through the sync backend and through
 * Temporal (the suite's real dev server, an in-process worker) with the same input, and both must end
 * the same way — execution status, error code and stage, attempts, the retrying/failed/dead_lettered
 * events, dead letters, rejects, published captures and, for the FINRA API, the HTTP requests made.
 *
 * Inputs are real: files written to a temp folder, the shared FINRA stand-in server on 127.0.0.1
 * answering 503 (with `Retry-After: 0`, so the source's own HTTP retries do not wait), and the
 * SPINE_FAULTS_FILE hook throwing errors shaped like better-sqlite3's and Node's. Each backend gets its
 * own database. Retry delays are shortened through SPINE_RETRY_* (3 attempts, 20 ms then 40 ms).
 * A lost worker (heartbeat timeout) exists only on Temporal: worker-crash.int.test.ts covers it.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/core/db/open-database.js';
import { addDays } from '../../../src/core/dates.js';
import type { SpineError } from '../../../src/core/errors.js';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import type { FaultSpec } from '../../../src/core/execution/fault-injection.js';
import { nearestFridayOnOrAfter, previousWeek } from '../../../src/core/week-ending.js';
import { DEFAULT_RETRY_POLICY as HTTP_RETRY_POLICY } from '../../../src/domains/otc/sources/http-retry.js';
import { eventsOf } from '../../helpers/temporal-parity.js';
import { openTestStack, useTestTemporal } from '../../helpers/temporal-env.js';
import { writeFaultsFile } from '../../helpers/test-pipelines.js';
import { openTempSpine, setEnv, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';
import { pipelineFixture, WEEK_PIPELINE } from '../../integration-sync/otc/otc-pipeline-helpers.js';
import { startFinraServer } from '../../unit/domains/otc/sources/finra-test-server.js';
import type { FinraTestServer, Handler } from '../../unit/domains/otc/sources/finra-test-server.js';

const RETRY_ENV = { SPINE_RETRY_INITIAL_MS: '20', SPINE_RETRY_BACKOFF: '2', SPINE_RETRY_MAX_ATTEMPTS: '3' };
const HEADER =
  'tierDescription|issueSymbolIdentifier|issueName|marketParticipantName|MPID|totalWeeklyShareQuantity|totalWeeklyTradeCount|lastUpdateDate';
const TWO_POW_63 = '9223372036854775808';
const TWO_POW_53_PLUS_1 = '9007199254740993';
const TWO_POW_62 = '4611686018427387904';

/** A week recent enough for FINRA's current (not historic) dataset whatever day the suite runs. */
const API_WEEK = previousWeek(nearestFridayOnOrAfter(new Date().toISOString().slice(0, 10)), 8);
const API_PARAMS = { source: 'api', tier: 'OTC', week_ending: API_WEEK };

type Params = Readonly<Record<string, string | number | boolean>>;

interface Case {
  readonly pipeline: string;
  readonly params: (dir: TempDir) => Params;
  readonly faults?: Readonly<Record<string, FaultSpec>>;
  /** A fresh handler per run, so "fail the first N requests" counts each backend's run from 0. */
  readonly api?: () => Handler;
}

/** Everything the two backends must agree on, read from the database a run wrote. */
interface Outcome {
  readonly status: string;
  readonly errorCode: string | null;
  readonly errorStage: string | null;
  readonly attempts: number;
  /** [type, stage, attempt, error type, delay] of every retrying/failed/dead_lettered/completed event. */
  readonly story: unknown[][];
  readonly deadLetters: unknown[][];
  readonly rejects: unknown[][];
  readonly publishedCaptures: number;
  readonly apiRequests: number;
}

/** The refusal of a request that never became an execution. */
interface Refusal {
  readonly code: string;
  readonly exitCode: number;
  readonly executions: number;
}

function outcomeOf(db: Db, run: ExecutionRecord, apiRequests: number): Outcome {
  const story = eventsOf(db, run.id)
    .filter((e) => ['retrying', 'failed', 'dead_lettered', 'completed'].includes(e.event_type))
    .map((e) => {
      const delay = (JSON.parse(e.payload) as { delay_ms?: number }).delay_ms;
      return [e.event_type, e.stage, e.attempt, e.error_type, ...(delay === undefined ? [] : [delay])];
    });
  const deadLetters = (
    db
      .prepare('SELECT stage, attempts, error_type, status FROM core_dead_letters WHERE execution_id = ? ORDER BY id')
      .all(run.id) as Record<string, unknown>[]
  ).map((d) => [d['stage'], d['attempts'], d['error_type'], d['status']]);
  const rejects = (
    db
      .prepare(
        'SELECT stage, line_number, reason_code, source_locator FROM core_rejects WHERE execution_id = ? ORDER BY line_number, reason_code',
      )
      .all(run.id) as Record<string, unknown>[]
  ).map((r) => [r['stage'], r['line_number'], r['reason_code'], r['source_locator']]);
  const published = db
    .prepare(`SELECT COUNT(*) AS n FROM core_captures WHERE execution_id = ? AND status = 'published'`)
    .get(run.id) as { n: number };
  return {
    status: run.status,
    errorCode: run.errorCode,
    errorStage: run.errorStage,
    attempts: run.attempts,
    story,
    deadLetters,
    rejects,
    publishedCaptures: published.n,
    apiRequests,
  };
}

/** The exact raw share counts a run stored, as text (bigints stay exact). */
function rawShares(db: Db, run: ExecutionRecord): string[] {
  return (
    db
      .prepare('SELECT symbol, total_shares FROM finra_otc_transparency_raw WHERE execution_id = ? ORDER BY symbol')
      .safeIntegers(true)
      .all(run.id) as { symbol: string; total_shares: bigint }[]
  ).map((r) => `${r.symbol}=${r.total_shares}`);
}

function writeWeekFile(dir: TempDir, name: string, rows: readonly string[]): string {
  const path = dir.join(name);
  writeFileSync(path, `${[HEADER, ...rows].join('\n')}\n`);
  return path;
}

/** Synthetic weeklySummary rows for API_WEEK, with an optional override of one row's share count. */
function apiRows(n: number, shares: Readonly<Record<number, string>> = {}): string {
  const weekStartDate = addDays(API_WEEK, -4);
  const rows = Array.from(
    { length: n },
    (_, i) =>
      `{"issueSymbolIdentifier":"S${String(i).padStart(4, '0')}","issueName":"Synthetic ${i}","MPID":"OTCN",` +
      `"marketParticipantName":"OTCN OTC LINK","tierIdentifier":"OTC","totalWeeklyTradeCount":${1 + (i % 5)},` +
      `"totalWeeklyShareQuantity":${shares[i] ?? String(100 + i)},"lastUpdateDate":"${addDays(API_WEEK, 3)}",` +
      `"weekStartDate":"${weekStartDate}","summaryTypeCode":"OTC_W_SMBL_FIRM"}`,
  );
  return `[${rows.join(',')}]`;
}

const unavailable = { status: 503, headers: { 'Retry-After': '0' }, body: '{"error":"maintenance window"}' } as const;

describe('one error taxonomy: the same input ends the same way on the sync backend and on Temporal', () => {
  const temporal = useTestTemporal();
  let restoreEnv: () => void = () => undefined;
  let api: FinraTestServer;
  let handler: Handler = () => ({ status: 500, body: 'no handler' });

  beforeAll(async () => {
    api = await startFinraServer((req, index) => handler(req, index));
    restoreEnv = setEnv({ ...RETRY_ENV, SPINE_FINRA_API_URL: api.baseUrl });
  });
  afterAll(async () => {
    restoreEnv();
    await api.close();
  });

  /** Runs the case on the sync backend, then on Temporal, each with its own database and a fresh API handler. */
  async function runBoth(name: string, c: Case): Promise<{ sync: Outcome; temporal: Outcome; raw: string[][] }> {
    const dir = tempDir(`spine-taxonomy-${name}-`);
    const restoreFaults = c.faults
      ? setEnv({ SPINE_FAULTS_FILE: writeFaultsFile(dir.join('faults.json'), c.faults) })
      : () => undefined;
    const params = c.params(dir);
    /** Serves this run from a fresh handler and returns how many API requests it made. */
    const serveFresh = (): (() => number) => {
      const first = api.requests.length;
      const fresh = c.api?.();
      let seen = 0;
      handler = (req) => (fresh ? fresh(req, seen++) : { status: 404, body: '{}' });
      return () => api.requests.length - first;
    };
    const sync = openTempSpine({ dir, fileName: 'sync.db' });
    const stack = openTestStack(temporal(), { name, dir, env: RETRY_ENV });
    const worker = await stack.startWorker();
    try {
      let requests = serveFresh();
      const syncRun = (await sync.spine.dispatcher.submit(c.pipeline, params)) as ExecutionRecord;
      const syncOutcome = outcomeOf(sync.spine.db, syncRun, requests());
      requests = serveFresh();
      const temporalRun = (await stack.client.dispatcher.submit(c.pipeline, params, {
        lane: 'background',
        wait: true,
      })) as ExecutionRecord;
      expect(temporalRun.backend).toBe('temporal');
      // SQLite records the outcome a moment before the workflow closes: let it close before the worker
      // stops, so the next case (same partition key, same workflow id) does not meet it still open.
      if (temporalRun.workflowId) {
        await temporal()
          .client.workflow.getHandle(temporalRun.workflowId)
          .result()
          .catch(() => undefined);
      }
      const temporalOutcome = outcomeOf(stack.client.db, temporalRun, requests());
      return {
        sync: syncOutcome,
        temporal: temporalOutcome,
        raw: [rawShares(sync.spine.db, syncRun), rawShares(stack.client.db, temporalRun)],
      };
    } finally {
      await worker.stop();
      stack.cleanup();
      sync.cleanup();
      restoreFaults();
      dir.cleanup();
    }
  }

  it('bad params (request): refused before anything is recorded, exit 2, on both lanes', async () => {
    const dir = tempDir('spine-taxonomy-params-');
    const sync = openTempSpine({ dir, fileName: 'sync.db' });
    const stack = openTestStack(temporal(), { name: 'params', dir, env: RETRY_ENV });
    try {
      const params = { file_path: pipelineFixture('good_otc_20251215.psv'), force: 'maybe' };
      const refusal = async (submit: () => Promise<unknown>, db: Db): Promise<Refusal> => {
        const err = (await submit().then(
          () => new Error('not refused'),
          (e: unknown) => e,
        )) as SpineError;
        const executions = db.prepare('SELECT COUNT(*) AS n FROM core_executions').get() as { n: number };
        return { code: err.code, exitCode: err.exitCode, executions: executions.n };
      };
      const onSync = await refusal(() => sync.spine.dispatcher.submit(WEEK_PIPELINE, params), sync.spine.db);
      const onTemporal = await refusal(
        () => stack.client.dispatcher.submit(WEEK_PIPELINE, params, { lane: 'background', wait: true }),
        stack.client.db,
      );
      expect(onSync).toEqual({ code: 'INVALID_PARAMS', exitCode: 2, executions: 0 });
      expect(onTemporal).toEqual(onSync);
    } finally {
      stack.cleanup();
      sync.cleanup();
      dir.cleanup();
    }
  });

  it('bad file data (fatal): SOURCE_ERROR at once, one attempt, no dead letter, nothing published', async () => {
    const file = pipelineFixture('wrong-header-comma_otc_20251215.psv');
    const { sync, temporal: onTemporal } = await runBoth('header', {
      pipeline: WEEK_PIPELINE,
      params: () => ({ file_path: file }),
    });
    expect(sync).toEqual({
      status: 'failed',
      errorCode: 'SOURCE_ERROR',
      errorStage: 'ingest',
      attempts: 1,
      story: [['failed', 'ingest', 1, 'SOURCE_ERROR']],
      deadLetters: [],
      rejects: [],
      publishedCaptures: 0,
      apiRequests: 0,
    });
    expect(onTemporal).toEqual(sync);
  });

  it('bad rows, a count beyond 2^63 among them: rejected with their lines, the run completes, 2^53+1 stays exact', async () => {
    let file = '';
    const {
      sync,
      temporal: onTemporal,
      raw,
    } = await runBoth('rows', {
      pipeline: WEEK_PIPELINE,
      params: (dir) => {
        file = writeWeekFile(dir, 'rows_otc_20251215.psv', [
          'OTC|AAA|A Inc|Venue 1|OTCN|1000|5|2025-12-15',
          `OTC|BIG|Big Inc|Venue 2|OTCX|${TWO_POW_63}|3|2025-12-15`,
          `OTC|EXACT|Exact Inc|Venue 2|OTCX|${TWO_POW_53_PLUS_1}|3|2025-12-15`,
          'OTC|BAD|Bad Inc|Venue 1|OTCN|12x|5|2025-12-15',
          'OTC|NEG|Neg Inc|Venue 1|OTCN|-5|5|2025-12-15',
        ]);
        return { file_path: file };
      },
    });
    expect(sync).toEqual({
      status: 'completed',
      errorCode: null,
      errorStage: null,
      attempts: 1,
      story: [['completed', null, 1, null]],
      deadLetters: [],
      rejects: [
        ['INGEST', 3, 'VALUE_OUT_OF_RANGE', file],
        ['INGEST', 5, 'BAD_NUMBER', file],
        ['NORMALIZE', 6, 'NEGATIVE_SHARES', file],
      ],
      publishedCaptures: 1,
      apiRequests: 0,
    });
    expect(onTemporal).toEqual(sync);
    expect(raw[0]).toEqual(['AAA=1000', `EXACT=${TWO_POW_53_PLUS_1}`, 'NEG=-5']);
    expect(raw[1]).toEqual(raw[0]);
  });

  it('a sum beyond 2^63 of in-range counts (fatal): SOURCE_ERROR VALUE_OUT_OF_RANGE, not retried', async () => {
    const { sync, temporal: onTemporal } = await runBoth('sum', {
      pipeline: WEEK_PIPELINE,
      params: (dir) => ({
        file_path: writeWeekFile(dir, 'sum_otc_20251215.psv', [
          `OTC|AAA|A Inc|Venue 1|OTCN|${TWO_POW_62}|5|2025-12-15`,
          `OTC|AAA|A Inc|Venue 2|OTCX|${TWO_POW_62}|3|2025-12-15`,
        ]),
      }),
    });
    expect(sync).toMatchObject({
      status: 'failed',
      errorCode: 'SOURCE_ERROR',
      attempts: 1,
      deadLetters: [],
      publishedCaptures: 0,
    });
    expect(sync.story).toEqual([['failed', sync.errorStage, 1, 'SOURCE_ERROR']]);
    expect(onTemporal).toEqual(sync);
  });

  it('quality gate FAIL (fatal): QUALITY_GATE_FAILED in publish, not retried, no dead letter', async () => {
    const { sync, temporal: onTemporal } = await runBoth('quality', {
      pipeline: WEEK_PIPELINE,
      params: (dir) => ({
        // Trades but no shares: accepted rows whose venue shares cannot sum to 1.
        file_path: writeWeekFile(dir, 'quality_otc_20251215.psv', [
          'OTC|AAA|A Inc|Venue 1|OTCN|0|5|2025-12-15',
          'OTC|BBB|B Inc|Venue 2|OTCX|0|3|2025-12-15',
        ]),
      }),
    });
    expect(sync).toMatchObject({
      status: 'failed',
      errorCode: 'QUALITY_GATE_FAILED',
      errorStage: 'publish',
      attempts: 1,
      story: [['failed', 'publish', 1, 'QUALITY_GATE_FAILED']],
      deadLetters: [],
      publishedCaptures: 0,
    });
    expect(onTemporal).toEqual(sync);
  });

  it('FINRA API 503 that persists (transient): SOURCE_UNAVAILABLE, retried with backoff, dead-lettered', async () => {
    const { sync, temporal: onTemporal } = await runBoth('api503', {
      pipeline: WEEK_PIPELINE,
      params: () => API_PARAMS,
      api: () => () => unavailable,
    });
    expect(sync).toEqual({
      status: 'failed',
      errorCode: 'SOURCE_UNAVAILABLE',
      errorStage: 'ingest',
      attempts: 3,
      story: [
        ['retrying', 'ingest', 1, 'SOURCE_UNAVAILABLE', 20],
        ['retrying', 'ingest', 2, 'SOURCE_UNAVAILABLE', 40],
        ['failed', 'ingest', 3, 'SOURCE_UNAVAILABLE'],
        ['dead_lettered', 'ingest', 3, 'SOURCE_UNAVAILABLE'],
      ],
      deadLetters: [['ingest', 3, 'SOURCE_UNAVAILABLE', 'open']],
      rejects: [],
      publishedCaptures: 0,
      // Each stage attempt spends the source's own HTTP attempts first.
      apiRequests: 3 * HTTP_RETRY_POLICY.maxAttempts,
    });
    expect(onTemporal).toEqual(sync);
  });

  it('FINRA API 503 that recovers (transient): retried once, completes, and a count beyond 2^63 is a reject', async () => {
    const failures = HTTP_RETRY_POLICY.maxAttempts; // exactly the first stage attempt's requests
    const body = apiRows(4, { 2: TWO_POW_63 });
    const { sync, temporal: onTemporal } = await runBoth('api-recovers', {
      pipeline: WEEK_PIPELINE,
      params: () => API_PARAMS,
      api: () => (req, index) => (index < failures ? unavailable : { body: req.body.offset === 0 ? body : '[]' }),
    });
    expect(sync).toMatchObject({
      status: 'completed',
      errorCode: null,
      attempts: 2,
      story: [
        ['retrying', 'ingest', 1, 'SOURCE_UNAVAILABLE', 20],
        ['completed', null, 1, null],
      ],
      deadLetters: [],
      publishedCaptures: 1,
      apiRequests: failures + 1,
    });
    expect(sync.rejects).toEqual([['INGEST', 3, 'VALUE_OUT_OF_RANGE', expect.stringMatching(/^finra-api:\/\//)]]);
    expect(onTemporal).toEqual(sync);
  });

  it('SQLITE_BUSY once (transient): DATABASE_BUSY, retried, completes', async () => {
    const { sync, temporal: onTemporal } = await runBoth('busy', {
      pipeline: WEEK_PIPELINE,
      params: () => ({ file_path: pipelineFixture('good_otc_20251215.psv') }),
      faults: { [`${WEEK_PIPELINE}/normalize`]: { failAttempts: 1, error: 'SQLITE_BUSY' } },
    });
    expect(sync).toMatchObject({
      status: 'completed',
      attempts: 2,
      story: [
        ['retrying', 'normalize', 1, 'DATABASE_BUSY', 20],
        ['completed', null, 1, null],
      ],
      deadLetters: [],
      publishedCaptures: 1,
    });
    expect(onTemporal).toEqual(sync);
  });

  it('an I/O error that persists (transient): IO_ERROR, retried, dead-lettered', async () => {
    const { sync, temporal: onTemporal } = await runBoth('eio', {
      pipeline: WEEK_PIPELINE,
      params: () => ({ file_path: pipelineFixture('good_otc_20251215.psv') }),
      faults: { [`${WEEK_PIPELINE}/aggregate`]: { always: true, error: 'EIO' } },
    });
    expect(sync).toMatchObject({
      status: 'failed',
      errorCode: 'IO_ERROR',
      errorStage: 'aggregate',
      attempts: 3,
      story: [
        ['retrying', 'aggregate', 1, 'IO_ERROR', 20],
        ['retrying', 'aggregate', 2, 'IO_ERROR', 40],
        ['failed', 'aggregate', 3, 'IO_ERROR'],
        ['dead_lettered', 'aggregate', 3, 'IO_ERROR'],
      ],
      deadLetters: [['aggregate', 3, 'IO_ERROR', 'open']],
      publishedCaptures: 0,
    });
    expect(onTemporal).toEqual(sync);
  });
});
