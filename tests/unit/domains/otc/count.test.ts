import { describe, expect, it } from 'vitest';
import {
  addCount,
  compareCount,
  countEquals,
  divideCounts,
  fromBigInt,
  isNegativeCount,
  isZeroCount,
  subCount,
  sumCounts,
} from '../../../../src/domains/otc/count.js';

const MAX = Number.MAX_SAFE_INTEGER;

describe('exact count arithmetic', () => {
  it('stays on plain numbers while results are safe', () => {
    expect(addCount(1, 2)).toBe(3);
    expect(addCount(MAX - 1, 1)).toBe(MAX);
    expect(sumCounts([1_335_995_901, 943_802_893])).toBe(2_279_798_794);
  });

  it('switches to bigint only beyond Number.MAX_SAFE_INTEGER', () => {
    expect(addCount(MAX, 1)).toBe(9007199254740992n);
    expect(addCount(MAX, 2)).toBe(9007199254740993n);
    expect(sumCounts([MAX, MAX, 1])).toBe(18014398509481983n);
  });

  it('folds back to a number when a bigint result is safe again', () => {
    expect(subCount(9007199254740993n, 10)).toBe(9007199254740983);
    expect(fromBigInt(5n)).toBe(5);
    expect(addCount(9007199254740993n, -9007199254740993n)).toBe(0);
  });

  it('compares, tests and divides mixed representations', () => {
    expect(compareCount(9007199254740993n, MAX)).toBe(1);
    expect(compareCount(3, 3)).toBe(0);
    expect(countEquals(9007199254740993n, 9007199254740993n)).toBe(true);
    expect(countEquals(5n, 5)).toBe(true);
    expect(isNegativeCount(-1)).toBe(true);
    expect(isNegativeCount(-9007199254740993n)).toBe(true);
    expect(isZeroCount(0)).toBe(true);
    expect(isZeroCount(0n)).toBe(true);
    expect(divideCounts(1500, 2000)).toBe(0.75);
  });
});
