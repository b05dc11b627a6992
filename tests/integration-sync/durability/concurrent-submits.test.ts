/**
 * One run per partition: several `spine run` processes started at the same moment for the same week
 * file, each spelling it differently, publish exactly one capture. Real CLI processes, one SQLite file.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import { runSpine } from '../../helpers/temporal-cli.js';
import { writeFinraFile } from '../../helpers/temporal-finra-file.js';
import { openTempDb, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

const WEEK = 'finra.otc_transparency.week';
const ROWS = 60_000;

let dir: TempDir;

beforeAll(async () => {
  dir = tempDir('spine-concurrent-');
  mkdirSync(dir.join('data', 'sub'), { recursive: true });
  await writeFinraFile(dir.join('data', 'finra_otc_weekly_otc_20251215.csv'), ROWS);
  symlinkSync(dir.join('data', 'finra_otc_weekly_otc_20251215.csv'), dir.join('data', 'link.csv'));
}, 60_000);
afterAll(() => dir.cleanup());

describe('concurrent submissions of one week in different spellings (sync backend)', () => {
  it('run the pipeline once: one published capture, the others attach and report its outcome', async () => {
    const dbPath = dir.join('spine.db');
    openTempDb(dbPath).close();
    const spellings = [
      ['--file', 'data/finra_otc_weekly_otc_20251215.csv'],
      ['--file', './data/sub/../finra_otc_weekly_otc_20251215.csv'],
      ['--file', dir.join('data', 'link.csv'), '--week', '2025-12-12', '--tier', 'OTC'],
      ['--file', dir.join('data', 'finra_otc_weekly_otc_20251215.csv'), '--tier', 'otc'],
    ];
    const results = await Promise.all(
      spellings.map((flags) =>
        runSpine(['run', WEEK, ...flags, '--json'], {
          dbPath,
          devDir: dir.join('.data'),
          cwd: dir.path,
          timeoutMs: 180_000,
        }),
      ),
    );
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const outcomes = results.map((r) => r.json<ExecutionRecord>());

    const db = openTempDb(dbPath);
    try {
      const published = db
        .prepare(`SELECT capture_id, row_counts FROM core_captures WHERE status = 'published'`)
        .all() as {
        capture_id: string;
        row_counts: string;
      }[];
      expect(published).toHaveLength(1);
      expect(JSON.parse(published[0]?.row_counts ?? '{}')).toMatchObject({ finra_otc_transparency_raw: ROWS });
      expect(db.prepare(`SELECT COUNT(*) AS n FROM core_captures`).get()).toEqual({ n: 1 });

      // Exactly one execution did the work; the others attached to it (or, arriving after it had
      // finished, skipped because the week was already published). Every process names that one capture.
      const worked = db
        .prepare(
          `SELECT id FROM core_executions WHERE status = 'completed' AND json_extract(result, '$.skipped') IS NULL`,
        )
        .all() as { id: string }[];
      expect(worked).toHaveLength(1);
      const captureId = published[0]?.capture_id;
      for (const o of outcomes) expect(o.result?.['capture_id']).toBe(captureId);
      const stagesRun = db
        .prepare(
          `SELECT COUNT(*) AS n FROM core_execution_events WHERE event_type = 'stage_started' AND stage = 'publish'`,
        )
        .get() as { n: number };
      expect(stagesRun.n).toBe(1);
      const keys = db.prepare(`SELECT DISTINCT logical_key FROM core_executions`).all() as { logical_key: string }[];
      expect(keys).toHaveLength(1);
      expect(keys[0]?.logical_key).toMatch(/^OTC:2025-12-12:file:[0-9a-f]{16}$/);
    } finally {
      db.close();
    }
  }, 300_000);
});
