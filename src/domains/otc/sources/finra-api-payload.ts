/**
 * The JSON body of a weekly data request (domain-spec §1). Every page carries both partition filters:
 * - `weekStartDate` as a date range over the week (Monday..Friday), so a week whose first business day is
 *   a Tuesday (holiday Monday) is still found;
 * - `tierIdentifier` as an IN-list of the one tier.
 * The summary type is filtered on the server for `weeklySummary`. `weeklySummaryHistoric` filters only on
 * the week fields and the tier, so there the rows of other summary types are dropped (and counted) while
 * mapping.
 */
import type { FinraWeekQuery } from './finra-api-query.js';

/** The fields requested; everything a raw row stores plus what the partition checks need. */
export const FINRA_WEEKLY_FIELDS = [
  'issueSymbolIdentifier',
  'issueName',
  'MPID',
  'marketParticipantName',
  'tierIdentifier',
  'totalWeeklyTradeCount',
  'totalWeeklyShareQuantity',
  'lastUpdateDate',
  'weekStartDate',
  'summaryTypeCode',
] as const;

export interface CompareFilter {
  readonly fieldName: string;
  readonly fieldValue: string;
  readonly compareType: 'EQUAL';
}

export interface DateRangeFilter {
  readonly fieldName: string;
  readonly startDate: string;
  readonly endDate: string;
}

export interface DomainFilter {
  readonly fieldName: string;
  readonly values: readonly string[];
}

export interface FinraQueryPayload {
  readonly fields: readonly string[];
  readonly compareFilters: readonly CompareFilter[];
  readonly dateRangeFilters: readonly DateRangeFilter[];
  readonly domainFilters: readonly DomainFilter[];
  readonly limit: number;
  readonly offset: number;
}

/** The body for the page starting at `offset`. */
export function buildWeeklyPayload(q: FinraWeekQuery, offset: number): FinraQueryPayload {
  return {
    fields: FINRA_WEEKLY_FIELDS,
    compareFilters: q.historic
      ? []
      : [{ fieldName: 'summaryTypeCode', fieldValue: q.summaryTypeCode, compareType: 'EQUAL' }],
    dateRangeFilters: [{ fieldName: 'weekStartDate', startDate: q.weekStartDate, endDate: q.weekEnding }],
    domainFilters: [{ fieldName: 'tierIdentifier', values: [q.tierIdentifier] }],
    limit: q.pageSize,
    offset,
  };
}
