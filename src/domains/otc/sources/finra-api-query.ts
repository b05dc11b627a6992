/**
 * What one weekly request asks FINRA for, resolved and validated once from the caller's options: the
 * dataset (current or historic), the partition (weekStartDate range and tierIdentifier), the summary type,
 * the page size and the endpoint URL. Bad options are usage errors (exit 2) raised before any request.
 */
import { BadParamsError } from '../../../core/errors.js';
import { addDays, formatIsoDate } from '../../../core/dates.js';
import { assertFriday } from '../../../core/week-ending.js';
import { TIERS, tierToApiIdentifier } from '../tiers.js';
import type { ApiTierIdentifier, Tier } from '../tiers.js';

export const FINRA_API_DEFAULT_BASE_URL = 'https://api.finra.org';
export const FINRA_API_URL_ENV = 'SPINE_FINRA_API_URL';
export const FINRA_API_GROUP = 'otcMarket';
export const FINRA_WEEKLY_DATASET = 'weeklySummary';
export const FINRA_WEEKLY_HISTORIC_DATASET = 'weeklySummaryHistoric';
/** FINRA's cap on rows per synchronous request. */
export const FINRA_API_MAX_PAGE_SIZE = 5000;

/**
 * The summary types whose rows are one (symbol, venue) each, the grain of the weekly files and of
 * RawOtcRecord. Per-issue, per-venue and statistics codes have no symbol or no MPID, so they are refused.
 */
export const VENUE_GRAIN_SUMMARY_TYPES = ['ATS_W_SMBL_FIRM', 'OTC_W_SMBL_FIRM'] as const;
export type VenueGrainSummaryType = (typeof VENUE_GRAIN_SUMMARY_TYPES)[number];

/** OTC equities default to FINRA's non-ATS OTC data; NMS tiers to ATS data. */
export function defaultSummaryTypeCode(tier: Tier): VenueGrainSummaryType {
  return tier === 'OTC' ? 'OTC_W_SMBL_FIRM' : 'ATS_W_SMBL_FIRM';
}

export interface FinraWeekQueryOptions {
  readonly tier: Tier;
  /** The week's Friday, `YYYY-MM-DD`. */
  readonly weekEnding: string;
  readonly summaryTypeCode?: string | undefined;
  /** Defaults to $SPINE_FINRA_API_URL, else https://api.finra.org. */
  readonly baseUrl?: string | undefined;
  /** Rows per request, 1..5000 (default 5000). */
  readonly pageSize?: number | undefined;
  /** Force the historic (true) or current (false) dataset; default: historic when older than 12 months. */
  readonly historic?: boolean | undefined;
  /** "Today" for the historic decision (default: the system clock). */
  readonly now?: Date | undefined;
}

export interface FinraWeekQuery {
  readonly tier: Tier;
  readonly tierIdentifier: ApiTierIdentifier;
  readonly weekEnding: string;
  /** The Monday of the week; FINRA's weekStartDate (the first business day) falls in [weekStartDate, weekEnding]. */
  readonly weekStartDate: string;
  readonly summaryTypeCode: VenueGrainSummaryType;
  readonly historic: boolean;
  readonly dataset: string;
  readonly pageSize: number;
  /** The endpoint, base URL's query string kept (may hold secrets: redact before showing it). */
  readonly url: string;
  /** The name rejects, captures and logs use for this source. */
  readonly sourceName: string;
}

/** The UTC date `months` calendar months before `date` (31st → last day of the shorter month). */
function monthsBefore(date: Date, months: number): string {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth() - months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return formatIsoDate(new Date(Date.UTC(y, m, Math.min(date.getUTCDate(), lastDay))));
}

/**
 * FINRA moves weeks older than 12 months to `weeklySummaryHistoric`. The exact cut-over day is FINRA's, so
 * this is a best guess (the week's Friday before today minus 12 months); `historic` overrides it.
 */
export function isHistoricWeek(weekEnding: string, now: Date): boolean {
  return weekEnding < monthsBefore(now, 12);
}

function endpointUrl(baseUrl: string, dataset: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new BadParamsError([], { baseUrl: `not a URL: '${baseUrl.split('?')[0]}'` });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new BadParamsError([], { baseUrl: `must be http(s), got ${url.protocol}` });
  }
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/data/group/${FINRA_API_GROUP}/name/${dataset}`;
  return url.toString();
}

function resolvePageSize(pageSize: number | undefined): number {
  if (pageSize === undefined) return FINRA_API_MAX_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > FINRA_API_MAX_PAGE_SIZE) {
    throw new BadParamsError([], {
      pageSize: `must be an integer from 1 to ${FINRA_API_MAX_PAGE_SIZE}, got ${pageSize}`,
    });
  }
  return pageSize;
}

function resolveSummaryType(code: string | undefined, tier: Tier): VenueGrainSummaryType {
  if (code === undefined) return defaultSummaryTypeCode(tier);
  const found = VENUE_GRAIN_SUMMARY_TYPES.find((c) => c === code.trim().toUpperCase());
  if (found === undefined) {
    throw new BadParamsError([], {
      summaryTypeCode: `'${code}' is not a per-symbol-per-venue summary type; use ${VENUE_GRAIN_SUMMARY_TYPES.join(' or ')}`,
    });
  }
  return found;
}

/**
 * `finra-api://otcMarket/{dataset}?tier={tier}&weekStartDate={Monday}&summaryTypeCode={code}`, e.g.
 * `finra-api://otcMarket/weeklySummary?tier=OTC&weekStartDate=2025-12-08&summaryTypeCode=OTC_W_SMBL_FIRM`.
 * Stable for a given request (no host, no page size), so it can key captures and rejects.
 */
export function formatSourceName(
  q: Pick<FinraWeekQuery, 'dataset' | 'tier' | 'weekStartDate' | 'summaryTypeCode'>,
): string {
  return `finra-api://${FINRA_API_GROUP}/${q.dataset}?tier=${q.tier}&weekStartDate=${q.weekStartDate}&summaryTypeCode=${q.summaryTypeCode}`;
}

export function resolveWeekQuery(opts: FinraWeekQueryOptions): FinraWeekQuery {
  if (!(TIERS as readonly string[]).includes(opts.tier)) {
    throw new BadParamsError([], { tier: `'${String(opts.tier)}' is not one of ${TIERS.join(', ')}` });
  }
  const weekEnding = assertFriday(opts.weekEnding);
  const summaryTypeCode = resolveSummaryType(opts.summaryTypeCode, opts.tier);
  const historic = opts.historic ?? isHistoricWeek(weekEnding, opts.now ?? new Date());
  const dataset = historic ? FINRA_WEEKLY_HISTORIC_DATASET : FINRA_WEEKLY_DATASET;
  const baseUrl = opts.baseUrl ?? process.env[FINRA_API_URL_ENV] ?? FINRA_API_DEFAULT_BASE_URL;
  const weekStartDate = addDays(weekEnding, -4);
  return {
    tier: opts.tier,
    tierIdentifier: tierToApiIdentifier(opts.tier),
    weekEnding,
    weekStartDate,
    summaryTypeCode,
    historic,
    dataset,
    pageSize: resolvePageSize(opts.pageSize),
    url: endpointUrl(baseUrl === '' ? FINRA_API_DEFAULT_BASE_URL : baseUrl, dataset),
    sourceName: formatSourceName({ dataset, tier: opts.tier, weekStartDate, summaryTypeCode }),
  };
}

/** The source name `fetchFinraWeekly` would use for these options (no request is made). */
export function describeApiSource(opts: FinraWeekQueryOptions): string {
  return resolveWeekQuery(opts).sourceName;
}
