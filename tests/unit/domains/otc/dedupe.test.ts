import { describe, expect, it } from 'vitest';
import { dedupeRecords, DuplicateTracker } from '../../../../src/domains/otc/dedupe.js';
import type { DedupeInput } from '../../../../src/domains/otc/dedupe.js';
import { RejectCodes } from '../../../../src/domains/otc/reject-codes.js';

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

describe('dedupeRecords', () => {
  it('keeps first rows, rejects exact repeats as DUPLICATE and all rows of a conflicting key', () => {
    const records = [
      row(2, 'AABB', 'OTCN', 6753871, 171),
      row(3, 'AABB', 'OTCX', 40313, 3),
      row(4, 'AABB', 'OTCN', 6753871, 171),
      row(5, 'ZZZZ', 'OTCN', 5, 1),
      row(6, 'ZZZZ', 'OTCN', 6, 1),
    ];
    const { kept, rejects } = dedupeRecords(records);
    expect(kept.map((r) => r.line)).toEqual([2, 3]);
    expect(rejects.map((r) => [r.line, r.reasonCode])).toEqual([
      [4, RejectCodes.DUPLICATE],
      [5, RejectCodes.CONFLICTING_DUPLICATE],
      [6, RejectCodes.CONFLICTING_DUPLICATE],
    ]);
    expect(rejects[0]?.detail).toBe('exact duplicate of line 2 (symbol AABB, MPID OTCN); dropped');
    expect(rejects[1]?.detail).toContain('lines 5, 6 with different counts');
    expect(JSON.parse(rejects[1]?.raw ?? '{}')).toMatchObject({ symbol: 'ZZZZ', totalShares: 5 });
  });
});
