/** The exchange-calendar reference domain's identity: one dotted spelling everywhere (domain-spec §8.6). */
export const CALENDAR_DOMAIN = 'reference.exchange_calendar';

export const CALENDAR_TABLES = {
  captures: 'reference_exchange_calendar_captures',
  capturesLatest: 'reference_exchange_calendar_captures_latest',
  holidays: 'reference_exchange_calendar_holidays',
  tradingDays: 'reference_exchange_calendar_trading_days',
} as const;

/** Exchanges the pipelines accept (domain-spec §9.2); calendars ship for XNYS 2025–2026 and XNAS 2025. */
export const EXCHANGE_CODES = ['XNYS', 'XNAS', 'XASE', 'ARCX', 'BATS'] as const;
export type ExchangeCode = (typeof EXCHANGE_CODES)[number];

export function isExchangeCode(value: string): value is ExchangeCode {
  return (EXCHANGE_CODES as readonly string[]).includes(value);
}

/** Manifest stages and ranks (domain-spec §9.10): `raw` = 0 (holidays ingested), `computed` = 1 (trading days). */
export const CALENDAR_MANIFEST_STAGES = ['raw', 'computed'] as const;
export type CalendarManifestStage = (typeof CALENDAR_MANIFEST_STAGES)[number];

/** Calc identity stamped on every trading-days row (calc_name, calc_version). */
export const TRADING_DAYS_CALC = { name: 'exchange_calendar_trading_days', version: '1.0.0' } as const;

/** Years a calendar may cover: four-digit years only, because dates are `YYYY-MM-DD` text. */
export const MIN_CALENDAR_YEAR = 1000;
export const MAX_CALENDAR_YEAR = 9999;

/** The pipeline that creates a missing calendar, named in every "calendar missing" error. */
export const INGEST_YEAR_PIPELINE = `${CALENDAR_DOMAIN}.ingest_year`;

/** The command that fixes a missing calendar: copy-paste ready. */
export function ingestYearHint(exchangeCode: string, year: number): string {
  return `spine run ${INGEST_YEAR_PIPELINE} year=${year} exchange_code=${exchangeCode}`;
}
