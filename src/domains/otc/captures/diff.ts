import type { Db } from '../../../core/db/open-database.js';
import { ErrorCodes, SpineError } from '../../../core/errors.js';
import { captureById } from '../../../core/query/point-in-time.js';
import type { CaptureRef } from '../../../core/query/point-in-time.js';
import { OTC_TABLES } from '../constants.js';

/** Business keys and compared values per diffable dataset. */
const DIFFABLE: Readonly<Record<string, { table: string; keys: readonly string[]; shares: string; trades: string }>> = {
  'otc.venue_volume': {
    table: OTC_TABLES.venueVolume,
    keys: ['symbol', 'mpid'],
    shares: 'total_shares',
    trades: 'total_trades',
  },
  'otc.summary': { table: OTC_TABLES.symbolSummary, keys: ['symbol'], shares: 'total_volume', trades: 'total_trades' },
  'otc.raw': { table: OTC_TABLES.raw, keys: ['symbol', 'mpid'], shares: 'total_shares', trades: 'total_trades' },
};
export const DIFF_DATASETS = Object.keys(DIFFABLE);

export interface DiffChange {
  readonly change: 'added' | 'removed' | 'changed';
  readonly symbol: string;
  readonly mpid?: string;
  readonly old_shares: number | null;
  readonly new_shares: number | null;
  readonly delta_shares: number;
  readonly old_trades: number | null;
  readonly new_trades: number | null;
  readonly delta_trades: number;
}

export interface DiffSummary {
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
  readonly unchanged: number;
  readonly old_total_shares: number;
  readonly new_total_shares: number;
  readonly delta_total_shares: number;
}

export interface CaptureDiff {
  readonly changes: DiffChange[];
  readonly summary: DiffSummary;
  readonly dataset: string;
  readonly a: CaptureRef;
  readonly b: CaptureRef;
  readonly truncated: boolean;
}

/**
 * Compares two captures row by row on the dataset's business key, entirely in SQLite (a FULL OUTER
 * JOIN over the (capture_id, key) index), so a million-row diff never materialises in JS. Changes come
 * biggest absolute share delta first; `limit` caps the listed changes, never the summary counts.
 */
export function diffCaptures(db: Db, aId: string, bId: string, dataset = 'otc.venue_volume', limit = 100): CaptureDiff {
  const spec = DIFFABLE[dataset];
  if (!spec)
    throw new SpineError(
      ErrorCodes.INVALID_PARAMS,
      `Cannot diff '${dataset}'. Valid datasets: ${DIFF_DATASETS.join(', ')}`,
    );
  const a = captureById(db, aId);
  const b = captureById(db, bId);
  for (const [id, c] of [
    [aId, a],
    [bId, b],
  ] as const) {
    if (!c) throw new SpineError(ErrorCodes.NOT_FOUND, `No capture '${id}' (see spine captures list)`);
    if (c.status === 'deleted' || c.status === 'superseded') {
      throw new SpineError(ErrorCodes.NOT_FOUND, `Capture ${id} is ${c.status}; its rows are gone`);
    }
  }
  const keyCols = spec.keys.map((k) => `COALESCE(a.${k}, b.${k}) AS ${k}`).join(', ');
  const join = spec.keys.map((k) => `a.${k} = b.${k}`).join(' AND ');
  const side = (alias: string): string =>
    `(SELECT ${spec.keys.join(', ')}, ${spec.shares} AS shares, ${spec.trades} AS trades FROM ${spec.table} WHERE capture_id = ?) ${alias}`;
  const from = `FROM ${side('a')} FULL OUTER JOIN ${side('b')} ON ${join}`;
  const isChange = `(a.${spec.keys[0]} IS NULL OR b.${spec.keys[0]} IS NULL OR a.shares <> b.shares OR a.trades <> b.trades)`;
  const summary = db
    .prepare(
      `SELECT
         SUM(a.${spec.keys[0]} IS NULL) AS added, SUM(b.${spec.keys[0]} IS NULL) AS removed,
         SUM(a.${spec.keys[0]} IS NOT NULL AND b.${spec.keys[0]} IS NOT NULL AND (a.shares <> b.shares OR a.trades <> b.trades)) AS changed,
         SUM(a.${spec.keys[0]} IS NOT NULL AND b.${spec.keys[0]} IS NOT NULL AND a.shares = b.shares AND a.trades = b.trades) AS unchanged,
         COALESCE(SUM(a.shares), 0) AS old_total_shares, COALESCE(SUM(b.shares), 0) AS new_total_shares
       ${from}`,
    )
    .get(aId, bId) as Omit<DiffSummary, 'delta_total_shares'>;
  const rows = db
    .prepare(
      `SELECT CASE WHEN a.${spec.keys[0]} IS NULL THEN 'added' WHEN b.${spec.keys[0]} IS NULL THEN 'removed' ELSE 'changed' END AS change,
         ${keyCols}, a.shares AS old_shares, b.shares AS new_shares, COALESCE(b.shares, 0) - COALESCE(a.shares, 0) AS delta_shares,
         a.trades AS old_trades, b.trades AS new_trades, COALESCE(b.trades, 0) - COALESCE(a.trades, 0) AS delta_trades
       ${from} WHERE ${isChange}
       ORDER BY ABS(COALESCE(b.shares, 0) - COALESCE(a.shares, 0)) DESC, ${spec.keys.map((k) => `COALESCE(a.${k}, b.${k})`).join(', ')}
       LIMIT ?`,
    )
    .all(aId, bId, limit + 1) as DiffChange[];
  const clean = {
    added: summary.added ?? 0,
    removed: summary.removed ?? 0,
    changed: summary.changed ?? 0,
    unchanged: summary.unchanged ?? 0,
    old_total_shares: summary.old_total_shares,
    new_total_shares: summary.new_total_shares,
    delta_total_shares: summary.new_total_shares - summary.old_total_shares,
  };
  return {
    changes: rows.slice(0, limit),
    summary: clean,
    dataset,
    a: a as CaptureRef,
    b: b as CaptureRef,
    truncated: rows.length > limit,
  };
}
