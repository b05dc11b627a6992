/**
 * One number format per table column, decided from the column's name and all of its values, so a column
 * never mixes `2027617.3488372094` with `1,142,147`. Integers stay exact at any size (bigint included);
 * shares are stored as fractions and shown as percentages; everything else keeps its text.
 */
export type ColumnKind = 'integer' | 'plain-integer' | 'decimal' | 'percent' | 'percent-points' | 'instant' | 'text';

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
/** UTC instants as stored (`2025-12-22T14:05:09.123Z`, `2025-12-22T14:05:09.123000+00:00`). */
const UTC_INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?(Z|\+00:00)$/;
const isInteger = (v: number | bigint): boolean => typeof v === 'bigint' || Number.isInteger(v);

/** The format of one column, from its header and every value it holds (nulls are ignored). */
export function columnFormat(name: string, values: readonly unknown[]): ColumnFormat {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length > 0 && present.every((v) => typeof v === 'string' && UTC_INSTANT.test(v)))
    return { kind: 'instant', decimals: 0 };
  if (present.length === 0 || !present.every(isNumeric)) return { kind: 'text', decimals: 0 };
  if (FRACTION.test(name)) return { kind: 'percent', decimals: percentDecimals(present.map((v) => Number(v) * 100)) };
  if (POINTS.test(name)) return { kind: 'percent-points', decimals: percentDecimals(present.map(Number)) };
  if (present.every(isInteger)) return { kind: PLAIN.test(name) ? 'plain-integer' : 'integer', decimals: 0 };
  const max = Math.max(...present.map((v) => Math.abs(Number(v))));
  return { kind: 'decimal', decimals: max >= 100 ? 2 : 4 };
}

/** 2 decimals, up to 4 when a small non-zero share would otherwise read as 0.00%. */
function percentDecimals(points: readonly number[]): number {
  const smallest = Math.min(...points.map(Math.abs).filter((p) => p > 0));
  let decimals = 2;
  while (decimals < 4 && smallest < 0.5 * 10 ** -decimals) decimals++;
  return decimals;
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
  if (f.kind === 'instant' && typeof v === 'string') {
    // To the second, in UTC: tables stay narrow; --json and --format csv keep the stored precision.
    const m = UTC_INSTANT.exec(v);
    return m ? `${m[1] ?? ''} ${m[2] ?? ''}Z` : v;
  }
  if (typeof v === 'object') return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  return String(v);
}

/** Numbers of a numeric column are right-aligned. */
export function isRightAligned(f: ColumnFormat): boolean {
  return f.kind !== 'text' && f.kind !== 'instant';
}
