/**
 * Issue 4 "done when": `spine run` of a good file (whose normalize stage fails once through the test fault
 * hook) and of a bad file, then `executions list --status failed --since 7d`, `executions show` (table and
 * --json shape) and `executions watch` on the finished runs — all through the built binary.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import type { ExecutionDetail, ExecutionListItem } from '../../../src/core/execution/history.js';
import { WEEK_PIPELINE } from '../../fixtures/revised/captures.js';
import { ORIGINAL_FILE } from '../../fixtures/revised/revise-otc-file.js';
import { runCli } from '../../helpers/run-cli.js';
import type { CliResult } from '../../helpers/run-cli.js';
import { writeFaultsFile } from '../../helpers/test-pipelines.js';
import { tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

const WEEK_STAGES = ['ingest', 'normalize', 'aggregate', 'venue_share', 'symbol_venue_calcs', 'rolling', 'publish', 'recompute'];

interface ErrorJson {
  error: { code: string; message: string; details: { execution?: ExecutionRecord; hint?: string }; exitCode: number };
}

let dir: TempDir;
let dbPath: string;
let badFile: string;
let good: ExecutionRecord;
let bad: ExecutionRecord;

const spine = (...args: string[]): CliResult => runCli(args, { dbPath });

beforeAll(() => {
  dir = tempDir();
  dbPath = dir.join('spine.db');
  badFile = dir.join('finra_otc_weekly_otc_20251222.csv');
  writeFileSync(badFile, 'Symbol|Venue|Date|Volume\nAABB|OTCN|2025-12-19|100\n');
  const faults = writeFaultsFile(dir.join('faults.json'), { [`${WEEK_PIPELINE}/normalize`]: { failAttempts: 1 } });

  const goodRun = runCli(['run', WEEK_PIPELINE, '--file', ORIGINAL_FILE, '--json'], {
    dbPath,
    env: { SPINE_FAULTS_FILE: faults, SPINE_RETRY_INITIAL_MS: '1' },
  });
  expect(goodRun.code, goodRun.stderr).toBe(0);
  good = goodRun.json<ExecutionRecord>();

  const badRun = spine('run', WEEK_PIPELINE, '--file', badFile, '--json');
  expect(badRun.code).toBe(1);
  const { error } = badRun.json<ErrorJson>();
  expect(error.code).toBe('SOURCE_ERROR');
  expect(error.details.hint).toBe(`spine executions show ${error.details.execution?.id.slice(0, 8) ?? ''}`);
  bad = error.details.execution as ExecutionRecord;
}, 120_000);

afterAll(() => dir.cleanup());

describe('spine executions list after a good and a bad run', () => {
  it('lists only the bad run for --status failed --since 7d, with its error code and stage', () => {
    const res = spine('executions', 'list', '--status', 'failed', '--since', '7d', '--json');

    expect(res.code).toBe(0);
    const rows = res.json<{ executions: ExecutionListItem[]; count: number }>();
    expect(rows.count).toBe(1);
    expect(rows.executions[0]).toMatchObject({
      id: bad.id,
      pipeline: WEEK_PIPELINE,
      status: 'failed',
      error_code: 'SOURCE_ERROR',
      error_stage: 'ingest',
    });
  });
});

describe('spine executions show', () => {
  it('explains where and why a run failed from an 8-character id prefix', () => {
    const res = spine('executions', 'show', bad.id.slice(0, 8));

    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`Execution:  ${bad.id}`);
    expect(res.stdout).toMatch(/Status:\s+✗ Failed/);
    expect(res.stdout).toMatch(/^ingest\s+failed\s+1\s/m);
    expect(res.stdout).toContain('stage ingest attempt 1: [SOURCE_ERROR]');
    expect(res.stdout).toContain('HEADER_MISSING_COLUMN');
    expect(res.stdout).toMatch(/failed\s+ingest — SOURCE_ERROR: /);
  });

  it('shows every stage of a completed run, the retried attempt and the capture it produced', () => {
    const res = spine('executions', 'show', good.id.slice(0, 8));

    expect(res.code, res.stderr).toBe(0);
    for (const stage of WEEK_STAGES) expect(res.stdout).toMatch(new RegExp(`^${stage}\\s+completed\\s`, 'm'));
    expect(res.stdout).toMatch(/^normalize\s+completed\s+2\s/m);
    expect(res.stdout).toMatch(/retrying\s+normalize — EXECUTION_FAILED: Injected fault/);
    expect(res.stdout).toMatch(/stage_started\s+normalize \(attempt 2\)/);
    expect(res.stdout).toContain(`${String(good.result?.['capture_id'])} (published)`);
  });

  it('prints a --json document with exactly the documented keys at every level', () => {
    const res = spine('executions', 'show', good.id, '--json');

    expect(res.code, res.stderr).toBe(0);
    const detail = res.json<ExecutionDetail>();
    const keys = (o: object | undefined): string[] => Object.keys(o ?? {}).sort();
    expect(keys(detail)).toEqual([
      'captures_consumed',
      'captures_produced',
      'children',
      'duration_ms',
      'errors',
      'events',
      'execution',
      'stages',
      'state',
    ]);
    expect(keys(detail.execution)).toEqual(
      [
        'attempts',
        'backend',
        'batchId',
        'cancelRequestedAt',
        'completedAt',
        'createdAt',
        'errorCode',
        'errorMessage',
        'errorStage',
        'fence',
        'id',
        'lane',
        'leaseExpiresAt',
        'logicalKey',
        'owner',
        'params',
        'parentExecutionId',
        'pipeline',
        'result',
        'startedAt',
        'status',
        'triggerSource',
        'workflowId',
      ].sort(),
    );
    for (const s of detail.stages) {
      expect(keys(s)).toEqual(
        ['attempts', 'duration_ms', 'ended_at', 'error', 'rows_in', 'rows_out', 'stage', 'started_at', 'status'].sort(),
      );
    }
    for (const e of detail.events) {
      expect(keys(e)).toEqual(
        [
          'at',
          'attempt',
          'capture_id',
          'error_message',
          'error_type',
          'event_type',
          'id',
          'payload',
          'rows_in',
          'rows_out',
          'stage',
          'status',
          'step',
        ].sort(),
      );
    }
    expect(detail.errors.map(keys)).toEqual([['at', 'attempt', 'message', 'stage', 'type']]);
    expect(detail.captures_produced.map(keys)).toEqual([['capture_id', 'status', 'tier', 'week_ending']]);
  });

  it('puts the stages, the retried error and the produced capture into the --json document', () => {
    const detail = spine('executions', 'show', good.id, '--json').json<ExecutionDetail>();

    expect(detail.execution).toMatchObject({ id: good.id, pipeline: WEEK_PIPELINE, status: 'completed', attempts: 2 });
    expect(detail.stages.map((s) => [s.stage, s.status, s.attempts])).toEqual(
      WEEK_STAGES.map((s) => [s, 'completed', s === 'normalize' ? 2 : 1]),
    );
    expect(detail.errors).toEqual([
      expect.objectContaining({ stage: 'normalize', attempt: 1, type: 'EXECUTION_FAILED' }),
    ]);
    expect(detail.captures_produced).toEqual([
      { capture_id: good.result?.['capture_id'], status: 'published', week_ending: '2025-12-12', tier: 'OTC' },
    ]);
    expect(detail.captures_consumed).toEqual([]);
    expect(detail.children).toEqual([]);
    expect(detail.duration_ms).toEqual(expect.any(Number));
  });

  it('refuses an unknown id prefix with NOT_FOUND and exit code 2', () => {
    const res = spine('executions', 'show', 'ffffffff-no-such', '--json');

    expect(res.code).toBe(2);
    expect(res.json<ErrorJson>().error.code).toBe('NOT_FOUND');
  });
});

describe('spine executions watch', () => {
  it('exits 0 with the summary for a run that already completed, replaying its progress on stderr', () => {
    const res = spine('executions', 'watch', good.id.slice(0, 8), '--interval', '50');

    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`Execution:  ${good.id}`);
    expect(res.stdout).toMatch(/Status:\s+✓ Completed/);
    expect(res.stderr).toContain('normalize retrying after attempt 1');
    expect(res.stderr).toContain('publish done');
  });

  it('exits 1 with EXECUTION_FAILED for a run that already failed', () => {
    const res = spine('executions', 'watch', bad.id.slice(0, 8), '--interval', '50');

    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/Status:\s+✗ Failed/);
    expect(res.stderr).toContain('Error [EXECUTION_FAILED]');
    expect(res.stderr).toContain(`Execution ${bad.id} ended failed`);
  });
});
