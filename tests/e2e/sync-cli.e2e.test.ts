/**
 * `spine sync` as users run it: the built CLI in separate processes against one SQLite file and the fake
 * FINRA Query API. Two syncs at once must never publish a week twice: the same tier attaches to the
 * running sync (one run per partition), and overlapping tiers meet at the capture registry's
 * compare-and-publish guard.
 */
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/core/db/open-database.js';
import type { Db } from '../../src/core/db/open-database.js';
import { startFakeFinra } from '../helpers/fake-finra.js';
import type { RunningFake } from '../helpers/fake-finra.js';
import { runSpine } from '../helpers/temporal-cli.js';
import { tempDir } from '../helpers/tmp-db.js';
import { waitFor } from '../helpers/wait-for.js';
import type { TempDir } from '../helpers/tmp-db.js';

interface SyncJson {
  execution: { id: string; status: string; result: Record<string, unknown> | null };
  weeks: {
    tier: string;
    week_ending: string;
    outcome: string;
    reason: string | null;
    capture_id: string | null;
    previous_capture_id: string | null;
  }[];
}

let dir: TempDir;
let fake: RunningFake;

beforeEach(async () => {
  dir = tempDir('spine-sync-cli-');
  fake = await startFakeFinra({ rowsPerWeek: 40, now: '2026-02-02T06:00:00.000Z' });
});

afterEach(async () => {
  await fake.stop();
  dir.cleanup();
});

const sync = (...args: string[]) =>
  runSpine(['sync', '--as-of', '2026-02-02', '--lookback', '3', '--json', ...args], {
    dbPath: dir.join('spine.db'),
    devDir: dir.join('.data'),
    env: { SPINE_FINRA_API_URL: fake.url, SPINE_FINRA_RETRY_BASE_MS: '5' },
    timeoutMs: 120_000,
  });

/** Whether a sync execution attached to another (recorded as cancelled with attached_to). */
function attached(path: string): boolean {
  if (!existsSync(path)) return false;
  const db = openDatabase(path);
  try {
    const row = db
      .prepare(
        `SELECT COUNT(*) AS n FROM core_executions WHERE pipeline = 'finra.otc_transparency.sync' AND status = 'cancelled'`,
      )
      .get() as { n: number };
    return row.n > 0;
  } catch {
    return false;
  } finally {
    db.close();
  }
}

function published(db: Db): { week_ending: string; tier: string; capture_id: string }[] {
  return db
    .prepare(
      `SELECT week_ending, tier, capture_id FROM core_captures WHERE status = 'published' ORDER BY tier, week_ending, captured_at`,
    )
    .all() as { week_ending: string; tier: string; capture_id: string }[];
}

describe('spine sync (CLI, separate processes)', () => {
  it('two syncs of the same tier at once publish each week once: the second attaches to the first', async () => {
    // The first sync is held mid-fetch (it owns the partition) until the second has attached to it.
    fake.api.pause();
    const first = sync('--tier', 'otc');
    await waitFor(() => fake.api.received > 0, 'the first sync asking the API');
    const second = sync('--tier', 'otc');
    await waitFor(() => attached(dir.join('spine.db')), 'the second sync attaching to the first');
    fake.api.resume();
    const [a, b] = await Promise.all([first, second]);

    expect([a.code, b.code]).toEqual([0, 0]);
    const db = openDatabase(dir.join('spine.db'));
    try {
      const caps = published(db);
      expect(caps.map((c) => `${c.tier} ${c.week_ending}`)).toEqual([
        'OTC 2025-12-19',
        'OTC 2025-12-26',
        'OTC 2026-01-02',
      ]);
      // Both processes report the same three captures, whichever ran them.
      for (const r of [a, b]) {
        const weeks = r.json<SyncJson>().weeks;
        expect(weeks.map((w) => w.capture_id ?? w.previous_capture_id)).toEqual(caps.map((c) => c.capture_id));
      }
      const runs = db
        .prepare(
          `SELECT status, result FROM core_executions WHERE pipeline = 'finra.otc_transparency.sync' ORDER BY created_at`,
        )
        .all() as { status: string; result: string }[];
      expect(runs.map((r) => r.status)).toEqual(['completed', 'cancelled']);
      expect(JSON.parse(runs[1]?.result ?? '{}')).toHaveProperty('attached_to');
      const weekRuns = db
        .prepare(`SELECT COUNT(*) AS n FROM core_executions WHERE pipeline = 'finra.otc_transparency.week'`)
        .get() as { n: number };
      expect(weekRuns.n).toBe(3);
    } finally {
      db.close();
    }
  }, 180_000);

  it('a sync of every tier and a sync of OTC racing over one revision publish exactly one new capture', async () => {
    expect((await sync('--tier', 'otc')).code).toBe(0);
    fake.api.revise('OTC', '2025-12-26', '2026-02-02');

    // Both runs check the week against the same latest capture before either publishes.
    fake.api.pause();
    const running = Promise.all([sync('--concurrency', '16'), sync('--tier', 'otc')]);
    await waitFor(
      () => fake.api.receivedFor('OTC', '2025-12-26') >= 4,
      'both syncs asking about OTC 2025-12-26 (after the seeding sync and its week run)',
    );
    fake.api.resume();
    const [all, otc] = await running;

    expect([all.code, otc.code]).toEqual([0, 0]);
    const db = openDatabase(dir.join('spine.db'));
    try {
      const of1226 = published(db).filter((c) => c.tier === 'OTC' && c.week_ending === '2025-12-26');
      expect(of1226).toHaveLength(2);
      const revised = of1226[1]?.capture_id;
      const said = [all, otc].map((r) =>
        r.json<SyncJson>().weeks.find((w) => w.tier === 'OTC' && w.week_ending === '2025-12-26'),
      );
      // One run published it; the other's week run lost at the compare-and-publish guard.
      const publishers = said.filter((w) => w?.outcome === 'published');
      expect(publishers).toHaveLength(1);
      expect(publishers[0]?.capture_id).toBe(revised);
      expect(said.find((w) => w?.outcome !== 'published')).toMatchObject({
        outcome: 'unchanged',
        reason: 'published_by_another_run',
        capture_id: revised,
        previous_capture_id: of1226[0]?.capture_id,
      });
    } finally {
      db.close();
    }
  }, 180_000);

  it('exits 1 with SOURCE_UNAVAILABLE when the API stays down, and says so per week', async () => {
    fake.api.outage({ status: 503, requests: 1_000_000 });
    const res = await runSpine(['sync', '--tier', 'tier1', '--as-of', '2026-02-02', '--lookback', '2', '--json'], {
      dbPath: dir.join('spine.db'),
      devDir: dir.join('.data'),
      env: {
        SPINE_FINRA_API_URL: fake.url,
        SPINE_FINRA_MAX_ATTEMPTS: '2',
        SPINE_FINRA_RETRY_BASE_MS: '5',
        SPINE_RETRY_MAX_ATTEMPTS: '2',
        SPINE_RETRY_INITIAL_MS: '10',
      },
      timeoutMs: 120_000,
    });

    expect(res.code).toBe(1);
    const error = res.json<{ error: { code: string; message: string } }>().error;
    expect(error.code).toBe('SOURCE_UNAVAILABLE');
    expect(error.message).toContain('in stage recheck');
    expect(error.message).toContain('2 week(s) (NMS_TIER_1:2026-01-09, NMS_TIER_1:2026-01-16)');
    // 2 weeks × (check + 2 recheck attempts) × 2 HTTP attempts.
    expect(fake.api.requests.filter((r) => r.status === 503)).toHaveLength(12);
  }, 120_000);
});
