/**
 * week_ending, the business clock (domain-spec §5). Every weekly row is keyed by a Friday. A FINRA file's
 * date is a *publication* date, so its week is the most recent Friday strictly before it; the helpers
 * for building week lists use a different rule (first Friday on or after) and are kept apart on purpose.
 * Holidays play no role: a holiday week still ends on its Friday.
 */
import { ErrorCodes, SourceError, SpineError } from './errors.js';
import { addDays, dayName, dayOfWeek, parseCompactDate, parseIsoDate, toEpochDay, tryParseIsoDate } from './dates.js';

/** Days to subtract from a publication date, by weekday (0 = Sunday): Mon −3 … Fri −7, Sat −1, Sun −2. */
const DAYS_BACK_TO_PRIOR_FRIDAY = [2, 3, 4, 5, 6, 7, 1] as const;

/**
 * The most recent Friday strictly before a publication date (`2025-12-22` → `2025-12-19`; a Friday maps to
 * the previous Friday). This is how a file named `…_20251222.csv` lands on week 2025-12-19.
 */
export function weekEndingFromPublicationDate(date: string): string {
  const iso = parseIsoDate(date, 'publication date');
  return addDays(iso, -(DAYS_BACK_TO_PRIOR_FRIDAY[dayOfWeek(iso)] ?? 7));
}

/**
 * The first Friday on or after `date` (reference `from_any_date`): Mon–Thu → that week's Friday,
 * Sat/Sun → the following Friday. Also the API rule: weekStartDate (a Monday) → its Friday (§1).
 */
export function nearestFridayOnOrAfter(date: string): string {
  const iso = parseIsoDate(date);
  return addDays(iso, (5 - dayOfWeek(iso) + 7) % 7);
}

/**
 * The Friday a non-Friday most likely meant, and the other neighbour when the day sits inside a week:
 * Saturday and Sunday → the Friday just before; Monday → the Friday before (3 days) with the next one
 * (4 days) as the other; Tuesday–Thursday → the Friday after, with the one before as the other.
 */
export function fridayNeighbours(date: string): { readonly nearest: string; readonly other: string | null } {
  const iso = parseIsoDate(date);
  const dow = dayOfWeek(iso);
  if (dow === 5) return { nearest: iso, other: null };
  const before = addDays(iso, -((dow + 2) % 7));
  const after = addDays(iso, (5 - dow + 7) % 7);
  if (dow === 6 || dow === 0) return { nearest: before, other: null };
  return dow === 1 ? { nearest: before, other: after } : { nearest: after, other: before };
}

/**
 * Validates a week_ending parameter. Non-Fridays are a user error, and the message suggests the Friday
 * they most likely meant (both neighbours for a day inside the week) so the fix is one copy-paste away.
 * `name` is what the user typed (`--week`, `--from`, `week_ending`).
 */
export function assertFriday(date: string, name = 'week_ending'): string {
  const iso = parseIsoDate(date, name);
  const problem = fridayProblem(iso);
  if (problem !== null) {
    const { nearest, other } = fridayNeighbours(iso);
    throw new SpineError(ErrorCodes.INVALID_DATE, `${name} ${problem}`, {
      details: { value: iso, nearestFriday: nearest, otherFriday: other },
      nonRetryable: true,
    });
  }
  return iso;
}

/**
 * What is wrong with a date as a week_ending, or null for a Friday: `must be Friday, got 2025-12-20
 * (Saturday). Nearest Friday: 2025-12-19 (1 day before)`; a day inside the week names both neighbours.
 */
export function fridayProblem(date: string): string | null {
  const iso = parseIsoDate(date);
  if (dayOfWeek(iso) === 5) return null;
  const { nearest, other } = fridayNeighbours(iso);
  const side = (d: string): string => {
    const n = toEpochDay(d) - toEpochDay(iso);
    return `${Math.abs(n)} day${Math.abs(n) === 1 ? '' : 's'} ${n < 0 ? 'before' : 'after'}`;
  };
  const also = other ? `; the Friday ${toEpochDay(other) < toEpochDay(iso) ? 'before' : 'after'} is ${other}` : '';
  return `must be Friday, got ${iso} (${dayName(iso)}). Nearest Friday: ${nearest} (${side(nearest)})${also}`;
}

/** The week `n` weeks earlier (7n days); `week` must be a Friday. */
export function previousWeek(week: string, n = 1): string {
  return addDays(assertFriday(week), -7 * n);
}

/** The week `n` weeks later (7n days); `week` must be a Friday. */
export function nextWeek(week: string, n = 1): string {
  return addDays(assertFriday(week), 7 * n);
}

/** `k` Fridays ending with `week`, oldest first: the input window of the rolling calculations. */
export function windowWeeks(week: string, k: number): string[] {
  const end = assertFriday(week);
  const out: string[] = [];
  for (let i = k - 1; i >= 0; i--) out.push(addDays(end, -7 * i));
  return out;
}

/**
 * `n` Fridays, oldest first, ending at the first Friday on or after `asOf`. `asOf` is required (no hidden
 * "today"): callers pass the date from an injected clock so backfills are reproducible.
 */
export function lastNWeeks(n: number, asOf: string): string[] {
  return windowWeeks(nearestFridayOnOrAfter(asOf), n);
}

/** Every Friday from `from` to `to`, both included; empty when `from` is after `to`. */
export function weekRange(from: string, to: string): string[] {
  const a = assertFriday(from);
  const b = assertFriday(to);
  const out: string[] = [];
  for (let d = a; toEpochDay(d) <= toEpochDay(b); d = addDays(d, 7)) out.push(d);
  return out;
}

export type FileDateSource = 'override' | 'filename' | 'content';

export interface FileDateInput {
  /** An explicit `file_date` parameter; wins over everything. */
  readonly override?: string | null | undefined;
  /** The file name or path; only its stem (basename without extension) is searched. */
  readonly fileName: string;
  /** `lastUpdateDate` of the first data row, when the file has one. */
  readonly firstLastUpdateDate?: string | null | undefined;
}

export interface ResolvedFileDate {
  readonly date: string;
  readonly source: FileDateSource;
}

/** Basename without its last extension: `data/x/finra_otc_weekly_otc_20251222.csv` → `finra_otc_weekly_otc_20251222`. */
export function fileStem(fileName: string): string {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/** The date written in a file name: 8 digits `YYYYMMDD` ending the stem, else the first `YYYY-MM-DD` in it. */
export function dateFromFileName(fileName: string): string | null {
  const stem = fileStem(fileName);
  const compact = /(?:^|\D)(\d{8})$/.exec(stem)?.[1];
  const fromCompact = compact === undefined ? null : parseCompactDate(compact);
  if (fromCompact !== null) return fromCompact;
  for (const m of stem.matchAll(/\d{4}-\d{2}-\d{2}/g)) {
    const iso = tryParseIsoDate(m[0]);
    if (iso !== null) return iso;
  }
  return null;
}

/**
 * The publication date of a file, first of: the override, the file name, the first row's lastUpdateDate
 * (domain-spec §5). The label says which one won, so logs can explain a surprising week.
 */
export function resolveFileDate(input: FileDateInput): ResolvedFileDate {
  if (input.override !== undefined && input.override !== null) {
    return { date: parseIsoDate(input.override, 'file_date'), source: 'override' };
  }
  const fromName = dateFromFileName(input.fileName);
  if (fromName !== null) return { date: fromName, source: 'filename' };
  const lud = input.firstLastUpdateDate;
  const fromContent = lud === undefined || lud === null ? null : tryParseIsoDate(lud.trim());
  if (fromContent !== null) return { date: fromContent, source: 'content' };
  throw new SourceError(
    input.fileName,
    0,
    'FILE_DATE_UNKNOWN',
    'Cannot determine file date: no file_date parameter, no YYYYMMDD or YYYY-MM-DD in the file name, ' +
      'and no valid lastUpdateDate in the first data row',
  );
}
