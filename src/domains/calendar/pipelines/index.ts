import { BadParamsError } from '../../../core/errors.js';
import type { Params } from '../../../core/pipeline/params.js';
import type { PipelineRegistry } from '../../../core/pipeline/registry.js';
import type { PipelineDefinition } from '../../../core/pipeline/types.js';
import { CALENDAR_DOMAIN, MAX_CALENDAR_YEAR } from '../constants.js';
import type * as Stages from '../stages/index.js';
import { CP } from './params.js';

const N = (s: string): string => `${CALENDAR_DOMAIN}.${s}`;

// Stage code loads on first use, so listing or describing pipelines stays cheap (CLI start-up time).
const stages = (): Promise<typeof Stages> => import('../stages/index.js');

function checkYear(params: Params): void {
  const year = params['year'];
  if (typeof year === 'number' && year > MAX_CALENDAR_YEAR) {
    throw new BadParamsError([], { year: `must have four digits, got ${year}` });
  }
}

const calendarKey = (p: Params): string | undefined =>
  p['exchange_code'] !== undefined && p['year'] !== undefined
    ? `calendar:${String(p['exchange_code'])}:${String(p['year'])}`
    : p['file_path'] !== undefined
      ? `calendar-file:${String(p['file_path'])}`
      : undefined;

export const ingestYearPipeline: PipelineDefinition = {
  name: N('ingest_year'),
  description: "Ingest one exchange's holiday calendar for one year as a new calendar capture",
  domain: CALENDAR_DOMAIN,
  params: [CP.file, CP.year, CP.exchange, CP.force],
  validate: (params) => {
    checkYear(params);
    if (params['file_path'] === undefined && (params['year'] === undefined || params['exchange_code'] === undefined)) {
      const missing = ['year', 'exchange_code'].filter((k) => params[k] === undefined);
      throw new BadParamsError(missing, {
        file_path: 'give file_path, or year and exchange_code to load data/calendars/{exchange}_{year}.json',
      });
    }
  },
  logicalKey: calendarKey,
  examples: [
    'spine run reference.exchange_calendar.ingest_year year=2025 exchange_code=XNYS',
    'spine run reference.exchange_calendar.ingest_year --file data/calendars/xnas_2025.json --force   # a new capture',
  ],
  stages: [
    {
      name: 'ingest',
      description: 'Validate the holiday file and write it as a new calendar capture',
      retryClass: 'io',
      run: async (ctx) => (await stages()).ingestYearStage(ctx),
    },
  ],
};

export const computeTradingDaysPipeline: PipelineDefinition = {
  name: N('compute_trading_days'),
  description: 'Per-month trading days, calendar days and holidays for one exchange and year',
  domain: CALENDAR_DOMAIN,
  params: [CP.yearRequired, CP.exchangeRequired, CP.calendarCaptureId, CP.force],
  validate: checkYear,
  logicalKey: calendarKey,
  examples: ['spine run reference.exchange_calendar.compute_trading_days year=2025 exchange_code=XNYS'],
  stages: [
    {
      name: 'compute',
      description: 'Count trading days per month from the latest (or pinned) calendar capture',
      run: async (ctx) => (await stages()).computeTradingDaysStage(ctx),
    },
  ],
};

export const calendarPipelines: readonly PipelineDefinition[] = [ingestYearPipeline, computeTradingDaysPipeline];

export function registerCalendarPipelines(registry: PipelineRegistry): PipelineRegistry {
  for (const p of calendarPipelines) registry.register(p);
  return registry;
}
