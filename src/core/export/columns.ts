import { ErrorCodes, SpineError } from '../errors.js';

/**
 * The type of an exported column, the same in every format: `int64` is exact (read as a bigint, written
 * as INT64 or as its decimal digits), `double` is IEEE 754, `date` is a calendar day (Parquet DATE, text
 * `YYYY-MM-DD`), `timestamp` an instant (Parquet TIMESTAMP(MICROS, UTC), text as stored), `string` UTF-8.
 */
export type ExportType = 'int64' | 'double' | 'date' | 'timestamp' | 'string';

export interface ExportColumn {
  readonly name: string;
  readonly type: ExportType;
  /** The declared SQLite type the export type comes from. */
  readonly sqlite_type: string | null;
}

/**
 * Maps a result column to its export type: INTEGER → int64, REAL → double; TEXT columns that hold one of
 * the three clocks or another instant get a real date or timestamp type (`week_ending` and `*_date` are
 * days, `*_at` are instants); everything else is a string.
 */
export function exportTypeOf(name: string, sqliteType: string | null): ExportType {
  const t = (sqliteType ?? '').toUpperCase();
  if (t === 'INTEGER') return 'int64';
  if (t === 'REAL') return 'double';
  if (t === 'TEXT' && (name === 'week_ending' || name.endsWith('_date'))) return 'date';
  if (t === 'TEXT' && name.endsWith('_at')) return 'timestamp';
  return 'string';
}

export function exportColumns(columns: readonly { name: string; type: string | null }[]): ExportColumn[] {
  return columns.map((c) => ({ name: c.name, type: exportTypeOf(c.name, c.type), sqlite_type: c.type }));
}

const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:?\d{2})?$/;

function utcMs(y: string, mo: string, d: string, h = '00', mi = '00', s = '00'): number | undefined {
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  // Date.UTC rolls 2025-02-30 over to March; a real day must read back the same.
  return new Date(ms).toISOString().slice(0, 19) === `${y}-${mo}-${d}T${h}:${mi}:${s}` ? ms : undefined;
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` text, or undefined when it is not a real calendar day. */
export function epochDays(text: string): number | undefined {
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  const ms = utcMs(m[1] as string, m[2] as string, m[3] as string);
  return ms === undefined ? undefined : ms / DAY_MS;
}

/**
 * Microseconds since the epoch of an ISO 8601 instant as the pipelines store them
 * (`2025-12-22T14:05:09.123000+00:00`, `2025-12-22T14:05:09.123Z`); no zone means UTC. Exact: the
 * fraction's digits are added as integers, never through a float.
 */
export function epochMicros(text: string): bigint | undefined {
  const m = TIMESTAMP_RE.exec(text);
  if (!m) return undefined;
  const ms = utcMs(m[1] as string, m[2] as string, m[3] as string, m[4], m[5], m[6]);
  if (ms === undefined) return undefined;
  const zone = m[8] ?? 'Z';
  let offsetMin = 0;
  if (zone !== 'Z') {
    const digits = zone.replace(':', '');
    offsetMin = (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))) * (digits.startsWith('-') ? -1 : 1);
  }
  return BigInt(ms - offsetMin * 60_000) * 1000n + BigInt((m[7] ?? '').padEnd(6, '0'));
}

/**
 * A stored value that does not fit its column's export type (text in an INTEGER column, a date that is
 * not a day). The export stops rather than write a file whose types the manifest would misstate.
 */
export function badValue(column: ExportColumn, value: unknown, captureId: unknown): SpineError {
  const shown = typeof value === 'string' ? `'${value}'` : String(value);
  const where = typeof captureId === 'string' ? ` (capture ${captureId})` : '';
  return new SpineError(
    ErrorCodes.DATABASE_ERROR,
    `Cannot export column ${column.name}: it holds ${shown}${where}, which is not a valid ${column.type}`,
    { details: { column: column.name, type: column.type, value: String(value), capture_id: captureId ?? null } },
  );
}

/**
 * Converts each cell of one column to what a writer stores, checking it fits the column's type. Dates and
 * timestamps are converted once per distinct text in a row (lineage clocks repeat on every row).
 */
export interface CellConverter<T> {
  (value: unknown, row: readonly unknown[]): T | null;
}

/** int64 cells as bigints: better-sqlite3 with safeIntegers gives bigints for every stored integer. */
export function int64Cell(column: ExportColumn, captureIndex: number): CellConverter<bigint> {
  return (v, row) => {
    if (v === null || v === undefined) return null;
    if (typeof v === 'bigint') return v;
    if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
    throw badValue(column, v, row[captureIndex]);
  };
}

export function doubleCell(column: ExportColumn, captureIndex: number): CellConverter<number> {
  return (v, row) => {
    if (v === null || v === undefined) return null;
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    throw badValue(column, v, row[captureIndex]);
  };
}

function cached<T>(parse: (text: string) => T | undefined, column: ExportColumn, captureIndex: number) {
  let lastText: string | undefined;
  let lastValue: T | undefined;
  return (v: unknown, row: readonly unknown[]): T | null => {
    if (v === null || v === undefined) return null;
    if (typeof v === 'string' && v === lastText) return lastValue as T;
    const parsed = typeof v === 'string' ? parse(v) : undefined;
    if (parsed === undefined) throw badValue(column, v, row[captureIndex]);
    lastText = v as string;
    lastValue = parsed;
    return parsed;
  };
}

/** Date cells as days since the epoch (Parquet DATE). */
export const dateDaysCell = (column: ExportColumn, captureIndex: number): CellConverter<number> =>
  cached(epochDays, column, captureIndex);

/** Timestamp cells as microseconds since the epoch, UTC (Parquet TIMESTAMP(MICROS, UTC)). */
export const timestampMicrosCell = (column: ExportColumn, captureIndex: number): CellConverter<bigint> =>
  cached(epochMicros, column, captureIndex);

/** Date and timestamp cells for text formats: the stored text, once it is known to be a valid value. */
export function checkedTextCell(column: ExportColumn, captureIndex: number): CellConverter<string> {
  const check = column.type === 'date' ? dateDaysCell(column, captureIndex) : timestampMicrosCell(column, captureIndex);
  return (v, row) => (check(v, row) === null ? null : (v as string));
}

export function stringCell(column: ExportColumn, captureIndex: number): CellConverter<string> {
  return (v, row) => {
    if (v === null || v === undefined) return null;
    if (typeof v === 'string') return v;
    if (typeof v === 'bigint' || typeof v === 'number') return String(v);
    throw badValue(column, v, row[captureIndex]);
  };
}
