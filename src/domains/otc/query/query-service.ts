import type { Db } from '../../../core/db/open-database.js';
import { ErrorCodes, SpineError } from '../../../core/errors.js';
import { captureById, resolveCapture } from '../../../core/query/point-in-time.js';
import type { AsOf, CaptureRef } from '../../../core/query/point-in-time.js';
import { OTC_DOMAIN } from '../constants.js';
import { TIERS } from '../tiers.js';
import { DATASET_ALIASES, DATASETS } from './datasets.js';
import type { Dataset } from './datasets.js';

export interface DatasetQuery {
  readonly dataset: string;
  readonly weeks?: readonly string[] | undefined;
  readonly tier?: string | undefined;
  readonly symbol?: string | undefined;
  readonly mpid?: string | undefined;
  readonly asOf: AsOf;
  readonly top?: number | undefined;
  readonly orderBy?: string | undefined;
}

export interface DatasetResult {
  readonly rows: Record<string, unknown>[];
  readonly count: number;
  readonly dataset: string;
  readonly as_of: string;
  readonly captures: CaptureRef[];
  readonly missing: { week_ending: string; tier: string }[];
}

export function findDataset(name: string): Dataset {
  const resolved = DATASET_ALIASES[name] ?? name;
  const ds = DATASETS.find((d) => d.name === resolved);
  if (!ds) {
    throw new SpineError(
      ErrorCodes.INVALID_PARAMS,
      `Unknown dataset '${name}'. Valid datasets: ${DATASETS.map((d) => d.name).join(', ')}`,
      {
        details: { valid: DATASETS.map((d) => d.name), aliases: Object.keys(DATASET_ALIASES) },
      },
    );
  }
  return ds;
}

function columnsOf(db: Db, table: string): string[] {
  return (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((c) => c.name);
}

/** Validates `--order-by col [asc|desc]` against the table's real columns (identifiers are never user text). */
function orderClause(ds: Dataset, columns: readonly string[], orderBy: string | undefined): string {
  if (!orderBy) return ds.defaultOrder;
  const m = /^\s*([a-z_][a-z0-9_]*)(?:\s+(asc|desc))?\s*$/i.exec(orderBy);
  const col = m?.[1]?.toLowerCase();
  if (!m || !col || !columns.includes(col)) {
    throw new SpineError(
      ErrorCodes.INVALID_PARAMS,
      `Unknown column '${orderBy}' for ${ds.name}. Valid columns: ${columns.join(', ')}`,
    );
  }
  return `t.${col} ${(m[2] ?? 'asc').toUpperCase()}`;
}

function weeksWithCaptures(db: Db, tiers: readonly string[]): string[] {
  const rows = db
    .prepare(
      `SELECT DISTINCT week_ending FROM core_captures WHERE domain = ? AND status = 'published'
         AND tier IN (${tiers.map(() => '?').join(',')}) ORDER BY week_ending`,
    )
    .all(OTC_DOMAIN, ...tiers) as { week_ending: string }[];
  return rows.map((r) => r.week_ending);
}

/** A SELECT and its bound values. */
export interface BoundSelect {
  readonly sql: string;
  readonly args: readonly unknown[];
}

/**
 * A resolved point-in-time read: the captures that answer each (week, tier) under the as-of rule, and the
 * statement that reads their rows. `spine query` runs it into memory; `spine export` streams it.
 */
export interface DatasetPlan {
  readonly dataset: Dataset;
  /** The table's columns (the row columns, before the lineage join of rejects and quality). */
  readonly columns: readonly string[];
  readonly as_of: string;
  readonly captures: CaptureRef[];
  readonly missing: { week_ending: string; tier: string }[];
  /**
   * The rows of `captureIds` (default: every resolved capture) matching the user's filters, sorted by
   * `order` (an SQL ORDER BY list over `t.` columns; default: the user's `--order-by` or the dataset's).
   */
  select(options?: { readonly captureIds?: readonly string[]; readonly order?: string }): BoundSelect;
}

/**
 * Resolves one capture per (week, tier) under the as-of rule and validates the filters; reads no rows.
 * Every user value is a bound parameter, every identifier is checked against the table.
 */
export function planDatasetQuery(db: Db, q: DatasetQuery): DatasetPlan {
  const ds = findDataset(q.dataset);
  const columns = columnsOf(db, ds.table);
  const userOrder = orderClause(ds, columns, q.orderBy).replace(/^(?!t\.)/, 't.');
  let tiers: string[] = q.tier ? [q.tier] : [...TIERS];
  let weeks = q.weeks && q.weeks.length > 0 ? q.weeks : undefined;
  if (q.asOf.kind === 'capture' && !weeks) {
    // A capture id names its own partition; it may be staged or failed (e.g. to inspect its rejects).
    const c = captureById(db, q.asOf.captureId);
    if (!c) throw new SpineError(ErrorCodes.NOT_FOUND, `No capture '${q.asOf.captureId}'`);
    weeks = [c.week_ending];
    tiers = [c.tier];
  }
  weeks ??= weeksWithCaptures(db, tiers);
  const captures: CaptureRef[] = [];
  const missing: { week_ending: string; tier: string }[] = [];
  for (const week of weeks) {
    for (const tier of tiers) {
      const c = resolveCapture(db, OTC_DOMAIN, week, tier, q.asOf);
      if (c) captures.push(c);
      else if (q.tier || q.asOf.kind === 'capture') missing.push({ week_ending: week, tier });
    }
  }
  const asOfText =
    q.asOf.kind === 'latest'
      ? 'latest'
      : q.asOf.kind === 'capture'
        ? q.asOf.captureId
        : q.asOf.kind === 'instant'
          ? q.asOf.capturedAt
          : `published ${q.asOf.sourceDate}`;
  const filters: string[] = [];
  const filterArgs: unknown[] = [];
  if (q.symbol) {
    if (!columns.includes('symbol')) throw new SpineError(ErrorCodes.INVALID_PARAMS, `${ds.name} has no symbol column`);
    filters.push('t.symbol = ?');
    filterArgs.push(q.symbol.toUpperCase());
  }
  if (q.mpid) {
    if (!columns.includes('mpid')) throw new SpineError(ErrorCodes.INVALID_PARAMS, `${ds.name} has no mpid column`);
    filters.push('t.mpid = ?');
    filterArgs.push(q.mpid.toUpperCase());
  }
  const from = ds.joinLineage
    ? `SELECT t.*, c.week_ending AS week_ending, c.tier AS tier, c.captured_at, c.source_last_update_date
       FROM ${ds.table} t JOIN core_captures c ON c.capture_id = t.capture_id`
    : `SELECT t.* FROM ${ds.table} t`;
  const select = (options: { readonly captureIds?: readonly string[]; readonly order?: string } = {}) => {
    const ids = options.captureIds ?? captures.map((c) => c.capture_id);
    const where = [
      ids.length === 1 ? 't.capture_id = ?' : `t.capture_id IN (${ids.map(() => '?').join(',')})`,
      ...filters,
    ];
    return {
      sql: `${from} WHERE ${where.join(' AND ')} ORDER BY ${options.order ?? userOrder}`,
      args: [...ids, ...filterArgs],
    };
  };
  return { dataset: ds, columns, as_of: asOfText, captures, missing, select };
}

/**
 * Point-in-time read of one dataset: resolves one capture per (week, tier) under the as-of rule, then
 * reads only those captures' rows.
 */
export function queryDataset(db: Db, q: DatasetQuery): DatasetResult {
  const plan = planDatasetQuery(db, q);
  const { captures, missing } = plan;
  const dataset = plan.dataset.name;
  if (captures.length === 0) return { rows: [], count: 0, dataset, as_of: plan.as_of, captures, missing };
  const { sql, args } = plan.select();
  const rows = (
    db.prepare(`${sql}${q.top ? ' LIMIT ?' : ''}`).all(...args, ...(q.top ? [q.top] : [])) as Record<string, unknown>[]
  ).map((r) => {
    const { id: _id, ...rest } = r;
    return rest;
  });
  return { rows, count: rows.length, dataset, as_of: plan.as_of, captures, missing };
}
