/**
 * The fake FINRA Query API answers what the real one does for the requests the source sends: filters,
 * paging, limits, unknown paths; and its controls (clock, withheld weeks, outages) do what they say.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeFinra } from '../../helpers/fake-finra.js';
import type { RunningFake } from '../../helpers/fake-finra.js';

let fake: RunningFake;
beforeEach(async () => {
  fake = await startFakeFinra({ now: '2026-02-02T00:00:00.000Z', rowsPerWeek: 7 });
});
afterEach(async () => {
  await fake.stop();
});

const body = (over: Record<string, unknown> = {}) => ({
  fields: ['issueSymbolIdentifier', 'MPID', 'totalWeeklyShareQuantity', 'weekStartDate', 'lastUpdateDate'],
  compareFilters: [{ fieldName: 'summaryTypeCode', fieldValue: 'OTC_W_SMBL_FIRM', compareType: 'EQUAL' }],
  dateRangeFilters: [{ fieldName: 'weekStartDate', startDate: '2025-12-08', endDate: '2025-12-12' }],
  domainFilters: [{ fieldName: 'tierIdentifier', values: ['OTC'] }],
  limit: 5000,
  offset: 0,
  ...over,
});

async function post(payload: unknown, path = '/data/group/otcMarket/name/weeklySummary', method = 'POST') {
  const res = await fetch(`${fake.url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(method === 'POST' ? { body: JSON.stringify(payload) } : {}),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), json: (await res.json()) };
}

describe('fake FINRA Query API', () => {
  it('serves a real week verbatim with only the requested fields, paged by offset and limit', async () => {
    const page1 = await post(body({ limit: 3 }));
    expect(page1.status).toBe(200);
    expect(page1.json).toEqual([
      {
        issueSymbolIdentifier: 'AABB',
        MPID: 'OTCN',
        totalWeeklyShareQuantity: 6753871,
        weekStartDate: '2025-12-08',
        lastUpdateDate: '2025-12-15',
      },
      {
        issueSymbolIdentifier: 'AABB',
        MPID: 'OTCX',
        totalWeeklyShareQuantity: 40313,
        weekStartDate: '2025-12-08',
        lastUpdateDate: '2025-12-15',
      },
      expect.objectContaining({ weekStartDate: '2025-12-08' }),
    ]);
    expect(((await post(body({ limit: 3, offset: 6 }))).json as unknown[]).length).toBe(1);
    expect(((await post(body({ limit: 3, offset: 9 }))).json as unknown[]).length).toBe(0);
  });

  it('refuses a limit above 5,000, a GET and an unknown path; another summary type or tier filter finds nothing', async () => {
    expect((await post(body({ limit: 5001 }))).status).toBe(400);
    expect((await post(null, '/data/group/otcMarket/name/weeklySummary', 'GET')).status).toBe(405);
    expect((await post(body(), '/data/group/otcMarket/name/nope')).status).toBe(404);
    const ats = body({
      compareFilters: [{ fieldName: 'summaryTypeCode', fieldValue: 'ATS_W_SMBL_FIRM', compareType: 'EQUAL' }],
    });
    expect((await post(ats)).json).toEqual([]);
    const t1 = { domainFilters: [{ fieldName: 'tierIdentifier', values: ['T1'] }] };
    expect((await post(body(t1))).json).toEqual([]);
    expect((await post({ ...body(t1), compareFilters: ats.compareFilters })).json).toHaveLength(7);
  });

  it('publishes a week on its due day by its clock, withholds on demand, and answers outages first', async () => {
    const t1 = (start: string, end: string) =>
      body({
        compareFilters: [{ fieldName: 'summaryTypeCode', fieldValue: 'ATS_W_SMBL_FIRM', compareType: 'EQUAL' }],
        domainFilters: [{ fieldName: 'tierIdentifier', values: ['T1'] }],
        dateRangeFilters: [{ fieldName: 'weekStartDate', startDate: start, endDate: end }],
      });
    // NMS Tier 1 week 2026-01-16 is due 2026-01-30; 2026-01-23 is due 2026-02-06.
    expect((await post(t1('2026-01-12', '2026-01-16'))).json).toHaveLength(7);
    expect((await post(t1('2026-01-19', '2026-01-23'))).json).toEqual([]);
    fake.api.setNow('2026-02-06T00:00:00.000Z');
    expect((await post(t1('2026-01-19', '2026-01-23'))).json).toHaveLength(7);
    fake.api.withhold('NMS_TIER_1', '2026-01-23');
    expect((await post(t1('2026-01-19', '2026-01-23'))).json).toEqual([]);

    fake.api.outage({ status: 429, requests: 1, retryAfterSeconds: 7 });
    fake.api.outage({ status: 503, requests: 1 });
    expect(await post(body())).toMatchObject({ status: 429, retryAfter: '7' });
    expect(await post(body())).toMatchObject({ status: 503, retryAfter: null });
    expect((await post(body())).status).toBe(200);
  });
});
