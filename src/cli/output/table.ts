/**
 * Plain-text tables for humans (JSON output never goes through here). Each column has one number format
 * (format.ts); numbers are right-aligned and never shortened. Tables fit the terminal: long text columns
 * are shortened with `…`, and columns that still do not fit are hidden with a footer naming them
 * (`--wide` turns fitting off). A row limit prints a footer saying how many rows are not shown.
 */
import { columnFormat, formatCell, isRightAligned } from './format.js';

export interface Column<R> {
  readonly header: string;
  readonly get: (row: R) => unknown;
}

export interface TableOptions {
  /** Maximum line width; `null` for none. Default: the terminal's width (see `tableWidth`). */
  readonly width?: number | null;
  /** At most this many rows are shown; a footer counts the others. */
  readonly limit?: number;
  /** Rows that exist in total, when more exist than were passed in (e.g. a query's full count). */
  readonly total?: number;
  /** How to see every row, for the footer, e.g. `--all`. */
  readonly allHint?: string;
}

const GAP = 2;
/** Free-text columns are never shortened below this (nor below their header, nor their natural width). */
const MIN_TEXT = 12;

let wide = false;

/** `--wide`: tables keep every column at full width. Set once per process by the base command. */
export function setWideTables(value: boolean): void {
  wide = value;
}

/**
 * The width tables must fit: the terminal's columns when stdout is a terminal, else `$COLUMNS` when set,
 * else no limit (a pipe gets whole lines). `--wide` means no limit.
 */
export function tableWidth(): number | null {
  if (wide) return null;
  if (process.stdout.isTTY && process.stdout.columns > 0) return process.stdout.columns;
  const env = Number(process.env['COLUMNS']);
  return Number.isInteger(env) && env > 0 ? env : null;
}

function shorten(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

const lineWidth = (widths: readonly number[]): number =>
  widths.reduce((a, b) => a + b, 0) + GAP * Math.max(0, widths.length - 1);

interface Fitted {
  /** Width per column; 0 for a hidden column. */
  readonly widths: number[];
  readonly hidden: string[];
  readonly shortened: boolean;
}

/**
 * Makes a table fit `max` characters: first shortens free-text columns (names, messages: values with
 * spaces), widest first; then hides columns from the right; identifiers, dates and numbers are never cut.
 */
function fit(
  headers: readonly string[],
  natural: readonly number[],
  freeText: readonly boolean[],
  max: number | null,
): Fitted {
  const widths = [...natural];
  if (max === null || lineWidth(widths) <= max) return { widths, hidden: [], shortened: false };
  const floor = natural.map((w, i) => (freeText[i] ? Math.min(w, Math.max(MIN_TEXT, (headers[i] ?? '').length)) : w));
  let shortened = false;
  while (lineWidth(widths) > max) {
    let pick = -1;
    for (let i = 0; i < widths.length; i++) {
      if ((widths[i] ?? 0) > (floor[i] ?? 0) && (pick < 0 || (widths[i] ?? 0) > (widths[pick] ?? 0))) pick = i;
    }
    if (pick < 0) break;
    widths[pick] = (widths[pick] ?? 0) - 1;
    shortened = true;
  }
  const hidden: string[] = [];
  let visible = widths.length;
  while (visible > 1 && lineWidth(widths.slice(0, visible)) > max) {
    visible--;
    hidden.unshift(headers[visible] ?? '');
    widths[visible] = 0;
  }
  return { widths, hidden, shortened };
}

export function renderTable<R>(rows: readonly R[], columns: readonly Column<R>[], options: TableOptions = {}): string {
  const shown = options.limit !== undefined ? rows.slice(0, options.limit) : rows;
  const values = shown.map((r) => columns.map((c) => c.get(r)));
  // The format is decided on the rows shown, so the column reads the same from top to bottom.
  const formats = columns.map((c, i) =>
    columnFormat(
      c.header,
      values.map((r) => r[i]),
    ),
  );
  const text = values.map((r) => r.map((v, i) => formatCell(v, formats[i] ?? { kind: 'text', decimals: 0 })));
  const natural = columns.map((c, i) => Math.max(c.header.length, ...text.map((r) => (r[i] ?? '').length)));
  const max = options.width === undefined ? tableWidth() : options.width;
  const right = formats.map(isRightAligned);
  const freeText = formats.map((f, i) => f.kind === 'text' && text.some((r) => /\s/.test(r[i] ?? '')));
  const { widths, hidden, shortened } = fit(
    columns.map((c) => c.header),
    natural,
    freeText,
    max,
  );
  const line = (vals: readonly string[]): string =>
    vals
      .flatMap((v, i) => {
        const w = widths[i] ?? 0;
        if (w === 0) return [];
        const s = shorten(v, w);
        return [right[i] ? s.padStart(w) : s.padEnd(w)];
      })
      .join(' '.repeat(GAP))
      .trimEnd();
  const out = [line(columns.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)];
  const total = options.total ?? rows.length;
  if (total > shown.length) {
    const more = total - shown.length;
    out.push(
      `… ${more.toLocaleString('en-US')} more row${more === 1 ? '' : 's'} not shown ` +
        `(${shown.length.toLocaleString('en-US')} of ${total.toLocaleString('en-US')})` +
        `${options.allHint ? `; ${options.allHint}` : ''}`,
    );
  }
  if (hidden.length > 0) {
    out.push(
      `(${hidden.length} column${hidden.length === 1 ? '' : 's'} hidden to fit ${max} characters: ${hidden.join(', ')}; --wide shows ${hidden.length === 1 ? 'it' : 'them'})`,
    );
  } else if (shortened) {
    out.push(`(long values shortened with … to fit ${max} characters; --wide shows them in full)`);
  }
  return out.join('\n');
}

/** Table from plain objects, columns in key order of the first row. */
export function renderObjects(rows: readonly Record<string, unknown>[], options: TableOptions = {}): string {
  const first = rows[0];
  if (!first) return '(no rows)';
  return renderTable(
    rows,
    Object.keys(first).map((k) => ({ header: k, get: (r: Record<string, unknown>) => r[k] })),
    options,
  );
}

/** CSV with exact values: integers of any size keep every digit; objects become JSON. */
export function toCsv(rows: readonly Record<string, unknown>[]): string {
  const first = rows[0];
  if (!first) return '';
  const keys = Object.keys(first);
  const esc = (v: unknown): string => {
    const s =
      v === null || v === undefined
        ? ''
        : typeof v === 'object'
          ? JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x))
          : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [keys.join(','), ...rows.map((r) => keys.map((k) => esc(r[k])).join(','))].join('\n');
}
