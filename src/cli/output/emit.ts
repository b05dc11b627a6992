import { renderObjects, toCsv } from './table.js';
import type { TableOptions } from './table.js';

/**
 * Renders rows for humans or CSV. JSON is never printed here: commands return their result and the
 * base command prints it, so `--json` output has one shape everywhere.
 */
export function renderRows(
  rows: readonly Record<string, unknown>[],
  format: string | undefined,
  options: TableOptions = {},
): string {
  return format === 'csv' ? toCsv(rows) : renderObjects(rows, options);
}
