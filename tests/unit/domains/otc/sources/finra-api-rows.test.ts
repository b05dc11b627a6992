import { describe, expect, it } from 'vitest';
import { SourceError } from '../../../../../src/core/errors.js';
import { resolveWeekQuery } from '../../../../../src/domains/otc/sources/finra-api-query.js';
import { ApiRowMapper } from '../../../../../src/domains/otc/sources/finra-api-rows.js';
import { parseJsonExact } from '../../../../../src/domains/otc/sources/json-exact.js';

const NOW = new Date('2026-02-01T00:00:00Z');
const query = resolveWeekQuery({ tier: 'OTC', weekEnding: '2025-12-12', now: NOW, baseUrl: 'https://api.finra.org' });

/** One good row with numbers as the JSON literal text, as json-exact delivers them. */
function row(over: Record<string, unknown> = {}): Record<string, unknown> {
  const base = parseJsonExact(
    '{"issueSymbolIdentifier":" aabb ","issueName":"Asia Broadband Inc","MPID":"otcn","marketParticipantName":"OTCN OTC LINK NQB IDQS",' +
      '"tierIdentifier":"OTC","totalWeeklyTradeCount":171,"totalWeeklyShareQuantity":6753871,"lastUpdateDate":"2025-12-15",' +
      '"weekStartDate":"2025-12-08","summaryTypeCode":"OTC_W_SMBL_FIRM"}',
  ) as Record<string, unknown>;
  return { ...base, ...over };
}

function mapOne(r: unknown, offset = 0) {
  return new ApiRowMapper(query).mapPage([r], offset);
}

describe('ApiRowMapper', () => {
  it('maps a row like the file parser does (trimmed, uppercased, exact counts)', () => {
    const { records, rejects } = mapOne(row(), 10);
    expect(rejects).toEqual([]);
    expect(records[0]).toMatchObject({
      line: 11,
      rowWeekEnding: '2025-12-12',
      tierText: 'OTC',
      symbol: 'AABB',
      mpid: 'OTCN',
      totalShares: 6753871,
      totalTrades: 171,
      sourceLastUpdateDate: '2025-12-15',
      venueName: 'OTCN OTC LINK NQB IDQS',
    });
  });

  it.each([
    [{ totalWeeklyShareQuantity: '1000.5' }, 'BAD_NUMBER', "totalWeeklyShareQuantity is not an integer: '1000.5'"],
    [{ totalWeeklyShareQuantity: '1e10' }, 'BAD_NUMBER', "totalWeeklyShareQuantity is not an integer: '1e10'"],
    [{ totalWeeklyTradeCount: null }, 'BAD_NUMBER', 'totalWeeklyTradeCount is missing'],
    [{ totalWeeklyTradeCount: true }, 'BAD_NUMBER', 'totalWeeklyTradeCount is not an integer: true'],
    [
      { totalWeeklyShareQuantity: '9223372036854775808' },
      'VALUE_OUT_OF_RANGE',
      'totalWeeklyShareQuantity 9223372036854775808 is outside the 64-bit integer range SQLite stores (-9223372036854775808..9223372036854775807)',
    ],
    [
      { totalWeeklyTradeCount: '-99999999999999999999' },
      'VALUE_OUT_OF_RANGE',
      'totalWeeklyTradeCount -99999999999999999999 is outside the 64-bit integer range SQLite stores (-9223372036854775808..9223372036854775807)',
    ],
    [{ issueSymbolIdentifier: undefined }, 'SHORT_ROW', 'issueSymbolIdentifier is missing'],
    [{ MPID: null }, 'SHORT_ROW', 'MPID is missing'],
    [{ MPID: ['X'] }, 'SHORT_ROW', 'MPID is not text: ["X"]'],
    [{ weekStartDate: '2025-12-32' }, 'BAD_DATE', "weekStartDate is not a real YYYY-MM-DD date: '2025-12-32'"],
    [{ weekStartDate: '' }, 'BAD_DATE', 'weekStartDate is missing, so the week cannot be determined'],
    [{ lastUpdateDate: '12/15/2025' }, 'BAD_DATE', "lastUpdateDate is not a real YYYY-MM-DD date: '12/15/2025'"],
  ])('rejects %j as %s', (over, code, detail) => {
    const { records, rejects } = mapOne(row(over), 4);
    expect(records).toEqual([]);
    expect(rejects).toEqual([{ line: 5, reasonCode: code, detail, raw: JSON.stringify(row(over)) }]);
  });

  it('keeps a count between 2^53 and 2^63 exact, from the JSON literal text', () => {
    const [r] = parseJsonExact(
      '[{"totalWeeklyShareQuantity":9223372036854775807,"totalWeeklyTradeCount":9007199254740993}]',
    ) as [Record<string, unknown>];
    const { records, rejects } = mapOne(row(r));
    expect(rejects).toEqual([]);
    expect(records[0]).toMatchObject({ totalShares: 9223372036854775807n, totalTrades: 9007199254740993n });
  });

  it('rejects a row that is not an object', () => {
    expect(mapOne('oops').rejects[0]).toMatchObject({
      line: 1,
      reasonCode: 'SHORT_ROW',
      detail: "row is not a JSON object: 'oops'",
    });
  });

  it('keeps an empty symbol for the normalizer, and a missing lastUpdateDate as null', () => {
    const { records } = mapOne(row({ issueSymbolIdentifier: '  ', lastUpdateDate: undefined }));
    expect(records[0]).toMatchObject({ symbol: '', sourceLastUpdateDate: null });
  });

  it('accepts a timestamp lastUpdateDate by its date', () => {
    expect(mapOne(row({ lastUpdateDate: '2025-12-15T10:00:00' })).records[0]?.sourceLastUpdateDate).toBe('2025-12-15');
  });

  it.each([
    [{ tierIdentifier: 'T1' }, /line 3: TIER_MISMATCH: tierIdentifier 'T1' contradicts the requested tier OTC \(OTC\)/],
    [
      { weekStartDate: '2025-12-15' },
      /line 3: WEEK_MISMATCH: weekStartDate 2025-12-15 is outside the requested week 2025-12-08..2025-12-12/,
    ],
    [
      { summaryTypeCode: 'ATS_W_SMBL_FIRM' },
      /line 3: SUMMARY_TYPE_MISMATCH: summaryTypeCode 'ATS_W_SMBL_FIRM' is not the requested OTC_W_SMBL_FIRM/,
    ],
  ])('fails the response on a row from another partition (%j)', (over, message) => {
    const run = (): unknown => new ApiRowMapper(query).mapPage([row(), row(over)], 1);
    expect(run).toThrow(SourceError);
    expect(run).toThrow(message);
  });

  it('names the source in partition errors', () => {
    expect(() => mapOne(row({ tierIdentifier: 'T2' }))).toThrow(
      /^finra-api:\/\/otcMarket\/weeklySummary\?tier=OTC&weekStartDate=2025-12-08&summaryTypeCode=OTC_W_SMBL_FIRM line 1: TIER_MISMATCH/,
    );
  });
});
