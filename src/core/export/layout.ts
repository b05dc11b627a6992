import { exportColumns } from './columns.js';
import type { ExportColumn } from './columns.js';

/**
 * Where each exported column sits in the rows a statement returns (better-sqlite3 raw mode: one array
 * per row). Columns left out (the surrogate `id`) are simply never read, so rows are never copied.
 */
export interface ExportLayout {
  readonly columns: readonly ExportColumn[];
  /** `indices[j]` is the position of `columns[j]` in a row. */
  readonly indices: readonly number[];
  /** Position of `capture_id` in a row (-1 when absent): named in errors about bad values. */
  readonly captureIndex: number;
}

/**
 * The layout of a statement's result columns, without the `omit` ones. Types come from the stored names
 * and declared types; `rename` gives the names users see (the same as `spine query` prints).
 */
export function layoutOf(
  resultColumns: readonly { name: string; type: string | null }[],
  options: { readonly omit?: readonly string[]; readonly rename?: (stored: string) => string } = {},
): ExportLayout {
  const omit = options.omit ?? ['id'];
  const rename = options.rename ?? ((name: string) => name);
  const kept = resultColumns.map((c, i) => ({ c, i })).filter(({ c }) => !omit.includes(c.name));
  return {
    columns: exportColumns(kept.map(({ c }) => c)).map((c) => ({ ...c, name: rename(c.name) })),
    indices: kept.map(({ i }) => i),
    captureIndex: resultColumns.findIndex((c) => c.name === 'capture_id'),
  };
}

/** The rows of one output file, in order, as raw arrays. */
export type RowSource = Iterable<readonly unknown[]>;

/** What a format writer reports about one file. */
export interface WrittenFile {
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
}
