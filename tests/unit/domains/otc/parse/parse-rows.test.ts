/**
 * The row rules of the FINRA file formats (records, row rejects, header shapes, tier contradictions), each
 * case written to a temp file and read by readOtcFile: the path the ingest stage takes.
 */
import { describe, expect, it } from 'vitest';
import { SourceError } from '../../../../../src/core/errors.js';
import { recordHash } from '../../../../../src/core/record-hash.js';
import { RejectCodes } from '../../../../../src/domains/otc/reject-codes.js';
import { FORMAT_A_HEADER, parseFileText } from '../otc-test-helpers.js';
import type { Parsed } from '../otc-test-helpers.js';

const ROW = 'OTC|AABB|Asia Broadband Inc Common Stock|OTCN OTC LINK NQB IDQS|OTCN|6753871|171|2025-12-15';

function parseA(...rows: string[]): Promise<Parsed> {
  return parseFileText([FORMAT_A_HEADER, ...rows].join('\n'), { fileName: 'test.psv' });
}

async function rejectOf(row: string): Promise<{ reasonCode: string; detail: string; line: number }> {
  const { records, rejects } = await parseA(row);
  expect(records).toHaveLength(0);
  expect(rejects).toHaveLength(1);
  const r = rejects[0];
  if (r === undefined) throw new Error('no reject');
  return r;
}

describe('parsing format A (FINRA weekly file)', () => {
  it('turns a row into a record with every field, week from lastUpdateDate', async () => {
    const { records, rejects } = await parseA(ROW);
    expect(rejects).toEqual([]);
    expect(records).toEqual([
      {
        line: 2,
        rowWeekEnding: '2025-12-12',
        tierText: 'OTC',
        symbol: 'AABB',
        mpid: 'OTCN',
        issueName: 'Asia Broadband Inc Common Stock',
        venueName: 'OTCN OTC LINK NQB IDQS',
        totalShares: 6753871,
        totalTrades: 171,
        sourceLastUpdateDate: '2025-12-15',
        recordHash: recordHash('2025-12-12', 'OTC', 'AABB', 'OTCN', 6753871, 171),
      },
    ]);
  });

  it('derives week 2025-12-19 and source date 2025-12-22 from lastUpdateDate 2025-12-22', async () => {
    const [r] = (await parseA('OTC|X|X Inc|OTCN|OTCN|1|1|2025-12-22')).records;
    expect(r?.rowWeekEnding).toBe('2025-12-19');
    expect(r?.sourceLastUpdateDate).toBe('2025-12-22');
  });

  it('uppercases and trims symbol and MPID', async () => {
    const [r] = (await parseA('OTC| aabb |Asia|OTCN| otcn |1|1|2025-12-22')).records;
    expect(r?.symbol).toBe('AABB');
    expect(r?.mpid).toBe('OTCN');
  });

  it('keeps Unicode issue names', async () => {
    const [r] = (await parseA('OTC|UNI|Société Générale – 株式会社|ARCA GLOBAL OTC|ARCA|1|1|2025-12-22')).records;
    expect(r?.issueName).toBe('Société Générale – 株式会社');
  });

  it('keeps empty symbols and MPIDs for the normalizer to reject', async () => {
    const { records } = await parseA('OTC||No Symbol|OTCN|OTCN|1|1|2025-12-22', 'OTC|X|No Venue|||1|1|2025-12-22');
    expect(records.map((r) => [r.symbol, r.mpid, r.venueName])).toEqual([
      ['', 'OTCN', 'OTCN'],
      ['X', '', null],
    ]);
  });

  it('parses negative counts (the normalizer rejects them)', async () => {
    const [r] = (await parseA('OTC|NEG|Neg|OTCN|OTCN|-50000000|-1|2025-12-22')).records;
    expect(r?.totalShares).toBe(-50000000);
    expect(r?.totalTrades).toBe(-1);
  });

  it('parses 9,999,999,999,999 exactly and bigger values up to 2^63 - 1 as exact bigints', async () => {
    const { records, rejects } = await parseA(
      'OTC|BIG|Big|OTCN|OTCN|9999999999999|1|2025-12-22',
      'OTC|HUGE|Huge|OTCN|OTCN|9223372036854775807|9007199254740993|2025-12-22',
      'OTC|LOW|Low|OTCN|OTCN|-9223372036854775808|1|2025-12-22',
    );
    expect(rejects).toEqual([]);
    expect(records[0]?.totalShares).toBe(9_999_999_999_999);
    expect(records[1]?.totalShares).toBe(9223372036854775807n);
    expect(records[1]?.totalTrades).toBe(9007199254740993n);
    expect(records[1]?.recordHash).toBe(
      recordHash('2025-12-19', 'OTC', 'HUGE', 'OTCN', 9223372036854775807n, 9007199254740993n),
    );
    expect(records[2]?.totalShares).toBe(-9223372036854775808n);
  });

  it('ignores extra trailing columns', async () => {
    const { records } = await parseA(`${ROW}|extra|more`);
    expect(records).toHaveLength(1);
    expect(records[0]?.sourceLastUpdateDate).toBe('2025-12-15');
  });

  it('gives zero records for empty input, a header only, or a header plus blank lines', async () => {
    expect((await parseFileText('', { fileName: 'e.psv' })).records).toEqual([]);
    expect((await parseFileText(FORMAT_A_HEADER, { fileName: 'h.psv' })).records).toEqual([]);
    const blank = await parseFileText(`${FORMAT_A_HEADER}\n\n   \n\n`, { fileName: 'b.psv' });
    expect(blank.records).toEqual([]);
    expect(blank.rejects).toEqual([]);
  });

  it('skips blank lines but numbers lines physically', async () => {
    const { records } = await parseA('', ROW, '   ', ROW.replace('AABB', 'ZZZZ'));
    expect(records.map((r) => r.line)).toEqual([3, 5]);
  });

  it('accepts a timestamp in lastUpdateDate', async () => {
    const [r] = (await parseA('OTC|T|T|OTCN|OTCN|1|1|2025-12-22T10:00:00')).records;
    expect(r?.sourceLastUpdateDate).toBe('2025-12-22');
  });
});

describe('row rejects', () => {
  it.each([
    ['1000.5', "totalWeeklyShareQuantity is not an integer: '1000.5'"],
    ['1e10', "totalWeeklyShareQuantity is not an integer: '1e10'"],
    ['not_a_number', "totalWeeklyShareQuantity is not an integer: 'not_a_number'"],
    ['', "totalWeeklyShareQuantity is not an integer: ''"],
  ])('rejects shares %j as BAD_NUMBER', async (value, detail) => {
    const r = await rejectOf(`OTC|X|X|OTCN|OTCN|${value}|1|2025-12-22`);
    expect(r.reasonCode).toBe(RejectCodes.BAD_NUMBER);
    expect(r.detail).toBe(detail);
    expect(r.line).toBe(2);
  });

  it.each([
    ['9223372036854775808', '1', 'totalWeeklyShareQuantity 9223372036854775808'],
    ['99999999999999999999', '1', 'totalWeeklyShareQuantity 99999999999999999999'],
    ['-9223372036854775809', '1', 'totalWeeklyShareQuantity -9223372036854775809'],
    ['10', '18446744073709551616', 'totalWeeklyTradeCount 18446744073709551616'],
  ])('rejects shares %s, trades %s beyond the 64-bit range as VALUE_OUT_OF_RANGE', async (shares, trades, what) => {
    const r = await rejectOf(`OTC|X|X|OTCN|OTCN|${shares}|${trades}|2025-12-22`);
    expect(r.reasonCode).toBe(RejectCodes.VALUE_OUT_OF_RANGE);
    expect(r.detail).toBe(
      `${what} is outside the 64-bit integer range SQLite stores (-9223372036854775808..9223372036854775807)`,
    );
    expect(r.line).toBe(2);
  });

  it('keeps parsing after an out-of-range row', async () => {
    const { records, rejects } = await parseA('OTC|X|X|OTCN|OTCN|9223372036854775808|1|2025-12-22', ROW);
    expect(rejects.map((r) => [r.line, r.reasonCode])).toEqual([[2, 'VALUE_OUT_OF_RANGE']]);
    expect(records.map((r) => [r.line, r.symbol])).toEqual([[3, 'AABB']]);
  });

  it('rejects a non-integer trade count as BAD_NUMBER naming the column', async () => {
    expect((await rejectOf('OTC|X|X|OTCN|OTCN|10|1,000|2025-12-22')).detail).toBe(
      "totalWeeklyTradeCount is not an integer: '1,000'",
    );
  });

  it.each(['12/22/2025', 'not-a-date', '2025-02-30', '2025/12/12', 'Dec 12, 2025'])(
    'rejects lastUpdateDate %j as BAD_DATE',
    async (value) => {
      const r = await rejectOf(`OTC|X|X|OTCN|OTCN|10|1|${value}`);
      expect(r.reasonCode).toBe(RejectCodes.BAD_DATE);
      expect(r.detail).toBe(`lastUpdateDate is not a real YYYY-MM-DD date: '${value}'`);
    },
  );

  it('rejects an empty lastUpdateDate when the week depends on it', async () => {
    const r = await rejectOf('OTC|X|X|OTCN|OTCN|10|1|');
    expect(r.reasonCode).toBe(RejectCodes.BAD_DATE);
    expect(r.detail).toContain('week cannot be determined');
  });

  it('rejects too few columns or the wrong delimiter as SHORT_ROW and keeps the raw line', async () => {
    const short = await rejectOf('OTC|SHRT|Short|OTCN|OTCN');
    expect(short.reasonCode).toBe(RejectCodes.SHORT_ROW);
    expect(short.detail).toBe("expected at least 8 '|'-separated columns, got 5");
    const comma = (await parseA('OTC,C,C,OTCN,OTCN,1,1,2025-12-22')).rejects[0];
    expect(comma?.reasonCode).toBe(RejectCodes.SHORT_ROW);
    expect(comma?.raw).toBe('OTC,C,C,OTCN,OTCN,1,1,2025-12-22');
  });

  it('keeps the good rows around a bad one', async () => {
    const { records, rejects } = await parseA(ROW, 'OTC|X|X|OTCN|OTCN|1.5|1|2025-12-15', ROW.replace('AABB', 'ZZZZ'));
    expect(records.map((r) => r.symbol)).toEqual(['AABB', 'ZZZZ']);
    expect(rejects.map((r) => r.line)).toEqual([3]);
  });
});

describe('parsing format B (reference fixtures)', () => {
  const text = ['WeekEnding|Tier|Symbol|MPID|TotalShares|TotalTrades', '2025-12-26|NMS Tier 1|a|incr|1000|10'].join(
    '\n',
  );

  it('reads the week from WeekEnding and leaves the source date null', async () => {
    const [r] = (await parseFileText(text, { fileName: 'week_2025-12-26.psv' })).records;
    expect(r).toMatchObject({
      rowWeekEnding: '2025-12-26',
      tierText: 'NMS Tier 1',
      symbol: 'A',
      mpid: 'INCR',
      issueName: null,
      venueName: null,
      sourceLastUpdateDate: null,
    });
    expect(r?.recordHash).toBe(recordHash('2025-12-26', 'NMS Tier 1', 'A', 'INCR', 1000, 10));
  });

  it('rejects an impossible WeekEnding as BAD_DATE', async () => {
    const bad = await parseFileText(text.replace('2025-12-26|', '2025-02-30|'), { fileName: 'b.psv' });
    expect(bad.rejects[0]?.reasonCode).toBe(RejectCodes.BAD_DATE);
    expect(bad.rejects[0]?.detail).toBe("WeekEnding is not a real YYYY-MM-DD date: '2025-02-30'");
  });

  it('matches header names case-insensitively as a last resort', async () => {
    const { records } = await parseFileText(
      'WEEKENDING|TIER|SYMBOL|MPID|TOTALSHARES|TOTALTRADES\n2025-12-26|OTC|A|X|1|1',
      {
        fileName: 'u.psv',
      },
    );
    expect(records[0]?.rowWeekEnding).toBe('2025-12-26');
  });
});

describe('other header shapes', () => {
  it('takes the week from weekStartDate (API rows) as the first Friday on or after it', async () => {
    const text =
      'issueSymbolIdentifier|MPID|totalWeeklyShareQuantity|totalWeeklyTradeCount|weekStartDate|lastUpdateDate\nA|X|1|1|2025-12-08|2025-12-22';
    const [r] = (await parseFileText(text, { fileName: 'api' })).records;
    expect(r?.rowWeekEnding).toBe('2025-12-12');
    expect(r?.tierText).toBe('');
  });

  it('leaves the row week null when the file has no date column at all', async () => {
    const [r] = (await parseFileText('Symbol|MPID|TotalShares|TotalTrades\nA|X|1|1', { fileName: 'n.psv' })).records;
    expect(r?.rowWeekEnding).toBeNull();
    expect(r?.recordHash).toBe(recordHash('', '', 'A', 'X', 1, 1));
  });

  it('fails at line 1 with HEADER_MISSING_COLUMN listing what is missing and the header found', async () => {
    const attempt = (): Promise<unknown> =>
      parseFileText('Symbol|Venue|Date|TotalWeeklyShareVolume\nA|B|C|1', { fileName: 'c.psv' });
    await expect(attempt()).rejects.toThrow(SourceError);
    await expect(attempt()).rejects.toThrow(
      /^c\.psv line 1: HEADER_MISSING_COLUMN: header lacks mpid \(MPID or mpid\), shares/,
    );
    await expect(attempt()).rejects.toThrow('found "Symbol|Venue|Date|TotalWeeklyShareVolume"');
  });

  it('says when a header is comma-delimited', async () => {
    await expect(parseFileText(FORMAT_A_HEADER.replaceAll('|', ','), { fileName: 'c.csv' })).rejects.toThrow(
      "The header is not '|'-delimited.",
    );
  });

  it('supports another delimiter when asked', async () => {
    const { records } = await parseFileText('Symbol,MPID,TotalShares,TotalTrades\nA,X,1,1', {
      fileName: 'c.csv',
      delimiter: ',',
    });
    expect(records).toHaveLength(1);
  });
});

describe('tier contradiction', () => {
  it('fails naming file, line and both tiers when tierDescription contradicts the chosen tier', async () => {
    const text = [FORMAT_A_HEADER, ROW].join('\n');
    const attempt = (): Promise<unknown> => parseFileText(text, { fileName: 'f.csv', expectedTier: 'NMS_TIER_1' });
    await expect(attempt()).rejects.toThrow(SourceError);
    await expect(attempt()).rejects.toThrow(
      "f.csv line 2: TIER_MISMATCH: tierDescription 'OTC' contradicts the chosen tier NMS_TIER_1 (it means OTC)",
    );
  });

  it('fails on a tier text that maps to no tier', async () => {
    const text = [FORMAT_A_HEADER, ROW, ROW.replace('OTC|AABB', 'Grey|GREY')].join('\n');
    await expect(parseFileText(text, { fileName: 'f.csv', expectedTier: 'OTC' })).rejects.toThrow(
      "f.csv line 3: TIER_MISMATCH: tierDescription 'Grey' contradicts the chosen tier OTC (it is not a known tier)",
    );
  });

  it('accepts rows whose tier text matches, and does not check without a chosen tier', async () => {
    const text = [FORMAT_A_HEADER, ROW, ROW.replace('OTC|AABB', 'Grey|GREY')].join('\n');
    expect(
      (await parseFileText([FORMAT_A_HEADER, ROW].join('\n'), { fileName: 'f', expectedTier: 'OTC' })).records,
    ).toHaveLength(1);
    expect((await parseFileText(text, { fileName: 'f' })).records.map((r) => r.tierText)).toEqual(['OTC', 'Grey']);
  });
});
