/**
 * Dead letters on the sync lane, end to end through the built CLI on a temp SQLite file: two week runs
 * whose normalize stage keeps failing (SPINE_FAULTS_FILE) exhaust their retries and are dead-lettered;
 * `spine dlq list|show` describe them, `spine dlq replay` re-runs one on the sync lane once the fault is
 * gone, and `spine dlq discard` closes the other. Each test works on its own copy of that database.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReplayResult } from '../../../src/app/background.js';
import type { DeadLetter } from '../../../src/core/execution/dead-letters.js';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import { copyDatabase } from '../../fixtures/revised/captures.js';
import { runCli } from '../../helpers/run-cli.js';
import type { CliResult } from '../../helpers/run-cli.js';
import { writeFaultsFile } from '../../helpers/test-pipelines.js';
import { openTempDb, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';
import { pipelineFixture, WEEK_PIPELINE } from '../otc/otc-pipeline-helpers.js';

const GOOD = pipelineFixture('good_otc_20251215.psv');
const STEADY = pipelineFixture('steady-week_otc_20251222.psv');

interface ErrorJson {
  error: { code: string; message: string; details: { execution?: ExecutionRecord }; exitCode: number };
}

let dir: TempDir;
let template: string;
let dbPath: string;
let failedGood: ExecutionRecord;
let failedSteady: ExecutionRecord;

const spine = (...args: string[]): CliResult => runCli(args, { dbPath });

beforeAll(() => {
  dir = tempDir();
  template = dir.join('template.db');
  const faults = writeFaultsFile(dir.join('faults.json'), {
    [`${WEEK_PIPELINE}/normalize`]: { always: true, message: 'normalize is broken' },
  });
  const failing = (file: string): ExecutionRecord => {
    const res = runCli(['run', WEEK_PIPELINE, '--file', file, '--json'], {
      dbPath: template,
      env: { SPINE_FAULTS_FILE: faults, SPINE_RETRY_INITIAL_MS: '1', SPINE_RETRY_MAX_ATTEMPTS: '2' },
    });
    expect(res.code, res.stderr).toBe(1);
    const { error } = res.json<ErrorJson>();
    expect(error.code).toBe('EXECUTION_FAILED');
    return error.details.execution as ExecutionRecord;
  };
  failedGood = failing(GOOD);
  failedSteady = failing(STEADY);
}, 120_000);

afterAll(() => dir.cleanup());

let copies = 0;
beforeEach(() => {
  dbPath = copyDatabase(template, dir.join(`copy-${++copies}.db`));
});

const list = (...args: string[]): DeadLetter[] => {
  const res = spine('dlq', 'list', ...args, '--json');
  expect(res.code, res.stderr).toBe(0);
  return res.json<{ deadLetters: DeadLetter[] }>().deadLetters;
};

describe('spine dlq on the sync lane', () => {
  it('lists both dead-lettered runs, newest first, with pipeline, stage, error, attempts and execution', () => {
    const open = list();

    expect(
      open.map((d) => [d.execution_id, d.pipeline, d.stage, d.status, d.attempts, d.error_type, d.error_message]),
    ).toEqual([
      [failedSteady.id, WEEK_PIPELINE, 'normalize', 'open', 2, 'EXECUTION_FAILED', 'normalize is broken'],
      [failedGood.id, WEEK_PIPELINE, 'normalize', 'open', 2, 'EXECUTION_FAILED', 'normalize is broken'],
    ]);
    expect(list('--status', 'replayed')).toEqual([]);
    expect(failedGood).toMatchObject({ status: 'failed', errorStage: 'normalize', attempts: 2 });
    const table = spine('dlq', 'list');
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('[EXECUTION_FAILED] normalize is broken');
    expect(table.stdout).toContain(failedGood.id.slice(0, 8));
    expect(spine('dlq', 'list', '--status', 'discarded').stdout.trim()).toBe('No discarded dead letters.');
  });

  it('shows one dead letter with its params, error and attempts; an unknown id exits 2', () => {
    const [, good] = list();
    if (!good) throw new Error('no dead letter');

    const json = spine('dlq', 'show', String(good.id), '--json');
    const human = spine('dlq', 'show', String(good.id));
    const missing = spine('dlq', 'show', '9999', '--json');

    expect(json.code, json.stderr).toBe(0);
    expect(json.json<DeadLetter>()).toMatchObject({
      id: good.id,
      execution_id: failedGood.id,
      params: { file_path: GOOD },
      status: 'open',
      replayed_execution_id: null,
    });
    expect(human.stdout).toContain(`Dead letter:  ${good.id} (open)`);
    expect(human.stdout).toContain(`Pipeline:     ${WEEK_PIPELINE}, stage normalize`);
    expect(human.stdout).toContain('Error:        [EXECUTION_FAILED] normalize is broken');
    expect(missing.code).toBe(2);
    expect(missing.json<ErrorJson>().error.code).toBe('NOT_FOUND');
  });

  it('replays a dead letter on the sync lane as a new linked execution that publishes, and only once', () => {
    const [, good] = list();
    if (!good) throw new Error('no dead letter');

    const res = spine('dlq', 'replay', String(good.id), '--json');

    expect(res.code, res.stderr).toBe(0);
    const { execution, deadLetter } = res.json<ReplayResult>();
    expect(execution).toMatchObject({
      pipeline: WEEK_PIPELINE,
      status: 'completed',
      lane: 'normal',
      backend: 'sync',
      triggerSource: 'retry',
      params: { file_path: GOOD },
      result: { week_ending: '2025-12-12', accepted: 3, quality: 'PASS' },
    });
    expect(deadLetter).toMatchObject({ id: good.id, status: 'replayed', replayed_execution_id: execution.id });
    expect(list().map((d) => d.execution_id)).toEqual([failedSteady.id]);
    const db = openTempDb(dbPath, { migrate: false });
    try {
      expect(db.prepare(`SELECT status, execution_id FROM core_captures WHERE status = 'published'`).all()).toEqual([
        { status: 'published', execution_id: execution.id },
      ]);
    } finally {
      db.close();
    }

    const again = spine('dlq', 'replay', String(good.id), '--json');
    expect(again.code).toBe(2);
    expect(again.json<ErrorJson>().error).toMatchObject({
      code: 'INVALID_PARAMS',
      message: `Dead letter ${good.id} is already replayed`,
    });
  });

  it('discards a dead letter: it leaves the open list, stays in --status all, and cannot be discarded or replayed again', () => {
    const [steady, good] = list();
    if (!steady || !good) throw new Error('no dead letters');

    const res = spine('dlq', 'discard', String(steady.id), '--json');

    expect(res.code, res.stderr).toBe(0);
    expect(res.json<DeadLetter>()).toMatchObject({ id: steady.id, status: 'discarded', replayed_execution_id: null });
    expect(list().map((d) => d.id)).toEqual([good.id]);
    expect(list('--status', 'all').map((d) => [d.id, d.status])).toEqual([
      [steady.id, 'discarded'],
      [good.id, 'open'],
    ]);
    const twice = spine('dlq', 'discard', String(steady.id), '--json');
    expect(twice.code).toBe(2);
    expect(twice.json<ErrorJson>().error.message).toBe(`Dead letter ${steady.id} is already discarded`);
    expect(spine('dlq', 'replay', String(steady.id), '--json').code).toBe(2);
  });
});
