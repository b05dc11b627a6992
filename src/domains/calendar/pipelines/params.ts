import type { ParamSpec } from '../../../core/pipeline/params.js';
import { EXCHANGE_CODES, MIN_CALENDAR_YEAR } from '../constants.js';

const upper = (s: string): string => s.trim().toUpperCase();

/** Parameter specs shared by the calendar pipelines and the cross-domain volume-per-day pipeline. */
export const CP = {
  file: {
    name: 'file_path',
    type: 'path',
    mustExist: true,
    description:
      'Holiday JSON {year, exchange_code, holidays: [{date, name, type?}]}; default data/calendars/{exchange}_{year}.json',
  },
  year: { name: 'year', type: 'int', min: MIN_CALENDAR_YEAR, description: 'Calendar year (else from the file)' },
  yearRequired: { name: 'year', type: 'int', min: MIN_CALENDAR_YEAR, required: true, description: 'Calendar year' },
  exchange: {
    name: 'exchange_code',
    type: 'enum',
    choices: EXCHANGE_CODES,
    normalize: upper,
    description: `Exchange (${EXCHANGE_CODES.join(', ')}); else from the file`,
  },
  exchangeRequired: {
    name: 'exchange_code',
    type: 'enum',
    choices: EXCHANGE_CODES,
    normalize: upper,
    required: true,
    description: `Exchange (${EXCHANGE_CODES.join(', ')})`,
  },
  exchangeDefaultXnys: {
    name: 'exchange_code',
    type: 'enum',
    choices: EXCHANGE_CODES,
    normalize: upper,
    default: 'XNYS',
    description: `Exchange whose calendar defines trading days (${EXCHANGE_CODES.join(', ')})`,
  },
  calendarCaptureId: {
    name: 'calendar_capture_id',
    type: 'string',
    description: 'Pin calendar capture(s), comma-separated, one per year (default: the latest capture of each year)',
  },
  force: {
    name: 'force',
    type: 'bool',
    default: false,
    description: 'Redo a done stage (a new calendar capture for ingest; old captures are kept)',
  },
} as const satisfies Record<string, ParamSpec>;
