import { describe, expect, it } from 'vitest';
import { computeRolling, trendDirection, trendPct } from '../../../../../src/domains/otc/calculations/rolling.js';
import type { RollingInput } from '../../../../../src/domains/otc/calculations/rolling.js';

function week(weekEnding: string, symbol: string, totalVolume: number, totalTrades = 10): RollingInput {
  return { weekEnding, tier: 'OTC', symbol, totalVolume, totalTrades };
}

describe('rolling 6-week statistics (domain-spec §10.4)', () => {
  it('computes mean, min, max and a DOWN trend between the earliest and latest weeks', () => {
    const [r] = computeRolling(
      [week('2025-12-12', 'AABB', 6_794_184, 200), week('2025-12-19', 'AABB', 1_833_194, 44)],
      '2025-12-19',
    );
    expect(r).toMatchObject({
      weekEnding: '2025-12-19',
      symbol: 'AABB',
      avgVolume: 4313689,
      avgTrades: 122,
      minVolume: 1_833_194,
      maxVolume: 6_794_184,
      trendDirection: 'DOWN',
      weeksInWindow: 2,
      isComplete: false,
      firstWeek: '2025-12-12',
      lastWeek: '2025-12-19',
    });
    expect(r?.trendPct).toBeCloseTo(-73.018, 3);
  });

  it('skips symbols with fewer than 2 weeks and ignores weeks outside the window', () => {
    const out = computeRolling(
      [
        week('2025-12-19', 'ONE', 10),
        week('2025-10-31', 'OLD', 10),
        week('2025-12-19', 'OLD', 10),
        week('2025-12-26', 'OLD', 99),
      ],
      '2025-12-19',
    );
    expect(out).toEqual([]);
  });

  it('compares the earliest and latest weeks present even when the target week is missing', () => {
    const [r] = computeRolling([week('2025-11-14', 'A', 100), week('2025-12-05', 'A', 110)], '2025-12-19');
    expect(r).toMatchObject({ firstWeek: '2025-11-14', lastWeek: '2025-12-05', weeksInWindow: 2 });
    expect(r?.trendPct).toBeCloseTo(10, 10);
    expect(r?.trendDirection).toBe('UP');
  });

  it('marks a symbol complete with all 6 weeks and FLAT when volumes do not move', () => {
    const weeks = ['2025-11-14', '2025-11-21', '2025-11-28', '2025-12-05', '2025-12-12', '2025-12-19'];
    const [r] = computeRolling(
      weeks.map((w) => week(w, 'A', 3_110_306)),
      '2025-12-19',
    );
    expect(r).toMatchObject({
      weeksInWindow: 6,
      isComplete: true,
      trendPct: 0,
      trendDirection: 'FLAT',
      avgVolume: 3110306,
    });
  });

  it('uses ±5% thresholds and 0 when the first week is 0', () => {
    expect(trendDirection(5)).toBe('FLAT');
    expect(trendDirection(5.0001)).toBe('UP');
    expect(trendDirection(-5)).toBe('FLAT');
    expect(trendDirection(-5.0001)).toBe('DOWN');
    expect(trendPct(0, 100)).toBe(0);
    expect(trendPct(200, 100)).toBe(-50);
  });

  it('sorts by tier then symbol', () => {
    const rows = ['B', 'A'].flatMap((s) => [week('2025-12-12', s, 1), week('2025-12-19', s, 1)]);
    expect(computeRolling(rows, '2025-12-19').map((r) => r.symbol)).toEqual(['A', 'B']);
  });

  it('refuses two rows for one symbol and week', () => {
    expect(() => computeRolling([week('2025-12-19', 'A', 1), week('2025-12-19', 'A', 2)], '2025-12-19')).toThrow(
      'two rows for OTC A week 2025-12-19',
    );
  });

  it('rejects a non-Friday target week', () => {
    expect(() => computeRolling([], '2025-12-20')).toThrow('week_ending must be Friday');
  });

  it('takes min and max from any week, sorts weeks given out of order, and sorts tiers before symbols', () => {
    const t1 = (w: string, symbol: string, v: number): RollingInput => ({ ...week(w, symbol, v), tier: 'NMS_TIER_1' });
    const out = computeRolling(
      [
        week('2025-12-19', 'Z', 300, 3),
        week('2025-12-05', 'Z', 200, 2),
        week('2025-12-12', 'Z', 50, 1),
        week('2025-11-28', 'Z', 900, 6),
        t1('2025-12-12', 'A', 10),
        t1('2025-12-19', 'A', 10),
      ],
      '2025-12-19',
    );
    expect(out).toEqual([
      {
        weekEnding: '2025-12-19',
        tier: 'NMS_TIER_1',
        symbol: 'A',
        avgVolume: 10,
        avgTrades: 10,
        minVolume: 10,
        maxVolume: 10,
        trendDirection: 'FLAT',
        trendPct: 0,
        weeksInWindow: 2,
        isComplete: false,
        firstWeek: '2025-12-12',
        lastWeek: '2025-12-19',
      },
      {
        weekEnding: '2025-12-19',
        tier: 'OTC',
        symbol: 'Z',
        avgVolume: 362.5,
        avgTrades: 3,
        minVolume: 50,
        maxVolume: 900,
        trendDirection: 'DOWN',
        trendPct: (-600 / 900) * 100,
        weeksInWindow: 4,
        isComplete: false,
        firstWeek: '2025-11-28',
        lastWeek: '2025-12-19',
      },
    ]);
  });

  it('is complete exactly when the window is full, for a given window size', () => {
    const rows = ['2025-12-05', '2025-12-12', '2025-12-19'].map((w) => week(w, 'A', 1));
    expect(computeRolling(rows, '2025-12-19', { windowWeeks: 3 }).map((r) => [r.weeksInWindow, r.isComplete])).toEqual([
      [3, true],
    ]);
    expect(computeRolling(rows, '2025-12-19', { windowWeeks: 2 }).map((r) => [r.weeksInWindow, r.isComplete])).toEqual([
      [2, true],
    ]);
    expect(computeRolling(rows, '2025-12-19').map((r) => [r.weeksInWindow, r.isComplete])).toEqual([[3, false]]);
  });

  it('takes the max from a later week than the first', () => {
    const [r] = computeRolling([week('2025-12-12', 'A', 100), week('2025-12-19', 'A', 400)], '2025-12-19');
    expect([r?.minVolume, r?.maxVolume, r?.trendPct, r?.trendDirection]).toEqual([100, 400, 300, 'UP']);
  });

  it('computes the trend of bigint counts the same way', () => {
    expect(trendPct(200n, 300n)).toBe(50);
    expect(trendPct(0n, 300n)).toBe(0);
  });
});
