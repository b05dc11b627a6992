/**
 * What other domains use: the holidays of one exchange over a set of calendar years, each year from its
 * latest calendar capture or from a pinned capture. A missing year is an actionable error that says
 * exactly which command creates it.
 */
import { ErrorCodes, SpineError } from '../../core/errors.js';
import type { Db } from '../../core/db/open-database.js';
import { ingestYearHint } from './constants.js';
import { getCalendarCapture, holidaysOf, latestCalendarCapture } from './repository.js';
import type { CalendarCapture } from './repository.js';

export interface ResolvedCalendars {
  readonly exchangeCode: string;
  /** Ascending. */
  readonly years: readonly number[];
  /** The capture used for each year. */
  readonly captures: ReadonlyMap<number, CalendarCapture>;
  /** Every holiday date of those captures. */
  readonly holidays: ReadonlySet<string>;
}

function invalidPin(message: string, details: Record<string, unknown>): SpineError {
  return new SpineError(ErrorCodes.INVALID_PARAMS, message, { details, nonRetryable: true });
}

/** Splits a `calendar_capture_id` parameter: one id, or several separated by commas (one per year). */
export function parseCaptureIdList(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  return String(value)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * Resolves the calendar capture of every year in `years` for `exchangeCode`. A pinned capture must
 * exist, belong to the exchange and cover one of the years (at most one pin per year); unpinned years
 * use their latest capture. Fails with NOT_FOUND and the ingest command when a year has no calendar.
 */
export function resolveCalendars(
  db: Db,
  exchangeCode: string,
  years: readonly number[],
  pinnedIds: readonly string[],
  neededFor: string,
): ResolvedCalendars {
  const wanted = [...new Set(years)].sort((a, b) => a - b);
  const captures = new Map<number, CalendarCapture>();
  for (const id of pinnedIds) {
    const c = getCalendarCapture(db, id);
    if (!c) {
      throw new SpineError(ErrorCodes.NOT_FOUND, `Calendar capture ${id} not found`, {
        details: { calendar_capture_id: id },
        nonRetryable: true,
      });
    }
    if (c.exchange_code !== exchangeCode) {
      throw invalidPin(
        `calendar_capture_id ${id} is a ${c.exchange_code} calendar, but exchange_code is ${exchangeCode}`,
        {
          calendar_capture_id: id,
          exchange_code: exchangeCode,
        },
      );
    }
    if (!wanted.includes(c.year)) {
      throw invalidPin(`calendar_capture_id ${id} covers ${c.year}, but ${neededFor} needs ${wanted.join(' and ')}`, {
        calendar_capture_id: id,
        capture_year: c.year,
        years: wanted,
      });
    }
    const other = captures.get(c.year);
    if (other) {
      throw invalidPin(`calendar_capture_id pins ${c.year} twice (${other.capture_id} and ${id})`, {
        year: c.year,
      });
    }
    captures.set(c.year, c);
  }
  const missing: number[] = [];
  for (const year of wanted) {
    if (captures.has(year)) continue;
    const latest = latestCalendarCapture(db, exchangeCode, year);
    if (latest) captures.set(year, latest);
    else missing.push(year);
  }
  if (missing.length > 0) {
    const hints = missing.map((y) => ingestYearHint(exchangeCode, y));
    throw new SpineError(
      ErrorCodes.NOT_FOUND,
      `No ${exchangeCode} exchange calendar for ${missing.join(' and ')} (needed for ${neededFor}). ` +
        `Run: ${hints.join(' ; ')}`,
      { details: { exchange_code: exchangeCode, missing_years: missing, hint: hints }, nonRetryable: true },
    );
  }
  const holidays = new Set<string>();
  for (const year of wanted) {
    const c = captures.get(year) as CalendarCapture;
    for (const h of holidaysOf(db, c.capture_id)) holidays.add(h.holiday_date);
  }
  return { exchangeCode, years: wanted, captures, holidays };
}
