import { describe, expect, it } from 'vitest';
import {
  computeSymbolSummaries,
  symbolAvgTradeSize,
} from '../../../../../src/domains/otc/calculations/symbol-summary.js';
import { venueRow } from '../otc-test-helpers.js';

describe('symbol summary (domain-spec §10.1)', () => {
  it('aggregates 2 venues of one symbol to 1,500,000 shares, 7,500 trades, venue_count 2', () => {
    const [s] = computeSymbolSummaries([
      venueRow('AAPL', 'NITE', 1_000_000, 5_000),
      venueRow('AAPL', 'SGMT', 500_000, 2_500),
    ]);
    expect(s).toEqual({
      weekEnding: '2025-12-19',
      tier: 'OTC',
      symbol: 'AAPL',
      totalVolume: 1_500_000,
      totalTrades: 7_500,
      venueCount: 2,
      avgTradeSize: 200,
      maxSourceLastUpdateDate: null,
    });
  });

  it('counts distinct MPIDs and carries the latest source date', () => {
    const [s] = computeSymbolSummaries([
      venueRow('A', 'X', 1, 1, { sourceLastUpdateDate: '2025-12-15' }),
      venueRow('A', 'X', 1, 1, { sourceLastUpdateDate: '2025-12-22' }),
      venueRow('A', 'Y', 1, 1),
    ]);
    expect(s?.venueCount).toBe(2);
    expect(s?.maxSourceLastUpdateDate).toBe('2025-12-22');
  });

  it('sorts by week, tier and symbol and keeps partitions apart', () => {
    const out = computeSymbolSummaries([
      venueRow('B', 'X', 1, 1),
      venueRow('A', 'X', 1, 1, { weekEnding: '2025-12-26' }),
      venueRow('A', 'X', 2, 1),
      venueRow('A', 'X', 4, 1, { tier: 'NMS_TIER_1' }),
      venueRow('A', 'X', 8, 1, { captureId: 'c2' }),
    ]);
    expect(out.map((s) => [s.weekEnding, s.tier, s.captureId ?? '', s.symbol, s.totalVolume])).toEqual([
      ['2025-12-19', 'NMS_TIER_1', '', 'A', 4],
      ['2025-12-19', 'OTC', '', 'A', 2],
      ['2025-12-19', 'OTC', '', 'B', 1],
      ['2025-12-19', 'OTC', 'c2', 'A', 8],
      ['2025-12-26', 'OTC', '', 'A', 1],
    ]);
  });

  it('gives a null average when there are no trades or the average is 0', () => {
    expect(symbolAvgTradeSize(100, 0)).toBeNull();
    expect(symbolAvgTradeSize(0, 10)).toBeNull();
    expect(symbolAvgTradeSize(3_827_870, 64_427)).toBe(59.41406553153181);
    expect(symbolAvgTradeSize(3_110_306, 36_056)).toBe(86.2632016862658);
  });

  it('sums exactly past 2^53 with bigint', () => {
    const [s] = computeSymbolSummaries([venueRow('BIG', 'X', Number.MAX_SAFE_INTEGER, 1), venueRow('BIG', 'Y', 2, 1)]);
    expect(s?.totalVolume).toBe(9007199254740993n);
  });

  it('returns nothing for no rows', () => {
    expect(computeSymbolSummaries([])).toEqual([]);
  });

  it('keeps the latest source date whatever the row order', () => {
    const [s] = computeSymbolSummaries([
      venueRow('A', 'X', 1, 1, { sourceLastUpdateDate: '2025-12-22' }),
      venueRow('A', 'Y', 1, 1, { sourceLastUpdateDate: '2025-12-20' }),
      venueRow('A', 'Z', 1, 1),
    ]);
    expect(s?.maxSourceLastUpdateDate).toBe('2025-12-22');
  });

  it('keeps captures apart even when a capture id and a symbol run together, and sorts rows without one first', () => {
    const out = computeSymbolSummaries([
      venueRow('X', 'M', 1, 1, { captureId: 'C1' }),
      venueRow('1X', 'M', 2, 1, { captureId: 'C' }),
      venueRow('B', 'M', 3, 1),
    ]);
    expect(out.map((s) => [s.captureId, s.symbol, s.totalVolume])).toEqual([
      [undefined, 'B', 3],
      ['C', '1X', 2],
      ['C1', 'X', 1],
    ]);
    expect(out[0]).not.toHaveProperty('captureId');
  });
});
