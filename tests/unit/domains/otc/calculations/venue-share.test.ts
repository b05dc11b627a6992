import { describe, expect, it } from 'vitest';
import {
  checkVenueShareInvariants,
  computeVenueShares,
} from '../../../../../src/domains/otc/calculations/venue-share.js';
import type { VenueShareLike } from '../../../../../src/domains/otc/calculations/venue-share.js';
import { venueRow } from '../otc-test-helpers.js';

describe('venue market share (domain-spec §10.2)', () => {
  it('gives ETRD 1,500 and SCHW 500 shares of 0.75 and 0.25, ranks 1 and 2, symbol counts 3 and 1', () => {
    const out = computeVenueShares([
      venueRow('A', 'SCHW', 500, 5),
      venueRow('A', 'ETRD', 500, 5),
      venueRow('B', 'ETRD', 500, 5),
      venueRow('C', 'ETRD', 500, 5),
    ]);
    expect(out.map((v) => [v.mpid, v.totalVolume, v.marketSharePct, v.rank, v.symbolCount, v.totalTrades])).toEqual([
      ['ETRD', 1500, 0.75, 1, 3, 15],
      ['SCHW', 500, 0.25, 2, 1, 5],
    ]);
    expect(checkVenueShareInvariants(out)).toEqual([]);
  });

  it('keeps input order for tied volumes (stable ranks)', () => {
    const out = computeVenueShares([
      venueRow('A', 'ZZZ', 10, 1),
      venueRow('A', 'AAA', 10, 1),
      venueRow('A', 'MMM', 20, 1),
    ]);
    expect(out.map((v) => `${v.rank}:${v.mpid}`)).toEqual(['1:MMM', '2:ZZZ', '3:AAA']);
  });

  it('returns nothing for no rows', () => {
    expect(computeVenueShares([])).toEqual([]);
    expect(checkVenueShareInvariants([])).toEqual([]);
  });

  it('gives every venue of an all-zero tier a share of 0.0, which breaks the sum invariant', () => {
    const out = computeVenueShares([venueRow('A', 'X', 0, 1), venueRow('A', 'Y', 0, 1)]);
    expect(out.map((v) => v.marketSharePct)).toEqual([0, 0]);
    expect(checkVenueShareInvariants(out).map((v) => v.rule)).toEqual(['SHARE_SUM']);
  });

  it('computes each (week, tier, capture) partition separately', () => {
    const out = computeVenueShares([
      venueRow('A', 'X', 1, 1),
      venueRow('A', 'X', 3, 1, { tier: 'NMS_TIER_1' }),
      venueRow('A', 'Y', 1, 1),
    ]);
    expect(out.map((v) => [v.tier, v.mpid, v.marketSharePct, v.rank])).toEqual([
      ['OTC', 'X', 0.5, 1],
      ['OTC', 'Y', 0.5, 2],
      ['NMS_TIER_1', 'X', 1, 1],
    ]);
  });
});

describe('venue share invariants', () => {
  const base = { weekEnding: '2025-12-19', tier: 'OTC' as const };

  it('detects negative volume, a bad share sum and rank gaps', () => {
    const shares: VenueShareLike[] = [
      { ...base, mpid: 'X', totalVolume: -10, marketSharePct: -0.1, rank: 1 },
      { ...base, mpid: 'Y', totalVolume: 100, marketSharePct: 0.5, rank: 3 },
    ];
    expect(checkVenueShareInvariants(shares).map((v) => v.rule)).toEqual([
      'NEGATIVE_VOLUME',
      'NEGATIVE_SHARE',
      'SHARE_SUM',
      'RANK_SEQUENCE',
    ]);
  });

  it('tolerates a share sum within 1e-4 of 1', () => {
    const shares: VenueShareLike[] = [
      { ...base, mpid: 'X', totalVolume: 1, marketSharePct: 0.50004, rank: 1 },
      { ...base, mpid: 'Y', totalVolume: 1, marketSharePct: 0.5, rank: 2 },
    ];
    expect(checkVenueShareInvariants(shares)).toEqual([]);
  });
});
