/**
 * The holiday calendar file (domain-spec §9.10, §18.2): JSON `{year, exchange_code, holidays: [{date, name,
 * type?}]}`. Pure validation of its text: every problem is a SourceError naming the file, the entry
 * (`holidays[3]`) and the rule, because a wrong calendar silently skews every per-trading-day figure.
 * Other top-level keys (`source`, `notes`, …) are allowed and ignored.
 */
import { dayName, tryParseIsoDate } from '../../../core/dates.js';
import { SourceError } from '../../../core/errors.js';
import { EXCHANGE_CODES, isExchangeCode, MAX_CALENDAR_YEAR, MIN_CALENDAR_YEAR } from '../constants.js';
import type { ExchangeCode } from '../constants.js';
import { isWeekend } from './trading-days.js';

export const CalendarFileRules = {
  INVALID_JSON: 'CALENDAR_INVALID_JSON',
  MISSING_FIELD: 'CALENDAR_MISSING_FIELD',
  BAD_YEAR: 'CALENDAR_BAD_YEAR',
  BAD_EXCHANGE: 'CALENDAR_BAD_EXCHANGE',
  YEAR_MISMATCH: 'CALENDAR_YEAR_MISMATCH',
  EXCHANGE_MISMATCH: 'CALENDAR_EXCHANGE_MISMATCH',
  BAD_ENTRY: 'CALENDAR_BAD_ENTRY',
  BAD_DATE: 'CALENDAR_BAD_DATE',
  DATE_OUTSIDE_YEAR: 'CALENDAR_DATE_OUTSIDE_YEAR',
  WEEKEND_HOLIDAY: 'CALENDAR_WEEKEND_HOLIDAY',
  DUPLICATE_DATE: 'CALENDAR_DUPLICATE_DATE',
} as const;

export interface Holiday {
  readonly date: string;
  readonly name: string;
  readonly type: string | null;
}

export interface CalendarFile {
  readonly year: number;
  readonly exchangeCode: ExchangeCode;
  /** Sorted by date; no duplicates, all weekdays inside `year`. */
  readonly holidays: readonly Holiday[];
}

/** What the pipeline parameters say; each one present must agree with the file. */
export interface CalendarExpectation {
  readonly year?: number | undefined;
  readonly exchangeCode?: string | undefined;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(entry: unknown): string {
  const text = JSON.stringify(entry) ?? String(entry);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function resolveYear(file: string, fromFile: unknown, fromParam: number | undefined): number {
  if (fromFile !== undefined && (typeof fromFile !== 'number' || !Number.isInteger(fromFile))) {
    throw new SourceError(file, 0, CalendarFileRules.BAD_YEAR, `"year" must be an integer, got ${describe(fromFile)}`);
  }
  if (fromFile !== undefined && fromParam !== undefined && fromFile !== fromParam) {
    throw new SourceError(
      file,
      0,
      CalendarFileRules.YEAR_MISMATCH,
      `the file is the calendar for ${fromFile} but year=${fromParam} was requested`,
      { file_year: fromFile, param_year: fromParam },
    );
  }
  const year = fromParam ?? fromFile;
  if (year === undefined) {
    throw new SourceError(
      file,
      0,
      CalendarFileRules.MISSING_FIELD,
      'no "year" in the file and no year parameter; add "year": YYYY to the file or pass year=YYYY',
    );
  }
  if (year < MIN_CALENDAR_YEAR || year > MAX_CALENDAR_YEAR) {
    throw new SourceError(file, 0, CalendarFileRules.BAD_YEAR, `year must have four digits, got ${year}`);
  }
  return year;
}

function resolveExchange(file: string, fromFile: unknown, fromParam: string | undefined): ExchangeCode {
  if (fromFile !== undefined && typeof fromFile !== 'string') {
    throw new SourceError(
      file,
      0,
      CalendarFileRules.BAD_EXCHANGE,
      `"exchange_code" must be a string, got ${describe(fromFile)}`,
    );
  }
  const fileCode = fromFile?.trim().toUpperCase();
  if (fileCode !== undefined && fromParam !== undefined && fileCode !== fromParam) {
    throw new SourceError(
      file,
      0,
      CalendarFileRules.EXCHANGE_MISMATCH,
      `the file is the calendar of ${fileCode} but exchange_code=${fromParam} was requested`,
      { file_exchange_code: fileCode, param_exchange_code: fromParam },
    );
  }
  const code = fromParam ?? fileCode;
  if (code === undefined) {
    throw new SourceError(
      file,
      0,
      CalendarFileRules.MISSING_FIELD,
      'no "exchange_code" in the file and no exchange_code parameter',
    );
  }
  if (!isExchangeCode(code)) {
    throw new SourceError(
      file,
      0,
      CalendarFileRules.BAD_EXCHANGE,
      `unknown exchange_code '${code}'; expected one of ${EXCHANGE_CODES.join(', ')}`,
    );
  }
  return code;
}

function parseEntry(file: string, year: number, entry: unknown, index: number): Holiday {
  const where = `holidays[${index}]`;
  if (!isObject(entry)) {
    throw new SourceError(
      file,
      0,
      CalendarFileRules.BAD_ENTRY,
      `${where} must be an object {date, name, type?}, got ${describe(entry)}`,
    );
  }
  const { date, name, type } = entry;
  if (typeof name !== 'string' || name.trim() === '') {
    throw new SourceError(
      file,
      0,
      CalendarFileRules.BAD_ENTRY,
      `${where} needs a non-empty "name": ${describe(entry)}`,
    );
  }
  if (type !== undefined && type !== null && typeof type !== 'string') {
    throw new SourceError(file, 0, CalendarFileRules.BAD_ENTRY, `${where} "type" must be a string: ${describe(entry)}`);
  }
  const iso = typeof date === 'string' && date.length === 10 ? tryParseIsoDate(date) : null;
  if (iso === null) {
    throw new SourceError(
      file,
      0,
      CalendarFileRules.BAD_DATE,
      `${where} (${name}): date ${describe(date)} is not a real date as YYYY-MM-DD`,
      { entry: index },
    );
  }
  if (Number(iso.slice(0, 4)) !== year) {
    throw new SourceError(
      file,
      0,
      CalendarFileRules.DATE_OUTSIDE_YEAR,
      `${where} (${name}): ${iso} is outside the calendar year ${year}`,
      { entry: index },
    );
  }
  if (isWeekend(iso)) {
    throw new SourceError(
      file,
      0,
      CalendarFileRules.WEEKEND_HOLIDAY,
      `${where} (${name}): ${iso} is a ${dayName(iso)}; list the weekday the exchange observes instead`,
      { entry: index },
    );
  }
  return { date: iso, name: name.trim(), type: typeof type === 'string' && type.trim() !== '' ? type.trim() : null };
}

/**
 * Validates a calendar file's text. `file` names the file in every error; `expected` holds the year and
 * exchange_code parameters, which win when the file omits them and must match when it does not.
 */
export function parseHolidayFile(text: string, file: string, expected: CalendarExpectation = {}): CalendarFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw new SourceError(file, 0, CalendarFileRules.INVALID_JSON, `not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(doc)) {
    throw new SourceError(
      file,
      0,
      CalendarFileRules.INVALID_JSON,
      'expected a JSON object {year, exchange_code, holidays: [...]}',
    );
  }
  const year = resolveYear(file, doc['year'], expected.year);
  const exchangeCode = resolveExchange(file, doc['exchange_code'], expected.exchangeCode);
  const list = doc['holidays'];
  if (!Array.isArray(list)) {
    throw new SourceError(
      file,
      0,
      CalendarFileRules.MISSING_FIELD,
      `"holidays" must be a list of {date, name, type?}, got ${describe(list)}`,
    );
  }
  const seen = new Map<string, number>();
  const holidays = list.map((entry: unknown, i) => {
    const h = parseEntry(file, year, entry, i);
    const first = seen.get(h.date);
    if (first !== undefined) {
      throw new SourceError(
        file,
        0,
        CalendarFileRules.DUPLICATE_DATE,
        `holidays[${i}] (${h.name}): ${h.date} is already listed as holidays[${first}]`,
        { entry: i },
      );
    }
    seen.set(h.date, i);
    return h;
  });
  holidays.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return { year, exchangeCode, holidays };
}
