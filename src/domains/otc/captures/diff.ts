import type { Db } from '../../../core/db/open-database.js';
import { ErrorCodes, SpineError } from '../../../core/errors.js';
import { captureById } from '../../../core/query/point-in-time.js';
import type { CaptureRef } from '../../../core/query/point-in-time.js';
import { OTC_TABLES } from '../constants.js';

/** Business keys and compared values per diffable dataset; each table has a (capture_id, key…) index. */
const DIFFABLE: Readonly<Record<string, { table: string; keys: readonly string[]; shares: string; trades: string }>> = {
  'otc.venue_volume': {
    table: OTC_TABLES.venueVolume,
    keys: ['symbol', 'mpid'],
    shares: 'total_shares',
    trades: 'total_trades',
  },
  'otc.summary': { table: OTC_TABLES.symbolSummary, keys: ['symbol'], shares: 'total_volume', trades: 'total_trades' },
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

function checkCapture(id: string, c: CaptureRef | undefined): CaptureRef {
  if (!c) throw new SpineError(ErrorCodes.NOT_FOUND, `No capture '${id}' (see spine captures list)`);
  if (c.status === 'deleted' || c.status === 'superseded') {
    throw new SpineError(ErrorCodes.NOT_FOUND, `Capture ${id} is ${c.status}; its rows are gone`);
  }
  return c;
}

/**
 * Compares two captures row by row on the dataset's business key, entirely in SQLite, so a million-row
 * diff never materialises in JS. The old side drives a LEFT JOIN into the new side (removed, changed,
 * unchanged) and the new side an anti-join into the old (added); both probe the (capture_id, key)
 * index, so the cost is linear. Changes come biggest absolute share delta first; `limit` caps the
 * listed changes, never the summary counts.
 */
export function diffCaptures(db: Db, aId: string, bId: string, dataset = 'otc.venue_volume', limit = 100): CaptureDiff {
  const spec = DIFFABLE[dataset];
  if (!spec)
    throw new SpineError(
      ErrorCodes.INVALID_PARAMS,
      `Cannot diff '${dataset}'. Valid datasets: ${DIFF_DATASETS.join(', ')}`,
    );
  const a = checkCapture(aId, captureById(db, aId));
  const b = checkCapture(bId, captureById(db, bId));
  const { table, keys, shares, trades } = spec;
  const on = (x: string, y: string): string => keys.map((k) => `${y}.${k} = ${x}.${k}`).join(' AND ');
  const keyCols = (alias: string): string => keys.map((k) => `${alias}.${k} AS ${k}`).join(', ');
  // One row per key of either capture: old and new values, NULL where the key is absent.
  const pairs = `
    SELECT ${keyCols('a')}, a.${shares} AS old_shares, n.${shares} AS new_shares, a.${trades} AS old_trades, n.${trades} AS new_trades
    FROM ${table} a LEFT JOIN ${table} n ON n.capture_id = @b AND ${on('a', 'n')}
    WHERE a.capture_id = @a
    UNION ALL
    SELECT ${keyCols('n')}, NULL, n.${shares}, NULL, n.${trades}
    FROM ${table} n
    WHERE n.capture_id = @b AND NOT EXISTS (SELECT 1 FROM ${table} a WHERE a.capture_id = @a AND ${on('n', 'a')})`;
  const summary = db
    .prepare(
      `SELECT SUM(old_shares IS NULL) AS added, SUM(new_shares IS NULL) AS removed,
         SUM(old_shares IS NOT NULL AND new_shares IS NOT NULL AND (old_shares <> new_shares OR old_trades <> new_trades)) AS changed,
         SUM(old_shares IS NOT NULL AND new_shares IS NOT NULL AND old_shares = new_shares AND old_trades = new_trades) AS unchanged,
         COALESCE(SUM(old_shares), 0) AS old_total_shares, COALESCE(SUM(new_shares), 0) AS new_total_shares
       FROM (${pairs})`,
    )
    .get({ a: aId, b: bId }) as Omit<DiffSummary, 'delta_total_shares'>;
  const rows = db
    .prepare(
      `SELECT CASE WHEN old_shares IS NULL THEN 'added' WHEN new_shares IS NULL THEN 'removed' ELSE 'changed' END AS change,
         ${keys.join(', ')}, old_shares, new_shares, COALESCE(new_shares, 0) - COALESCE(old_shares, 0) AS delta_shares,
         old_trades, new_trades, COALESCE(new_trades, 0) - COALESCE(old_trades, 0) AS delta_trades
       FROM (${pairs})
       WHERE old_shares IS NULL OR new_shares IS NULL OR old_shares <> new_shares OR old_trades <> new_trades
       ORDER BY ABS(COALESCE(new_shares, 0) - COALESCE(old_shares, 0)) DESC, ${keys.join(', ')}
       LIMIT @limit`,
    )
    .all({ a: aId, b: bId, limit: limit + 1 }) as DiffChange[];
  const clean: DiffSummary = {
    added: summary.added ?? 0,
    removed: summary.removed ?? 0,
    changed: summary.changed ?? 0,
    unchanged: summary.unchanged ?? 0,
    old_total_shares: summary.old_total_shares,
    new_total_shares: summary.new_total_shares,
    delta_total_shares: summary.new_total_shares - summary.old_total_shares,
  };
  return { changes: rows.slice(0, limit), summary: clean, dataset, a, b, truncated: rows.length > limit };
}
