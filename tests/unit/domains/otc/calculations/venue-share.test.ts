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

describe('venue share invariant violations, every field', () => {
  const base = { weekEnding: '2025-12-19', tier: 'OTC' as const };

  it('names the venue, the rule and the figures in each violation', () => {
    const shares: VenueShareLike[] = [
      { ...base, mpid: 'X', totalVolume: -10, marketSharePct: -0.25, rank: 1 },
      { ...base, mpid: 'Y', totalVolume: 100, marketSharePct: 0.5, rank: 3 },
    ];
    expect(checkVenueShareInvariants(shares)).toEqual([
      { rule: 'NEGATIVE_VOLUME', ...base, mpid: 'X', message: 'venue X has negative volume -10' },
      { rule: 'NEGATIVE_SHARE', ...base, mpid: 'X', message: 'venue X has negative share -0.25' },
      { rule: 'SHARE_SUM', ...base, message: 'venue shares sum to 0.25, expected 1 ± 0.0001' },
      { rule: 'RANK_SEQUENCE', ...base, message: 'ranks are [1, 3], expected 1..2' },
    ]);
  });

  it('checks each (week, tier, capture) partition on its own and sorts ranks numerically', () => {
    const t1 = { weekEnding: '2025-12-19', tier: 'NMS_TIER_1' as const };
    const ranks = Array.from({ length: 10 }, (_, i) => ({
      ...t1,
      mpid: `M${i}`,
      totalVolume: 1,
      marketSharePct: 0.1,
      rank: 10 - i,
    }));
    expect(
      checkVenueShareInvariants([
        { ...base, mpid: 'X', totalVolume: 0, marketSharePct: 1, rank: 1 },
        ...ranks,
        { ...base, mpid: 'Z', totalVolume: 5, marketSharePct: 0, rank: 2, captureId: 'cap_2' },
      ]),
    ).toEqual([
      { rule: 'SHARE_SUM', ...base, message: 'venue shares sum to 0, expected 1 ± 0.0001' },
      { rule: 'RANK_SEQUENCE', ...base, message: 'ranks are [2], expected 1..1' },
    ]);
  });

  it('accepts a sum exactly at the tolerance and rejects one past it', () => {
    const one = (pct: number): VenueShareLike[] => [
      { ...base, mpid: 'X', totalVolume: 1, marketSharePct: pct, rank: 1 },
    ];
    expect(checkVenueShareInvariants(one(1.5), 0.5)).toEqual([]);
    expect(checkVenueShareInvariants(one(0.5), 0.5)).toEqual([]);
    expect(checkVenueShareInvariants(one(1.5001), 0.5).map((v) => v.rule)).toEqual(['SHARE_SUM']);
    expect(checkVenueShareInvariants(one(0), 0).map((v) => v.rule)).toEqual(['SHARE_SUM']);
  });

  it('keeps the capture of each venue share and leaves it out when there is none', () => {
    const out = computeVenueShares([
      venueRow('A', 'X', 3, 1, { captureId: 'cap_1' }),
      venueRow('A', 'X', 1, 1, { captureId: 'cap_2' }),
      venueRow('B', 'Y', 1, 2),
    ]);
    expect(out).toEqual([
      {
        ...base,
        captureId: 'cap_1',
        mpid: 'X',
        totalVolume: 3,
        totalTrades: 1,
        symbolCount: 1,
        marketSharePct: 1,
        rank: 1,
      },
      {
        ...base,
        captureId: 'cap_2',
        mpid: 'X',
        totalVolume: 1,
        totalTrades: 1,
        symbolCount: 1,
        marketSharePct: 1,
        rank: 1,
      },
      { ...base, mpid: 'Y', totalVolume: 1, totalTrades: 2, symbolCount: 1, marketSharePct: 1, rank: 1 },
    ]);
    expect(Object.keys(out[2] ?? {})).not.toContain('captureId');
  });
});
