/**
 * One number format per table column, decided from the column's name and all of its values, so a column
 * never mixes `2027617.3488372094` with `1,142,147`. Integers stay exact at any size (bigint included);
 * shares are stored as fractions and shown as percentages; everything else keeps its text.
 */
export type ColumnKind = 'integer' | 'plain-integer' | 'decimal' | 'percent' | 'percent-points' | 'text';

export interface ColumnFormat {
  readonly kind: ColumnKind;
  /** Digits after the point (decimal and percent columns). */
  readonly decimals: number;
}

/** Fractions of 1 that tables show as percentages (JSON keeps the fraction). */
const FRACTION = /(^|_)share$|^market_share_pct$/;
/** Values that are already percentage points (e.g. rolling trend_pct = 12.5 for +12.5%). */
const POINTS = /_pct$/;
/** Integer columns that are identifiers or calendar numbers, never grouped with commas (`2025`, not `2,025`). */
const PLAIN = /(^|_)(id|year|version|pid|month|day)$/;

const isNumeric = (v: unknown): v is number | bigint => typeof v === 'number' || typeof v === 'bigint';
const isInteger = (v: number | bigint): boolean => typeof v === 'bigint' || Number.isInteger(v);

/** The format of one column, from its header and every value it holds (nulls are ignored). */
export function columnFormat(name: string, values: readonly unknown[]): ColumnFormat {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length === 0 || !present.every(isNumeric)) return { kind: 'text', decimals: 0 };
  if (FRACTION.test(name)) return { kind: 'percent', decimals: 2 };
  if (POINTS.test(name)) return { kind: 'percent-points', decimals: 2 };
  if (present.every(isInteger)) return { kind: PLAIN.test(name) ? 'plain-integer' : 'integer', decimals: 0 };
  const max = Math.max(...present.map((v) => Math.abs(Number(v))));
  return { kind: 'decimal', decimals: max >= 100 ? 2 : 4 };
}

const grouped = (v: number, decimals: number): string =>
  v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });

/** Exact digits with thousands separators, for numbers and bigints alike. */
export function formatInteger(v: number | bigint): string {
  return typeof v === 'bigint' ? v.toLocaleString('en-US') : grouped(v, 0);
}

/** One cell under its column's format. Objects become JSON, null becomes an empty cell. */
export function formatCell(v: unknown, f: ColumnFormat): string {
  if (v === null || v === undefined) return '';
  if (isNumeric(v)) {
    switch (f.kind) {
      case 'integer':
        return formatInteger(v);
      case 'plain-integer':
        return v.toString();
      case 'decimal':
        return grouped(Number(v), f.decimals);
      case 'percent':
        return `${grouped(Number(v) * 100, f.decimals)}%`;
      case 'percent-points':
        return `${grouped(Number(v), f.decimals)}%`;
      case 'text':
        return v.toString();
    }
  }
  if (typeof v === 'object') return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  return String(v);
}

/** Numbers of a numeric column are right-aligned. */
export function isRightAligned(f: ColumnFormat): boolean {
  return f.kind !== 'text';
}
