/**
 * Re-run semantics (domain-spec §9.4–§9.5, §12, §19 milestone 4): a done week is skipped and says so;
 * `force` adds a capture beside the old one; `replace_capture` supersedes the latest capture and removes
 * its rows; the standalone pipelines honour the manifest, and force never cascades.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Spine } from '../../../src/app/spine.js';
import { openTempSpine } from '../../helpers/tmp-db.js';
import type { TempSpine } from '../../helpers/tmp-db.js';
import {
  capturesOf,
  count,
  DATA_TABLES,
  eventsOf,
  pipelineFixture,
  runPipeline,
  WEEK_PIPELINE,
} from './otc-pipeline-helpers.js';

const GOOD = pipelineFixture('good_otc_20251215.psv');
const WITH_REJECTS = pipelineFixture('negative_otc_20251215.psv');
const WEEK = '2025-12-12';

let t: TempSpine;
let spine: Spine;

beforeEach(() => {
  t = openTempSpine();
  spine = t.spine;
});

afterEach(() => {
  t.cleanup();
});

const n = (sql: string, ...args: unknown[]): number => count(spine.db, sql, ...args);

function stageEvents(executionId: string): string[] {
  return eventsOf(spine.db, executionId)
    .filter((e) => e.stage !== null && e.event_type !== 'progress')
    .map((e) => `${e.event_type}:${e.stage ?? ''}`);
}

function latestCaptureIds(view: string): string[] {
  return (spine.db.prepare(`SELECT DISTINCT capture_id FROM ${view} ORDER BY 1`).all() as { capture_id: string }[]).map(
    (r) => r.capture_id,
  );
}

function captureOf(id: string) {
  const c = capturesOf(spine.db).find((x) => x.capture_id === id);
  if (!c) throw new Error(`capture ${id} not found`);
  return c;
}

describe('week pipeline re-runs', () => {
  it('completes a second run on the same file with a stage_skipped event and no new capture', async () => {
    const first = await runPipeline(spine, WEEK_PIPELINE, { file_path: GOOD });

    const second = await runPipeline(spine, WEEK_PIPELINE, { file_path: GOOD });

    expect(first.status).toBe('completed');
    expect(second.status).toBe('completed');
    const skipped = eventsOf(spine.db, second.id).filter((e) => e.event_type === 'stage_skipped');
    expect(skipped.map((e) => e.stage)).toEqual(['ingest']);
    expect(JSON.parse(skipped[0]?.payload ?? '{}')).toMatchObject({ skipped: true });
    expect(skipped[0]?.payload).toMatch(/already/i);
    expect(stageEvents(second.id)).toEqual(['stage_started:ingest', 'stage_skipped:ingest']);
    expect(second.result).toMatchObject({ skipped: true, week_ending: WEEK, tier: 'OTC' });
    expect(second.result?.['capture_id']).toBe(first.result?.['capture_id']);
    expect(capturesOf(spine.db)).toHaveLength(1);
    expect(n(`SELECT COUNT(*) AS n FROM finra_otc_transparency_raw`)).toBe(3);
  });

  it('with force=true publishes a second capture beside the first and the latest views return the new one', async () => {
    const first = await runPipeline(spine, WEEK_PIPELINE, { file_path: GOOD });

    const forced = await runPipeline(spine, WEEK_PIPELINE, { file_path: GOOD, force: true });

    expect(forced.status).toBe('completed');
    const a = String(first.result?.['capture_id']);
    const b = String(forced.result?.['capture_id']);
    expect(b).not.toBe(a);
    expect(capturesOf(spine.db, WEEK).map((c) => [c.capture_id, c.status])).toEqual([
      [a, 'published'],
      [b, 'published'],
    ]);
    expect(captureOf(b).captured_at > captureOf(a).captured_at).toBe(true);
    for (const id of [a, b]) {
      expect(n(`SELECT COUNT(*) AS n FROM finra_otc_transparency_raw WHERE capture_id = ?`, id)).toBe(3);
      expect(n(`SELECT COUNT(*) AS n FROM finra_otc_transparency_symbol_summary WHERE capture_id = ?`, id)).toBe(2);
    }
    for (const view of [
      'finra_otc_transparency_raw_latest',
      'finra_otc_transparency_venue_volume_latest',
      'finra_otc_transparency_symbol_summary_latest',
      'finra_otc_transparency_venue_share_latest',
      'finra_otc_transparency_weekly_symbol_venue_concentration_hhi_latest',
    ]) {
      expect({ view, ids: latestCaptureIds(view) }).toEqual({ view, ids: [b] });
    }
    expect(n(`SELECT COUNT(*) AS n FROM finra_otc_transparency_symbol_summary_latest`)).toBe(2);
  });

  it('with replace_capture=true supersedes the latest capture, removes its rows from every table and publishes the new one', async () => {
    const otherWeek = await runPipeline(spine, WEEK_PIPELINE, { file_path: GOOD, week_ending: '2025-12-19' });
    const first = await runPipeline(spine, WEEK_PIPELINE, { file_path: WITH_REJECTS });
    const a = String(first.result?.['capture_id']);
    const tables = [...DATA_TABLES, 'core_rejects', 'core_quality'].filter(
      (tb) => tb !== 'finra_otc_transparency_symbol_rolling_6w',
    );
    for (const table of tables) {
      expect({ table, rows: n(`SELECT COUNT(*) AS n FROM ${table} WHERE capture_id = ?`, a) > 0 }).toEqual({
        table,
        rows: true,
      });
    }

    const replaced = await runPipeline(spine, WEEK_PIPELINE, { file_path: WITH_REJECTS, replace_capture: true });

    expect(replaced.status).toBe('completed');
    const b = String(replaced.result?.['capture_id']);
    expect(replaced.result?.['replaced_capture']).toBe(a);
    expect(captureOf(a)).toMatchObject({ status: 'superseded', superseded_by: b });
    expect(captureOf(b).status).toBe('published');
    for (const table of [...DATA_TABLES, 'core_rejects', 'core_quality']) {
      expect({ table, left: n(`SELECT COUNT(*) AS n FROM ${table} WHERE capture_id = ?`, a) }).toEqual({
        table,
        left: 0,
      });
    }
    expect(n(`SELECT COUNT(*) AS n FROM finra_otc_transparency_raw WHERE capture_id = ?`, b)).toBe(5);
    expect(n(`SELECT COUNT(*) AS n FROM core_rejects WHERE capture_id = ?`, b)).toBe(2);
    expect(
      spine.db
        .prepare(`SELECT DISTINCT capture_id FROM finra_otc_transparency_symbol_summary_latest WHERE week_ending = ?`)
        .all(WEEK),
    ).toEqual([{ capture_id: b }]);
    // The other week is untouched.
    const other = String(otherWeek.result?.['capture_id']);
    expect(captureOf(other).status).toBe('published');
    expect(n(`SELECT COUNT(*) AS n FROM finra_otc_transparency_raw WHERE capture_id = ?`, other)).toBe(3);
  });
});

describe('standalone pipelines and the manifest', () => {
  const INGEST = 'finra.otc_transparency.ingest_week';
  const NORMALIZE = 'finra.otc_transparency.normalize_week';
  const partition = { week_ending: WEEK, tier: 'OTC' } as const;

  function venueVolume(captureId: string): { n: number; keys: number; minId: number; maxId: number } {
    return spine.db
      .prepare(
        `SELECT COUNT(*) AS n, COUNT(DISTINCT symbol || '|' || mpid) AS keys, MIN(id) AS minId, MAX(id) AS maxId
         FROM finra_otc_transparency_venue_volume WHERE capture_id = ?`,
      )
      .get(captureId) as { n: number; keys: number; minId: number; maxId: number };
  }

  it('runs normalize_week after ingest_week, skips it the second time, and with force recomputes the same rows by delete and insert', async () => {
    const ingest = await runPipeline(spine, INGEST, { file_path: GOOD });
    const capture = String(
      eventsOf(spine.db, ingest.id)
        .filter((e) => e.event_type === 'stage_completed')
        .map((e) => (JSON.parse(e.payload) as { capture_id?: string }).capture_id)
        .find((id) => id !== undefined),
    );
    expect(ingest.status).toBe('completed');
    expect(captureOf(capture).status).toBe('published');

    const first = await runPipeline(spine, NORMALIZE, partition);
    const before = venueVolume(capture);
    const again = await runPipeline(spine, NORMALIZE, partition);
    const unchanged = venueVolume(capture);
    const forced = await runPipeline(spine, NORMALIZE, { ...partition, force: true });
    const after = venueVolume(capture);

    expect([first.status, again.status, forced.status]).toEqual(['completed', 'completed', 'completed']);
    expect(stageEvents(first.id)).toEqual(['stage_started:normalize', 'stage_completed:normalize']);
    expect(stageEvents(again.id)).toEqual(['stage_started:normalize', 'stage_skipped:normalize']);
    expect(eventsOf(spine.db, again.id).find((e) => e.event_type === 'stage_skipped')?.payload).toMatch(/already/i);
    expect(stageEvents(forced.id)).toEqual(['stage_started:normalize', 'stage_completed:normalize']);
    expect(before).toMatchObject({ n: 3, keys: 3 });
    expect(unchanged).toEqual(before);
    expect(after).toMatchObject({ n: 3, keys: 3 });
    expect(after.minId).toBeGreaterThan(before.maxId);
  });

  it('skips ingest_week for an ingested week with a stage_skipped event and no new capture', async () => {
    await runPipeline(spine, INGEST, { file_path: GOOD });

    const again = await runPipeline(spine, INGEST, { file_path: GOOD });

    expect(again.status).toBe('completed');
    expect(stageEvents(again.id)).toEqual(['stage_started:ingest', 'stage_skipped:ingest']);
    expect(capturesOf(spine.db)).toHaveLength(1);
  });

  it('does not cascade force: after a forced ingest, normalize_week still skips until forced, then normalizes the newest capture', async () => {
    await runPipeline(spine, INGEST, { file_path: GOOD });
    await runPipeline(spine, NORMALIZE, partition);
    const [c1] = capturesOf(spine.db);

    const reingest = await runPipeline(spine, INGEST, { file_path: GOOD, force: true });
    const captures = capturesOf(spine.db);
    const c2 = captures[1];
    const notForced = await runPipeline(spine, NORMALIZE, partition);

    expect(reingest.status).toBe('completed');
    expect(captures.map((c) => c.status)).toEqual(['published', 'published']);
    if (!c1 || !c2) throw new Error('expected two captures');
    expect(stageEvents(notForced.id)).toEqual(['stage_started:normalize', 'stage_skipped:normalize']);
    expect(venueVolume(c2.capture_id).n).toBe(0);
    expect(venueVolume(c1.capture_id).n).toBe(3);

    const forced = await runPipeline(spine, NORMALIZE, { ...partition, force: true });

    expect(stageEvents(forced.id)).toEqual(['stage_started:normalize', 'stage_completed:normalize']);
    expect(venueVolume(c2.capture_id)).toMatchObject({ n: 3, keys: 3 });
    expect(venueVolume(c1.capture_id).n).toBe(3);
  });
});
