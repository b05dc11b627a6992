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

// The whole stored row of each check, so a changed message, category, actual or expected fails here.
describe('quality check rows, every field', () => {
  it('venue_share_sum: PASS at the edge of the tolerance, FAIL just past it and without rows', () => {
    expect(checkVenueShareSum([0.75, 0.25])).toEqual({
      checkName: 'venue_share_sum',
      category: 'BUSINESS_RULE',
      status: 'PASS',
      message: 'venue shares sum to 1',
      actual: 1,
      expected: 1,
    });
    expect(checkVenueShareSum([0.5, 0.5], 0).status).toBe('PASS');
    expect(checkVenueShareSum([1.5], 0.5).status).toBe('PASS');
    expect(checkVenueShareSum([0.5], 0.5).status).toBe('PASS');
    expect(checkVenueShareSum([1.5001], 0.5).status).toBe('FAIL');
    expect(checkVenueShareSum([0.4999], 0.5).status).toBe('FAIL');
    // No rows fail even when the tolerance would let a sum of 0 pass.
    expect(checkVenueShareSum([], 1).status).toBe('FAIL');
    expect(checkVenueShareSum([])).toEqual({
      checkName: 'venue_share_sum',
      category: 'BUSINESS_RULE',
      status: 'FAIL',
      message: 'no venue share rows',
      actual: 0,
      expected: 1,
    });
  });

  it('venue_share_invariant: PASS row and a FAIL row joining every violation', () => {
    expect(checkVenueShareInvariantResult([])).toEqual({
      checkName: 'venue_share_invariant',
      category: 'BUSINESS_RULE',
      status: 'PASS',
      message: 'venue share invariants hold',
      actual: 0,
      expected: 0,
    });
    const two = checkVenueShareInvariantResult([
      { rule: 'SHARE_SUM', weekEnding: '2025-12-19', tier: 'OTC', message: 'sum 0' },
      { rule: 'RANK_SEQUENCE', weekEnding: '2025-12-19', tier: 'OTC', message: 'ranks [2]' },
    ]);
    expect(two).toEqual({
      checkName: 'venue_share_invariant',
      category: 'BUSINESS_RULE',
      status: 'FAIL',
      message: 'SHARE_SUM: sum 0; RANK_SEQUENCE: ranks [2]',
      actual: 2,
      expected: 0,
    });
  });

  it('hhi_range: 0 and 1 + 1e-12 are in range, just below 0 and above the slack are not', () => {
    expect(checkHhiRange([0.5, 1, 0])).toEqual({
      checkName: 'hhi_range',
      category: 'BUSINESS_RULE',
      status: 'PASS',
      message: '3 HHI values within 0..1',
      actual: { min: 0, max: 1, outOfRange: 0 },
      expected: { min: 0, max: 1 },
    });
    expect(checkHhiRange([0.2, 0.9, 0.5]).actual).toEqual({ min: 0.2, max: 0.9, outOfRange: 0 });
    expect(checkHhiRange([0.3, 1 + 1e-12, 0.2]).actual).toEqual({ min: 0.2, max: 1 + 1e-12, outOfRange: 0 });
    expect(checkHhiRange([0.5, 1.01, -0.1])).toEqual({
      checkName: 'hhi_range',
      category: 'BUSINESS_RULE',
      status: 'FAIL',
      message: '2 HHI values outside 0..1',
      actual: { min: -0.1, max: 1.01, outOfRange: 2 },
      expected: { min: 0, max: 1 },
    });
    expect(checkHhiRange([-1e-15]).actual).toEqual({ min: -1e-15, max: -1e-15, outOfRange: 1 });
    expect(checkHhiRange([1 + 1e-11]).actual).toEqual({ min: 1 + 1e-11, max: 1 + 1e-11, outOfRange: 1 });
    expect(checkHhiRange([])).toEqual({
      checkName: 'hhi_range',
      category: 'BUSINESS_RULE',
      status: 'PASS',
      message: '0 HHI values within 0..1',
      actual: { min: null, max: null, outOfRange: 0 },
      expected: { min: 0, max: 1 },
    });
  });

  it('raw_reconciles: the message and both sides of the equation', () => {
    expect(checkRawReconciles(10, 8, 1)).toEqual({
      checkName: 'raw_reconciles',
      category: 'INTEGRITY',
      status: 'FAIL',
      message: '10 raw rows, 8 accepted + 1 rejected = 9',
      actual: { raw: 10, accepted: 8, rejected: 1 },
      expected: { raw: 9 },
    });
    expect(checkRawReconciles(9, 8, 1).status).toBe('PASS');
  });

  it('week_over_week_volume_swing: the swing, its percentage and the no-prior row', () => {
    expect(checkWeekOverWeekVolumeSwing(100, null)).toEqual({
      checkName: 'week_over_week_volume_swing',
      category: 'BUSINESS_RULE',
      status: 'PASS',
      message: 'no prior week to compare',
      actual: 100,
      expected: null,
    });
    expect(checkWeekOverWeekVolumeSwing(40, 100)).toEqual({
      checkName: 'week_over_week_volume_swing',
      category: 'BUSINESS_RULE',
      status: 'WARN',
      message: 'volume 40 vs prior 100 (swing 60.0%)',
      actual: { current: 40, prior: 100, swing: 0.6 },
      expected: { maxSwing: 0.5 },
    });
    expect(checkWeekOverWeekVolumeSwing(5, 0)).toEqual({
      checkName: 'week_over_week_volume_swing',
      category: 'BUSINESS_RULE',
      status: 'WARN',
      message: 'volume 5 vs prior 0 (swing from zero)',
      actual: { current: 5, prior: 0, swing: null },
      expected: { maxSwing: 0.5 },
    });
    expect(checkWeekOverWeekVolumeSwing(0, 0)).toEqual({
      checkName: 'week_over_week_volume_swing',
      category: 'BUSINESS_RULE',
      status: 'PASS',
      message: 'volume 0 vs prior 0 (swing 0.0%)',
      actual: { current: 0, prior: 0, swing: 0 },
      expected: { maxSwing: 0.5 },
    });
  });

  it('venue_drop: the drop fraction, and a prior week without venues', () => {
    expect(checkVenueDrop(7, 10)).toEqual({
      checkName: 'venue_drop',
      category: 'COMPLETENESS',
      status: 'WARN',
      message: '7 venues vs 10 the prior week',
      actual: { current: 7, prior: 10, drop: 0.3 },
      expected: { maxDrop: 0.2 },
    });
    expect(checkVenueDrop(9, null)).toEqual({
      checkName: 'venue_drop',
      category: 'COMPLETENESS',
      status: 'PASS',
      message: 'no prior week to compare',
      actual: 9,
      expected: null,
    });
    expect(checkVenueDrop(3, 0)).toEqual({
      checkName: 'venue_drop',
      category: 'COMPLETENESS',
      status: 'PASS',
      message: 'prior week had no venues',
      actual: 3,
      expected: null,
    });
  });
});
