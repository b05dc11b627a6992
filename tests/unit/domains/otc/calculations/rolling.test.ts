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
});
