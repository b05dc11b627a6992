/**
 * Faults inside the publish transaction (SPINE_FAULTS_FILE key `captures/publish`, raised after the
 * capture was marked published and, with --replace-capture, after the previous capture's rows were deleted
 * and it was marked superseded). The week pipeline runs through the real dispatcher and sync backend on a
 * temp SQLite file: a fault there must leave nothing half-published, and a retry must publish exactly once.
 */
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Spine } from '../../../src/app/spine.js';
import { OTC_CAPTURE_TABLES } from '../../../src/domains/otc/constants.js';
import { runCli } from '../../helpers/run-cli.js';
import { writeFaultsFile } from '../../helpers/test-pipelines.js';
import { openTempSpine, setEnv } from '../../helpers/tmp-db.js';
import type { TempSpine } from '../../helpers/tmp-db.js';
import {
  capturesOf,
  count,
  latestViewCounts,
  pipelineFixture,
  runPipeline,
  WEEK_PIPELINE,
} from '../otc/otc-pipeline-helpers.js';

const GOOD = pipelineFixture('good_otc_20251215.psv');
const STEADY = pipelineFixture('steady-week_otc_20251222.psv');
const PUBLISH_FAULT = { 'captures/publish': { always: true, message: 'disk full while publishing' } };

let t: TempSpine;
let spine: Spine;
let restoreEnv: () => void = () => undefined;
/** Called between retries: lets a test clear the fault before the next attempt. */
let beforeRetry: () => void = () => undefined;

beforeEach(() => {
  t = openTempSpine({
    sleep: () => {
      beforeRetry();
      return Promise.resolve();
    },
  });
  spine = t.spine;
});

afterEach(() => {
  restoreEnv();
  restoreEnv = () => undefined;
  beforeRetry = () => undefined;
  t.cleanup();
});

function faults(): string {
  const file = writeFaultsFile(t.dir.join('faults.json'), PUBLISH_FAULT);
  restoreEnv = setEnv({ SPINE_FAULTS_FILE: file, SPINE_RETRY_MAX_ATTEMPTS: '2' });
  return file;
}

/** Rows per capture-scoped table of one capture. */
function rowsOf(captureId: string): Record<string, number> {
  return Object.fromEntries(
    OTC_CAPTURE_TABLES.map((table) => [
      table,
      count(spine.db, `SELECT COUNT(*) AS n FROM ${table} WHERE capture_id = ?`, captureId),
    ]),
  );
}

const latestCaptureIds = (): string[] =>
  (
    spine.db.prepare(`SELECT capture_id FROM core_captures_latest ORDER BY week_ending`).all() as {
      capture_id: string;
    }[]
  ).map((r) => r.capture_id);

describe('a fault inside the publish transaction', () => {
  it('leaves a first capture unpublished: no latest capture, empty latest views, the manifest not at SNAPSHOT', async () => {
    faults();

    const exec = await runPipeline(spine, WEEK_PIPELINE, { file_path: GOOD });

    expect(exec).toMatchObject({
      status: 'failed',
      errorStage: 'publish',
      errorMessage: 'disk full while publishing',
      attempts: 2,
    });
    const [capture] = capturesOf(spine.db);
    expect(capture?.status).not.toBe('published');
    expect(
      spine.db.prepare(`SELECT published_at FROM core_captures WHERE capture_id = ?`).get(capture?.capture_id),
    ).toEqual({ published_at: null });
    expect(latestCaptureIds()).toEqual([]);
    expect(Object.values(latestViewCounts(spine.db)).filter((n) => n > 0)).toEqual([]);
    expect(count(spine.db, `SELECT COUNT(*) AS n FROM core_manifest WHERE stage = 'SNAPSHOT'`)).toBe(0);
  });

  it('leaves the capture it would replace published and whole, and the new one unpublished', async () => {
    const first = await runPipeline(spine, WEEK_PIPELINE, { file_path: GOOD });
    const kept = String(first.result?.['capture_id']);
    const rowsBefore = rowsOf(kept);
    expect(rowsBefore['finra_otc_transparency_venue_volume']).toBe(3);
    faults();

    const exec = await runPipeline(spine, WEEK_PIPELINE, { file_path: GOOD, replace_capture: true });

    expect(exec).toMatchObject({ status: 'failed', errorStage: 'publish', errorMessage: 'disk full while publishing' });
    expect(
      spine.db
        .prepare(`SELECT status, superseded_by, deleted_at, status_reason FROM core_captures WHERE capture_id = ?`)
        .get(kept),
    ).toEqual({ status: 'published', superseded_by: null, deleted_at: null, status_reason: null });
    expect(rowsOf(kept)).toEqual(rowsBefore);
    expect(latestCaptureIds()).toEqual([kept]);
    expect(
      capturesOf(spine.db)
        .filter((c) => c.status === 'published')
        .map((c) => c.capture_id),
    ).toEqual([kept]);
    expect(
      count(
        spine.db,
        `SELECT COUNT(*) AS n FROM finra_otc_transparency_venue_volume_latest WHERE capture_id = ?`,
        kept,
      ),
    ).toBe(3);
  });

  it('publishes exactly once when the fault clears before the retry, replacing the previous capture', async () => {
    const first = await runPipeline(spine, WEEK_PIPELINE, { file_path: GOOD });
    const previous = String(first.result?.['capture_id']);
    const file = faults();
    beforeRetry = () => rmSync(file, { force: true });

    const exec = await runPipeline(spine, WEEK_PIPELINE, { file_path: GOOD, replace_capture: true });

    expect(exec).toMatchObject({ status: 'completed', attempts: 2 });
    expect(exec.result?.['replaced_capture']).toBe(previous);
    const replacing = String(exec.result?.['capture_id']);
    expect(latestCaptureIds()).toEqual([replacing]);
    expect(capturesOf(spine.db).map((c) => [c.capture_id, c.status, c.superseded_by])).toEqual([
      [previous, 'superseded', replacing],
      [replacing, 'published', null],
    ]);
    expect(rowsOf(previous)).toEqual(Object.fromEntries(OTC_CAPTURE_TABLES.map((t) => [t, 0])));
    expect(
      spine.db
        .prepare(
          `SELECT stage, attempt, error_message FROM core_execution_events WHERE execution_id = ? AND event_type = 'retrying'`,
        )
        .all(exec.id),
    ).toEqual([{ stage: 'publish', attempt: 1, error_message: 'disk full while publishing' }]);
  });

  it('fails `spine run --replace-capture` with exit 1 and keeps the previous capture latest (built CLI)', async () => {
    const first = await runPipeline(spine, WEEK_PIPELINE, { file_path: STEADY });
    const kept = String(first.result?.['capture_id']);
    const file = writeFaultsFile(t.dir.join('faults.json'), PUBLISH_FAULT);

    const res = runCli(['run', WEEK_PIPELINE, '--file', STEADY, '--replace-capture', '--json'], {
      dbPath: t.dbPath,
      env: { SPINE_FAULTS_FILE: file, SPINE_RETRY_MAX_ATTEMPTS: '1' },
    });

    expect(res.code).toBe(1);
    expect(res.json<{ error: { message: string } }>().error.message).toContain('disk full while publishing');
    expect(latestCaptureIds()).toEqual([kept]);
  });
});
