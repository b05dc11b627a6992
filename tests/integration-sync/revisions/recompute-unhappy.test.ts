/**
 * Revision-aware recompute, unhappy paths, on small fixtures (tests/fixtures/otc/pipeline): a recompute stage
 * that fails leaves the week stale and the run failed (the capture stays published); two recompute runs racing
 * for the same stale week make exactly one new capture; bad params are refused before anything is recorded.
 */
import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import { findStaleDerived } from '../../../src/domains/otc/revisions/stale.js';
import { openTempSpine } from '../../helpers/tmp-db.js';
import type { TempSpine } from '../../helpers/tmp-db.js';
import { count, pipelineFixture, runPipeline, WEEK_PIPELINE } from '../otc/otc-pipeline-helpers.js';

const RECOMPUTE = 'finra.otc_transparency.recompute_revision';

let t: TempSpine;
let other: TempSpine;

beforeEach(async () => {
  t = openTempSpine({ sleep: () => Promise.resolve() });
  other = openTempSpine({ dir: t.dir, sleep: () => Promise.resolve() });
  for (const f of ['good_otc_20251215.psv', 'steady-week_otc_20251222.psv']) {
    expect((await runPipeline(t.spine, WEEK_PIPELINE, { file_path: pipelineFixture(f) })).status).toBe('completed');
  }
});

afterEach(() => {
  delete process.env['SPINE_FAULTS_FILE'];
  other.cleanup();
  t.cleanup();
});

/** Publishes the revised 2025-12-12 with --force while every attempt of its recompute stage fails. */
async function reviseWithFailingRecompute(): Promise<ExecutionRecord> {
  const faults = t.dir.join('faults.json');
  writeFileSync(faults, JSON.stringify({ [`${WEEK_PIPELINE}/recompute`]: { always: true } }));
  process.env['SPINE_FAULTS_FILE'] = faults;
  try {
    return await runPipeline(t.spine, WEEK_PIPELINE, {
      file_path: pipelineFixture('revised-source-date_otc_20251215.psv'),
      force: true,
    });
  } finally {
    delete process.env['SPINE_FAULTS_FILE'];
  }
}

describe('recompute unhappy paths', () => {
  it('a failing recompute stage fails the run after 5 attempts, keeps the revision published and leaves 2025-12-19 stale', async () => {
    const run = await reviseWithFailingRecompute();

    expect(run).toMatchObject({ status: 'failed', errorStage: 'recompute', attempts: 5 });
    const published = count(
      t.spine.db,
      `SELECT COUNT(*) AS n FROM core_captures WHERE execution_id = ? AND status = 'published'`,
      run.id,
    );
    expect(published).toBe(1);
    expect(findStaleDerived(t.spine.db).map((s) => [s.week_ending, s.tier, s.dataset, s.input_week_ending])).toEqual([
      ['2025-12-19', 'OTC', 'finra_otc_transparency_symbol_rolling_6w', '2025-12-12'],
    ]);
    expect(findStaleDerived(t.spine.db, { tier: 'NMS_TIER_1' })).toEqual([]);
    expect(findStaleDerived(t.spine.db, { weeks: ['2025-12-12'] })).toEqual([]);
    expect(findStaleDerived(t.spine.db, { weeks: [] })).toEqual([]);
  });

  it('two recompute runs racing for the same stale week make exactly one new capture', async () => {
    await reviseWithFailingRecompute();
    const captures = count(t.spine.db, 'SELECT COUNT(*) AS n FROM core_captures');

    const [a, b] = await Promise.all([
      runPipeline(t.spine, RECOMPUTE, { tier: 'OTC' }),
      runPipeline(other.spine, RECOMPUTE, {}),
    ]);

    expect([a.status, b.status]).toEqual(['completed', 'completed']);
    const made = [a, b].map((r) => Number(r.result?.['recomputed_count']));
    expect(made.sort()).toEqual([0, 1]);
    expect(count(t.spine.db, 'SELECT COUNT(*) AS n FROM core_captures')).toBe(captures + 1);
    expect(findStaleDerived(t.spine.db)).toEqual([]);
  });

  it('refuses a week that is not a Friday and an unknown tier before recording anything', async () => {
    const executions = count(t.spine.db, 'SELECT COUNT(*) AS n FROM core_executions');
    await expect(
      t.spine.dispatcher.submit(RECOMPUTE, { week_ending: '2025-12-11', tier: 'OTC' }),
    ).rejects.toMatchObject({
      code: 'INVALID_PARAMS',
    });
    await expect(t.spine.dispatcher.submit(RECOMPUTE, { tier: 'TIER9' })).rejects.toMatchObject({
      code: 'INVALID_PARAMS',
    });
    expect(count(t.spine.db, 'SELECT COUNT(*) AS n FROM core_executions')).toBe(executions);
  });
});
