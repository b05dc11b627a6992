import type { Db } from '../../../core/db/open-database.js';
import { ErrorCodes, SpineError } from '../../../core/errors.js';
import { resolveCaptureId } from '../../../core/captures/resolve-capture-id.js';
import { exactRow, foldExactInteger } from '../../../core/db/exact-rows.js';
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

/** Share and trade counts are exact: a bigint beyond 2^53, a number otherwise (JSON: a string beyond 2^53). */
type Count = number | bigint;

export interface DiffChange {
  readonly change: 'added' | 'removed' | 'changed';
  readonly symbol: string;
  readonly mpid?: string;
  readonly old_shares: Count | null;
  readonly new_shares: Count | null;
  readonly delta_shares: Count;
  readonly old_trades: Count | null;
  readonly new_trades: Count | null;
  readonly delta_trades: Count;
}

export interface DiffSummary {
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
  readonly unchanged: number;
  readonly old_total_shares: Count;
  readonly new_total_shares: Count;
  readonly delta_total_shares: Count;
}

/** Row counts recorded when each capture was taken (core_captures.row_counts), per table. */
export interface RecordedCounts {
  readonly [table: string]: { readonly old: number | null; readonly new: number | null };
}

export interface CaptureDiff {
  readonly changes: DiffChange[];
  /** null when the rows of one side are gone (`rows_compared` false). */
  readonly summary: DiffSummary | null;
  readonly dataset: string;
  readonly a: CaptureRef;
  readonly b: CaptureRef;
  readonly truncated: boolean;
  /**
   * False when a capture was deleted (gc) or superseded (replace): its rows are gone, so only the counts
   * recorded when it was captured are compared (`recorded_counts`), and `note` says why.
   */
  readonly rows_compared: boolean;
  readonly recorded_counts: RecordedCounts;
  readonly note: string | null;
}

const GONE = new Set(['deleted', 'superseded']);

function rowCounts(db: Db, id: string): Record<string, number> {
  const row = db.prepare('SELECT row_counts FROM core_captures WHERE capture_id = ?').get(id) as
    { row_counts: string } | undefined;
  return row ? (JSON.parse(row.row_counts) as Record<string, number>) : {};
}

function recordedCounts(db: Db, a: string, b: string): RecordedCounts {
  const ca = rowCounts(db, a);
  const cb = rowCounts(db, b);
  const out: Record<string, { old: number | null; new: number | null }> = {};
  for (const t of new Set([...Object.keys(ca), ...Object.keys(cb)]))
    out[t] = { old: ca[t] ?? null, new: cb[t] ?? null };
  return out;
}

const minus = (a: Count, b: Count): Count =>
  typeof a === 'number' && typeof b === 'number' && Number.isSafeInteger(a - b)
    ? a - b
    : (foldExactInteger(BigInt(a) - BigInt(b)) as Count);

function exact<T>(row: T): T {
  return exactRow(row as Record<string, unknown>) as T;
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
  const a = captureById(db, resolveCaptureId(db, aId)) as CaptureRef;
  const b = captureById(db, resolveCaptureId(db, bId)) as CaptureRef;
  const recorded = recordedCounts(db, a.capture_id, b.capture_id);
  const gone = [a, b].filter((c) => GONE.has(c.status));
  if (gone.length > 0) {
    const what = gone.map((c) => `${c.capture_id} was ${c.status}`).join(' and ');
    return {
      changes: [],
      summary: null,
      dataset,
      a,
      b,
      truncated: false,
      rows_compared: false,
      recorded_counts: recorded,
      note: `${what}: its rows are gone, so rows cannot be compared; these are the row counts recorded when each was captured`,
    };
  }
  aId = a.capture_id;
  bId = b.capture_id;
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
    .safeIntegers(true)
    .get({ a: aId, b: bId }) as Record<string, bigint | null>;
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
    .safeIntegers(true)
    .all({ a: aId, b: bId, limit: limit + 1 })
    .map((r) => exact(r as DiffChange));
  const n = (v: bigint | null | undefined): number => Number(v ?? 0n);
  const oldTotal = foldExactInteger(summary['old_total_shares'] ?? 0n) as Count;
  const newTotal = foldExactInteger(summary['new_total_shares'] ?? 0n) as Count;
  const clean: DiffSummary = {
    added: n(summary['added']),
    removed: n(summary['removed']),
    changed: n(summary['changed']),
    unchanged: n(summary['unchanged']),
    old_total_shares: oldTotal,
    new_total_shares: newTotal,
    delta_total_shares: minus(newTotal, oldTotal),
  };
  return {
    changes: rows.slice(0, limit),
    summary: clean,
    dataset,
    a,
    b,
    truncated: rows.length > limit,
    rows_compared: true,
    recorded_counts: recorded,
    note: null,
  };
}
