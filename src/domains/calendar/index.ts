/**
 * Public surface of the exchange-calendar reference domain. Other domains (the OTC volume-per-day
 * calculation) import from here rather than reaching into individual files.
 */
export * from './constants.js';
export * from './calculations/trading-days.js';
export * from './calculations/holiday-file.js';
export { parseCaptureIdList, resolveCalendars } from './calendar-lookup.js';
export type { ResolvedCalendars } from './calendar-lookup.js';
export type { CalendarCapture, HolidayRow, TradingDaysRow } from './repository.js';
export { CP as CalendarParams } from './pipelines/params.js';
