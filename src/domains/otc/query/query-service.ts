import type { Db } from '../../../core/db/open-database.js';
import { ErrorCodes, SpineError } from '../../../core/errors.js';
import { resolveCaptureId } from '../../../core/captures/resolve-capture-id.js';
import { foldExactInteger } from '../../../core/db/exact-rows.js';
import { captureById, firstCapture, getLatestCapture, resolveCapture } from '../../../core/query/point-in-time.js';
import { closestNames, didYouMean } from '../../../core/suggest.js';
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
    const valid = DATASETS.map((d) => d.name);
    const close = [
      ...new Set(
        closestNames(name, [...valid, ...Object.keys(DATASET_ALIASES)], 3).map((n) => DATASET_ALIASES[n] ?? n),
      ),
    ].slice(0, 2);
    throw new SpineError(
      ErrorCodes.INVALID_PARAMS,
      close.length > 0
        ? `Unknown dataset '${name}'. Did you mean ${close.join(' or ')}?`
        : `Unknown dataset '${name}'. Valid datasets: ${valid.join(', ')}`,
      { details: { valid, aliases: Object.keys(DATASET_ALIASES), suggestions: close } },
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
  const typed = m?.[1]?.toLowerCase();
  // Output names (market_share) sort by their stored column (market_share_pct).
  const col = Object.entries(ds.renames ?? {}).find(([, out]) => out === typed)?.[0] ?? typed;
  if (!m || !col || !columns.includes(col)) {
    const names = columns.map((c) => ds.renames?.[c] ?? c);
    throw new SpineError(
      ErrorCodes.INVALID_PARAMS,
      `Unknown column '${orderBy}' for ${ds.name}.${didYouMean(typed ?? orderBy, names)} Valid columns: ${names.join(', ')}`,
    );
  }
  return `t.${col} ${(m[2] ?? 'asc').toUpperCase()}`;
}

/**
 * One output row: integers exact (bigint beyond 2^53, number otherwise), stored names replaced by the
 * dataset's honest ones (`market_share_pct` holds a fraction, so it is output as `market_share`).
 */
function outputRow(ds: Dataset, row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) if (k !== 'id') out[ds.renames?.[k] ?? k] = foldExactInteger(v);
  return out;
}

/** A capture named by the user (`--as-of <id>`): resolved, and refused when its rows are gone. */
function namedCapture(db: Db, typed: string): CaptureRef {
  let id: string;
  try {
    id = resolveCaptureId(db, typed);
  } catch (err) {
    if (err instanceof SpineError && err.code === ErrorCodes.NOT_FOUND) {
      throw new SpineError(
        ErrorCodes.NOT_FOUND,
        `--as-of '${typed}' is not 'latest', a moment (now, 2h, 7d, 2025-12-20, an ISO instant) or a known capture id`,
        { details: { value: typed, hint: 'spine captures list' } },
      );
    }
    throw err;
  }
  const c = captureById(db, id) as CaptureRef;
  if (c.status === 'superseded' || c.status === 'deleted') {
    const latest = getLatestCapture(db, OTC_DOMAIN, c.week_ending, c.tier);
    throw new SpineError(
      ErrorCodes.NOT_FOUND,
      `Capture ${c.capture_id} has been ${c.status}: its rows are gone` +
        (latest ? `. The latest capture of week ${c.week_ending} tier ${c.tier} is ${latest.capture_id}` : ''),
      {
        details: {
          capture_id: c.capture_id,
          status: c.status,
          latest: latest?.capture_id ?? null,
          hint: `spine captures list --week ${c.week_ending} --tier ${c.tier}`,
        },
      },
    );
  }
  return c;
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
  /** The table's stored columns (the row columns, before the lineage join of rejects and quality). */
  readonly columns: readonly string[];
  readonly as_of: string;
  readonly captures: CaptureRef[];
  readonly missing: { week_ending: string; tier: string }[];
  /**
   * The rows of `captureIds` (default: every resolved capture) matching the user's filters, sorted by
   * `order` (an SQL ORDER BY list over `t.` columns; default: the user's `--order-by` or the dataset's).
   * Columns come out under their stored names; `outputName` gives the names users see.
   */
  select(options?: { readonly captureIds?: readonly string[]; readonly order?: string }): BoundSelect;
}

/** The name a stored column has in query output and exports (`market_share_pct` → `market_share`). */
export function outputName(ds: Dataset, column: string): string {
  return ds.renames?.[column] ?? column;
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
  let asOf = q.asOf;
  if (asOf.kind === 'capture') {
    // A capture id names its own partition; it may be staged or failed (e.g. to inspect its rejects).
    const c = namedCapture(db, asOf.captureId);
    asOf = { kind: 'capture', captureId: c.capture_id };
    if (!weeks) {
      weeks = [c.week_ending];
      tiers = [c.tier];
    }
  }
  weeks ??= weeksWithCaptures(db, tiers);
  const captures: CaptureRef[] = [];
  const missing: { week_ending: string; tier: string }[] = [];
  for (const week of weeks) {
    for (const tier of tiers) {
      const c = resolveCapture(db, OTC_DOMAIN, week, tier, asOf);
      if (c) captures.push(c);
      else if (q.tier || asOf.kind === 'capture') missing.push({ week_ending: week, tier });
    }
  }
  const asOfText =
    asOf.kind === 'latest'
      ? 'latest'
      : asOf.kind === 'capture'
        ? asOf.captureId
        : asOf.kind === 'instant'
          ? asOf.capturedAt
          : `published ${asOf.sourceDate}`;
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
    db
      .prepare(`${sql}${q.top ? ' LIMIT ?' : ''}`)
      .safeIntegers(true)
      .all(...args, ...(q.top ? [q.top] : [])) as Record<string, unknown>[]
  ).map((r) => outputRow(plan.dataset, r));
  return { rows, count: rows.length, dataset, as_of: plan.as_of, captures, missing };
}

/**
 * Why a query found no capture, in words the user can act on (NOT_FOUND, exit 2). An instant before the
 * first capture says when that was and points to `--published-as-of`: `--as-of` reads captured_at (when
 * this database captured the data), which users often confuse with FINRA's publication date.
 */
export function noCaptureError(db: Db, q: DatasetQuery, result: DatasetResult): SpineError {
  const tiers = q.tier ? [q.tier] : [...TIERS];
  const weeks = q.weeks && q.weeks.length > 0 ? q.weeks : undefined;
  const where = `${weeks ? ` for week ${weeks.join(', ')}` : ''}${q.tier ? ` tier ${q.tier}` : ''}`;
  if (q.asOf.kind === 'instant') {
    const first = firstCapture(db, OTC_DOMAIN, weeks, tiers);
    const day = q.asOf.capturedAt.slice(0, 10);
    if (first && first.captured_at > q.asOf.capturedAt) {
      return new SpineError(
        ErrorCodes.NOT_FOUND,
        `No capture as of ${q.asOf.capturedAt}${where}: the first one was captured at ${first.captured_at}. ` +
          `--as-of reads captured_at, the moment this database captured the data (use e.g. --as-of 2h or a capture id); ` +
          `for what FINRA had published by a date, use --published-as-of ${day}`,
        {
          details: {
            as_of: q.asOf.capturedAt,
            first_captured_at: first.captured_at,
            hint: `--published-as-of ${day}`,
          },
        },
      );
    }
  }
  const what = result.as_of === 'latest' ? 'published' : `as of ${result.as_of}`;
  return new SpineError(ErrorCodes.NOT_FOUND, `No capture ${what}${where}`, {
    details: { hint: 'spine captures list' },
  });
}
