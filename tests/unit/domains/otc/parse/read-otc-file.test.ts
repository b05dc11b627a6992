import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SourceError } from '../../../../../src/core/errors.js';
import { readOtcFile } from '../../../../../src/domains/otc/parse/read-otc-file.js';
import type { ReadOtcFileOptions } from '../../../../../src/domains/otc/parse/read-otc-file.js';
import { RejectCodes } from '../../../../../src/domains/otc/reject-codes.js';
import { collectBatches, FORMAT_A_HEADER, fixturePath } from '../otc-test-helpers.js';
import type { Parsed } from '../otc-test-helpers.js';

function read(name: string, opts: ReadOtcFileOptions = {}): Promise<Parsed> {
  return collectBatches(readOtcFile(fixturePath(name), { fileName: name, ...opts }));
}

describe('readOtcFile on bad-input fixtures', () => {
  it('gives zero records, not an error, for an empty file, a header-only file and trailing blank lines', async () => {
    for (const name of ['empty.psv', 'header-only.psv', 'header-blank-lines.psv']) {
      const { records, rejects } = await read(name);
      expect([name, records.length, rejects.length]).toEqual([name, 0, 0]);
    }
  });

  it('fails a comma-delimited header at line 1 with HEADER_MISSING_COLUMN', async () => {
    await expect(read('wrong-header-comma.csv')).rejects.toThrow(
      /wrong-header-comma\.csv line 1: HEADER_MISSING_COLUMN/,
    );
  });

  it('cannot read the later format-C fixtures (no MPID, share or trade column)', async () => {
    await expect(read('wrong-header-format-c.psv')).rejects.toThrow(
      'header lacks mpid (MPID or mpid), shares (totalWeeklyShareQuantity or TotalShares), trades (totalWeeklyTradeCount or TotalTrades)',
    );
  });

  it('fails random binary bytes through the header rule', async () => {
    const err: unknown = await read('random-bytes.bin').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceError);
    expect((err as SourceError).details).toMatchObject({
      file: 'random-bytes.bin',
      line: 1,
      rule: 'HEADER_MISSING_COLUMN',
    });
  });

  it('rejects non-numeric counts as BAD_NUMBER and keeps the rest', async () => {
    const { records, rejects } = await read('non-numeric.psv');
    expect(records.map((r) => [r.symbol, r.totalShares, r.totalTrades])).toEqual([
      ['GOOD', 1000, 10],
      ['SPC', 2000, 20],
    ]);
    expect(rejects.map((r) => [r.line, r.reasonCode])).toEqual([
      [3, RejectCodes.BAD_NUMBER],
      [4, RejectCodes.BAD_NUMBER],
      [5, RejectCodes.BAD_NUMBER],
      [6, RejectCodes.BAD_NUMBER],
      [7, RejectCodes.BAD_NUMBER],
    ]);
  });

  it('parses negative and zero counts and empty symbols as records', async () => {
    const { records, rejects } = await read('negative.psv');
    expect(rejects).toEqual([]);
    expect(records.map((r) => [r.symbol, r.mpid, r.totalShares, r.totalTrades])).toEqual([
      ['NEG', 'OTCN', -50000000, 10],
      ['NEGT', 'OTCX', 100, -1],
      ['ZERO', 'OTCN', 0, 0],
      ['ZS', 'OTCN', 0, 5],
      ['', 'OTCN', 100, 1],
      ['NOMPID', '', 100, 1],
    ]);
  });

  it('rejects short and comma-delimited rows as SHORT_ROW and ignores extra columns', async () => {
    const { records, rejects } = await read('short-row.psv');
    expect(records.map((r) => r.symbol)).toEqual(['AABB', 'XTRA']);
    expect(rejects.map((r) => [r.line, r.reasonCode])).toEqual([
      [3, RejectCodes.SHORT_ROW],
      [4, RejectCodes.SHORT_ROW],
    ]);
  });

  it('turns a truncated last line into a SHORT_ROW reject', async () => {
    const { records, rejects } = await read('truncated-last-line.psv');
    expect(records).toHaveLength(1);
    expect(rejects).toEqual([
      {
        line: 3,
        reasonCode: RejectCodes.SHORT_ROW,
        detail: "expected at least 8 '|'-separated columns, got 6",
        raw: 'OTC|AACAY|AAC Technologies Holdings Inc|ARCA GLOBAL OTC|ARCA|127',
      },
    ]);
  });

  it('parses a last line without a newline like any other', async () => {
    const { records } = await read('no-final-newline.psv');
    expect(records.map((r) => [r.line, r.symbol, r.sourceLastUpdateDate])).toEqual([[2, 'AABB', '2025-12-22']]);
  });

  it('rejects non-ISO and impossible dates as BAD_DATE and accepts a timestamp', async () => {
    const { records, rejects } = await read('non-iso-dates.psv');
    expect(records.map((r) => [r.symbol, r.rowWeekEnding])).toEqual([
      ['ISO', '2025-12-19'],
      ['TIME', '2025-12-19'],
    ]);
    expect(rejects.map((r) => r.reasonCode)).toEqual(Array(6).fill(RejectCodes.BAD_DATE));
    expect(rejects.map((r) => r.line)).toEqual([3, 4, 5, 6, 7, 8]);
  });

  it('reads a BOM, CRLF line ends and quoted values', async () => {
    const { records, rejects } = await read('bom-crlf-quoted.psv');
    expect(rejects).toEqual([]);
    expect(records.map((r) => [r.line, r.symbol, r.mpid, r.issueName, r.totalShares, r.sourceLastUpdateDate])).toEqual([
      [2, 'AABB', 'OTCN', 'Asia Broadband Inc', 6753871, '2025-12-22'],
      [3, 'PIPE', 'OTCX', 'Pipe | Quote "Corp"', 40313, '2025-12-22'],
      [5, 'UNI', 'ARCA', 'Société Générale – 株式会社 ✓', 12746, '2025-12-22'],
    ]);
    expect(records[0]?.tierText).toBe('OTC');
  });

  it('reads format B fixtures', async () => {
    const { records } = await read('week_2025-12-26.psv');
    expect(records.map((r) => [r.rowWeekEnding, r.tierText, r.symbol, r.mpid, r.totalShares])).toEqual([
      ['2025-12-26', 'NMS Tier 1', 'A', 'INCR', 1000],
      ['2025-12-26', 'NMS Tier 1', 'A', 'MSPL', 500],
      ['2025-12-26', 'NMS Tier 1', 'AA', 'INCR', 300],
    ]);
  });

  it('keeps big counts exact up to 2^63 - 1 and rejects the ones beyond with their line', async () => {
    const { records, rejects } = await read('big-numbers.psv');
    expect(records.map((r) => [r.totalShares, r.totalTrades])).toEqual([
      [9_999_999_999_999, Number.MAX_SAFE_INTEGER],
      [9223372036854775807n, 9007199254740993n],
    ]);
    expect(rejects.map((r) => [r.line, r.reasonCode])).toEqual([
      [4, RejectCodes.VALUE_OUT_OF_RANGE],
      [5, RejectCodes.VALUE_OUT_OF_RANGE],
    ]);
  });

  it('passes duplicate rows through for the dedupe step', async () => {
    expect((await read('duplicates-exact.psv')).records).toHaveLength(3);
    expect((await read('duplicates-conflicting.psv')).records).toHaveLength(4);
  });

  it('fails an OTC file ingested as tier 1 with TIER_MISMATCH naming file, line and both tiers', async () => {
    const name = 'finra_otc_weekly_tier1_20251222.csv';
    await expect(read(name, { expectedTier: 'NMS_TIER_1' })).rejects.toThrow(
      `${name} line 2: TIER_MISMATCH: tierDescription 'OTC' contradicts the chosen tier NMS_TIER_1`,
    );
  });

  it('fails an unknown tier text only when a tier was chosen', async () => {
    await expect(read('unknown-tier.psv', { expectedTier: 'OTC' })).rejects.toThrow(
      'unknown-tier.psv line 3: TIER_MISMATCH',
    );
    expect((await read('unknown-tier.psv')).records.map((r) => r.tierText)).toEqual(['OTC', 'Grey Market']);
  });

  it('names a missing file with FILE_NOT_FOUND', async () => {
    await expect(read('does-not-exist.psv')).rejects.toThrow('does-not-exist.psv: FILE_NOT_FOUND: File not found');
  });
});

describe('readOtcFile streaming', () => {
  const dir = mkdtempSync(join(tmpdir(), 'otc-stream-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function writeRows(n: number): string {
    const path = join(dir, `rows-${n}.psv`);
    const lines = [FORMAT_A_HEADER];
    for (let i = 0; i < n; i++)
      lines.push(`OTC|S${i}|Symbol ${i} Inc|OTCN OTC LINK NQB IDQS|OTCN|${i + 1}|${(i % 97) + 1}|2025-12-22`);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  }

  it('yields bounded batches in line order across read chunks', async () => {
    const path = writeRows(30_000);
    let seen = 0;
    let batches = 0;
    for await (const b of readOtcFile(path, { batchSize: 5000 })) {
      batches++;
      expect(b.records.length).toBeLessThan(5000 + 4000);
      for (const r of b.records) expect(r.line).toBe(++seen + 1);
    }
    expect(seen).toBe(30_000);
    expect(batches).toBeGreaterThanOrEqual(5);
  });

  it('can be abandoned after the first batch', async () => {
    const path = writeRows(20_000);
    for await (const b of readOtcFile(path, { batchSize: 1000 })) {
      expect(b.records.length).toBeGreaterThan(0);
      break;
    }
  });
});
