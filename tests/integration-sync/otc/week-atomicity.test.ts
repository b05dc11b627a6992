/**
 * Atomicity (domain-spec §2 #1, §9.4): a failure after ingest, injected through the test-only fault hook
 * (SPINE_FAULTS_FILE), leaves no published capture and nothing in the latest views, although the staged
 * rows were written. Retries are limited to one attempt for these tests so the fault is final.
 */
import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Spine } from '../../../src/app/spine.js';
import { openTempSpine, setEnv } from '../../helpers/tmp-db.js';
import type { TempSpine } from '../../helpers/tmp-db.js';
import {
  capturesOf,
  count,
  eventsOf,
  latestViewCounts,
  runPipeline,
  SAMPLE_1215,
  WEEK_PIPELINE,
} from './otc-pipeline-helpers.js';

let t: TempSpine;
let spine: Spine;
let restoreEnv: (() => void) | undefined;

beforeEach(() => {
  t = openTempSpine();
  spine = t.spine;
});

afterEach(() => {
  restoreEnv?.();
  restoreEnv = undefined;
  t.cleanup();
});

function injectFault(stage: string): void {
  const file = t.dir.join('faults.json');
  writeFileSync(file, JSON.stringify({ [`${WEEK_PIPELINE}/${stage}`]: { always: true } }));
  restoreEnv = setEnv({ SPINE_FAULTS_FILE: file, SPINE_RETRY_MAX_ATTEMPTS: '1' });
}

describe('week pipeline atomicity', () => {
  for (const stage of ['venue_share', 'publish']) {
    it(`publishes nothing when stage ${stage} fails after ingest, normalize and aggregate wrote their staged rows`, async () => {
      injectFault(stage);

      const exec = await runPipeline(spine, WEEK_PIPELINE, { file_path: SAMPLE_1215 });

      expect(exec.status).toBe('failed');
      expect(exec.errorStage).toBe(stage);
      expect(exec.errorMessage).toContain(`${WEEK_PIPELINE}/${stage}`);
      const events = eventsOf(spine.db, exec.id);
      expect(events.filter((e) => e.event_type === 'stage_completed').map((e) => e.stage)).toEqual(
        expect.arrayContaining(['ingest', 'normalize', 'aggregate']),
      );
      expect(events.filter((e) => e.event_type === 'failed').map((e) => e.stage)).toEqual([stage]);
      const captures = capturesOf(spine.db);
      expect(captures).toHaveLength(1);
      expect(captures[0]?.status).not.toBe('published');
      // The rows exist, staged under the capture, yet no reader can see them.
      expect(
        count(
          spine.db,
          `SELECT COUNT(*) AS n FROM finra_otc_transparency_raw WHERE capture_id = ?`,
          captures[0]?.capture_id,
        ),
      ).toBe(5328);
      expect(count(spine.db, `SELECT COUNT(*) AS n FROM core_captures_latest`)).toBe(0);
      const views = latestViewCounts(spine.db);
      expect(Object.keys(views).length).toBeGreaterThanOrEqual(9);
      expect(Object.entries(views).filter(([, n]) => n > 0)).toEqual([]);
    });
  }

  it('publishes exactly one capture when the week is run again after the fault is gone', async () => {
    injectFault('venue_share');
    const failed = await runPipeline(spine, WEEK_PIPELINE, { file_path: SAMPLE_1215 });
    restoreEnv?.();
    restoreEnv = undefined;

    const retried = await runPipeline(spine, WEEK_PIPELINE, { file_path: SAMPLE_1215 });

    expect(failed.status).toBe('failed');
    expect(retried.status).toBe('completed');
    expect(capturesOf(spine.db).filter((c) => c.status === 'published')).toHaveLength(1);
    expect(count(spine.db, `SELECT COUNT(*) AS n FROM finra_otc_transparency_raw_latest`)).toBe(5328);
    expect(count(spine.db, `SELECT COUNT(*) AS n FROM finra_otc_transparency_venue_share_latest`)).toBe(9);
  });
});
