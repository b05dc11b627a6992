/**
 * Sync decides "unchanged" by comparing the content hash it computes from the API (ContentHasher, nothing
 * written) with the latest capture's, which the ingest computed while loading. Both must agree on real
 * data, whichever source the capture came from.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import { readOtcFile } from '../../../src/domains/otc/parse/read-otc-file.js';
import { ContentHasher } from '../../../src/domains/otc/sync/content-hash.js';
import { fetchWeekForCompare } from '../../../src/domains/otc/sync/fetch-week.js';
import { startFakeFinra } from '../../helpers/fake-finra.js';
import type { RunningFake } from '../../helpers/fake-finra.js';
import { openTempSpine } from '../../helpers/tmp-db.js';
import type { TempSpine } from '../../helpers/tmp-db.js';
import { runPipeline, SAMPLE_1215, WEEK_PIPELINE } from '../otc/otc-pipeline-helpers.js';

let t: TempSpine;
let fake: RunningFake;

beforeEach(async () => {
  t = openTempSpine({ clock: fixedClock('2026-02-02T06:00:00.000Z', 1) });
  fake = await startFakeFinra({ now: '2026-02-02T06:00:00.000Z' });
});

afterEach(async () => {
  await fake.stop();
  t.cleanup();
});

function latest(week: string): { content_hash: string; source_last_update_date: string } {
  return t.spine.db
    .prepare(
      `SELECT content_hash, source_last_update_date FROM core_captures WHERE week_ending = ? AND status = 'published'`,
    )
    .get(week) as { content_hash: string; source_last_update_date: string };
}

describe('content hash: sync compare vs ingest', () => {
  it('hashing the real weekly file gives the hash its ingest stored', async () => {
    const exec = await runPipeline(t.spine, WEEK_PIPELINE, { file_path: SAMPLE_1215 });
    expect(exec.status).toBe('completed');
    const hasher = new ContentHasher();
    for await (const batch of readOtcFile(SAMPLE_1215, { expectedTier: 'OTC' })) hasher.add(batch);
    expect(hasher.kept).toBe(5328);
    expect(hasher.digest()).toBe(latest('2025-12-12').content_hash);
    expect(hasher.latestUpdate).toBe('2025-12-15');
  });

  it('the API serving the same week (two 5,000-row pages) hashes like the file capture: a sync finds it unchanged', async () => {
    await runPipeline(t.spine, WEEK_PIPELINE, { file_path: SAMPLE_1215 });
    const got = await fetchWeekForCompare({
      tier: 'OTC',
      weekEnding: '2025-12-12',
      now: new Date('2026-02-02T06:00:00Z'),
    });
    expect(got).toMatchObject({
      kind: 'data',
      contentHash: latest('2025-12-12').content_hash,
      sourceLastUpdateDate: '2025-12-15',
      rows: 5328,
      requests: 2,
    });
    expect(fake.api.requests.map((r) => [r.offset, r.limit, r.rows])).toEqual([
      [0, 5000, 5000],
      [5000, 5000, 328],
    ]);
  });

  it('a week captured from the API, re-hashed from the API, is unchanged; a revision is not', async () => {
    const exec = await runPipeline(t.spine, WEEK_PIPELINE, {
      source: 'api',
      tier: 'NMS_TIER_2',
      week_ending: '2025-12-05',
    });
    expect(exec.status).toBe('completed');
    const stored = t.spine.db
      .prepare(`SELECT content_hash, source_last_update_date FROM core_captures WHERE tier = 'NMS_TIER_2'`)
      .get() as { content_hash: string; source_last_update_date: string };
    const now = new Date('2026-02-02T06:00:00Z');
    const same = await fetchWeekForCompare({ tier: 'NMS_TIER_2', weekEnding: '2025-12-05', now });
    expect(same).toMatchObject({ kind: 'data', contentHash: stored.content_hash, sourceLastUpdateDate: '2026-01-02' });
    fake.api.revise('NMS_TIER_2', '2025-12-05', '2026-02-01');
    const revised = await fetchWeekForCompare({ tier: 'NMS_TIER_2', weekEnding: '2025-12-05', now });
    expect(revised).toMatchObject({ kind: 'data', sourceLastUpdateDate: '2026-02-01' });
    expect(revised.kind === 'data' && revised.contentHash).not.toBe(stored.content_hash);
  });
});
