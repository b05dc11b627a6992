/**
 * What an export must hold, worked out from `spine query`'s rows and not from the code under test: each
 * column's Arrow type when read back, and rows as comparable text. Shared by the export tests that go
 * through the binary (tests/e2e) and in-process (tests/integration-sync/export).
 */
import type { ReadBackFile } from './export-reader.js';

/** REAL columns of the datasets exported here (migrations 020 and 025); every other numeric column is INTEGER. */
const DOUBLE_COLUMNS = new Set(['avg_trade_size', 'market_share']);

/**
 * The Arrow type each column must have when read back, from the column's role and `spine query`'s values
 * (not from the code under test): the clocks are dates and instants, numbers are int64 or double.
 */
export function expectedTypes(rows: readonly Record<string, unknown>[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const column of Object.keys(rows[0] as object)) {
    const value = rows.map((r) => r[column]).find((v) => v !== null && v !== undefined);
    out[column] =
      column === 'week_ending' || column.endsWith('_date')
        ? 'date32[day]'
        : column.endsWith('_at')
          ? 'timestamp[us, tz=UTC]'
          : typeof value === 'number'
            ? DOUBLE_COLUMNS.has(column)
              ? 'double'
              : 'int64'
            : 'string';
  }
  return out;
}

/**
 * Rows as comparable text, one string per row, sorted: int64 as digits, doubles as numbers, dates as
 * days, instants as ISO UTC with microseconds. `spine query` rows are converted here, independently.
 */
export function canonicalQueryRows(rows: readonly Record<string, unknown>[], types: Record<string, string>): string[] {
  return rows
    .map((r) =>
      JSON.stringify(
        Object.keys(types).map((c) => {
          const v = r[c];
          if (v === null || v === undefined) return null;
          if (types[c]?.startsWith('timestamp')) return new Date(String(v)).toISOString().replace('Z', '000Z');
          if (types[c] === 'int64') return String(v);
          return v;
        }),
      ),
    )
    .sort();
}
export const canonicalReadRows = (file: ReadBackFile): string[] => file.rows.map((r) => JSON.stringify(r)).sort();
