import { describe, expect, it } from 'vitest';
import { SpineError } from '../../../../../src/core/errors.js';
import { buildWeeklyPayload } from '../../../../../src/domains/otc/sources/finra-api-payload.js';
import { resolveWeekQuery } from '../../../../../src/domains/otc/sources/finra-api-query.js';
import { describeApiSource, isHistoricWeek } from '../../../../../src/domains/otc/sources/index.js';

const base = {
  tier: 'OTC',
  weekEnding: '2025-12-12',
  baseUrl: 'https://api.finra.org',
  now: new Date('2026-02-01T00:00:00Z'),
} as const;

function usageError(fn: () => unknown): SpineError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SpineError);
    return err as SpineError;
  }
  throw new Error('expected an error');
}

describe('describeApiSource', () => {
  it('names the dataset, tier, week start and summary type', () => {
    expect(describeApiSource(base)).toBe(
      'finra-api://otcMarket/weeklySummary?tier=OTC&weekStartDate=2025-12-08&summaryTypeCode=OTC_W_SMBL_FIRM',
    );
    expect(describeApiSource({ ...base, tier: 'NMS_TIER_2', summaryTypeCode: 'otc_w_smbl_firm' })).toBe(
      'finra-api://otcMarket/weeklySummary?tier=NMS_TIER_2&weekStartDate=2025-12-08&summaryTypeCode=OTC_W_SMBL_FIRM',
    );
  });
});

describe('resolveWeekQuery', () => {
  it('builds the endpoint under the base URL path', () => {
    expect(resolveWeekQuery({ ...base, baseUrl: 'http://127.0.0.1:9/finra/' }).url).toBe(
      'http://127.0.0.1:9/finra/data/group/otcMarket/name/weeklySummary',
    );
  });

  it('defaults to 5000 rows per page and the tier’s venue grain', () => {
    const q = resolveWeekQuery({ ...base, tier: 'NMS_TIER_2' });
    expect(q).toMatchObject({
      pageSize: 5000,
      summaryTypeCode: 'ATS_W_SMBL_FIRM',
      tierIdentifier: 'T2',
      historic: false,
    });
    expect(buildWeeklyPayload(q, 10000)).toMatchObject({ limit: 5000, offset: 10000 });
  });

  it.each([
    [{ weekEnding: '2025-12-11' }, 'INVALID_DATE', /week_ending must be Friday, got 2025-12-11 \(Thursday\)/],
    [{ pageSize: 5001 }, 'INVALID_PARAMS', /pageSize.*1 to 5000, got 5001/],
    [{ pageSize: 0 }, 'INVALID_PARAMS', /pageSize/],
    [{ summaryTypeCode: 'OTC_W_SMBL' }, 'INVALID_PARAMS', /'OTC_W_SMBL' is not a per-symbol-per-venue summary type/],
    [{ baseUrl: 'ftp://example.org' }, 'INVALID_PARAMS', /baseUrl.*must be http\(s\)/],
    [{ baseUrl: 'not a url' }, 'INVALID_PARAMS', /baseUrl.*not a URL/],
  ])('refuses %j before any request', (over, code, message) => {
    const err = usageError(() => resolveWeekQuery({ ...base, ...over }));
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
  });
});

describe('isHistoricWeek', () => {
  it('is true for weeks ending before today minus 12 months', () => {
    const now = new Date('2026-12-15T08:00:00Z');
    expect(isHistoricWeek('2025-12-12', now)).toBe(true);
    expect(isHistoricWeek('2025-12-19', now)).toBe(false);
  });

  it('clamps the 12-month step at month ends (29 Feb → 28 Feb)', () => {
    expect(isHistoricWeek('2027-02-26', new Date('2028-02-29T00:00:00Z'))).toBe(true);
    expect(isHistoricWeek('2027-03-05', new Date('2028-02-29T00:00:00Z'))).toBe(false);
  });
});
