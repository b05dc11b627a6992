/**
 * Golden values on the team's two real FINRA OTC files (domain-spec §17.1, §17.2), computed in memory by
 * the same chain the pipelines run: parse → dedupe → normalize → calculations.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeRecords } from '../../../../src/domains/otc/calculations/normalize.js';
import type { NormalizedOtcRecord } from '../../../../src/domains/otc/calculations/normalize.js';
import {
  checkHhiRange,
  checkRawReconciles,
  checkVenueShareSum,
} from '../../../../src/domains/otc/calculations/quality.js';
import { computeRolling } from '../../../../src/domains/otc/calculations/rolling.js';
import { computeSymbolSummaries } from '../../../../src/domains/otc/calculations/symbol-summary.js';
import type { SymbolSummary } from '../../../../src/domains/otc/calculations/symbol-summary.js';
import {
  checkHhiInvariants,
  checkSymbolVenueShareInvariants,
} from '../../../../src/domains/otc/calculations/symbol-venue-invariants.js';
import { weeklySymbolVenueHhi, weeklySymbolVenueShare } from '../../../../src/domains/otc/calculations/symbol-venue.js';
import { checkVenueShareInvariants, computeVenueShares } from '../../../../src/domains/otc/calculations/venue-share.js';
import type { VenueShare } from '../../../../src/domains/otc/calculations/venue-share.js';
import { sumCounts } from '../../../../src/domains/otc/count.js';
import { dedupeRecords } from '../../../../src/domains/otc/dedupe.js';
import { detectFileFacts } from '../../../../src/domains/otc/parse/detect-file-facts.js';
import { collectOtcBatches } from '../../../../src/domains/otc/parse/parse-otc-lines.js';
import { readOtcFile } from '../../../../src/domains/otc/parse/read-otc-file.js';
import { resolveFileDate, weekEndingFromPublicationDate } from '../../../../src/core/week-ending.js';
import { tierHintFromFileName } from '../../../../src/domains/otc/tiers.js';
import { REAL_FILE_1215, REAL_FILE_1222, samplePath } from './otc-test-helpers.js';

interface WeekRun {
  week: string;
  rawRows: number;
  parseRejects: number;
  dedupeRejects: number;
  accepted: NormalizedOtcRecord[];
  normalizeRejects: number;
  summaries: SymbolSummary[];
  venues: VenueShare[];
}

async function runWeek(fileName: string): Promise<WeekRun> {
  const path = samplePath(fileName);
  const facts = await detectFileFacts(path);
  const fileDate = resolveFileDate({ fileName, firstLastUpdateDate: facts.lastUpdateDate });
  const week = weekEndingFromPublicationDate(fileDate.date);
  const tier = tierHintFromFileName(fileName);
  if (tier === null) throw new Error('no tier hint');
  const parsed = await collectOtcBatches(readOtcFile(path, { expectedTier: tier }));
  const deduped = dedupeRecords(parsed.records);
  const normalized = normalizeRecords(deduped.kept, { weekEnding: week, tier });
  return {
    week,
    rawRows: parsed.records.length + parsed.rejects.length,
    parseRejects: parsed.rejects.length,
    dedupeRejects: deduped.rejects.length,
    accepted: normalized.accepted,
    normalizeRejects: normalized.rejects.length,
    summaries: computeSymbolSummaries(normalized.accepted),
    venues: computeVenueShares(normalized.accepted),
  };
}

const runs: Record<string, WeekRun> = {};

beforeAll(async () => {
  runs['2025-12-12'] = await runWeek(REAL_FILE_1215);
  runs['2025-12-19'] = await runWeek(REAL_FILE_1222);
});

function run(week: string): WeekRun {
  const r = runs[week];
  if (r === undefined) throw new Error(`week ${week} not loaded`);
  return r;
}

describe.each([
  ['2025-12-12', 5_328, 1_335_995_901, 472_776, 3_111, '0.810250', 1_625],
  ['2025-12-19', 5_192, 943_802_893, 497_191, 2_985, '0.801696', 1_509],
])('real OTC file for week %s', (week, rows, shares, trades, symbols, meanHhi, singleVenue) => {
  it('lands on its week from the file name and has the golden row count, all accepted', () => {
    const r = run(week);
    expect(r.week).toBe(week);
    expect(r.rawRows).toBe(rows);
    expect([r.parseRejects, r.dedupeRejects, r.normalizeRejects]).toEqual([0, 0, 0]);
    expect(r.accepted).toHaveLength(rows);
    expect(checkRawReconciles(r.rawRows, r.accepted.length, 0).status).toBe('PASS');
  });

  it('sums to the golden shares and trades', () => {
    const r = run(week);
    expect(sumCounts(r.accepted.map((a) => a.totalShares))).toBe(shares);
    expect(sumCounts(r.accepted.map((a) => a.totalTrades))).toBe(trades);
    expect(sumCounts(r.summaries.map((s) => s.totalVolume))).toBe(shares);
  });

  it('has the golden symbol count, single-venue symbols and at most 3 venues per symbol', () => {
    const r = run(week);
    expect(r.summaries).toHaveLength(symbols);
    expect(r.summaries.filter((s) => s.venueCount === 1)).toHaveLength(singleVenue);
    expect(Math.max(...r.summaries.map((s) => s.venueCount))).toBe(3);
  });

  it('has the golden mean HHI, every HHI within 0..1 and venue shares summing to 1 per symbol', () => {
    const shares = weeklySymbolVenueShare(run(week).accepted);
    const hhi = weeklySymbolVenueHhi(shares);
    expect(hhi).toHaveLength(symbols);
    expect((hhi.reduce((s, h) => s + h.hhi, 0) / hhi.length).toFixed(6)).toBe(meanHhi);
    expect(hhi.filter((h) => h.hhi === 1)).toHaveLength(singleVenue);
    expect(checkSymbolVenueShareInvariants(shares)).toEqual([]);
    expect(checkHhiInvariants(hhi)).toEqual([]);
    expect(checkHhiRange(hhi.map((h) => h.hhi)).status).toBe('PASS');
  });

  it('has 9 venues whose shares sum to 1 with ranks 1..9', () => {
    const venues = run(week).venues;
    expect(venues).toHaveLength(9);
    expect(checkVenueShareInvariants(venues)).toEqual([]);
    expect(checkVenueShareSum(venues.map((v) => v.marketSharePct)).status).toBe('PASS');
  });
});

describe('golden venue shares', () => {
  it('week 2025-12-12: OTCN, OTCX, ARCA lead and STEN with 10 shares ranks 9', () => {
    const v = run('2025-12-12').venues;
    expect(v.slice(0, 3).map((x) => [x.rank, x.mpid, x.totalVolume, x.marketSharePct])).toEqual([
      [1, 'OTCN', 1_098_033_568, 0.8218839348070724],
      [2, 'OTCX', 192_693_090, 0.14423179730998292],
      [3, 'ARCA', 41_003_592, 0.030691405541969547],
    ]);
    expect(v[8]).toMatchObject({ rank: 9, mpid: 'STEN', totalVolume: 10, marketSharePct: 7.485052905113666e-9 });
  });

  it('week 2025-12-19: OTCN, OTCX, ARCA lead and SMKT is last with 4,413', () => {
    const v = run('2025-12-19').venues;
    expect(v.slice(0, 3).map((x) => [x.rank, x.mpid, x.totalVolume, x.marketSharePct])).toEqual([
      [1, 'OTCN', 763_597_534, 0.8090646253189647],
      [2, 'OTCX', 133_827_461, 0.14179598514962383],
      [3, 'ARCA', 43_843_069, 0.0464536285332196],
    ]);
    expect(v[8]).toMatchObject({ rank: 9, mpid: 'SMKT', totalVolume: 4_413 });
    expect(v.some((x) => x.mpid === 'VIAT')).toBe(true);
    expect(v.some((x) => x.mpid === 'STEN')).toBe(false);
  });

  it('keeps the largest row ECOX/OTCN of week 2025-12-12', () => {
    const largest = run('2025-12-12').accepted.reduce((a, b) => (b.totalShares > a.totalShares ? b : a));
    expect([largest.symbol, largest.mpid, largest.totalShares, largest.totalTrades]).toEqual([
      'ECOX',
      'OTCN',
      249_703_875,
      185,
    ]);
  });
});

describe('golden rolling over both weeks', () => {
  it('gives 2,334 rows (symbols in both weeks): 1,216 UP, 1,023 DOWN, 95 FLAT, none complete', () => {
    const rows = [...run('2025-12-12').summaries, ...run('2025-12-19').summaries];
    const rolling = computeRolling(
      rows.map((s) => ({ ...s })),
      '2025-12-19',
    );
    expect(rolling).toHaveLength(2_334);
    const count = (d: string): number => rolling.filter((r) => r.trendDirection === d).length;
    expect([count('UP'), count('DOWN'), count('FLAT')]).toEqual([1_216, 1_023, 95]);
    expect(rolling.every((r) => r.weeksInWindow === 2 && !r.isComplete)).toBe(true);
    const aabb = rolling.find((r) => r.symbol === 'AABB');
    expect(aabb).toMatchObject({
      avgVolume: 4313689,
      minVolume: 1_833_194,
      maxVolume: 6_794_184,
      trendDirection: 'DOWN',
    });
    expect(aabb?.trendPct.toFixed(3)).toBe('-73.018');
  });

  it('covers 3,762 symbols across the two weeks', () => {
    const union = new Set([...run('2025-12-12').summaries, ...run('2025-12-19').summaries].map((s) => s.symbol));
    expect(union.size).toBe(3_762);
  });
});
