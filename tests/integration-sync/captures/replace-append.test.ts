/**
 * Issue 7: --force appends a capture (history kept), --replace-capture replaces the week/tier's latest one
 * and deletes its rows from every capture-scoped table in the publishing transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCaptures } from '../../../src/core/captures/capture-queries.js';
import type { CaptureListItem } from '../../../src/core/captures/capture-queries.js';
import type { Db } from '../../../src/core/db/open-database.js';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import { getLatestCapture } from '../../../src/core/query/point-in-time.js';
import { OTC_CAPTURE_TABLES } from '../../../src/domains/otc/constants.js';
import { WEEK_PIPELINE, buildTwoCaptures, copyDatabase } from '../../fixtures/revised/captures.js';
import type { TwoCaptures } from '../../fixtures/revised/captures.js';
import { ORIGINAL_FILE, TIER, WEEK } from '../../fixtures/revised/revise-otc-file.js';
import { runCli } from '../../helpers/run-cli.js';
import { openTempDb, tempDir } from '../../helpers/tmp-db.js';
import { DATA_TABLES } from '../otc/otc-pipeline-helpers.js';
import type { TempDir } from '../../helpers/tmp-db.js';

const DOMAIN = 'finra.otc_transparency';

let dir: TempDir;
let two: TwoCaptures;

/** Rows per capture-scoped table for one capture, counted in the tables themselves. */
function rowsOf(db: Db, captureId: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of OTC_CAPTURE_TABLES) {
    out[t] = (db.prepare(`SELECT COUNT(*) AS n FROM ${t} WHERE capture_id = ?`).get(captureId) as { n: number }).n;
  }
  return out;
}

const byId = (db: Db): Map<string, CaptureListItem> =>
  new Map(listCaptures(db, { domain: DOMAIN }).map((c) => [c.capture_id, c]));

beforeAll(async () => {
  dir = tempDir();
  two = await buildTwoCaptures(dir);
}, 120_000);

afterAll(() => dir.cleanup());

describe('a forced re-ingest of a week', () => {
  it('appends a second published capture and keeps the first with all its rows', () => {
    const db = openTempDb(two.dbPath);
    try {
      const captures = byId(db);
      expect([...captures.values()].map((c) => [c.capture_id, c.status, c.is_latest])).toEqual([
        [two.revised.captureId, 'published', true],
        [two.original.captureId, 'published', false],
      ]);
      for (const c of [two.original, two.revised]) {
        const rows = rowsOf(db, c.captureId);
        expect(rows['finra_otc_transparency_raw']).toBeGreaterThan(0);
        expect(rows['finra_otc_transparency_symbol_summary']).toBeGreaterThan(0);
        expect(rows['core_quality']).toBeGreaterThan(0);
        // The registry's row counts name every data table and match the tables themselves.
        const counted = captures.get(c.captureId)?.row_counts;
        expect(Object.keys(counted ?? {}).sort()).toEqual([...DATA_TABLES].sort());
        expect(counted).toEqual(Object.fromEntries(DATA_TABLES.map((t) => [t, rows[t]])));
      }
      expect(captures.get(two.original.captureId)?.row_counts).toMatchObject({
        finra_otc_transparency_raw: 5328,
        finra_otc_transparency_venue_volume: 5328,
        finra_otc_transparency_symbol_summary: 3111,
        finra_otc_transparency_venue_share: 9,
      });
      expect(getLatestCapture(db, DOMAIN, WEEK, TIER)?.capture_id).toBe(two.revised.captureId);
    } finally {
      db.close();
    }
  });
});

describe('spine run … --replace-capture', () => {
  let dbPath: string;
  let run: ExecutionRecord;
  let db: Db;
  let originalRowsBefore: Record<string, number>;

  beforeAll(() => {
    dbPath = copyDatabase(two.dbPath, dir.join('replace.db'));
    const before = openTempDb(dbPath);
    originalRowsBefore = rowsOf(before, two.original.captureId);
    expect(rowsOf(before, two.revised.captureId)['finra_otc_transparency_venue_volume']).toBeGreaterThan(0);
    before.close();
    const res = runCli(
      ['run', WEEK_PIPELINE, '--file', ORIGINAL_FILE, '--week', WEEK, '--tier', 'otc', '--replace-capture', '--json'],
      { dbPath },
    );
    expect(res.code, res.stderr).toBe(0);
    run = res.json<ExecutionRecord>();
    db = openTempDb(dbPath);
  }, 120_000);

  afterAll(() => db.close());

  it('publishes the new capture as the latest and reports which one it replaced', () => {
    const newId = String(run.result?.['capture_id']);

    expect(run.status).toBe('completed');
    expect(run.result?.['replaced_capture']).toBe(two.revised.captureId);
    expect(getLatestCapture(db, DOMAIN, WEEK, TIER)?.capture_id).toBe(newId);
    expect(byId(db).get(newId)).toMatchObject({ status: 'published', is_latest: true, execution_id: run.id });
  });

  it('marks the previous latest capture superseded by the new one', () => {
    const old = db.prepare('SELECT * FROM core_captures WHERE capture_id = ?').get(two.revised.captureId) as Record<
      string,
      unknown
    >;

    expect(old).toMatchObject({
      status: 'superseded',
      superseded_by: run.result?.['capture_id'],
      status_reason: 'replaced by --replace-capture',
    });
    expect(old['deleted_at']).toEqual(expect.any(String));
  });

  it("deletes the replaced capture's rows from every capture-scoped table", () => {
    expect(rowsOf(db, two.revised.captureId)).toEqual(Object.fromEntries(OTC_CAPTURE_TABLES.map((t) => [t, 0])));
  });

  it('leaves the older published capture and its rows untouched', () => {
    expect(byId(db).get(two.original.captureId)).toMatchObject({ status: 'published', is_latest: false });
    expect(rowsOf(db, two.original.captureId)).toEqual(originalRowsBefore);
  });
});
