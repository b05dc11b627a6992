/**
 * The query service in-process (findDataset, planDatasetQuery, queryDataset, noCaptureError) over real
 * captures published through the dispatcher: week 2025-12-12 (the real file, then its revision with
 * --force), week 2025-12-19 (the real file), and a small week 2025-12-05 (the first 12 rows of the
 * 2025-12-15 sample) captured three times: the first deleted by gc, the second superseded by
 * --replace-capture, the third published. Expected rows are computed from the source files in this test.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/core/db/open-database.js';
import type { SpineError } from '../../../src/core/errors.js';
import { ErrorCodes } from '../../../src/core/errors.js';
import { parseAsOf } from '../../../src/core/query/point-in-time.js';
import type { AsOf } from '../../../src/core/query/point-in-time.js';
import { DATASETS } from '../../../src/domains/otc/query/datasets.js';
import {
  findDataset,
  noCaptureError,
  outputName,
  planDatasetQuery,
  queryDataset,
} from '../../../src/domains/otc/query/query-service.js';
import type { DatasetQuery, DatasetResult } from '../../../src/domains/otc/query/query-service.js';
import {
  buildTwoCaptures,
  capturedAtOf,
  buildCaptureLifecycle,
  FIRST_RUN_AT,
  LIFECYCLE_RUNS,
  runWeekAt,
  SECOND_RUN_AT,
} from '../../fixtures/revised/captures.js';
import type { BuiltCapture, TwoCaptures } from '../../fixtures/revised/captures.js';
import { ORIGINAL_FILE, symbolTotals, writeHeadCopy } from '../../fixtures/revised/revise-otc-file.js';
import { openTempDb, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';
import { OTC_DOMAIN, SAMPLE_1222 } from './otc-pipeline-helpers.js';
import { spineErrorOf } from '../../helpers/errors.js';

const W0 = '2025-12-05';
const W1 = '2025-12-12';
const W2 = '2025-12-19';
const W2_RUN_AT = '2025-12-23T12:00:00.000Z';
const SMALL_RUNS = LIFECYCLE_RUNS;
const LATEST: AsOf = { kind: 'latest' };

let dir: TempDir;
let two: TwoCaptures;
let w2: BuiltCapture;
/** Week W0: [deleted by gc, superseded by replace, published]. */
let small: BuiltCapture[];
let smallFile: string;
let db: Db;

beforeAll(async () => {
  dir = tempDir();
  two = await buildTwoCaptures(dir, 'q.db');
  w2 = await runWeekAt(dir, 'q.db', W2_RUN_AT, { file_path: SAMPLE_1222 });
  smallFile = writeHeadCopy(dir.join('head.csv'), 12);
  small = await buildCaptureLifecycle(dir, 'q.db', smallFile, W0);
  db = openTempDb(dir.join('q.db'));
}, 300_000);

afterAll(() => {
  db.close();
  dir.cleanup();
});

// ---- expectations computed from the source files -------------------------------------------------

interface FileRow {
  symbol: string;
  mpid: string;
  shares: number;
  trades: number;
}

function fileRows(path: string): FileRow[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l !== '')
    .map((l) => l.split('|'))
    .map((f) => ({ symbol: f[1] ?? '', mpid: f[4] ?? '', shares: Number(f[5]), trades: Number(f[6]) }));
}

/** Symbols by total shares, biggest first (ties by name, which the test never relies on). */
function symbolsByVolume(path: string): { symbol: string; shares: number; trades: number }[] {
  return [...symbolTotals(path)]
    .map(([symbol, t]) => ({ symbol, ...t }))
    .sort((a, b) => b.shares - a.shares || a.symbol.localeCompare(b.symbol));
}

function venueTotals(path: string): { mpid: string; shares: number; trades: number; symbols: number }[] {
  const m = new Map<string, { shares: number; trades: number; symbols: Set<string> }>();
  for (const r of fileRows(path)) {
    const v = m.get(r.mpid) ?? { shares: 0, trades: 0, symbols: new Set<string>() };
    v.shares += r.shares;
    v.trades += r.trades;
    v.symbols.add(r.symbol);
    m.set(r.mpid, v);
  }
  return [...m]
    .map(([mpid, v]) => ({ mpid, shares: v.shares, trades: v.trades, symbols: v.symbols.size }))
    .sort((a, b) => b.shares - a.shares);
}

const q = (over: Partial<DatasetQuery> & { dataset: string }): DatasetQuery => ({ asOf: LATEST, ...over });
const ids = (r: DatasetResult): string[] => r.captures.map((c) => c.capture_id);
const col = (r: DatasetResult, name: string): unknown[] => r.rows.map((row) => row[name]);

function tableColumns(table: string): string[] {
  return (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((c) => c.name);
}

// ---- datasets -------------------------------------------------------------------------------------

describe('findDataset', () => {
  it('finds every dataset by name and the short aliases by alias', () => {
    for (const ds of DATASETS) expect(findDataset(ds.name)).toBe(ds);
    expect(findDataset('symbols').name).toBe('otc.summary');
    expect(findDataset('summary').name).toBe('otc.summary');
    expect(findDataset('rejects').name).toBe('otc.rejects');
    expect(findDataset('quality').name).toBe('otc.quality');
    expect(findDataset('venues').name).toBe('otc.venue_share');
  });

  it('suggests the dataset an alias stands for, once, for a near miss', () => {
    const e = spineErrorOf(() => findDataset('symbls'));
    expect(e.code).toBe(ErrorCodes.INVALID_PARAMS);
    expect(e.message).toBe("Unknown dataset 'symbls'. Did you mean otc.summary?");
    expect(e.details).toEqual({
      valid: DATASETS.map((d) => d.name),
      aliases: ['summary', 'symbols', 'rejects', 'quality', 'venues'],
      suggestions: ['otc.summary'],
    });
    // 'summar' is one edit from the alias 'summary' and from the tail of 'otc.summary': one suggestion.
    expect(spineErrorOf(() => findDataset('summar')).details['suggestions']).toEqual(['otc.summary']);
  });

  it('lists the valid datasets when nothing is close', () => {
    const e = spineErrorOf(() => findDataset('zzzzzzzz'));
    expect(e.code).toBe(ErrorCodes.INVALID_PARAMS);
    expect(e.message).toBe(`Unknown dataset 'zzzzzzzz'. Valid datasets: ${DATASETS.map((d) => d.name).join(', ')}`);
    expect(e.details['suggestions']).toEqual([]);
  });

  it('names market_share_pct market_share in output, and leaves other columns alone', () => {
    const share = findDataset('otc.venue_share');
    expect(outputName(share, 'market_share_pct')).toBe('market_share');
    expect(outputName(share, 'rank')).toBe('rank');
    expect(outputName(findDataset('otc.summary'), 'market_share_pct')).toBe('market_share_pct');
  });
});

// ---- rows, columns, ordering ----------------------------------------------------------------------

describe('queryDataset rows and columns', () => {
  it('reads the latest capture of a week: every summary row, biggest volume first, stored columns minus id', () => {
    const r = queryDataset(db, q({ dataset: 'otc.summary', weeks: [W1], tier: 'OTC' }));
    const expected = symbolsByVolume(two.revisedFile);
    expect(r.dataset).toBe('otc.summary');
    expect(r.as_of).toBe('latest');
    expect(ids(r)).toEqual([two.revised.captureId]);
    expect(r.missing).toEqual([]);
    expect(r.count).toBe(expected.length);
    expect(r.rows.length).toBe(expected.length);
    expect(col(r, 'total_volume')).toEqual(expected.map((e) => e.shares));
    expect(Object.keys(r.rows[0] ?? {})).toEqual(
      tableColumns('finra_otc_transparency_symbol_summary').filter((c) => c !== 'id'),
    );
    expect(new Set(col(r, 'capture_id'))).toEqual(new Set([two.revised.captureId]));
  });

  it('limits to the top N rows and filters by symbol in any case', () => {
    const top = queryDataset(db, q({ dataset: 'otc.summary', weeks: [W1], top: 3 }));
    expect(top.count).toBe(3);
    expect(col(top, 'symbol')).toEqual(
      symbolsByVolume(two.revisedFile)
        .slice(0, 3)
        .map((e) => e.symbol),
    );

    const aabb = queryDataset(db, q({ dataset: 'summary', weeks: [W1], symbol: 'aabb' }));
    const totals = symbolTotals(two.revisedFile).get('AABB');
    expect(aabb.rows).toEqual([
      expect.objectContaining({
        week_ending: W1,
        tier: 'OTC',
        symbol: 'AABB',
        total_volume: totals?.shares,
        total_trades: totals?.trades,
        venue_count: 2,
        capture_id: two.revised.captureId,
        captured_at: two.revised.capturedAt,
        source_last_update_date: '2025-12-22',
      }),
    ]);
    expect(typeof aabb.rows[0]?.['total_volume']).toBe('number');
  });

  it('filters venue rows by symbol and mpid, upper-casing both', () => {
    const r = queryDataset(db, q({ dataset: 'otc.venue_volume', weeks: [W1], symbol: 'aabb', mpid: 'otcx' }));
    const row = fileRows(two.revisedFile).find((f) => f.symbol === 'AABB' && f.mpid === 'OTCX');
    expect(r.rows.map((x) => [x['symbol'], x['mpid'], x['total_shares'], x['total_trades']])).toEqual([
      ['AABB', 'OTCX', row?.shares, row?.trades],
    ]);
    const otcn = queryDataset(db, q({ dataset: 'otc.venue_volume', weeks: [W1], mpid: 'otcn' }));
    expect(otcn.count).toBe(fileRows(two.revisedFile).filter((f) => f.mpid === 'OTCN').length);
    expect(new Set(col(otcn, 'mpid'))).toEqual(new Set(['OTCN']));
  });

  it('outputs venue shares by rank under the name market_share', () => {
    const r = queryDataset(db, q({ dataset: 'venues', weeks: [W2] }));
    const venues = venueTotals(SAMPLE_1222);
    const total = venues.reduce((s, v) => s + v.shares, 0);
    expect(r.rows.map((x) => [x['mpid'], x['rank'], x['total_volume'], x['total_trades'], x['symbol_count']])).toEqual(
      venues.map((v, i) => [v.mpid, i + 1, v.shares, v.trades, v.symbols]),
    );
    for (const [i, v] of venues.entries()) expect(r.rows[i]?.['market_share']).toBeCloseTo(v.shares / total, 12);
    expect(Object.keys(r.rows[0] ?? {})).toEqual(
      tableColumns('finra_otc_transparency_venue_share')
        .filter((c) => c !== 'id')
        .map((c) => (c === 'market_share_pct' ? 'market_share' : c)),
    );
  });

  it('orders by any column, either direction, by its output name, in any case', () => {
    const venues = venueTotals(SAMPLE_1222);
    const byTrades = [...venues].sort((a, b) => b.trades - a.trades).map((v) => v.mpid);
    const mpids = (orderBy: string): unknown[] =>
      col(queryDataset(db, q({ dataset: 'otc.venue_share', weeks: [W2], orderBy })), 'mpid');
    expect(mpids('total_trades desc')).toEqual(byTrades);
    expect(mpids('  TOTAL_TRADES   DESC ')).toEqual(byTrades);
    expect(mpids('total_trades')).toEqual([...byTrades].reverse());
    expect(mpids('total_trades asc')).toEqual([...byTrades].reverse());
    expect(mpids('market_share asc')).toEqual(venues.map((v) => v.mpid).reverse());
    expect(mpids('market_share_pct desc')).toEqual(venues.map((v) => v.mpid));
  });

  it('refuses an unknown or malformed --order-by, listing the output column names', () => {
    const names = tableColumns('finra_otc_transparency_venue_share').map((c) =>
      c === 'market_share_pct' ? 'market_share' : c,
    );
    const bad = (orderBy: string): SpineError =>
      spineErrorOf(() => queryDataset(db, q({ dataset: 'otc.venue_share', weeks: [W2], orderBy })));
    const near = bad('market_shar desc');
    expect(near.code).toBe(ErrorCodes.INVALID_PARAMS);
    expect(near.message).toBe(
      `Unknown column 'market_shar desc' for otc.venue_share. Did you mean 'market_share'? Valid columns: ${names.join(', ')}`,
    );
    expect(bad('symbol').message).toBe(
      `Unknown column 'symbol' for otc.venue_share. Did you mean 'symbol_count'? Valid columns: ${names.join(', ')}`,
    );
    expect(bad('rank; DROP TABLE x').message).toBe(
      `Unknown column 'rank; DROP TABLE x' for otc.venue_share. Did you mean 'rank'? Valid columns: ${names.join(', ')}`,
    );
    expect(bad('qqqqqqqqqq!').message).toBe(
      `Unknown column 'qqqqqqqqqq!' for otc.venue_share. Valid columns: ${names.join(', ')}`,
    );
    expect(bad('rank sideways').code).toBe(ErrorCodes.INVALID_PARAMS);
  });

  it('joins lineage into quality rows, which carry only capture_id', () => {
    const r = queryDataset(db, q({ dataset: 'quality', weeks: [W1], tier: 'OTC' }));
    const stored = db
      .prepare(`SELECT check_name, status FROM core_quality WHERE capture_id = ? ORDER BY id`)
      .all(two.revised.captureId) as { check_name: string; status: string }[];
    expect(r.rows.map((x) => [x['check_name'], x['status']])).toEqual(stored.map((s) => [s.check_name, s.status]));
    expect(r.count).toBe(stored.length);
    for (const row of r.rows) {
      expect([row['week_ending'], row['tier'], row['captured_at'], row['source_last_update_date']]).toEqual([
        W1,
        'OTC',
        two.revised.capturedAt,
        '2025-12-22',
      ]);
    }
    expect(queryDataset(db, q({ dataset: 'rejects', weeks: [W1] })).rows).toEqual([]);
  });

  it('refuses a symbol filter on a dataset without symbols and an mpid filter on one without venues', () => {
    const s = spineErrorOf(() => queryDataset(db, q({ dataset: 'otc.venue_share', symbol: 'AABB' })));
    expect([s.code, s.message]).toEqual([ErrorCodes.INVALID_PARAMS, 'otc.venue_share has no symbol column']);
    const m = spineErrorOf(() => queryDataset(db, q({ dataset: 'otc.summary', mpid: 'OTCN' })));
    expect([m.code, m.message]).toEqual([ErrorCodes.INVALID_PARAMS, 'otc.summary has no mpid column']);
  });
});

// ---- capture selection ----------------------------------------------------------------------------

describe('which captures answer', () => {
  it('reads the latest capture of every published week when no week is given', () => {
    const r = queryDataset(db, q({ dataset: 'otc.venue_share' }));
    expect(ids(r)).toEqual([small[2]?.captureId, two.revised.captureId, w2.captureId]);
    expect(r.missing).toEqual([]);
    const weekCounts = new Map<unknown, number>();
    for (const w of col(r, 'week_ending')) weekCounts.set(w, (weekCounts.get(w) ?? 0) + 1);
    expect(weekCounts).toEqual(
      new Map([
        [W0, venueTotals(smallFile).length],
        [W1, venueTotals(two.revisedFile).length],
        [W2, venueTotals(SAMPLE_1222).length],
      ]),
    );
  });

  it('reports the (week, tier) pairs with no capture only when a tier or a capture is asked for', () => {
    const all = queryDataset(db, q({ dataset: 'otc.summary', weeks: [W1, '2025-12-26'] }));
    expect(ids(all)).toEqual([two.revised.captureId]);
    expect(all.missing).toEqual([]);

    const tier1 = queryDataset(db, q({ dataset: 'otc.summary', weeks: [W1, W2], tier: 'NMS_TIER_1' }));
    expect(tier1).toEqual({
      rows: [],
      count: 0,
      dataset: 'otc.summary',
      as_of: 'latest',
      captures: [],
      missing: [
        { week_ending: W1, tier: 'NMS_TIER_1' },
        { week_ending: W2, tier: 'NMS_TIER_1' },
      ],
    });
    // No week: only the weeks with a published capture of that tier, so none.
    expect(queryDataset(db, q({ dataset: 'otc.summary', tier: 'NMS_TIER_1' }))).toEqual({
      rows: [],
      count: 0,
      dataset: 'otc.summary',
      as_of: 'latest',
      captures: [],
      missing: [],
    });
  });

  it('reads the capture that was latest at an instant (--as-of reads captured_at)', () => {
    const asOf = parseAsOf('2025-12-16');
    const r = queryDataset(db, q({ dataset: 'otc.summary', symbol: 'AABB', asOf }));
    expect(r.as_of).toBe('2025-12-16T23:59:59.999000+00:00');
    expect(ids(r)).toEqual([small[2]?.captureId, two.original.captureId]);
    const original = symbolTotals(ORIGINAL_FILE).get('AABB');
    expect(r.rows.map((x) => [x['week_ending'], x['total_volume'], x['total_trades']])).toEqual([
      [W0, symbolTotals(smallFile).get('AABB')?.shares, symbolTotals(smallFile).get('AABB')?.trades],
      [W1, original?.shares, original?.trades],
    ]);
    const exact = queryDataset(db, q({ dataset: 'otc.summary', weeks: [W1], asOf: parseAsOf(SECOND_RUN_AT) }));
    expect(ids(exact)).toEqual([two.revised.captureId]);
    const before = queryDataset(
      db,
      q({ dataset: 'otc.summary', weeks: [W1], asOf: parseAsOf('2025-12-22T11:59:59Z') }),
    );
    expect(ids(before)).toEqual([two.original.captureId]);
  });

  it("reads what FINRA had published by a date (--published-as-of reads the source's update date)", () => {
    const r = queryDataset(db, q({ dataset: 'otc.summary', top: 1, asOf: parseAsOf(undefined, '2025-12-15') }));
    expect(r.as_of).toBe('published 2025-12-15');
    expect(ids(r)).toEqual([small[2]?.captureId, two.original.captureId]);
    expect(r.count).toBe(1);
    const later = queryDataset(
      db,
      q({ dataset: 'otc.summary', weeks: [W1, W2], asOf: parseAsOf(undefined, '2025-12-22') }),
    );
    expect(ids(later)).toEqual([two.revised.captureId, w2.captureId]);
    expect(later.count).toBe(symbolTotals(two.revisedFile).size + symbolTotals(SAMPLE_1222).size);
  });

  it('reads a capture named by id, short hash or trailing part, even when it is no longer the latest', () => {
    const full = two.original.captureId;
    const hash = full.slice(full.lastIndexOf(':') + 1);
    for (const typed of [full, hash, `OTC:${W1}:${hash}`]) {
      const r = queryDataset(db, q({ dataset: 'otc.summary', asOf: { kind: 'capture', captureId: typed }, top: 2 }));
      expect(r.as_of).toBe(full);
      expect(ids(r)).toEqual([full]);
      expect(r.missing).toEqual([]);
      expect(col(r, 'symbol')).toEqual(
        symbolsByVolume(ORIGINAL_FILE)
          .slice(0, 2)
          .map((e) => e.symbol),
      );
    }
  });

  it('with a capture and weeks, reports every other (week, tier) asked for as missing', () => {
    const r = queryDataset(
      db,
      q({ dataset: 'otc.summary', weeks: [W1, W2], symbol: 'AABB', asOf: { kind: 'capture', captureId: full() } }),
    );
    expect(ids(r)).toEqual([two.original.captureId]);
    expect(r.missing).toEqual([
      { week_ending: W1, tier: 'NMS_TIER_1' },
      { week_ending: W1, tier: 'NMS_TIER_2' },
      { week_ending: W2, tier: 'NMS_TIER_1' },
      { week_ending: W2, tier: 'NMS_TIER_2' },
      { week_ending: W2, tier: 'OTC' },
    ]);
    expect(col(r, 'total_volume')).toEqual([symbolTotals(ORIGINAL_FILE).get('AABB')?.shares]);
  });

  it('refuses a capture id that matches nothing, with the forms --as-of accepts', () => {
    const e = spineErrorOf(() =>
      queryDataset(db, q({ dataset: 'otc.summary', asOf: { kind: 'capture', captureId: 'nosuchcapture' } })),
    );
    expect(e.code).toBe(ErrorCodes.NOT_FOUND);
    expect(e.message).toBe(
      "--as-of 'nosuchcapture' is not 'latest', a moment (now, 2h, 7d, 2025-12-20, an ISO instant) or a known capture id",
    );
    expect(e.details).toEqual({ value: 'nosuchcapture', hint: 'spine captures list' });
  });

  it('passes on the other capture-id errors (too short, ambiguous) unchanged', () => {
    const short = spineErrorOf(() =>
      queryDataset(db, q({ dataset: 'otc.summary', asOf: { kind: 'capture', captureId: 'ab' } })),
    );
    expect(short.code).toBe(ErrorCodes.INVALID_PARAMS);
    expect(short.message).toMatch(/^Capture id 'ab' is too short/);
    const many = spineErrorOf(() =>
      queryDataset(db, q({ dataset: 'otc.summary', asOf: { kind: 'capture', captureId: `${OTC_DOMAIN}:OTC:${W0}` } })),
    );
    expect(many.code).toBe(ErrorCodes.INVALID_PARAMS);
    expect(many.message).toMatch(/^'finra\.otc_transparency:OTC:2025-12-05' matches 3 captures/);
  });

  it('refuses superseded and deleted captures, naming the latest of their week', () => {
    for (const [c, status] of [
      [small[1], 'superseded'],
      [small[0], 'deleted'],
    ] as const) {
      const id = c?.captureId ?? '';
      const e = spineErrorOf(() =>
        queryDataset(db, q({ dataset: 'otc.summary', asOf: { kind: 'capture', captureId: id } })),
      );
      expect(e.code).toBe(ErrorCodes.NOT_FOUND);
      expect(e.message).toBe(
        `Capture ${id} has been ${status}: its rows are gone. The latest capture of week ${W0} tier OTC is ${small[2]?.captureId}`,
      );
      expect(e.details).toEqual({
        capture_id: id,
        status,
        latest: small[2]?.captureId,
        hint: `spine captures list --week ${W0} --tier OTC`,
      });
    }
  });
});

function full(): string {
  return two.original.captureId;
}

// ---- the plan (what `spine export` streams) -------------------------------------------------------

describe('planDatasetQuery', () => {
  it('selects any subset of its captures in any order, with the filters bound after the ids', () => {
    const plan = planDatasetQuery(
      db,
      q({ dataset: 'otc.venue_volume', weeks: [W1], symbol: 'aacay', asOf: parseAsOf('2025-12-31') }),
    );
    expect(plan.columns).toEqual(tableColumns('finra_otc_transparency_venue_volume'));
    expect(plan.as_of).toBe('2025-12-31T23:59:59.999000+00:00');
    const one = plan.select({ captureIds: [two.original.captureId], order: 't.mpid ASC' });
    expect(one.args).toEqual([two.original.captureId, 'AACAY']);
    const rows = (ids: readonly string[], order?: string) => {
      const s = plan.select({ captureIds: ids, ...(order ? { order } : {}) });
      return db.prepare(s.sql).all(...s.args) as { capture_id: string; mpid: string; total_shares: number }[];
    };
    const expected = (path: string): string[] =>
      fileRows(path)
        .filter((f) => f.symbol === 'AACAY')
        .map((f) => f.mpid)
        .sort();
    expect(rows([two.original.captureId], 't.mpid ASC').map((r) => r.mpid)).toEqual(expected(ORIGINAL_FILE));
    const both = rows([two.original.captureId, two.revised.captureId], 't.capture_id ASC, t.mpid DESC');
    const [first, second] = [two.original.captureId, two.revised.captureId].sort();
    expect(both.map((r) => [r.capture_id, r.mpid])).toEqual([
      ...expected(ORIGINAL_FILE)
        .reverse()
        .map((m) => [first, m]),
      ...expected(two.revisedFile)
        .reverse()
        .map((m) => [second, m]),
    ]);
    // The default: the resolved capture, in the dataset's order (total_shares DESC).
    const dflt = plan.select();
    expect(dflt.args).toEqual([two.revised.captureId, 'AACAY']);
    const shares = (db.prepare(dflt.sql).all(...dflt.args) as { total_shares: number }[]).map((r) => r.total_shares);
    expect(shares).toEqual(
      fileRows(two.revisedFile)
        .filter((f) => f.symbol === 'AACAY')
        .map((f) => f.shares)
        .sort((a, b) => b - a),
    );
  });
});

// ---- errors for empty answers ---------------------------------------------------------------------

describe('noCaptureError', () => {
  const empty = (query: DatasetQuery): { q: DatasetQuery; r: DatasetResult } => {
    const r = queryDataset(db, query);
    expect(r.captures).toEqual([]);
    return { q: query, r };
  };

  it('explains an instant before the first capture and points to --published-as-of', () => {
    const { q: query, r } = empty(q({ dataset: 'otc.summary', asOf: parseAsOf('2025-12-01') }));
    const e = noCaptureError(db, query, r);
    expect(e.code).toBe(ErrorCodes.NOT_FOUND);
    const first = capturedAtOf(SMALL_RUNS[0]);
    expect(e.message).toBe(
      `No capture as of 2025-12-01T23:59:59.999000+00:00: the first one was captured at ${first}. ` +
        `--as-of reads captured_at, the moment this database captured the data (use e.g. --as-of 2h or a capture id); ` +
        `for what FINRA had published by a date, use --published-as-of 2025-12-01`,
    );
    expect(e.details).toEqual({
      as_of: '2025-12-01T23:59:59.999000+00:00',
      first_captured_at: first,
      hint: '--published-as-of 2025-12-01',
    });
  });

  it('names the weeks and tier asked for, and the first capture among them', () => {
    const { q: query, r } = empty(
      q({ dataset: 'otc.summary', weeks: [W1, W2], tier: 'OTC', asOf: parseAsOf('2025-12-14') }),
    );
    expect(noCaptureError(db, query, r).message).toBe(
      `No capture as of 2025-12-14T23:59:59.999000+00:00 for week ${W1}, ${W2} tier OTC: the first one was captured at ${capturedAtOf(FIRST_RUN_AT)}. ` +
        `--as-of reads captured_at, the moment this database captured the data (use e.g. --as-of 2h or a capture id); ` +
        `for what FINRA had published by a date, use --published-as-of 2025-12-14`,
    );
  });

  it('says only that nothing was captured by an instant when no capture came later either', () => {
    const { q: query, r } = empty(
      q({ dataset: 'otc.summary', weeks: [W1], tier: 'NMS_TIER_2', asOf: parseAsOf('2025-12-31') }),
    );
    const e = noCaptureError(db, query, r);
    expect([e.code, e.message]).toEqual([
      ErrorCodes.NOT_FOUND,
      `No capture as of 2025-12-31T23:59:59.999000+00:00 for week ${W1} tier NMS_TIER_2`,
    ]);
    expect(e.details).toEqual({ hint: 'spine captures list' });
    // An instant after the first capture of the weeks asked for: no pointer to --published-as-of.
    const after = q({ dataset: 'otc.summary', weeks: [W1], asOf: parseAsOf('2025-12-31') });
    expect(noCaptureError(db, after, r).message).toBe(
      `No capture as of 2025-12-31T23:59:59.999000+00:00 for week ${W1}`,
    );
  });

  it('says no capture is published, for the latest, with the week and tier asked for', () => {
    const tierOnly = empty(q({ dataset: 'otc.summary', tier: 'NMS_TIER_1' }));
    expect(noCaptureError(db, tierOnly.q, tierOnly.r).message).toBe('No capture published tier NMS_TIER_1');
    const week = empty(q({ dataset: 'otc.summary', weeks: ['2025-12-26'] }));
    expect(noCaptureError(db, week.q, week.r).message).toBe('No capture published for week 2025-12-26');
    const noWeeks = empty(q({ dataset: 'otc.summary', weeks: [], tier: 'NMS_TIER_2' }));
    const e = noCaptureError(db, noWeeks.q, noWeeks.r);
    expect([e.code, e.message, e.details]).toEqual([
      ErrorCodes.NOT_FOUND,
      'No capture published tier NMS_TIER_2',
      { hint: 'spine captures list' },
    ]);
  });

  it('gives the source date of --published-as-of', () => {
    const { q: query, r } = empty(q({ dataset: 'otc.summary', weeks: [W1], asOf: parseAsOf(undefined, '2025-12-01') }));
    expect(noCaptureError(db, query, r).message).toBe(`No capture as of published 2025-12-01 for week ${W1}`);
  });
});
