import { describe, expect, it } from 'vitest';
import {
  checkHhiRange,
  checkRawReconciles,
  checkVenueDrop,
  checkVenueShareInvariantResult,
  checkVenueShareSum,
  checkWeekOverWeekVolumeSwing,
} from '../../../../../src/domains/otc/calculations/quality.js';

describe('quality checks', () => {
  it('venue_share_sum passes within 1e-4 of 1 and fails otherwise', () => {
    expect(checkVenueShareSum([0.75, 0.25])).toMatchObject({
      checkName: 'venue_share_sum',
      category: 'BUSINESS_RULE',
      status: 'PASS',
      actual: 1,
    });
    expect(checkVenueShareSum([0.75, 0.2]).status).toBe('FAIL');
    expect(checkVenueShareSum([]).status).toBe('FAIL');
  });

  it('venue_share_invariant records violations as one FAIL row', () => {
    expect(checkVenueShareInvariantResult([]).status).toBe('PASS');
    const fail = checkVenueShareInvariantResult([
      { rule: 'SHARE_SUM', weekEnding: '2025-12-19', tier: 'OTC', message: 'sum 0' },
    ]);
    expect(fail).toMatchObject({
      checkName: 'venue_share_invariant',
      status: 'FAIL',
      message: 'SHARE_SUM: sum 0',
      actual: 1,
      expected: 0,
    });
  });

  it('hhi_range fails when any HHI leaves 0..1', () => {
    expect(checkHhiRange([0.5, 1, 0])).toMatchObject({ status: 'PASS', actual: { min: 0, max: 1, outOfRange: 0 } });
    expect(checkHhiRange([0.5, 1.01, -0.1])).toMatchObject({ status: 'FAIL', actual: { outOfRange: 2 } });
  });

  it('raw_reconciles checks raw rows = accepted + rejected', () => {
    expect(checkRawReconciles(5328, 5328, 0)).toMatchObject({
      checkName: 'raw_reconciles',
      category: 'INTEGRITY',
      status: 'PASS',
    });
    expect(checkRawReconciles(10, 8, 1).status).toBe('FAIL');
  });

  it('week_over_week_volume_swing warns above 50% and passes without a prior week', () => {
    expect(checkWeekOverWeekVolumeSwing(100, null)).toMatchObject({
      status: 'PASS',
      message: 'no prior week to compare',
    });
    expect(checkWeekOverWeekVolumeSwing(150, 100).status).toBe('PASS');
    expect(checkWeekOverWeekVolumeSwing(151, 100).status).toBe('WARN');
    expect(checkWeekOverWeekVolumeSwing(40, 100).status).toBe('WARN');
    expect(checkWeekOverWeekVolumeSwing(943_802_893, 1_335_995_901).status).toBe('PASS');
    expect(checkWeekOverWeekVolumeSwing(5, 0).status).toBe('WARN');
  });

  it('venue_drop warns when venues fell by more than 20%', () => {
    expect(checkVenueDrop(9, null).status).toBe('PASS');
    expect(checkVenueDrop(8, 10)).toMatchObject({ checkName: 'venue_drop', category: 'COMPLETENESS', status: 'PASS' });
    expect(checkVenueDrop(7, 10).status).toBe('WARN');
    expect(checkVenueDrop(12, 10).status).toBe('PASS');
  });
});
