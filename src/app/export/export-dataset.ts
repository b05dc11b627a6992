import { join } from 'node:path';
import { CaptureRegistry } from '../../core/captures/capture-registry.js';
import type { Clock } from '../../core/clock.js';
import type { Db, Statement } from '../../core/db/open-database.js';
import { HashedFile } from '../../core/export/hashed-file.js';
import { layoutOf } from '../../core/export/layout.js';
import type { ExportLayout, RowSource, WrittenFile } from '../../core/export/layout.js';
import { MANIFEST_FILE, MANIFEST_VERSION, PARQUET_TYPES } from '../../core/export/manifest.js';
import type {
  ExportFormat,
  ExportManifest,
  ManifestCapture,
  ManifestFile,
  ManifestSelectors,
} from '../../core/export/manifest.js';
import { openStagingDir } from '../../core/export/staging-dir.js';
import { writeCsv, writeJsonl } from '../../core/export/text-writers.js';
import type { AsOf, CaptureRef } from '../../core/query/point-in-time.js';
import { noCaptureError, outputName, planDatasetQuery } from '../../domains/otc/query/query-service.js';
import type { DatasetPlan } from '../../domains/otc/query/query-service.js';

export interface ExportRequest {
  readonly dataset: string;
  /** The selectors as given, recorded in the manifest. */
  readonly selectors: ManifestSelectors;
  readonly weeks?: readonly string[] | undefined;
  readonly tier?: string | undefined;
  readonly symbol?: string | undefined;
  readonly mpid?: string | undefined;
  readonly asOf: AsOf;
  readonly format: ExportFormat;
  readonly out: string;
  readonly force?: boolean | undefined;
  /** One file per (week, tier) instead of one file. */
  readonly partition?: boolean | undefined;
}

export interface ExportContext {
  readonly productVersion: string;
  readonly clock: Clock;
  /** Rows per Parquet row group (tests and benchmarks). */
  readonly parquetRowGroupRows?: number;
}

export interface ExportResult {
  readonly out: string;
  readonly manifest: ExportManifest;
}

/**
 * SQLite page cache while exporting, in KiB. An export reads each capture once, in index order, so the
 * connection's 64 MiB cache buys nothing and would only add to the peak RSS.
 */
export const EXPORT_CACHE_KIB = 16_384;

const EXTENSIONS: Readonly<Record<ExportFormat, string>> = { parquet: 'parquet', csv: 'csv', jsonl: 'jsonl' };

/**
 * Exports one dataset under the query selectors: resolves the captures through the query layer (the same
 * point-in-time rules as `spine query`), streams each capture's rows from SQLite into the format writer,
 * and writes `manifest.json` (selectors, captures with their three clocks, columns and types, row counts,
 * SHA-256 of every file). Everything is read in one read transaction, so the files and the manifest
 * describe one snapshot of the database; everything is written into a staging directory that becomes
 * `out` only when complete.
 */
export async function exportDataset(db: Db, req: ExportRequest, ctx: ExportContext): Promise<ExportResult> {
  const cacheSize = db.pragma('cache_size', { simple: true }) as number;
  db.pragma(`cache_size = -${EXPORT_CACHE_KIB}`);
  db.exec('BEGIN');
  try {
    const query = {
      dataset: req.dataset,
      weeks: req.weeks,
      tier: req.tier,
      symbol: req.symbol,
      mpid: req.mpid,
      asOf: req.asOf,
    };
    const plan = planDatasetQuery(db, query);
    if (plan.captures.length === 0) {
      // The same words as `spine query` (an instant before the first capture points to --published-as-of).
      const none = { rows: [], count: 0, dataset: plan.dataset.name, as_of: plan.as_of, captures: [], missing: [] };
      throw noCaptureError(db, query, none);
    }
    const staging = openStagingDir(req.out, { force: req.force === true });
    try {
      const manifest = await writeExport(db, plan, req, ctx, staging.path);
      const manifestFile = new HashedFile(join(staging.path, MANIFEST_FILE));
      manifestFile.writeText(`${JSON.stringify(manifest, null, 2)}\n`);
      manifestFile.close();
      staging.commit();
      return { out: staging.target, manifest };
    } catch (err) {
      staging.abort();
      throw err;
    }
  } finally {
    if (db.inTransaction) db.exec('COMMIT');
    db.pragma(`cache_size = ${cacheSize}`);
  }
}

/** The export's row order inside each capture: the capture index's key (no sort in SQLite). */
const exportOrder = (plan: DatasetPlan): string =>
  plan.dataset.exportOrder
    .split(',')
    .map((c) => `t.${c.trim()}`)
    .join(', ');

async function writeExport(
  db: Db,
  plan: DatasetPlan,
  req: ExportRequest,
  ctx: ExportContext,
  dir: string,
): Promise<ExportManifest> {
  const order = exportOrder(plan);
  const first = plan.select({ captureIds: [(plan.captures[0] as CaptureRef).capture_id], order });
  // One capture per statement run: the same SQL for every capture, prepared once.
  const stmt = db.prepare(first.sql).raw(true).safeIntegers(true);
  const layout = layoutOf(stmt.columns(), { rename: (c) => outputName(plan.dataset, c) });
  const argsOf = (c: CaptureRef) => plan.select({ captureIds: [c.capture_id], order }).args;
  const rowsPerCapture = new Map<string, number>();
  const groups: { captures: CaptureRef[]; name: string; week?: string; tier?: string }[] = req.partition
    ? plan.captures.map((c) => ({
        captures: [c],
        name: `${plan.dataset.name}.${c.week_ending}.${c.tier}.${EXTENSIONS[req.format]}`,
        week: c.week_ending,
        tier: c.tier,
      }))
    : [{ captures: plan.captures, name: `${plan.dataset.name}.${EXTENSIONS[req.format]}` }];

  const files: ManifestFile[] = [];
  for (const g of groups) {
    const rows = captureRows(stmt, g.captures, argsOf, rowsPerCapture);
    const written = await writeFile(req.format, join(dir, g.name), layout, rows, {
      dataset: plan.dataset.name,
      captureIds: g.captures.map((c) => c.capture_id),
      productVersion: ctx.productVersion,
      ...(ctx.parquetRowGroupRows ? { rowGroupRows: ctx.parquetRowGroupRows } : {}),
    });
    files.push({
      path: g.name,
      rows: written.rows,
      bytes: written.bytes,
      sha256: written.sha256,
      capture_ids: g.captures.map((c) => c.capture_id),
      ...(g.week ? { week_ending: g.week } : {}),
      ...(g.tier ? { tier: g.tier } : {}),
    });
  }

  const registry = new CaptureRegistry(db, new Map());
  const captures: ManifestCapture[] = plan.captures.map((c) => {
    const full = registry.get(c.capture_id);
    return {
      capture_id: c.capture_id,
      week_ending: c.week_ending,
      tier: c.tier,
      captured_at: c.captured_at,
      source_last_update_date: c.source_last_update_date,
      status: c.status,
      content_hash: full?.content_hash ?? null,
      execution_id: full?.execution_id ?? null,
      rows: rowsPerCapture.get(c.capture_id) ?? 0,
    };
  });
  return {
    manifest_version: MANIFEST_VERSION,
    product: { name: 'market-spine', version: ctx.productVersion },
    exported_at: ctx.clock.now().toISOString(),
    dataset: plan.dataset.name,
    source_table: plan.dataset.table,
    format: req.format,
    partitioned: req.partition ?? false,
    selectors: req.selectors,
    as_of: plan.as_of,
    row_order: `week_ending, tier, then ${plan.dataset.exportOrder} within each capture`,
    columns: layout.columns.map((c) => ({
      name: c.name,
      type: c.type,
      sqlite_type: c.sqlite_type,
      ...(req.format === 'parquet' ? { parquet_type: PARQUET_TYPES[c.type] } : {}),
    })),
    captures,
    missing: plan.missing,
    files,
    row_count: files.reduce((n, f) => n + f.rows, 0),
  };
}

/** The rows of `captures`, one capture after the other, counting each capture's rows as they pass. */
function* captureRows(
  stmt: Statement,
  captures: readonly CaptureRef[],
  argsOf: (c: CaptureRef) => readonly unknown[],
  counts: Map<string, number>,
): Generator<readonly unknown[]> {
  for (const c of captures) {
    let n = 0;
    for (const row of stmt.iterate(...argsOf(c))) {
      n++;
      yield row as readonly unknown[];
    }
    counts.set(c.capture_id, n);
  }
}

interface FileMeta {
  readonly dataset: string;
  readonly captureIds: readonly string[];
  readonly productVersion: string;
  readonly rowGroupRows?: number;
}

async function writeFile(
  format: ExportFormat,
  path: string,
  layout: ExportLayout,
  rows: RowSource,
  meta: FileMeta,
): Promise<WrittenFile> {
  if (format === 'csv') return writeCsv(path, layout, rows);
  if (format === 'jsonl') return writeJsonl(path, layout, rows);
  const { writeParquet } = await import('../../core/export/parquet-writer.js');
  return writeParquet(path, layout, rows, {
    createdBy: `market-spine ${meta.productVersion}`,
    metadata: {
      'market_spine.dataset': meta.dataset,
      'market_spine.capture_ids': JSON.stringify(meta.captureIds),
    },
    ...(meta.rowGroupRows ? { rowGroupRows: meta.rowGroupRows } : {}),
  });
}
