/**
 * Where calendar files live. Shipped calendars are `data/calendars/{exchange}_{year}.json` (lower-case
 * exchange code), found relative to this module so the lookup works from `src/` and from `dist/`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SourceError } from '../../core/errors.js';

/** `src/domains/calendar` and `dist/domains/calendar` sit at the same depth below the package root. */
export const SHIPPED_CALENDAR_DIR = fileURLToPath(new URL('../../../data/calendars/', import.meta.url));

export function shippedCalendarPath(exchangeCode: string, year: number, dir: string = SHIPPED_CALENDAR_DIR): string {
  return join(dir, `${exchangeCode.toLowerCase()}_${year}.json`);
}

/** Reads a calendar file; a missing file is a SourceError naming it and saying how to provide one. */
export function readCalendarFile(path: string, shipped: boolean): string {
  if (!existsSync(path)) {
    throw new SourceError(
      path,
      0,
      'FILE_NOT_FOUND',
      shipped
        ? 'no calendar ships for this exchange and year; pass file_path=<holiday JSON file>'
        : 'calendar file not found',
    );
  }
  return readFileSync(path, 'utf8');
}
