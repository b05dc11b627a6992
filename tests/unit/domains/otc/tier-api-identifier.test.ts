/** FINRA Query API tier identifiers as they may arrive: padded with whitespace, in any case. */
import { describe, expect, it } from 'vitest';
import { tierFromApiIdentifier } from '../../../../src/domains/otc/tiers.js';

describe('tierFromApiIdentifier', () => {
  it('trims and upper-cases the identifier before matching', () => {
    expect([tierFromApiIdentifier(' t1 '), tierFromApiIdentifier('\tT2\n'), tierFromApiIdentifier(' otc')]).toEqual([
      'NMS_TIER_1',
      'NMS_TIER_2',
      'OTC',
    ]);
    expect(tierFromApiIdentifier(' T3 ')).toBeNull();
  });
});
