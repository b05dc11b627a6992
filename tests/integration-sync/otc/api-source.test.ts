/**
 * The FINRA Query API source through the week pipeline (domain-spec §1): a real node:http server on
 * 127.0.0.1 stands in for api.finra.org (SPINE_FINRA_API_URL), serving rows shaped like FINRA's
 * weeklySummary JSON (tests/fixtures/otc/api/). The clock is pinned to January 2026 so the week stays in
 * the current (not historic) dataset whatever the date the suite runs on.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Spine } from '../../../src/app/spine.js';
import { fixedClock } from '../../../src/core/clock.js';
import { openTempSpine, setEnv } from '../../helpers/tmp-db.js';
import type { TempSpine } from '../../helpers/tmp-db.js';
import { fixturePage, startFinraServer } from '../../unit/domains/otc/sources/finra-test-server.js';
import type { FinraTestServer, ReceivedRequest, Reply } from '../../unit/domains/otc/sources/finra-test-server.js';
import { capturesOf, count, eventsOf, runPipeline, SAMPLE_1215, WEEK_PIPELINE } from './otc-pipeline-helpers.js';

const API_SOURCE =
  'finra-api://otcMarket/weeklySummary?tier=OTC&weekStartDate=2025-12-08&summaryTypeCode=OTC_W_SMBL_FIRM';
const PATH = '/data/group/otcMarket/name/weeklySummary';

type ApiRow = Record<string, unknown>;

/** The five recorded rows (three pages of the fixture set, concatenated). */
function recordedRows(): ApiRow[] {
  return [0, 2, 4].flatMap((offset) => fixturePage(offset));
}

function syntheticRows(n: number): ApiRow[] {
  return Array.from({ length: n }, (_, i) => ({
    issueSymbolIdentifier: `S${String(i).padStart(5, '0')}`,
    issueName: `Synthetic ${i} Inc`,
    MPID: 'OTCN',
    marketParticipantName: 'OTCN OTC LINK NQB IDQS',
    tierIdentifier: 'OTC',
    totalWeeklyTradeCount: 1 + (i % 7),
    totalWeeklyShareQuantity: 100 + i,
    lastUpdateDate: '2025-12-15',
    weekStartDate: '2025-12-08',
    summaryTypeCode: 'OTC_W_SMBL_FIRM',
  }));
}

type Received = ReceivedRequest;

/** The shared FINRA stand-in; any path but the weeklySummary endpoint gets a 404. */
function startFakeFinra(handler: (req: Received, index: number) => Reply): Promise<FinraTestServer> {
  return startFinraServer((req, index) =>
    req.method === 'POST' && req.path === PATH ? handler(req, index) : { status: 404, body: '{"error":"not found"}' },
  );
}

/** Serves `rows` in pages by the request's offset and limit (a short or empty page ends paging). */
function paged(rows: readonly ApiRow[]): (req: Received) => Reply {
  return (req) => ({ body: JSON.stringify(rows.slice(req.body.offset, req.body.offset + req.body.limit)) });
}

let t: TempSpine;
let spine: Spine;
let api: FinraTestServer | undefined;
let restoreEnv: (() => void) | undefined;

beforeEach(() => {
  t = openTempSpine({ clock: fixedClock('2026-01-20T12:00:00.000Z', 1) });
  spine = t.spine;
});

afterEach(async () => {
  restoreEnv?.();
  restoreEnv = undefined;
  await api?.close();
  api = undefined;
  t.cleanup();
});

async function serve(handler: (req: Received, index: number) => Reply): Promise<FinraTestServer> {
  const server = await startFakeFinra(handler);
  api = server;
  restoreEnv = setEnv({ SPINE_FINRA_API_URL: server.baseUrl });
  return server;
}

const runApiWeek = (extra: Readonly<Record<string, boolean>> = {}) =>
  runPipeline(spine, WEEK_PIPELINE, { source: 'api', tier: 'OTC', week_ending: '2025-12-12', ...extra });

interface RawRow {
  symbol: string;
  mpid: string;
  total_shares: number;
  total_trades: number;
  source_file: string;
  week_ending: string;
  tier: string;
  record_hash: string;
}

function rawRows(captureId: string): RawRow[] {
  return spine.db
    .prepare(
      `SELECT symbol, mpid, total_shares, total_trades, source_file, week_ending, tier, record_hash
       FROM finra_otc_transparency_raw WHERE capture_id = ? ORDER BY symbol, mpid`,
    )
    .all(captureId) as RawRow[];
}

describe('week pipeline with source=api', () => {
  it('publishes the served rows as a capture whose source is the finra-api:// name', async () => {
    const rows = recordedRows();
    const server = await serve(paged(rows));

    const exec = await runApiWeek();

    expect(exec.errorMessage).toBeNull();
    expect(exec.status).toBe('completed');
    const [capture] = capturesOf(spine.db);
    expect(capture).toMatchObject({
      week_ending: '2025-12-12',
      tier: 'OTC',
      status: 'published',
      source: API_SOURCE,
      source_last_update_date: '2025-12-15',
      execution_id: exec.id,
    });
    const stored = rawRows(capture?.capture_id ?? '');
    expect(stored.map((r) => [r.symbol, r.mpid, r.total_shares, r.total_trades])).toEqual(
      rows
        .map((r) => [r['issueSymbolIdentifier'], r['MPID'], r['totalWeeklyShareQuantity'], r['totalWeeklyTradeCount']])
        .sort((a, b) => `${String(a[0])}|${String(a[1])}`.localeCompare(`${String(b[0])}|${String(b[1])}`)),
    );
    for (const r of stored)
      expect(r).toMatchObject({ source_file: API_SOURCE, week_ending: '2025-12-12', tier: 'OTC' });
    expect(count(spine.db, `SELECT COUNT(*) AS n FROM finra_otc_transparency_venue_volume_latest`)).toBe(rows.length);
    expect(exec.result).toMatchObject({ rows_in: rows.length, accepted: rows.length, rejected: 0 });
    expect(server.requests).toHaveLength(1);
    const [req] = server.requests;
    expect(req).toMatchObject({ method: 'POST', path: PATH, body: { offset: 0, limit: 5000 } });
    expect(req?.body.dateRangeFilters).toEqual([
      { fieldName: 'weekStartDate', startDate: '2025-12-08', endDate: '2025-12-12' },
    ]);
    expect(req?.body.domainFilters).toEqual([{ fieldName: 'tierIdentifier', values: ['OTC'] }]);
  });

  it('pages on after a full page of 5,000 rows and stops at the short page that follows', async () => {
    const rows = syntheticRows(5001);
    const server = await serve(paged(rows));

    const exec = await runApiWeek();

    expect(exec.status).toBe('completed');
    expect(server.requests.map((r) => [r.body.offset, r.body.limit])).toEqual([
      [0, 5000],
      [5000, 5000],
    ]);
    expect(count(spine.db, `SELECT COUNT(*) AS n FROM finra_otc_transparency_raw_latest`)).toBe(5001);
  });

  it('completes when the first request answers 500 and the retry inside the source succeeds', async () => {
    const rows = recordedRows();
    const server = await serve((req, index) =>
      index === 0 ? { status: 500, body: '{"error":"temporarily unavailable"}' } : paged(rows)(req),
    );

    const exec = await runApiWeek();

    expect(exec.errorMessage).toBeNull();
    expect(exec.status).toBe('completed');
    expect(server.requests.map((r) => r.body.offset)).toEqual([0, 0]);
    // The source retried the request itself: the stage ran once and was not retried by the backend.
    expect(exec.attempts).toBe(1);
    expect(eventsOf(spine.db, exec.id).filter((e) => e.event_type === 'retrying')).toEqual([]);
    expect(capturesOf(spine.db).map((c) => [c.status, c.source])).toEqual([['published', API_SOURCE]]);
    expect(count(spine.db, `SELECT COUNT(*) AS n FROM finra_otc_transparency_raw_latest`)).toBe(rows.length);
  });

  it('gives the API rows the same record hashes as the same rows read from the weekly file', async () => {
    await serve(paged(recordedRows()));
    const fromApi = await runApiWeek();
    const fromFile = await runPipeline(spine, WEEK_PIPELINE, { file_path: SAMPLE_1215, force: true });

    expect([fromApi.status, fromFile.status]).toEqual(['completed', 'completed']);
    const apiRows = rawRows(String(fromApi.result?.['capture_id']));
    const fileRows = new Map(
      rawRows(String(fromFile.result?.['capture_id'])).map((r) => [`${r.symbol}|${r.mpid}`, r.record_hash]),
    );
    expect(apiRows).toHaveLength(5);
    for (const r of apiRows)
      expect({ key: `${r.symbol}|${r.mpid}`, hash: r.record_hash }).toEqual({
        key: `${r.symbol}|${r.mpid}`,
        hash: fileRows.get(`${r.symbol}|${r.mpid}`),
      });
  });
});
