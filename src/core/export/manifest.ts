import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, SpineError } from '../errors.js';
import type { ExportType } from './columns.js';

/** The manifest's file name inside an export directory. */
export const MANIFEST_FILE = 'manifest.json';
/** Bumped when a field changes meaning; readers refuse versions they do not know. */
export const MANIFEST_VERSION = 1;

export type ExportFormat = 'parquet' | 'csv' | 'jsonl';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['parquet', 'csv', 'jsonl'];

/** How each export type is stored in a Parquet file (physical type and logical annotation). */
export const PARQUET_TYPES: Readonly<Record<ExportType, string>> = {
  int64: 'INT64',
  double: 'DOUBLE',
  date: 'INT32 (DATE)',
  timestamp: 'INT64 (TIMESTAMP(MICROS, UTC))',
  string: 'BYTE_ARRAY (STRING)',
};

export interface ManifestColumn {
  readonly name: string;
  readonly type: ExportType;
  readonly sqlite_type: string | null;
  /** Only in Parquet exports. */
  readonly parquet_type?: string;
}

/** One capture that answered a (week, tier), with its three clocks, as it was when exported. */
export interface ManifestCapture {
  readonly capture_id: string;
  readonly week_ending: string;
  readonly tier: string;
  readonly captured_at: string;
  readonly source_last_update_date: string | null;
  readonly status: string;
  readonly content_hash: string | null;
  readonly execution_id: string | null;
  /** Rows exported from this capture (after the --symbol / --mpid filters). */
  readonly rows: number;
}

export interface ManifestFile {
  /** A plain file name inside the export directory. */
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly capture_ids: readonly string[];
  /** Set on partitioned exports: the partition this file holds. */
  readonly week_ending?: string;
  readonly tier?: string;
}

/** The selectors as the user gave them (null when not given). */
export interface ManifestSelectors {
  readonly week: string | null;
  readonly from: string | null;
  readonly to: string | null;
  readonly tier: string | null;
  readonly symbol: string | null;
  readonly mpid: string | null;
  readonly as_of: string;
  readonly published_as_of: string | null;
}

export interface ExportManifest {
  readonly manifest_version: typeof MANIFEST_VERSION;
  readonly product: { readonly name: string; readonly version: string };
  readonly exported_at: string;
  readonly dataset: string;
  readonly source_table: string;
  readonly format: ExportFormat;
  readonly partitioned: boolean;
  readonly selectors: ManifestSelectors;
  /** The as-of rule as resolved (`latest`, a capture id, a captured_at instant, `published DATE`). */
  readonly as_of: string;
  readonly row_order: string;
  readonly columns: readonly ManifestColumn[];
  readonly captures: readonly ManifestCapture[];
  /** (week, tier) pairs asked for that had no capture under the as-of rule. */
  readonly missing: readonly { readonly week_ending: string; readonly tier: string }[];
  readonly files: readonly ManifestFile[];
  readonly row_count: number;
}

const notAnExport = (dir: string, why: string): SpineError =>
  new SpineError(ErrorCodes.INVALID_PARAMS, `${dir} is not a Market Spine export: ${why}`, { details: { dir } });

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._=-]*$/;

/**
 * Reads and checks the manifest of an export directory: its version, and that every file it lists is a
 * plain name inside the directory (a manifest never makes `verify` read anything else).
 */
export function readManifest(dir: string): ExportManifest {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw notAnExport(dir, 'no such directory');
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) throw notAnExport(dir, `no ${MANIFEST_FILE}`);
  let m: Partial<ExportManifest>;
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as Partial<ExportManifest>;
  } catch (err) {
    throw notAnExport(dir, `${MANIFEST_FILE} is not valid JSON (${(err as Error).message})`);
  }
  if (typeof m !== 'object' || m === null) throw notAnExport(dir, `${MANIFEST_FILE} is not an object`);
  if (m.manifest_version !== MANIFEST_VERSION) {
    throw notAnExport(
      dir,
      `manifest_version ${String(m.manifest_version)} is not supported (expected ${MANIFEST_VERSION})`,
    );
  }
  if (!Array.isArray(m.files) || !Array.isArray(m.captures) || typeof m.dataset !== 'string') {
    throw notAnExport(dir, `${MANIFEST_FILE} lacks dataset, files or captures`);
  }
  for (const entry of m.files as unknown[]) {
    const f = (entry ?? {}) as Partial<ManifestFile>;
    if (typeof f.path !== 'string' || !SAFE_NAME.test(f.path) || f.path === MANIFEST_FILE) {
      throw notAnExport(dir, `${MANIFEST_FILE} lists a file outside the directory: ${JSON.stringify(f.path)}`);
    }
    if (typeof f.sha256 !== 'string' || typeof f.bytes !== 'number') {
      throw notAnExport(dir, `${MANIFEST_FILE} lists ${f.path} without sha256 or bytes`);
    }
  }
  for (const entry of m.captures as unknown[]) {
    if (typeof (entry as Partial<ManifestCapture> | null)?.capture_id !== 'string') {
      throw notAnExport(dir, `${MANIFEST_FILE} lists a capture without an id`);
    }
  }
  return m as ExportManifest;
}
