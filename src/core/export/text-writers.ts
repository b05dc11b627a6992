import { checkedTextCell, doubleCell, int64Cell, stringCell } from './columns.js';
import type { ExportColumn } from './columns.js';
import { HashedFile } from './hashed-file.js';
import type { ExportLayout, RowSource, WrittenFile } from './layout.js';

/**
 * One cell as text, or null for SQL NULL. Integers are their exact decimal digits (bigints, never
 * through a float); doubles use JavaScript's shortest round-trip form; dates and timestamps are the
 * stored text once checked.
 */
type TextCell = (value: unknown, row: readonly unknown[]) => string | null;

function textCell(column: ExportColumn, captureIndex: number, json: boolean): TextCell {
  switch (column.type) {
    case 'int64': {
      const cell = int64Cell(column, captureIndex);
      return (v, row) => cell(v, row)?.toString() ?? null;
    }
    case 'double': {
      const cell = doubleCell(column, captureIndex);
      return (v, row) => {
        const n = cell(v, row);
        if (n === null) return null;
        if (Number.isFinite(n)) return String(n);
        return json ? null : n > 0 ? 'inf' : n < 0 ? '-inf' : 'nan';
      };
    }
    case 'date':
    case 'timestamp':
      return checkedTextCell(column, captureIndex);
    case 'string':
      return stringCell(column, captureIndex);
  }
}

const CSV_SPECIAL = /[",\r\n]/;
const csvField = (s: string): string => (s === '' || CSV_SPECIAL.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/**
 * RFC 4180 CSV with a header row: fields with a comma, quote or line break are quoted, NULL is an empty
 * field and the empty string is `""`, lines end with LF.
 */
export function writeCsv(path: string, layout: ExportLayout, rows: RowSource): WrittenFile {
  const cells = layout.columns.map((c) => textCell(c, layout.captureIndex, false));
  const quoted = layout.columns.map((c) => c.type === 'string');
  const file = new HashedFile(path);
  try {
    file.writeText(`${layout.columns.map((c) => csvField(c.name)).join(',')}\n`);
    let n = 0;
    const { indices } = layout;
    for (const row of rows) {
      let line = '';
      for (let j = 0; j < indices.length; j++) {
        const text = (cells[j] as TextCell)(row[indices[j] as number], row);
        if (j > 0) line += ',';
        if (text !== null) line += quoted[j] ? csvField(text) : text;
      }
      file.writeText(`${line}\n`);
      n++;
    }
    return { rows: n, ...file.close() };
  } catch (err) {
    file.abandon();
    throw err;
  }
}

/**
 * JSON Lines: one object per row with the keys in column order. int64 values are bare JSON numbers with
 * every digit (readers that parse into doubles lose digits past 2^53; pandas, DuckDB and Arrow do not),
 * doubles are numbers (non-finite ones, which JSON cannot hold, are null), the rest strings or null.
 */
export function writeJsonl(path: string, layout: ExportLayout, rows: RowSource): WrittenFile {
  const cells = layout.columns.map((c) => textCell(c, layout.captureIndex, true));
  const keys = layout.columns.map((c, j) => `${j === 0 ? '{' : ','}${JSON.stringify(c.name)}:`);
  const numeric = layout.columns.map((c) => c.type === 'int64' || c.type === 'double');
  const file = new HashedFile(path);
  try {
    let n = 0;
    const { indices } = layout;
    for (const row of rows) {
      let line = '';
      for (let j = 0; j < indices.length; j++) {
        const text = (cells[j] as TextCell)(row[indices[j] as number], row);
        line += keys[j] as string;
        if (text === null) line += 'null';
        else if (numeric[j]) line += text;
        else line += JSON.stringify(text);
      }
      file.writeText(`${line}}\n`);
      n++;
    }
    return { rows: n, ...file.close() };
  } catch (err) {
    file.abandon();
    throw err;
  }
}
