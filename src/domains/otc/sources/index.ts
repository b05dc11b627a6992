/** OTC data sources other than files: the FINRA Query API (domain-spec §1). */
export { fetchFinraWeekly } from './finra-api-source.js';
export type { ApiPageSummary, ApiParsedBatch, FetchFinraWeeklyOptions } from './finra-api-source.js';
export {
  defaultSummaryTypeCode,
  describeApiSource,
  FINRA_API_DEFAULT_BASE_URL,
  FINRA_API_MAX_PAGE_SIZE,
  FINRA_API_URL_ENV,
  isHistoricWeek,
  VENUE_GRAIN_SUMMARY_TYPES,
} from './finra-api-query.js';
export type { FinraWeekQueryOptions, VenueGrainSummaryType } from './finra-api-query.js';
export type { ApiRequestInfo } from './finra-api-pages.js';
export type { RetryCause } from './http-retry.js';
export { SourceUnavailableError } from './api-errors.js';
