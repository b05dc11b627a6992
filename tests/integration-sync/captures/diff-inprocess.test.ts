/**
 * diffCaptures in-process over captures published through the dispatcher: the real week 2025-12-12 and
 * its revision (three rows changed, one removed, one added: tests/fixtures/revised), a third capture of
 * the original file (identical to the first), a small week whose first captures were deleted by gc and
 * superseded by --replace-capture, and a week of counts beyond 2^53. Expected values come from the
 * revision's declaration and the source files, never from the code under test.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/core/db/open-database.js';
import { ErrorCodes } from '../../../src/core/errors.js';
import { DIFF_DATASETS, diffCaptures } from '../../../src/domains/otc/captures/diff.js';
import type { DiffChange } from '../../../src/domains/otc/captures/diff.js';
import { buildCaptureLifecycle, buildTwoCaptures, runWeekAt } from '../../fixtures/revised/captures.js';
import type { BuiltCapture, TwoCaptures } from '../../fixtures/revised/captures.js';
import {
  ORIGINAL_FILE,
  REVISION,
  REVISION_DELTA_SHARES,
  dataRowCount,
  symbolCount,
  symbolTotals,
  totalShares,
  writeHeadCopy,
} from '../../fixtures/revised/revise-otc-file.js';
import { expectedSymbolChange } from '../../fixtures/revised/revise-otc-file.js';
import { openTempDb, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';
import { spineErrorOf } from '../../helpers/errors.js';

const W0 = '2025-12-05';
const WBIG = '2025-11-28';
const HEADER =
  'tierDescription|issueSymbolIdentifier|issueName|marketParticipantName|MPID|totalWeeklyShareQuantity|totalWeeklyTradeCount|lastUpdateDate';
const bigLine = (symbol: string, shares: string, trades: string): string =>
  `OTC|${symbol}|${symbol} Corp|OTCN OTC LINK NQB IDQS|OTCN|${shares}|${trades}|2025-12-01`;

let dir: TempDir;
let two: TwoCaptures;
let again: BuiltCapture;
/** Week W0: [deleted by gc, superseded by replace, published]. */
let small: BuiltCapture[];
let big: BuiltCapture[];
let db: Db;

beforeAll(async () => {
  dir = tempDir();
  two = await buildTwoCaptures(dir, 'd.db');
  again = await runWeekAt(dir, 'd.db', '2025-12-29T12:00:00.000Z', { file_path: ORIGINAL_FILE, force: true });
  const head = writeHeadCopy(dir.join('head.csv'), 12);
  small = await buildCaptureLifecycle(dir, 'd.db', head, W0);
  const bigA = dir.join('big-a.psv');
  const bigB = dir.join('big-b.psv');
  writeFileSync(bigA, [HEADER, bigLine('BIG', '9007199254740993', '3'), bigLine('SMALL', '100', '1'), ''].join('\n'));
  writeFileSync(bigB, [HEADER, bigLine('BIG', '9007199254740995', '3'), bigLine('SMALL', '100', '1'), ''].join('\n'));
  const pb = { week_ending: WBIG, tier: 'OTC' };
  big = [
    await runWeekAt(dir, 'd.db', '2025-12-01T12:00:00.000Z', { ...pb, file_path: bigA }),
    await runWeekAt(dir, 'd.db', '2025-12-02T12:00:00.000Z', { ...pb, file_path: bigB, force: true }),
  ];
  db = openTempDb(dir.join('d.db'));
}, 300_000);

afterAll(() => {
  db.close();
  dir.cleanup();
});

const recorded = (captureId: string): Record<string, number> =>
  JSON.parse(
    (db.prepare('SELECT row_counts FROM core_captures WHERE capture_id = ?').get(captureId) as { row_counts: string })
      .row_counts,
  ) as Record<string, number>;

const [aabb, aacay, zvsa] = REVISION.changed;
const { removed, added } = REVISION;

/** The venue-level changes of the revision, biggest absolute share delta first. */
const VENUE_CHANGES: DiffChange[] = [
  {
    change: 'removed',
    symbol: removed.symbol,
    mpid: removed.mpid,
    old_shares: removed.shares,
    new_shares: null,
    delta_shares: -removed.shares,
    old_trades: removed.trades,
    new_trades: null,
    delta_trades: -removed.trades,
  },
  ...[aabb, undefined, aacay, zvsa].map((c): DiffChange => {
    if (c === undefined) {
      return {
        change: 'added',
        symbol: added.symbol,
        mpid: added.mpid,
        old_shares: null,
        new_shares: added.shares,
        delta_shares: added.shares,
        old_trades: null,
        new_trades: added.trades,
        delta_trades: added.trades,
      };
    }
    return {
      change: 'changed',
      symbol: c.symbol,
      mpid: c.mpid,
      old_shares: c.oldShares,
      new_shares: c.newShares,
      delta_shares: c.newShares - c.oldShares,
      old_trades: c.oldTrades,
      new_trades: c.newTrades,
      delta_trades: c.newTrades - c.oldTrades,
    };
  }),
];

describe('diffCaptures otc.venue_volume', () => {
  it('lists the removed, changed and added venue rows of the revision, biggest share delta first', () => {
    const d = diffCaptures(db, two.original.captureId, two.revised.captureId);
    expect(d.changes).toEqual(VENUE_CHANGES);
    const rows = dataRowCount(ORIGINAL_FILE);
    expect(d.summary).toEqual({
      added: 1,
      removed: 1,
      changed: 3,
      unchanged: rows - 1 - 3,
      old_total_shares: totalShares(ORIGINAL_FILE),
      new_total_shares: totalShares(two.revisedFile),
      delta_total_shares: REVISION_DELTA_SHARES,
    });
    expect(totalShares(two.revisedFile) - totalShares(ORIGINAL_FILE)).toBe(REVISION_DELTA_SHARES);
    expect([d.dataset, d.truncated, d.rows_compared, d.note]).toEqual(['otc.venue_volume', false, true, null]);
    expect([d.a.capture_id, d.a.status, d.b.capture_id, d.b.status]).toEqual([
      two.original.captureId,
      'published',
      two.revised.captureId,
      'published',
    ]);
    const a = recorded(two.original.captureId);
    const b = recorded(two.revised.captureId);
    expect(d.recorded_counts).toEqual(Object.fromEntries(Object.keys(a).map((t) => [t, { old: a[t], new: b[t] }])));
    expect(Object.keys(d.recorded_counts).length).toBe(8);
  });

  it('accepts capture ids in any form resolveCaptureId takes', () => {
    const hash = (id: string): string => id.slice(id.lastIndexOf(':') + 1);
    const d = diffCaptures(db, hash(two.original.captureId), hash(two.revised.captureId), 'otc.venue_volume', 1);
    expect([d.a.capture_id, d.b.capture_id]).toEqual([two.original.captureId, two.revised.captureId]);
    expect(d.changes).toEqual(VENUE_CHANGES.slice(0, 1));
  });

  it('caps the listed changes at the limit, never the counts, and says when it cut', () => {
    for (const limit of [1, 2, 4, 5, 6, 100]) {
      const d = diffCaptures(db, two.original.captureId, two.revised.captureId, 'otc.venue_volume', limit);
      expect(d.changes, `limit ${limit}`).toEqual(VENUE_CHANGES.slice(0, limit));
      expect(d.truncated, `limit ${limit}`).toBe(limit < 5);
      expect(d.summary?.changed).toBe(3);
    }
  });

  it('reverses every sign when the captures are swapped', () => {
    const d = diffCaptures(db, two.revised.captureId, two.original.captureId);
    const flipped = VENUE_CHANGES.map((c): DiffChange => ({
      change: c.change === 'added' ? 'removed' : c.change === 'removed' ? 'added' : 'changed',
      symbol: c.symbol,
      mpid: c.mpid as string,
      old_shares: c.new_shares,
      new_shares: c.old_shares,
      delta_shares: Number(c.old_shares ?? 0) - Number(c.new_shares ?? 0),
      old_trades: c.new_trades,
      new_trades: c.old_trades,
      delta_trades: Number(c.old_trades ?? 0) - Number(c.new_trades ?? 0),
    }));
    expect(d.changes).toEqual(flipped);
    expect(d.summary).toMatchObject({ added: 1, removed: 1, changed: 3, delta_total_shares: -REVISION_DELTA_SHARES });
  });

  it('finds nothing between two captures of the same file', () => {
    const d = diffCaptures(db, two.original.captureId, again.captureId);
    const total = totalShares(ORIGINAL_FILE);
    expect(d.changes).toEqual([]);
    expect(d.summary).toEqual({
      added: 0,
      removed: 0,
      changed: 0,
      unchanged: dataRowCount(ORIGINAL_FILE),
      old_total_shares: total,
      new_total_shares: total,
      delta_total_shares: 0,
    });
    expect(d.truncated).toBe(false);
  });
});

describe('diffCaptures otc.summary', () => {
  it('compares per symbol: the symbol totals of the changed, removed and added symbols', () => {
    const before = symbolTotals(ORIGINAL_FILE);
    const after = symbolTotals(two.revisedFile);
    const d = diffCaptures(db, two.original.captureId, two.revised.captureId, 'otc.summary');
    const sym = (change: DiffChange['change'], symbol: string): DiffChange =>
      expectedSymbolChange(before, after, change, symbol);
    expect(d.changes).toEqual([
      sym('removed', removed.symbol),
      sym('changed', aabb?.symbol ?? ''),
      sym('added', added.symbol),
      sym('changed', aacay?.symbol ?? ''),
      sym('changed', zvsa?.symbol ?? ''),
    ]);
    expect(d.summary).toEqual({
      added: 1,
      removed: 1,
      changed: 3,
      unchanged: symbolCount(ORIGINAL_FILE) - 1 - 3,
      old_total_shares: totalShares(ORIGINAL_FILE),
      new_total_shares: totalShares(two.revisedFile),
      delta_total_shares: REVISION_DELTA_SHARES,
    });
    expect(d.dataset).toBe('otc.summary');
  });

  it('refuses a dataset it cannot diff, naming the ones it can', () => {
    expect(DIFF_DATASETS).toEqual(['otc.venue_volume', 'otc.summary']);
    const e = spineErrorOf(() => diffCaptures(db, two.original.captureId, two.revised.captureId, 'otc.hhi'));
    expect([e.code, e.message]).toEqual([
      ErrorCodes.INVALID_PARAMS,
      "Cannot diff 'otc.hhi'. Valid datasets: otc.venue_volume, otc.summary",
    ]);
  });
});

describe('diffCaptures with counts beyond 2^53', () => {
  it('keeps every digit (bigint) and gives small deltas as numbers', () => {
    const [a, b] = [big[0]?.captureId ?? '', big[1]?.captureId ?? ''];
    const d = diffCaptures(db, a, b);
    expect(d.changes).toEqual([
      {
        change: 'changed',
        symbol: 'BIG',
        mpid: 'OTCN',
        old_shares: 9007199254740993n,
        new_shares: 9007199254740995n,
        delta_shares: 2,
        old_trades: 3,
        new_trades: 3,
        delta_trades: 0,
      },
    ]);
    expect(d.summary).toEqual({
      added: 0,
      removed: 0,
      changed: 1,
      unchanged: 1,
      old_total_shares: 9007199254741093n,
      new_total_shares: 9007199254741095n,
      delta_total_shares: 2,
    });
    expect(typeof d.summary?.delta_total_shares).toBe('number');
    const s = diffCaptures(db, b, a, 'otc.summary').summary;
    expect(s?.delta_total_shares).toBe(-2);
  });
});

describe('diffCaptures when rows are gone', () => {
  it('compares only the recorded row counts when one capture was deleted or superseded', () => {
    for (const [gone, status] of [
      [small[0], 'deleted'],
      [small[1], 'superseded'],
    ] as const) {
      const id = gone?.captureId ?? '';
      const latest = small[2]?.captureId ?? '';
      const d = diffCaptures(db, id, latest);
      const counts = recorded(id);
      expect(d).toMatchObject({
        changes: [],
        summary: null,
        dataset: 'otc.venue_volume',
        truncated: false,
        rows_compared: false,
        note: `${id} was ${status}: its rows are gone, so rows cannot be compared; these are the row counts recorded when each was captured`,
      });
      expect([d.a.capture_id, d.a.status, d.b.capture_id, d.b.status]).toEqual([id, status, latest, 'published']);
      expect(d.recorded_counts).toEqual(
        Object.fromEntries(Object.entries(counts).map(([t, n]) => [t, { old: n, new: n }])),
      );
      expect(d.recorded_counts['finra_otc_transparency_venue_volume']).toEqual({ old: 12, new: 12 });
    }
  });

  it('names both when both are gone, in the order given', () => {
    const [x, y] = [small[1]?.captureId ?? '', small[0]?.captureId ?? ''];
    const d = diffCaptures(db, x, y, 'otc.summary');
    expect([d.rows_compared, d.summary, d.dataset]).toEqual([false, null, 'otc.summary']);
    expect(d.note).toBe(
      `${x} was superseded and ${y} was deleted: its rows are gone, so rows cannot be compared; these are the row counts recorded when each was captured`,
    );
  });
});
