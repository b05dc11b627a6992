import { describe, expect, it } from 'vitest';
import {
  weeklySymbolTierVolumeShare,
  weeklySymbolVenueHhi,
  weeklySymbolVenueShare,
  weeklySymbolVenueVolume,
} from '../../../../../src/domains/otc/calculations/symbol-venue.js';
import { venueRow } from '../otc-test-helpers.js';

describe('weekly symbol venue volume', () => {
  it('reshapes rows, defaulting the venue name to the MPID', () => {
    expect(
      weeklySymbolVenueVolume([venueRow('A', 'X', 10, 2, { venueName: 'X VENUE' }), venueRow('A', 'Y', 5, 1)]),
    ).toEqual([
      {
        weekEnding: '2025-12-19',
        tier: 'OTC',
        symbol: 'A',
        mpid: 'X',
        venueName: 'X VENUE',
        totalVolume: 10,
        tradeCount: 2,
      },
      { weekEnding: '2025-12-19', tier: 'OTC', symbol: 'A', mpid: 'Y', venueName: 'Y', totalVolume: 5, tradeCount: 1 },
    ]);
  });
});

describe('weekly symbol venue share and HHI', () => {
  const rows = [venueRow('A', 'X', 750, 1), venueRow('A', 'Y', 250, 1), venueRow('B', 'X', 40, 1)];

  it('splits each symbol volume across its venues', () => {
    const shares = weeklySymbolVenueShare(rows);
    expect(shares.map((s) => [s.symbol, s.mpid, s.venueVolume, s.totalSymbolVolume, s.venueShare])).toEqual([
      ['A', 'X', 750, 1000, 0.75],
      ['A', 'Y', 250, 1000, 0.25],
      ['B', 'X', 40, 40, 1],
    ]);
  });

  it('computes HHI as a fraction: 0.625 for 75/25 and exactly 1.0 for one venue', () => {
    const hhi = weeklySymbolVenueHhi(weeklySymbolVenueShare(rows));
    expect(hhi).toEqual([
      { weekEnding: '2025-12-19', tier: 'OTC', symbol: 'A', hhi: 0.625, venueCount: 2, totalSymbolVolume: 1000 },
      { weekEnding: '2025-12-19', tier: 'OTC', symbol: 'B', hhi: 1, venueCount: 1, totalSymbolVolume: 40 },
    ]);
  });

  it('gives shares of 0 when a symbol has no volume', () => {
    const shares = weeklySymbolVenueShare([venueRow('Z', 'X', 0, 1), venueRow('Z', 'Y', 0, 1)]);
    expect(shares.map((s) => s.venueShare)).toEqual([0, 0]);
  });
});

describe('weekly symbol tier volume share', () => {
  it('splits a symbol across tiers that share a capture', () => {
    const out = weeklySymbolTierVolumeShare([
      venueRow('A', 'X', 300, 1, { tier: 'NMS_TIER_1', captureId: 'c' }),
      venueRow('A', 'Y', 100, 1, { tier: 'NMS_TIER_1', captureId: 'c' }),
      venueRow('A', 'X', 100, 1, { tier: 'OTC', captureId: 'c' }),
    ]);
    expect(out.map((s) => [s.tier, s.tierVolume, s.totalSymbolVolumeAllTiers, s.tierVolumeShare])).toEqual([
      ['NMS_TIER_1', 400, 500, 0.8],
      ['OTC', 100, 500, 0.2],
    ]);
  });

  it('gives 1.0 per tier when every tier has its own capture (reference behaviour)', () => {
    const out = weeklySymbolTierVolumeShare([
      venueRow('A', 'X', 300, 1, { tier: 'NMS_TIER_1', captureId: 'c1' }),
      venueRow('A', 'X', 100, 1, { tier: 'OTC', captureId: 'c2' }),
    ]);
    expect(out.map((s) => s.tierVolumeShare)).toEqual([1, 1]);
  });
});
