import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SourceError } from '../../../../../src/core/errors.js';
import { describeApiSource, fetchFinraWeekly } from '../../../../../src/domains/otc/sources/index.js';
import type {
  ApiParsedBatch,
  ApiRequestInfo,
  FetchFinraWeeklyOptions,
} from '../../../../../src/domains/otc/sources/index.js';
import { collectBatches, parseFileText } from '../otc-test-helpers.js';
import { fixturePage, fixturePageText, recordedPages, servePages, startFinraServer } from './finra-test-server.js';
import type { FinraTestServer, Handler } from './finra-test-server.js';

const SAMPLE = new URL('../../../../../data/samples/finra_otc_weekly_otc_20251215.csv', import.meta.url);
const NOW = new Date('2026-02-01T12:00:00Z');

let server: FinraTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  vi.unstubAllEnvs();
});

async function serve(handler: Handler): Promise<FinraTestServer> {
  server = await startFinraServer(handler);
  return server;
}

function otcWeek(baseUrl: string, extra: Partial<FetchFinraWeeklyOptions> = {}): FetchFinraWeeklyOptions {
  return {
    tier: 'OTC',
    weekEnding: '2025-12-12',
    baseUrl,
    pageSize: 2,
    now: NOW,
    sleep: () => Promise.resolve(),
    ...extra,
  };
}

async function drain(opts: FetchFinraWeeklyOptions): Promise<ApiParsedBatch[]> {
  const out: ApiParsedBatch[] = [];
  for await (const b of fetchFinraWeekly(opts)) out.push(b);
  return out;
}

describe('fetchFinraWeekly paging', () => {
  it('pages with offset 0, 2, 4 and limit 2, and stops after the short page', async () => {
    const s = await serve(recordedPages);
    const batches = await drain(otcWeek(s.baseUrl));
    expect(s.requests.map((r) => [r.body.offset, r.body.limit])).toEqual([
      [0, 2],
      [2, 2],
      [4, 2],
    ]);
    expect(batches.map((b) => [b.records.length, b.lastLine, b.page.offset])).toEqual([
      [2, 2, 0],
      [2, 4, 2],
      [1, 5, 4],
    ]);
  });

  it('asks for one more (empty) page when the last page is full', async () => {
    const s = await serve(servePages({ 0: fixturePage(0), 2: fixturePage(2) }));
    const batches = await drain(otcWeek(s.baseUrl));
    expect(s.requests.map((r) => r.body.offset)).toEqual([0, 2, 4]);
    expect(batches).toHaveLength(2);
  });

  it('POSTs JSON to the weeklySummary endpoint with both partition filters in every payload', async () => {
    const s = await serve(recordedPages);
    await drain(otcWeek(s.baseUrl));
    expect(s.requests).toHaveLength(3);
    for (const r of s.requests) {
      expect(r.method).toBe('POST');
      expect(r.path).toBe('/data/group/otcMarket/name/weeklySummary');
      expect(r.headers['accept']).toBe('application/json');
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.body['dateRangeFilters']).toEqual([
        { fieldName: 'weekStartDate', startDate: '2025-12-08', endDate: '2025-12-12' },
      ]);
      expect(r.body['domainFilters']).toEqual([{ fieldName: 'tierIdentifier', values: ['OTC'] }]);
      expect(r.body['compareFilters']).toEqual([
        { fieldName: 'summaryTypeCode', fieldValue: 'OTC_W_SMBL_FIRM', compareType: 'EQUAL' },
      ]);
      expect(r.body['fields']).toEqual(
        expect.arrayContaining(['issueSymbolIdentifier', 'MPID', 'totalWeeklyShareQuantity', 'weekStartDate']),
      );
    }
  });

  it('reports every request to onRequest with the page and attempt', async () => {
    const s = await serve(recordedPages);
    const seen: ApiRequestInfo[] = [];
    await drain(otcWeek(s.baseUrl, { onRequest: (i) => seen.push(i) }));
    expect(seen.map((i) => [i.offset, i.limit, i.attempt, i.dataset])).toEqual([
      [0, 2, 1, 'weeklySummary'],
      [2, 2, 1, 'weeklySummary'],
      [4, 2, 1, 'weeklySummary'],
    ]);
    expect(seen[0]?.sourceName).toBe(
      'finra-api://otcMarket/weeklySummary?tier=OTC&weekStartDate=2025-12-08&summaryTypeCode=OTC_W_SMBL_FIRM',
    );
  });

  it('uses SPINE_FINRA_API_URL when no baseUrl is given', async () => {
    const s = await serve(recordedPages);
    vi.stubEnv('SPINE_FINRA_API_URL', s.baseUrl);
    const { baseUrl: _, ...opts } = otcWeek(s.baseUrl);
    const all = await collectBatches(fetchFinraWeekly(opts));
    expect(all.records).toHaveLength(5);
  });
});

describe('fetchFinraWeekly records', () => {
  it('equal the corresponding rows of the weekly file, hashes included', async () => {
    const s = await serve(recordedPages);
    const api = await collectBatches(fetchFinraWeekly(otcWeek(s.baseUrl)));
    const firstLines = readFileSync(SAMPLE, 'utf8').split('\n').slice(0, 6).join('\n');
    const file = await parseFileText(firstLines, {
      fileName: 'finra_otc_weekly_otc_20251215.csv',
      expectedTier: 'OTC',
    });
    const key = (r: (typeof api.records)[number]): unknown[] => [r.symbol, r.mpid, r.totalShares, r.totalTrades];
    expect(api.rejects).toEqual([]);
    expect(api.records.map(key)).toEqual(file.records.map(key));
    expect(api.records.map((r) => r.recordHash)).toEqual(file.records.map((r) => r.recordHash));
    expect(api.records.map((r) => [r.issueName, r.venueName, r.sourceLastUpdateDate, r.tierText])).toEqual(
      file.records.map((r) => [r.issueName, r.venueName, r.sourceLastUpdateDate, r.tierText]),
    );
    expect(api.records.map((r) => r.line)).toEqual([1, 2, 3, 4, 5]);
  });

  it('derives week_ending from weekStartDate (Monday + 4 days)', async () => {
    const s = await serve(recordedPages);
    const api = await collectBatches(fetchFinraWeekly(otcWeek(s.baseUrl)));
    expect(new Set(api.records.map((r) => r.rowWeekEnding))).toEqual(new Set(['2025-12-12']));
  });

  it('places a holiday week starting on Tuesday on that week’s Friday', async () => {
    const row = { ...fixturePage(0)[0], weekStartDate: '2025-01-21', lastUpdateDate: '2025-01-27' };
    const s = await serve(servePages({ 0: [row] }));
    const api = await collectBatches(fetchFinraWeekly(otcWeek(s.baseUrl, { weekEnding: '2025-01-24' })));
    expect(api.records.map((r) => r.rowWeekEnding)).toEqual(['2025-01-24']);
    expect(s.requests[0]?.body['dateRangeFilters']).toEqual([
      { fieldName: 'weekStartDate', startDate: '2025-01-20', endDate: '2025-01-24' },
    ]);
  });

  it('turns a non-integer count into a BAD_NUMBER reject naming the field and keeps the other rows', async () => {
    const page = fixturePage(2);
    page[1] = { ...page[1], totalWeeklyShareQuantity: 1000.5 };
    const s = await serve(servePages({ 0: fixturePage(0), 2: page, 4: fixturePage(4) }));
    const api = await collectBatches(fetchFinraWeekly(otcWeek(s.baseUrl)));
    expect(api.records).toHaveLength(4);
    expect(api.rejects).toHaveLength(1);
    expect(api.rejects[0]).toMatchObject({
      line: 4,
      reasonCode: 'BAD_NUMBER',
      detail: "totalWeeklyShareQuantity is not an integer: '1000.5'",
    });
    expect(JSON.parse(api.rejects[0]?.raw ?? '')).toMatchObject({ issueSymbolIdentifier: 'AACAY', MPID: 'OTCN' });
  });

  it('keeps counts between 2^53 and 2^63 exact, and rejects a count beyond 2^63 with its line', async () => {
    const text = fixturePageText(0)
      .replace('"totalWeeklyShareQuantity": 6753871', '"totalWeeklyShareQuantity": 9223372036854775807')
      .replace('"totalWeeklyShareQuantity": 40313', '"totalWeeklyShareQuantity": 98765432109876543210');
    const s = await serve(servePages({ 0: text }));
    const api = await collectBatches(fetchFinraWeekly(otcWeek(s.baseUrl)));
    expect(api.records.map((r) => r.totalShares)).toEqual([9223372036854775807n]);
    expect(api.rejects).toEqual([
      expect.objectContaining({
        line: 2,
        reasonCode: 'VALUE_OUT_OF_RANGE',
        detail:
          'totalWeeklyShareQuantity 98765432109876543210 is outside the 64-bit integer range SQLite stores (-9223372036854775808..9223372036854775807)',
      }),
    ]);
  });
});

describe('fetchFinraWeekly datasets and tiers', () => {
  it('reads weeks older than 12 months from weeklySummaryHistoric and filters the summary type itself', async () => {
    const rows = [...fixturePage(0), { ...fixturePage(4)[0], summaryTypeCode: 'OTC_W_SMBL' }];
    const s = await serve(servePages({ 0: rows }));
    const opts = otcWeek(s.baseUrl, { pageSize: 5, now: new Date('2027-03-01T00:00:00Z') });
    const batches = await drain(opts);
    expect(s.requests[0]?.path).toBe('/data/group/otcMarket/name/weeklySummaryHistoric');
    expect(s.requests[0]?.body['compareFilters']).toEqual([]);
    expect(s.requests[0]?.body['domainFilters']).toEqual([{ fieldName: 'tierIdentifier', values: ['OTC'] }]);
    expect(s.requests[0]?.body['dateRangeFilters']).toEqual([
      { fieldName: 'weekStartDate', startDate: '2025-12-08', endDate: '2025-12-12' },
    ]);
    expect(batches[0]?.records).toHaveLength(2);
    expect(batches[0]?.page).toMatchObject({ rows: 3, otherSummaryTypeRows: 1 });
    expect(describeApiSource(opts)).toBe(
      'finra-api://otcMarket/weeklySummaryHistoric?tier=OTC&weekStartDate=2025-12-08&summaryTypeCode=OTC_W_SMBL_FIRM',
    );
  });

  it('lets historic: false override the age rule', async () => {
    const s = await serve(recordedPages);
    await drain(otcWeek(s.baseUrl, { now: new Date('2027-03-01T00:00:00Z'), historic: false }));
    expect(s.requests[0]?.path).toBe('/data/group/otcMarket/name/weeklySummary');
  });

  it('asks for T1 with the ATS venue grain by default and stores the file tier text', async () => {
    const rows = fixturePage(0).map((r) => ({ ...r, tierIdentifier: 'T1', summaryTypeCode: 'ATS_W_SMBL_FIRM' }));
    const s = await serve(servePages({ 0: rows }));
    const api = await collectBatches(fetchFinraWeekly(otcWeek(s.baseUrl, { tier: 'NMS_TIER_1' })));
    expect(s.requests[0]?.body['domainFilters']).toEqual([{ fieldName: 'tierIdentifier', values: ['T1'] }]);
    expect(s.requests[0]?.body['compareFilters']).toEqual([
      { fieldName: 'summaryTypeCode', fieldValue: 'ATS_W_SMBL_FIRM', compareType: 'EQUAL' },
    ]);
    expect(api.records.map((r) => r.tierText)).toEqual(['NMS Tier 1', 'NMS Tier 1']);
  });

  it('fails with NO_DATA, mentioning the publication lag, when a recent week has no rows', async () => {
    const s = await serve(servePages({}));
    const err = await drain(otcWeek(s.baseUrl, { now: new Date('2025-12-20T00:00:00Z') })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).message).toMatch(
      /NO_DATA: FINRA returned no OTC_W_SMBL_FIRM rows for tier OTC week 2025-12-12/,
    );
    expect((err as SourceError).message).toMatch(/probably not published before 2026-01-09/);
  });
});
