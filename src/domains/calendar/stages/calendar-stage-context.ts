import { partitionKey, WorkManifest } from '../../../core/manifest/work-manifest.js';
import type { StageContext } from '../../../core/pipeline/types.js';
import { CALENDAR_DOMAIN, CALENDAR_MANIFEST_STAGES } from '../constants.js';

export interface CalendarPartition {
  readonly exchangeCode: string;
  readonly year: number;
  /** `{"exchange_code":"XNYS","year":"2025"}`: JSON with sorted keys, encoded once (reference bug §2 #14). */
  readonly key: string;
}

export function calendarPartition(exchangeCode: string, year: number): CalendarPartition {
  return { exchangeCode, year, key: partitionKey({ exchange_code: exchangeCode, year: String(year) }) };
}

export function calendarManifest(ctx: Pick<StageContext, 'db' | 'clock'>): WorkManifest {
  return new WorkManifest(ctx.db, CALENDAR_DOMAIN, CALENDAR_MANIFEST_STAGES, ctx.clock);
}
