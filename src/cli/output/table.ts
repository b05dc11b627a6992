/** Plain-text tables for humans (JSON output never goes through here). Numbers are right-aligned. */
export interface Column<R> {
  readonly header: string;
  readonly get: (row: R) => unknown;
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : String(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function renderTable<R>(rows: readonly R[], columns: readonly Column<R>[]): string {
  const cells = rows.map((r) => columns.map((c) => c.get(r)));
  const text = cells.map((r) => r.map(cell));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...text.map((r) => (r[i] ?? '').length)));
  const numeric = columns.map(
    (_, i) => cells.length > 0 && cells.every((r) => typeof r[i] === 'number' || r[i] == null),
  );
  const line = (vals: readonly string[]): string =>
    vals
      .map((v, i) => (numeric[i] ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)].join('\n');
}

/** Table from plain objects, columns in key order of the first row. */
export function renderObjects(rows: readonly Record<string, unknown>[]): string {
  const first = rows[0];
  if (!first) return '(no rows)';
  return renderTable(
    rows,
    Object.keys(first).map((k) => ({ header: k, get: (r: Record<string, unknown>) => r[k] })),
  );
}

export function toCsv(rows: readonly Record<string, unknown>[]): string {
  const first = rows[0];
  if (!first) return '';
  const keys = Object.keys(first);
  const esc = (v: unknown): string => {
    const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [keys.join(','), ...rows.map((r) => keys.map((k) => esc(r[k])).join(','))].join('\n');
}
