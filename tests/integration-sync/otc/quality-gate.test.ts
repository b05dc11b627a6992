/**
 * The quality gate of the week pipeline (docs/pipelines.md "Quality gate") through the real dispatcher,
 * sync backend and stage runner on a temp SQLite file, and through the built CLI:
 * - FAIL: a week whose every venue reports 0 shares (with trades) cannot have venue shares summing to 1;
 *   the capture stays unpublished (status failed, with the reason) and the run fails QUALITY_GATE_FAILED.
 * - WARN: a week after a prior week with 97% less volume and half the venues publishes, listing the WARNs.
 * - PASS: a steady week after the same prior week publishes with quality PASS and no warnings.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Spine } from '../../../src/app/spine.js';
import { runCli } from '../../helpers/run-cli.js';
import { openTempSpine } from '../../helpers/tmp-db.js';
import type { TempSpine } from '../../helpers/tmp-db.js';
import {
  capturesOf,
  count,
  DATA_TABLES,
  latestViewCounts,
  otcLatestViews,
  pipelineFixture,
  runPipeline,
  WEEK_PIPELINE,
} from './otc-pipeline-helpers.js';

let t: TempSpine;
let spine: Spine;

beforeEach(() => {
  t = openTempSpine({ sleep: () => Promise.resolve() });
  spine = t.spine;
});

afterEach(() => {
  t.cleanup();
});

interface QualityRow {
  readonly check_name: string;
  readonly status: string;
  readonly message: string;
}

function qualityOf(captureId: string): QualityRow[] {
  return spine.db
    .prepare(`SELECT check_name, status, message FROM core_quality WHERE capture_id = ? ORDER BY id`)
    .all(captureId) as QualityRow[];
}

interface CaptureState {
  readonly status: string;
  readonly quality_status: string | null;
  readonly status_reason: string | null;
  readonly published_at: string | null;
}

function captureState(captureId: string): CaptureState {
  return spine.db
    .prepare(`SELECT status, quality_status, status_reason, published_at FROM core_captures WHERE capture_id = ?`)
    .get(captureId) as CaptureState;
}

/** Captures the manifest has advanced to SNAPSHOT (what publish records), oldest first. */
function snapshots(): (string | null)[] {
  return (
    spine.db.prepare(`SELECT capture_id FROM core_manifest WHERE stage = 'SNAPSHOT' ORDER BY partition_key`).all() as {
      capture_id: string | null;
    }[]
  ).map((r) => r.capture_id);
}

const ZERO_SHARES = pipelineFixture('zero-shares_otc_20251215.psv');
const PRIOR_WEEK = pipelineFixture('good_otc_20251215.psv');
const THIN_WEEK = pipelineFixture('thin-week_otc_20251222.psv');
const STEADY_WEEK = pipelineFixture('steady-week_otc_20251222.psv');

const SHARE_SUM_FAIL = 'venue_share_invariant: SHARE_SUM: venue shares sum to 0, expected 1 ± 0.0001';
const SUM_FAIL = 'venue_share_sum: venue shares sum to 0';

describe('quality gate FAIL', () => {
  it('keeps a week whose venue shares cannot sum to 1 unpublished and fails the run with QUALITY_GATE_FAILED', async () => {
    const exec = await runPipeline(spine, WEEK_PIPELINE, { file_path: ZERO_SHARES });

    const [capture] = capturesOf(spine.db);
    if (!capture) throw new Error('the run registered no capture');
    expect(exec).toMatchObject({
      status: 'failed',
      errorCode: 'QUALITY_GATE_FAILED',
      errorStage: 'publish',
      errorMessage: `Capture ${capture.capture_id} not published; quality checks failed: ${SHARE_SUM_FAIL}; ${SUM_FAIL}`,
      attempts: 1,
      result: null,
    });
    expect(captureState(capture.capture_id)).toEqual({
      status: 'failed',
      quality_status: 'FAIL',
      status_reason: `quality gate: ${SHARE_SUM_FAIL}; ${SUM_FAIL}`,
      published_at: null,
    });
    expect(qualityOf(capture.capture_id)).toEqual([
      {
        check_name: 'venue_share_invariant',
        status: 'FAIL',
        message: 'SHARE_SUM: venue shares sum to 0, expected 1 ± 0.0001',
      },
      { check_name: 'hhi_range', status: 'PASS', message: '2 HHI values within 0..1' },
      { check_name: 'venue_share_sum', status: 'FAIL', message: 'venue shares sum to 0' },
      { check_name: 'raw_reconciles', status: 'PASS', message: '3 raw rows, 3 accepted + 0 rejected = 3' },
      { check_name: 'week_over_week_volume_swing', status: 'PASS', message: 'no prior week to compare' },
      { check_name: 'venue_drop', status: 'PASS', message: 'no prior week to compare' },
    ]);
    // Not retried (a quality FAIL is not transient) and not dead-lettered.
    expect(
      count(
        spine.db,
        `SELECT COUNT(*) AS n FROM core_execution_events WHERE execution_id = ? AND event_type = ?`,
        exec.id,
        'retrying',
      ),
    ).toBe(0);
    expect(spine.deadLetters.list()).toEqual([]);
    // Nothing is visible to readers, although the rows are kept for inspection.
    const views = otcLatestViews(spine.db);
    expect(views).toHaveLength(DATA_TABLES.length);
    expect(latestViewCounts(spine.db)).toEqual(Object.fromEntries(views.map((v) => [v, 0])));
    expect(count(spine.db, `SELECT COUNT(*) AS n FROM core_captures_latest`)).toBe(0);
    expect(
      count(
        spine.db,
        `SELECT COUNT(*) AS n FROM finra_otc_transparency_venue_volume WHERE capture_id = ?`,
        capture.capture_id,
      ),
    ).toBe(3);
    expect(snapshots()).toEqual([]);
  });

  it('exits 1 from `spine run` with QUALITY_GATE_FAILED, and the failed checks stay readable by capture id', () => {
    const run = runCli(['run', WEEK_PIPELINE, '--file', ZERO_SHARES, '--json'], { dbPath: t.dbPath });

    expect(run.code).toBe(1);
    const { error } = run.json<{ error: { code: string; exitCode: number } }>();
    expect(error).toMatchObject({ code: 'QUALITY_GATE_FAILED', exitCode: 1 });
    const [capture] = capturesOf(spine.db);
    if (!capture) throw new Error('the run registered no capture');
    expect(capture.status).toBe('failed');

    const latest = runCli(['query', 'otc.quality', '--week', '2025-12-12', '--json'], { dbPath: t.dbPath });
    expect(latest.code).toBe(2);
    expect(latest.json<{ error: { code: string } }>().error.code).toBe('NOT_FOUND');
    const byId = runCli(['query', 'otc.quality', '--as-of', capture.capture_id, '--json'], { dbPath: t.dbPath });
    expect(byId.code, byId.stderr).toBe(0);
    const rows = byId.json<{ rows: { check_name: string; status: string }[] }>().rows;
    expect(
      rows
        .filter((r) => r.status === 'FAIL')
        .map((r) => r.check_name)
        .sort(),
    ).toEqual(['venue_share_invariant', 'venue_share_sum']);
  });
});

describe('quality gate WARN and PASS after a prior week', () => {
  it('publishes a week with a 97% volume swing and half the venues, with quality WARN and both warnings listed', async () => {
    const prior = await runPipeline(spine, WEEK_PIPELINE, { file_path: PRIOR_WEEK });
    expect(prior.result).toMatchObject({ quality: 'PASS', warnings: [] });

    const exec = await runPipeline(spine, WEEK_PIPELINE, { file_path: THIN_WEEK });

    expect(exec.status).toBe('completed');
    expect(exec.result).toMatchObject({
      week_ending: '2025-12-19',
      quality: 'WARN',
      warnings: [
        'week_over_week_volume_swing: volume 100 vs prior 3500 (swing 97.1%)',
        'venue_drop: 1 venues vs 2 the prior week',
      ],
    });
    const capture = capturesOf(spine.db, '2025-12-19')[0];
    if (!capture) throw new Error('no capture for 2025-12-19');
    expect(captureState(capture.capture_id)).toMatchObject({
      status: 'published',
      quality_status: 'WARN',
      status_reason: null,
    });
    expect(qualityOf(capture.capture_id).map((q) => [q.check_name, q.status])).toEqual([
      ['venue_share_invariant', 'PASS'],
      ['hhi_range', 'PASS'],
      ['venue_share_sum', 'PASS'],
      ['raw_reconciles', 'PASS'],
      ['week_over_week_volume_swing', 'WARN'],
      ['venue_drop', 'WARN'],
    ]);
    expect(
      count(spine.db, `SELECT COUNT(*) AS n FROM core_captures_latest WHERE capture_id = ?`, capture.capture_id),
    ).toBe(1);
    expect(snapshots()).toEqual([capturesOf(spine.db, '2025-12-12')[0]?.capture_id, capture.capture_id]);
    expect(
      count(
        spine.db,
        `SELECT COUNT(*) AS n FROM finra_otc_transparency_venue_volume_latest WHERE week_ending = ?`,
        '2025-12-19',
      ),
    ).toBe(1);
  });

  it('publishes a steady week (4% more volume, same venues) with quality PASS and no warnings', async () => {
    await runPipeline(spine, WEEK_PIPELINE, { file_path: PRIOR_WEEK });

    const exec = await runPipeline(spine, WEEK_PIPELINE, { file_path: STEADY_WEEK });

    expect(exec.status).toBe('completed');
    expect(exec.result).toMatchObject({ week_ending: '2025-12-19', quality: 'PASS', warnings: [] });
    const capture = capturesOf(spine.db, '2025-12-19')[0];
    if (!capture) throw new Error('no capture for 2025-12-19');
    expect(captureState(capture.capture_id)).toMatchObject({ status: 'published', quality_status: 'PASS' });
    expect(qualityOf(capture.capture_id).filter((q) => q.status !== 'PASS')).toEqual([]);
    expect(qualityOf(capture.capture_id).find((q) => q.check_name === 'week_over_week_volume_swing')?.message).toBe(
      'volume 3650 vs prior 3500 (swing 4.3%)',
    );
  });

  it('prints the warnings in the human summary of `spine run`', () => {
    expect(runCli(['run', WEEK_PIPELINE, '--file', PRIOR_WEEK], { dbPath: t.dbPath }).code).toBe(0);

    const res = runCli(['run', WEEK_PIPELINE, '--file', THIN_WEEK], { dbPath: t.dbPath });

    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('WARN');
    expect(res.stdout).toContain('week_over_week_volume_swing: volume 100 vs prior 3500 (swing 97.1%)');
    expect(res.stdout).toContain('venue_drop: 1 venues vs 2 the prior week');
  });
});
