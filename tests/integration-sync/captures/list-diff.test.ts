/**
 * Issue 7: `spine captures list --json` contents and `spine captures diff` of the real week against its
 * revised copy (known adds, removes and changes with deltas, for otc.venue_volume and otc.summary), plus
 * --fail-on-change exit codes; a third capture of the original file gives an identical pair.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureListItem } from '../../../src/core/captures/capture-queries.js';
import type { CaptureDiff, DiffChange } from '../../../src/domains/otc/captures/diff.js';
import { OTC_TABLES, OTC_VIEWS } from '../../../src/domains/otc/constants.js';
import { buildTwoCaptures, runWeekAt } from '../../fixtures/revised/captures.js';
import type { BuiltCapture, TwoCaptures } from '../../fixtures/revised/captures.js';
import {
  ORIGINAL_FILE,
  ORIGINAL_UPDATE_DATE,
  REVISED_UPDATE_DATE,
  REVISION,
  REVISION_DELTA_SHARES,
  TIER,
  WEEK,
  dataRowCount,
  symbolCount,
  symbolTotals,
  totalShares,
} from '../../fixtures/revised/revise-otc-file.js';
import { expectedSymbolChange } from '../../fixtures/revised/revise-otc-file.js';
import { runCli } from '../../helpers/run-cli.js';
import type { CliResult } from '../../helpers/run-cli.js';
import { openTempDb, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';

const THIRD_RUN_AT = '2025-12-29T12:00:00.000Z';

let dir: TempDir;
let two: TwoCaptures;
let again: BuiltCapture;

const spine = (...args: string[]): CliResult => runCli(args, { dbPath: two.dbPath });
const diffJson = (...args: string[]): CaptureDiff => {
  const res = spine('captures', 'diff', ...args, '--json');
  expect(res.code, res.stderr).toBe(0);
  return res.json<CaptureDiff>();
};

beforeAll(async () => {
  dir = tempDir();
  two = await buildTwoCaptures(dir);
  again = await runWeekAt(dir, 'template.db', THIRD_RUN_AT, { file_path: ORIGINAL_FILE, force: true });
}, 120_000);

afterAll(() => dir.cleanup());

describe('spine captures list --json', () => {
  it('lists every capture newest first with clocks, status, latest flag, row counts and producing execution', () => {
    const res = spine('captures', 'list', '--week', WEEK, '--tier', 'otc', '--json');
    expect(res.code, res.stderr).toBe(0);
    const { captures, count } = res.json<{ captures: CaptureListItem[]; count: number }>();

    expect(count).toBe(3);
    expect(
      captures.map((c) => [
        c.capture_id,
        c.week_ending,
        c.tier,
        c.captured_at,
        c.source_last_update_date,
        c.status,
        c.is_latest,
        c.execution_id,
      ]),
    ).toEqual([
      [again.captureId, WEEK, TIER, again.capturedAt, ORIGINAL_UPDATE_DATE, 'published', true, again.executionId],
      [
        two.revised.captureId,
        WEEK,
        TIER,
        two.revised.capturedAt,
        REVISED_UPDATE_DATE,
        'published',
        false,
        two.revised.executionId,
      ],
      [
        two.original.captureId,
        WEEK,
        TIER,
        two.original.capturedAt,
        ORIGINAL_UPDATE_DATE,
        'published',
        false,
        two.original.executionId,
      ],
    ]);
  });

  it('reports row counts per table that equal the rows each capture holds', () => {
    const { captures } = spine('captures', 'list', '--json').json<{ captures: CaptureListItem[] }>();
    const db = openTempDb(two.dbPath);
    try {
      for (const c of captures) {
        // Every table of the capture; weekly_symbol_venue_volume is a view over venue_volume (migration 060).
        const tables = Object.values(OTC_TABLES).filter((t) => !OTC_VIEWS.includes(t));
        expect(Object.keys(c.row_counts).sort()).toEqual(tables.sort());
        for (const [table, n] of Object.entries(c.row_counts)) {
          const actual = (
            db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE capture_id = ?`).get(c.capture_id) as { n: number }
          ).n;
          expect(n, `${c.capture_id} ${table}`).toBe(actual);
        }
      }
    } finally {
      db.close();
    }
    const original = captures.find((c) => c.capture_id === two.original.captureId);
    expect(original?.row_counts).toMatchObject({
      [OTC_TABLES.raw]: dataRowCount(ORIGINAL_FILE),
      [OTC_TABLES.venueVolume]: dataRowCount(ORIGINAL_FILE),
      [OTC_TABLES.symbolSummary]: symbolCount(ORIGINAL_FILE),
    });
  });

  it('lists nothing for a tier that has no captures', () => {
    const res = spine('captures', 'list', '--tier', 'tier1', '--json');

    expect(res.code, res.stderr).toBe(0);
    expect(res.json<{ count: number }>().count).toBe(0);
  });
});

describe('spine captures diff of the real week against its revised copy', () => {
  it('counts 1 added, 1 removed, 3 changed venue rows with old/new/delta, biggest change first', () => {
    const diff = diffJson(two.original.captureId, two.revised.captureId);
    const oldTotal = totalShares(ORIGINAL_FILE);

    expect(diff.dataset).toBe('otc.venue_volume');
    expect(diff.summary).toEqual({
      added: 1,
      removed: 1,
      changed: 3,
      unchanged: dataRowCount(ORIGINAL_FILE) - 4,
      old_total_shares: oldTotal,
      new_total_shares: oldTotal + REVISION_DELTA_SHARES,
      delta_total_shares: REVISION_DELTA_SHARES,
    });
    const { removed: r, added: a } = REVISION;
    const changed = (symbol: string): DiffChange => {
      const c = REVISION.changed.find((x) => x.symbol === symbol);
      if (!c) throw new Error(symbol);
      return {
        change: 'changed',
        symbol,
        mpid: c.mpid,
        old_shares: c.oldShares,
        new_shares: c.newShares,
        delta_shares: c.newShares - c.oldShares,
        old_trades: c.oldTrades,
        new_trades: c.newTrades,
        delta_trades: c.newTrades - c.oldTrades,
      };
    };
    expect(diff.changes).toEqual([
      {
        change: 'removed',
        symbol: r.symbol,
        mpid: r.mpid,
        old_shares: r.shares,
        new_shares: null,
        delta_shares: -r.shares,
        old_trades: r.trades,
        new_trades: null,
        delta_trades: -r.trades,
      },
      changed('AABB'),
      {
        change: 'added',
        symbol: a.symbol,
        mpid: a.mpid,
        old_shares: null,
        new_shares: a.shares,
        delta_shares: a.shares,
        old_trades: null,
        new_trades: a.trades,
        delta_trades: a.trades,
      },
      changed('AACAY'),
      changed('ZVSA'),
    ]);
    expect(diff.truncated).toBe(false);
  });

  it('diffs otc.summary by symbol with per-symbol volume and trade deltas, biggest change first', () => {
    const diff = diffJson(two.original.captureId, two.revised.captureId, '--dataset', 'otc.summary');
    const before = symbolTotals(ORIGINAL_FILE);
    const after = symbolTotals(two.revisedFile);
    const row = (change: DiffChange['change'], symbol: string): DiffChange =>
      expectedSymbolChange(before, after, change, symbol);

    expect(diff.summary).toMatchObject({
      added: 1,
      removed: 1,
      changed: 3,
      unchanged: symbolCount(ORIGINAL_FILE) - 4,
      delta_total_shares: REVISION_DELTA_SHARES,
    });
    expect(diff.changes).toEqual([
      row('removed', 'AAGC'),
      row('changed', 'AABB'),
      row('added', 'ZZZZT'),
      row('changed', 'AACAY'),
      row('changed', 'ZVSA'),
    ]);
    const deltas = diff.changes.map((c) => Math.abs(Number(c.delta_shares)));
    expect(deltas).toEqual([...deltas].sort((x, y) => y - x));
  });

  it('exits 1 with --fail-on-change when the captures differ, after printing the summary', () => {
    const res = spine('captures', 'diff', two.original.captureId, two.revised.captureId, '--fail-on-change');

    expect(res.code).toBe(1);
    expect(res.stdout).toContain(`added 1, removed 1, changed 3, unchanged ${dataRowCount(ORIGINAL_FILE) - 4}`);
    expect(res.stdout).toContain('(+185,000)');
    expect(res.stderr).toContain('Error [EXECUTION_FAILED]: Captures differ: 1 added, 1 removed, 3 changed');
  });

  it('exits 0 with --fail-on-change for two captures of the same file, every row unchanged', () => {
    const res = spine('captures', 'diff', two.original.captureId, again.captureId, '--fail-on-change', '--json');

    expect(res.code, res.stderr).toBe(0);
    const diff = res.json<CaptureDiff>();
    expect(diff.changes).toEqual([]);
    expect(diff.summary).toMatchObject({
      added: 0,
      removed: 0,
      changed: 0,
      unchanged: dataRowCount(ORIGINAL_FILE),
      delta_total_shares: 0,
    });
  });

  it('refuses an unknown capture id with NOT_FOUND and exit code 2', () => {
    const res = spine('captures', 'diff', two.original.captureId, `${two.original.captureId}x`, '--json');

    expect(res.code).toBe(2);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('NOT_FOUND');
  });
});
