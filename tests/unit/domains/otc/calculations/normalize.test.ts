import { describe, expect, it } from 'vitest';
import {
  cleanSymbol,
  keyCollisionDetail,
  normalizeCaptureRows,
  reasonsDetail,
  validateRecord,
  venueAvgTradeSize,
} from '../../../../../src/domains/otc/calculations/normalize.js';
import type { NormalizeInput } from '../../../../../src/domains/otc/calculations/normalize.js';
import { RejectCodes } from '../../../../../src/domains/otc/reject-codes.js';

function input(over: Partial<NormalizeInput> = {}): NormalizeInput {
  return { tierText: 'NMS Tier 1', symbol: 'AAPL', mpid: 'NITE', totalShares: 1000, totalTrades: 10, ...over };
}

function codes(rec: NormalizeInput, opts = {}): string[] {
  const v = validateRecord(rec, opts);
  return v.ok ? [] : v.reasons.map((r) => r.code);
}

describe('symbol cleaning', () => {
  it('uppercases, trims and keeps only A-Z 0-9 . - /', () => {
    expect(cleanSymbol(' aa$pl ')).toBe('AAPL');
    expect(cleanSymbol('BRK.B')).toBe('BRK.B');
    expect(cleanSymbol('BF-B/W')).toBe('BF-B/W');
    expect(cleanSymbol('$$$')).toBe('');
  });
});

describe('validateRecord (domain-spec §11.1)', () => {
  it('passes a valid record and returns its canonical tier and cleaned identity', () => {
    expect(validateRecord(input({ symbol: 'aa$pl', mpid: ' nite ' }))).toEqual({
      ok: true,
      tier: 'NMS_TIER_1',
      symbol: 'AAPL',
      mpid: 'NITE',
    });
  });

  it.each([
    [{ tierText: 'Grey Market' }, RejectCodes.INVALID_TIER, "Invalid tier: 'Grey Market'"],
    [{ symbol: '$$' }, RejectCodes.EMPTY_SYMBOL, "Empty symbol after cleaning: '$$'"],
    [
      { symbol: 'A'.repeat(21) },
      RejectCodes.SYMBOL_TOO_LONG,
      `Symbol too long: ${'A'.repeat(21)} (21 characters, max 20)`,
    ],
    [{ mpid: '' }, RejectCodes.EMPTY_MPID, 'Empty MPID'],
    [{ mpid: 'M'.repeat(21) }, RejectCodes.MPID_TOO_LONG, `MPID too long: ${'M'.repeat(21)} (21 characters, max 20)`],
    [{ totalShares: -50000000 }, RejectCodes.NEGATIVE_SHARES, 'Negative share count: -50000000'],
    [{ totalTrades: -1 }, RejectCodes.NEGATIVE_TRADES, 'Negative trade count: -1'],
    [{ totalShares: 0, totalTrades: 0 }, RejectCodes.ZERO_VOLUME, 'Zero volume record (0 shares, 0 trades)'],
  ])('rejects %j with %s', (over, code, text) => {
    expect(validateRecord(input(over))).toEqual({ ok: false, reasons: [{ code, text }] });
  });

  it('collects every reason for one record', () => {
    expect(codes(input({ tierText: 'bogus', symbol: '', mpid: '', totalShares: -1, totalTrades: -2 }))).toEqual([
      RejectCodes.INVALID_TIER,
      RejectCodes.EMPTY_SYMBOL,
      RejectCodes.EMPTY_MPID,
      RejectCodes.NEGATIVE_SHARES,
      RejectCodes.NEGATIVE_TRADES,
    ]);
  });

  it('accepts 0 shares with trades and shares with 0 trades', () => {
    expect(validateRecord(input({ totalShares: 0, totalTrades: 5 })).ok).toBe(true);
    expect(validateRecord(input({ totalShares: 5, totalTrades: 0 })).ok).toBe(true);
  });

  it('flags a tier that contradicts the chosen tier as TIER_MISMATCH', () => {
    expect(validateRecord(input({ tierText: 'OTC' }), { expectedTier: 'NMS_TIER_1' })).toEqual({
      ok: false,
      reasons: [{ code: RejectCodes.TIER_MISMATCH, text: "Tier 'OTC' contradicts the chosen tier NMS_TIER_1" }],
    });
  });

  it('takes the chosen tier when the source has no tier column', () => {
    expect(validateRecord(input({ tierText: '' }), { expectedTier: 'OTC' })).toMatchObject({ ok: true, tier: 'OTC' });
    expect(codes(input({ tierText: '' }))).toEqual([RejectCodes.INVALID_TIER]);
  });

  it('handles bigint counts', () => {
    expect(codes(input({ totalShares: -99999999999999999999n }))).toEqual([RejectCodes.NEGATIVE_SHARES]);
    expect(validateRecord(input({ totalShares: 99999999999999999999n })).ok).toBe(true);
  });
});

describe('venue average trade size', () => {
  it('is shares / trades, null without trades', () => {
    expect(venueAvgTradeSize(1000, 8)).toBe(125);
    expect(venueAvgTradeSize(0, 5)).toBe(0);
    expect(venueAvgTradeSize(5, 0)).toBeNull();
  });
});

describe('symbol and MPID length limits', () => {
  it('accepts exactly 20 characters and rejects 21', () => {
    const twenty = 'ABCDEFGHIJKLMNOPQRST';
    expect(validateRecord(input({ symbol: twenty, mpid: twenty }))).toEqual({
      ok: true,
      tier: 'NMS_TIER_1',
      symbol: twenty,
      mpid: twenty,
    });
    expect(validateRecord(input({ symbol: `${twenty}U`, mpid: `${twenty}U` }))).toEqual({
      ok: false,
      reasons: [
        { code: 'SYMBOL_TOO_LONG', text: 'Symbol too long: ABCDEFGHIJKLMNOPQRSTU (21 characters, max 20)' },
        { code: 'MPID_TOO_LONG', text: 'MPID too long: ABCDEFGHIJKLMNOPQRSTU (21 characters, max 20)' },
      ],
    });
  });
});

describe('reject details as the normalize stage stores them', () => {
  it('joins every reason as CODE: text', () => {
    const v = validateRecord(input({ symbol: '$$', mpid: ' ', totalShares: 0, totalTrades: 0 }));
    expect(v.ok).toBe(false);
    expect(reasonsDetail(v.ok ? [] : v.reasons)).toBe(
      "EMPTY_SYMBOL: Empty symbol after cleaning: '$$'; EMPTY_MPID: Empty MPID; ZERO_VOLUME: Zero volume record (0 shares, 0 trades)",
    );
  });

  it('names the earlier line of a key collision', () => {
    expect(keyCollisionDetail('AA$PL', 'AAPL', 'NITE', 7)).toBe(
      "KEY_COLLISION: symbol 'AA$PL' cleans to AAPL, which line 7 already has for MPID NITE",
    );
  });
});

describe('normalizeCaptureRows, the definition the set-based stage is held to', () => {
  it('accepts valid rows in order, rejects invalid ones with their first code, and collisions after the first line', () => {
    const rows = [
      { ...input({ tierText: 'OTC', symbol: 'AAPL' }), line: 2 },
      { ...input({ tierText: 'OTC', symbol: '' }), line: 3 },
      { ...input({ tierText: 'OTC', symbol: 'aa$pl' }), line: 4 },
      { ...input({ tierText: 'OTC', symbol: 'AAPL', mpid: 'SGMT' }), line: 5 },
      { ...input({ tierText: 'NMS Tier 1', symbol: 'MSFT' }), line: 6 },
    ];
    const out = normalizeCaptureRows(rows, 'OTC');
    expect(out.accepted).toEqual([
      { row: rows[0], symbol: 'AAPL', mpid: 'NITE' },
      { row: rows[3], symbol: 'AAPL', mpid: 'SGMT' },
    ]);
    expect(out.rejects).toEqual([
      { row: rows[1], code: 'EMPTY_SYMBOL', detail: "EMPTY_SYMBOL: Empty symbol after cleaning: ''" },
      {
        row: rows[2],
        code: 'KEY_COLLISION',
        detail: "KEY_COLLISION: symbol 'aa$pl' cleans to AAPL, which line 2 already has for MPID NITE",
      },
      {
        row: rows[4],
        code: 'TIER_MISMATCH',
        detail: "TIER_MISMATCH: Tier 'NMS Tier 1' contradicts the chosen tier OTC",
      },
    ]);
  });

  it('says line null when the first row of a key has no line', () => {
    const rows = [
      { ...input({ tierText: 'OTC' }), line: null },
      { ...input({ tierText: 'OTC', symbol: 'aapl' }), line: 9 },
    ];
    expect(normalizeCaptureRows(rows, 'OTC').rejects.map((r) => r.detail)).toEqual([
      "KEY_COLLISION: symbol 'aapl' cleans to AAPL, which line null already has for MPID NITE",
    ]);
  });
});
