/**
 * backfill_range over a folder (domain-spec §9.9): one child week pipeline per file found, a missing file
 * reported per week while the rest go on, rolling refreshed for the last week; all weeks missing fails.
 */
import { copyFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Spine } from '../../../src/app/spine.js';
import type { ExecutionRow } from '../../../src/core/execution/execution-store.js';
import { openTempSpine, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir, TempSpine } from '../../helpers/tmp-db.js';
import {
  capturesOf,
  count,
  pipelineFixture,
  runPipeline,
  SAMPLE_1215,
  SAMPLE_1222,
  WEEK_PIPELINE,
} from './otc-pipeline-helpers.js';

const BACKFILL = 'finra.otc_transparency.backfill_range';

let t: TempSpine;
let spine: Spine;
let folder: TempDir;

beforeEach(() => {
  t = openTempSpine();
  spine = t.spine;
  folder = tempDir('spine-otc-backfill-');
});

afterEach(() => {
  folder.cleanup();
  t.cleanup();
});

function children(parentId: string): ExecutionRow[] {
  return spine.db
    .prepare(`SELECT * FROM core_executions WHERE parent_execution_id = ? ORDER BY created_at`)
    .all(parentId) as ExecutionRow[];
}

describe('backfill_range', () => {
  it('runs a child week pipeline per file, reports 2025-12-05 as file_not_found and rolls 2,334 symbols at 2025-12-19', async () => {
    // Default pattern: finra_otc_weekly_otc_{YYYYMMDD of the Monday after the week}.csv
    copyFileSync(SAMPLE_1215, folder.join('finra_otc_weekly_otc_20251215.csv'));
    copyFileSync(SAMPLE_1222, folder.join('finra_otc_weekly_otc_20251222.csv'));

    const parent = await runPipeline(spine, BACKFILL, {
      tier: 'OTC',
      source_dir: folder.path,
      from_week: '2025-12-05',
      to_week: '2025-12-19',
    });

    expect(parent.errorMessage).toBeNull();
    expect(parent.status).toBe('completed');
    expect(parent.result).toMatchObject({ tier: 'OTC', weeks_total: 3, weeks_processed: 2, weeks_failed: 0 });
    expect(parent.result?.['missing']).toEqual([
      {
        week_ending: '2025-12-05',
        file: folder.join('finra_otc_weekly_otc_20251208.csv'),
        reason: 'file_not_found',
      },
    ]);
    const kids = children(parent.id);
    expect(kids).toHaveLength(2);
    for (const kid of kids) {
      expect(kid).toMatchObject({
        pipeline: WEEK_PIPELINE,
        status: 'completed',
        parent_execution_id: parent.id,
        batch_id: parent.batchId,
      });
    }
    expect(kids.map((k) => (JSON.parse(k.params) as { week_ending: string }).week_ending).sort()).toEqual([
      '2025-12-12',
      '2025-12-19',
    ]);
    const published = capturesOf(spine.db).filter((c) => c.status === 'published');
    expect(published.map((c) => c.week_ending)).toEqual(['2025-12-12', '2025-12-19']);
    expect(new Set(published.map((c) => c.execution_id))).toEqual(new Set(kids.map((k) => k.id)));
    expect(
      count(
        spine.db,
        `SELECT COUNT(*) AS n FROM finra_otc_transparency_symbol_rolling_6w_latest WHERE week_ending = '2025-12-19' AND tier = 'OTC'`,
      ),
    ).toBe(2334);
    expect(capturesOf(spine.db, '2025-12-05')).toEqual([]);
  });

  it('goes on past a week that fails (quality gate) and reports it; rolling skips the failed week', async () => {
    copyFileSync(pipelineFixture('good_otc_20251215.psv'), folder.join('finra_otc_weekly_otc_20251208.csv'));
    copyFileSync(pipelineFixture('zero-shares_otc_20251215.psv'), folder.join('finra_otc_weekly_otc_20251215.csv'));
    copyFileSync(pipelineFixture('steady-week_otc_20251222.psv'), folder.join('finra_otc_weekly_otc_20251222.csv'));

    const parent = await runPipeline(spine, BACKFILL, {
      tier: 'OTC',
      source_dir: folder.path,
      from_week: '2025-12-05',
      to_week: '2025-12-19',
    });

    expect(parent.status).toBe('completed');
    expect(parent.result).toMatchObject({
      weeks_total: 3,
      weeks_processed: 2,
      weeks_failed: 1,
      weeks_missing: 0,
      missing: [],
    });
    const kids = children(parent.id);
    const byWeek = Object.fromEntries(
      kids.map((k) => [(JSON.parse(k.params) as { week_ending: string }).week_ending, k]),
    );
    expect(Object.keys(byWeek).sort()).toEqual(['2025-12-05', '2025-12-12', '2025-12-19']);
    expect(byWeek['2025-12-12']).toMatchObject({
      status: 'failed',
      error_code: 'QUALITY_GATE_FAILED',
      error_stage: 'publish',
    });
    expect(byWeek['2025-12-05']?.status).toBe('completed');
    expect(byWeek['2025-12-19']?.status).toBe('completed');
    const errors = parent.result?.['errors'] as string[];
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^2025-12-12: Capture finra\.otc_transparency:OTC:2025-12-12:[0-9a-f]{6} not published; quality checks failed/,
    );
    expect(capturesOf(spine.db).map((c) => [c.week_ending, c.status])).toEqual([
      ['2025-12-05', 'published'],
      ['2025-12-12', 'failed'],
      ['2025-12-19', 'published'],
    ]);
    // Rolling at 2025-12-19 sees 2025-12-05 and 2025-12-19 only: AAAA and BBBB over two weeks.
    expect(
      spine.db
        .prepare(
          `SELECT symbol, weeks_in_window, min_volume, max_volume FROM finra_otc_transparency_symbol_rolling_6w_latest
           WHERE week_ending = '2025-12-19' ORDER BY symbol`,
        )
        .all(),
    ).toEqual([
      { symbol: 'AAAA', weeks_in_window: 2, min_volume: 1500, max_volume: 1550 },
      { symbol: 'BBBB', weeks_in_window: 2, min_volume: 2000, max_volume: 2100 },
    ]);
  });

  it('fails the parent naming the week when the only week present fails', async () => {
    copyFileSync(pipelineFixture('zero-shares_otc_20251215.psv'), folder.join('finra_otc_weekly_otc_20251215.csv'));

    const parent = await runPipeline(spine, BACKFILL, {
      tier: 'OTC',
      source_dir: folder.path,
      from_week: '2025-12-05',
      to_week: '2025-12-12',
    });

    expect(parent.status).toBe('failed');
    expect(parent.errorStage).toBe('rolling_refresh');
    expect(parent.errorMessage).toMatch(/^Backfill processed no week: 2025-12-12: Capture .* not published/);
    expect(children(parent.id).map((k) => k.status)).toEqual(['failed']);
  });

  it('fails the parent when every file of the range is missing', async () => {
    const parent = await runPipeline(spine, BACKFILL, {
      tier: 'OTC',
      source_dir: folder.path,
      from_week: '2025-12-05',
      to_week: '2025-12-19',
    });

    expect(parent.status).toBe('failed');
    expect(parent.errorMessage).toMatch(/missing/i);
    expect(children(parent.id)).toEqual([]);
    expect(capturesOf(spine.db)).toEqual([]);
  });
});
