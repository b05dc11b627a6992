import { describe, expect, it } from 'vitest';
import { DuplicateTracker } from '../../../../src/domains/otc/dedupe.js';
import type { DedupeInput } from '../../../../src/domains/otc/dedupe.js';

function row(
  line: number,
  symbol: string,
  mpid: string,
  shares: number | bigint,
  trades: number | bigint,
): DedupeInput {
  return { line, symbol, mpid, totalShares: shares, totalTrades: trades };
}

describe('DuplicateTracker', () => {
  it('keeps the first row of each (symbol, MPID)', () => {
    const t = new DuplicateTracker();
    expect(t.add(row(2, 'AABB', 'OTCN', 10, 1))).toEqual({ kind: 'first' });
    expect(t.add(row(3, 'AABB', 'OTCX', 10, 1))).toEqual({ kind: 'first' });
    expect(t.add(row(4, 'AACAY', 'OTCN', 10, 1))).toEqual({ kind: 'first' });
    expect(t.keyCount).toBe(3);
    expect(t.conflicts()).toEqual([]);
  });

  it('drops an exact repeat as a duplicate and counts it', () => {
    const t = new DuplicateTracker();
    t.add(row(2, 'AABB', 'OTCN', 10, 1));
    expect(t.add(row(5, 'AABB', 'OTCN', 10, 1))).toEqual({ kind: 'duplicate', firstLine: 2 });
    expect(t.add(row(6, 'AABB', 'OTCN', 10, 1))).toEqual({ kind: 'duplicate', firstLine: 2 });
    expect(t.duplicateCount).toBe(2);
  });

  it('reports every line of a key whose rows disagree', () => {
    const t = new DuplicateTracker();
    t.add(row(2, 'AABB', 'OTCN', 10, 1));
    t.add(row(3, 'AABB', 'OTCN', 10, 1));
    expect(t.add(row(4, 'AABB', 'OTCN', 11, 1))).toEqual({ kind: 'conflict', firstLine: 2 });
    expect(t.add(row(9, 'AABB', 'OTCN', 10, 1))).toEqual({ kind: 'conflict', firstLine: 2 });
    expect(t.conflicts()).toEqual([{ key: { symbol: 'AABB', mpid: 'OTCN' }, lines: [2, 4, 9] }]);
    expect([...t.conflictingLines()].sort()).toEqual([2, 4, 9]);
    expect(t.duplicateCount).toBe(1);
  });

  it('compares big counts exactly', () => {
    const t = new DuplicateTracker();
    t.add(row(2, 'BIG', 'OTCN', 9007199254740993n, 1));
    expect(t.add(row(3, 'BIG', 'OTCN', 9007199254740993n, 1)).kind).toBe('duplicate');
    expect(t.add(row(4, 'BIG', 'OTCN', 9007199254740992n, 1)).kind).toBe('conflict');
  });

  it('tracks many keys with one entry each', () => {
    const t = new DuplicateTracker();
    for (let i = 0; i < 50_000; i++) t.add(row(i + 2, `S${i}`, 'OTCN', i, 1));
    expect(t.keyCount).toBe(50_000);
    expect(t.add(row(60_000, 'S49999', 'OTCN', 49_999, 1))).toEqual({ kind: 'duplicate', firstLine: 50_001 });
  });
});
