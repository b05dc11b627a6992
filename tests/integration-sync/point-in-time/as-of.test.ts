/**
 * Issue 6: two captures of week 2025-12-12 (the real file at FIRST_RUN_AT, a revised copy at SECOND_RUN_AT,
 * both through the real week pipeline under pinned clocks) read back as of latest, an instant, a capture id
 * and a source date — through the helpers and through `spine query`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/core/db/open-database.js';
import { captureAsOf, capturePublishedAsOf, getLatestCapture } from '../../../src/core/query/point-in-time.js';
import type { CaptureRef } from '../../../src/core/query/point-in-time.js';
import { queryDataset } from '../../../src/domains/otc/query/query-service.js';
import type { DatasetResult } from '../../../src/domains/otc/query/query-service.js';
import { buildTwoCaptures, copyDatabase, FIRST_RUN_AT, SECOND_RUN_AT } from '../../fixtures/revised/captures.js';
import type { BuiltCapture, TwoCaptures } from '../../fixtures/revised/captures.js';
import {
  ORIGINAL_FILE,
  ORIGINAL_UPDATE_DATE,
  REVISED_UPDATE_DATE,
  TIER,
  WEEK,
  symbolCount,
  symbolTotals,
} from '../../fixtures/revised/revise-otc-file.js';
import { runCli } from '../../helpers/run-cli.js';
import type { CliResult } from '../../helpers/run-cli.js';
import { openTempDb, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

const DOMAIN = 'finra.otc_transparency';

interface ErrorJson {
  error: { code: string; message: string; details: Record<string, unknown>; exitCode: number };
}

let dir: TempDir;
let two: TwoCaptures;
let db: Db;

const query = (...args: string[]): CliResult => runCli(['query', ...args], { dbPath: two.dbPath });
const ok = (res: CliResult): DatasetResult => {
  expect(res.code, res.stderr).toBe(0);
  return res.json<DatasetResult>();
};
const ref = (c: BuiltCapture, sourceDate: string): CaptureRef => ({
  capture_id: c.captureId,
  week_ending: WEEK,
  tier: TIER,
  captured_at: c.capturedAt,
  source_last_update_date: sourceDate,
  status: 'published',
});
const shiftMs = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();

beforeAll(async () => {
  dir = tempDir();
  two = await buildTwoCaptures(dir);
  db = openTempDb(two.dbPath);
}, 120_000);

afterAll(() => {
  db.close();
  dir.cleanup();
});

describe('point-in-time helpers', () => {
  it('getLatestCapture returns the second capture with its clocks', () => {
    expect(getLatestCapture(db, DOMAIN, WEEK, TIER)).toEqual(ref(two.revised, REVISED_UPDATE_DATE));
  });

  it('captureAsOf returns the capture that was latest at each instant, inclusive of its captured_at', () => {
    const asOf = (iso: string): string | undefined =>
      captureAsOf(db, DOMAIN, WEEK, TIER, `${iso.slice(0, 23)}000+00:00`)?.capture_id;

    expect(asOf(shiftMs(FIRST_RUN_AT, -1))).toBeUndefined();
    expect(asOf(FIRST_RUN_AT)).toBe(two.original.captureId);
    expect(asOf(shiftMs(SECOND_RUN_AT, -1))).toBe(two.original.captureId);
    expect(asOf(SECOND_RUN_AT)).toBe(two.revised.captureId);
  });

  it('capturePublishedAsOf picks by source update date', () => {
    const byDate = (d: string): string | undefined => capturePublishedAsOf(db, DOMAIN, WEEK, TIER, d)?.capture_id;

    expect(byDate('2025-12-14')).toBeUndefined();
    expect(byDate(ORIGINAL_UPDATE_DATE)).toBe(two.original.captureId);
    expect(byDate('2025-12-21')).toBe(two.original.captureId);
    expect(byDate(REVISED_UPDATE_DATE)).toBe(two.revised.captureId);
  });
});

describe('spine query as of latest', () => {
  it('reads every row of the latest capture and none of the older one through queryDataset', () => {
    const result = queryDataset(db, { dataset: 'otc.summary', weeks: [WEEK], tier: TIER, asOf: { kind: 'latest' } });

    expect(result.captures).toEqual([ref(two.revised, REVISED_UPDATE_DATE)]);
    expect(result.count).toBe(symbolCount(two.revisedFile));
    expect(new Set(result.rows.map((r) => r['capture_id']))).toEqual(new Set([two.revised.captureId]));
    const symbols = new Set(result.rows.map((r) => r['symbol']));
    expect(symbols.has('ZZZZT')).toBe(true);
    expect(symbols.has('AAGC')).toBe(false);
    expect(result.rows.find((r) => r['symbol'] === 'AABB')?.['total_volume']).toBe(
      symbolTotals(two.revisedFile).get('AABB')?.shares,
    );
  });

  it('answers `query otc.summary --week=2025-12-12 --as-of=latest` exactly as written, from the second capture', () => {
    const res = query('otc.summary', `--week=${WEEK}`, '--as-of=latest', '--all');

    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.split('\n')[0]).toBe(
      `# ${WEEK} ${TIER}: capture ${two.revised.captureId} captured_at ${two.revised.capturedAt} source ${REVISED_UPDATE_DATE}`,
    );
    expect(res.stdout).toContain(
      `${symbolCount(two.revisedFile).toLocaleString('en-US')} row(s) from otc.summary as of latest`,
    );
    // One capture answers: its week and tier are in the header line, not repeated on every row.
    expect(res.stdout).toMatch(/^ZZZZT\s/m);
    expect(res.stdout).not.toMatch(/^AAGC\s/m);
  });

  it('shows the first 50 rows of a table and says how many more exist and how to see them', () => {
    const res = query('otc.summary', `--week=${WEEK}`);
    const total = symbolCount(two.revisedFile);

    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(
      `… ${(total - 50).toLocaleString('en-US')} more rows not shown (50 of ${total.toLocaleString('en-US')}); --all shows every row`,
    );
  });

  it('lists the answering capture in --json output and honours --tier aliases and --top', () => {
    const result = ok(query('otc.summary', '--week', WEEK, '--tier', 'otc', '--top', '3', '--json'));

    expect(result.captures).toEqual([ref(two.revised, REVISED_UPDATE_DATE)]);
    expect(result.as_of).toBe('latest');
    expect(result.count).toBe(3);
    expect(result.rows.map((r) => r['capture_id'])).toEqual(Array(3).fill(two.revised.captureId));
  });
});

describe('spine query as of an instant, a capture id or a source date', () => {
  it('answers an instant between the two captured_at values from the first capture', () => {
    const result = ok(
      query('otc.summary', '--week', WEEK, '--as-of', '2025-12-18T00:00:00Z', '--symbol', 'AABB', '--json'),
    );

    expect(result.captures).toEqual([ref(two.original, ORIGINAL_UPDATE_DATE)]);
    expect(result.rows).toHaveLength(1);
    expect(result.rows[0]).toMatchObject({
      symbol: 'AABB',
      total_volume: symbolTotals(ORIGINAL_FILE).get('AABB')?.shares,
      capture_id: two.original.captureId,
    });
  });

  it('answers a capture id from that capture, even when a newer one exists', () => {
    const removed = ok(query('otc.venue_volume', '--as-of', two.original.captureId, '--symbol', 'aagc', '--json'));
    const revised = ok(
      query('otc.venue_volume', '--week', WEEK, '--as-of', two.revised.captureId, '--symbol', 'AAGC', '--json'),
    );

    expect(removed.captures.map((c) => c.capture_id)).toEqual([two.original.captureId]);
    expect(removed.rows.map((r) => [r['symbol'], r['mpid'], r['total_shares']])).toEqual([['AAGC', 'OTCN', 1_055_000]]);
    expect(revised.captures.map((c) => c.capture_id)).toEqual([two.revised.captureId]);
    expect(revised.rows).toEqual([]);
  });

  it('refuses an instant before the first capture, naming when the first capture was taken and the source-clock flag', () => {
    const json = query('otc.summary', '--week', WEEK, '--tier', 'OTC', '--as-of', '2025-12-14T00:00:00Z', '--json');
    const human = query('otc.summary', '--week', WEEK, '--tier', 'OTC', '--as-of', '2025-12-14');

    expect(json.code).toBe(2);
    const { error } = json.json<ErrorJson>();
    expect(error).toMatchObject({ code: 'NOT_FOUND', exitCode: 2 });
    expect(error.message).toBe(
      `No capture as of 2025-12-14T00:00:00.000000+00:00 for week ${WEEK} tier ${TIER}: ` +
        `the first one was captured at ${two.original.capturedAt}. --as-of reads captured_at, the moment this ` +
        'database captured the data (use e.g. --as-of 2h or a capture id); for what FINRA had published by a ' +
        'date, use --published-as-of 2025-12-14',
    );
    expect(human.code).toBe(2);
    expect(human.stdout).toBe('');
    expect(human.stderr).toContain(
      `Error [NOT_FOUND]: No capture as of 2025-12-14T23:59:59.999000+00:00 for week ${WEEK}`,
    );
    expect(human.stderr).toContain('Hint: --published-as-of 2025-12-14');
  });

  it('answers --published-as-of from the newest capture whose source update date is on or before it', () => {
    const first = ok(query('otc.summary', '--week', WEEK, '--published-as-of', '2025-12-21', '--top', '1', '--json'));
    const second = ok(
      query('otc.summary', '--week', WEEK, '--published-as-of', REVISED_UPDATE_DATE, '--top', '1', '--json'),
    );
    const none = query('otc.summary', '--week', WEEK, '--published-as-of', '2025-12-14', '--json');
    const bad = query('otc.summary', '--week', WEEK, '--published-as-of', '12/22/2025', '--json');

    expect(first.captures.map((c) => c.capture_id)).toEqual([two.original.captureId]);
    expect(first.as_of).toBe('published 2025-12-21');
    expect(second.captures.map((c) => c.capture_id)).toEqual([two.revised.captureId]);
    expect(none.code).toBe(2);
    expect(none.json<ErrorJson>().error.code).toBe('NOT_FOUND');
    expect(bad.code).toBe(2);
    expect(bad.json<ErrorJson>().error.code).toBe('INVALID_DATE');
  });
});

describe('lineage on query rows', () => {
  it('carries capture_id, captured_at, source update date and the producing execution on every row', () => {
    const result = ok(
      query('otc.venue_volume', '--week', WEEK, '--as-of', '2025-12-18T00:00:00Z', '--top', '25', '--json'),
    );

    expect(result.rows).toHaveLength(25);
    for (const row of result.rows) {
      expect(row).toMatchObject({
        week_ending: WEEK,
        tier: TIER,
        capture_id: two.original.captureId,
        captured_at: two.original.capturedAt,
        source_last_update_date: ORIGINAL_UPDATE_DATE,
        execution_id: two.original.executionId,
      });
      expect(row['batch_id']).toEqual(expect.any(String));
    }
  });
});

describe('as-of after gc', () => {
  it('says the capture that was latest at an instant has been deleted instead of answering from another', () => {
    const dbPath = copyDatabase(two.dbPath, dir.join('after-gc.db'));
    const gc = runCli(['captures', 'gc', '--keep', '1', '--week', WEEK, '--tier', TIER], { dbPath });
    expect(gc.code, gc.stderr).toBe(0);

    const res = runCli(['query', 'otc.summary', '--week', WEEK, '--as-of', '2025-12-18T00:00:00Z', '--json'], {
      dbPath,
    });
    const latest = runCli(['query', 'otc.summary', '--week', WEEK, '--top', '1', '--json'], { dbPath });

    expect(res.code).toBe(2);
    expect(res.json<ErrorJson>().error).toMatchObject({
      code: 'NOT_FOUND',
      details: { capture_id: two.original.captureId, status: 'deleted' },
    });
    expect(res.json<ErrorJson>().error.message).toContain('has been deleted');
    expect(latest.json<DatasetResult>().captures.map((c) => c.capture_id)).toEqual([two.revised.captureId]);
  });
});
