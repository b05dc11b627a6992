/**
 * The FINRA Query API source for one (week, tier): `weeklySummary` (or `weeklySummaryHistoric` for weeks
 * older than 12 months), one summary type, every page of it. It yields the same `ParsedBatch` shape as the
 * file parser (one batch per page), so the ingest stage consumes either source unchanged; the whole paged
 * response is meant to become one capture, published atomically by the consumer.
 *
 * Source name (rejects' file, capture source): see `describeApiSource`, e.g.
 * `finra-api://otcMarket/weeklySummary?tier=OTC&weekStartDate=2025-12-08&summaryTypeCode=OTC_W_SMBL_FIRM`.
 *
 * Failures: bad options → BadParamsError / INVALID_DATE before any request; a 4xx other than 429,
 * malformed JSON, or a row from another partition → SourceError (non-retryable); 429/5xx/network errors
 * and timeouts that outlast the retries → SourceUnavailableError (retryable by the backend); a response
 * with no rows at all → SourceError NO_DATA, which says whether the week may simply not be published yet.
 */
import { BadParamsError, SourceError } from '../../../core/errors.js';
import { addDays, formatIsoDate } from '../../../core/dates.js';
import type { Tier } from '../tiers.js';
import type { ParsedBatch } from '../types.js';
import { fetchWeeklyPages } from './finra-api-pages.js';
import type { ApiRequestInfo } from './finra-api-pages.js';
import { resolveWeekQuery } from './finra-api-query.js';
import type { FinraWeekQuery, FinraWeekQueryOptions } from './finra-api-query.js';
import { ApiRowMapper } from './finra-api-rows.js';
import { DEFAULT_RETRY_POLICY, defaultSleep } from './http-retry.js';
import type { RetryPolicy } from './http-retry.js';

export interface FetchFinraWeeklyOptions extends FinraWeekQueryOptions {
  readonly fetchImpl?: typeof fetch | undefined;
  /** Waits between attempts; tests inject one that records instead of waiting. */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
  /** HTTP attempts per page, first included (default 5). */
  readonly maxAttempts?: number | undefined;
  /** Per attempt, request and body (default 60 s). */
  readonly timeoutMs?: number | undefined;
  readonly onRequest?: ((info: ApiRequestInfo) => void) | undefined;
}

/** Where a batch came from in the paged response. */
export interface ApiPageSummary {
  readonly offset: number;
  readonly limit: number;
  /** Rows the server returned for this page (records + rejects + otherSummaryTypeRows). */
  readonly rows: number;
  /** Rows of another summary type, dropped (historic dataset only: it cannot filter them). */
  readonly otherSummaryTypeRows: number;
  readonly attempts: number;
}

/** A ParsedBatch (so any ParsedBatch consumer accepts it) plus the page it came from. */
export interface ApiParsedBatch extends ParsedBatch {
  readonly page: ApiPageSummary;
}

/** Publication lag (domain-spec §1): NMS Tier 1 two weeks, NMS Tier 2 and OTC four weeks. */
const PUBLICATION_LAG_WEEKS: Readonly<Record<Tier, number>> = { NMS_TIER_1: 2, NMS_TIER_2: 4, OTC: 4 };

function noDataError(q: FinraWeekQuery, now: Date, skipped: number): SourceError {
  const lag = PUBLICATION_LAG_WEEKS[q.tier];
  const expected = addDays(q.weekEnding, 7 * lag);
  const why =
    formatIsoDate(now) < expected
      ? `; FINRA publishes ${q.tier} weeks about ${lag} weeks after they end, so this week is probably not published before ${expected}`
      : skipped > 0
        ? `; ${skipped} rows of other summary types were returned`
        : '';
  return new SourceError(
    q.sourceName,
    0,
    'NO_DATA',
    `FINRA returned no ${q.summaryTypeCode} rows for tier ${q.tier} week ${q.weekEnding} from ${q.dataset}${why}`,
    { weekEnding: q.weekEnding, tier: q.tier, dataset: q.dataset, expectedPublication: expected },
  );
}

/** A positive integer from the environment, else undefined (unset or unreadable values are ignored). */
function envInt(name: string): number | undefined {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : undefined;
}

/**
 * Options first, then `SPINE_FINRA_MAX_ATTEMPTS` and `SPINE_FINRA_RETRY_BASE_MS` (operators and tests
 * shorten or lengthen the back-off without code), then the defaults (5 attempts, 1 s doubling).
 */
function retryPolicy(opts: FetchFinraWeeklyOptions): RetryPolicy {
  const {
    maxAttempts = envInt('SPINE_FINRA_MAX_ATTEMPTS') ?? DEFAULT_RETRY_POLICY.maxAttempts,
    timeoutMs = DEFAULT_RETRY_POLICY.timeoutMs,
  } = opts;
  const baseDelayMs = envInt('SPINE_FINRA_RETRY_BASE_MS') ?? DEFAULT_RETRY_POLICY.baseDelayMs;
  const invalid: Record<string, string> = {};
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    invalid['maxAttempts'] = `must be an integer ≥ 1, got ${maxAttempts}`;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    invalid['timeoutMs'] = `must be a positive number, got ${timeoutMs}`;
  if (Object.keys(invalid).length > 0) throw new BadParamsError([], invalid);
  return { ...DEFAULT_RETRY_POLICY, maxAttempts, timeoutMs, baseDelayMs };
}

/** Streams one week of one tier from the FINRA Query API, one batch per page. */
export async function* fetchFinraWeekly(
  opts: FetchFinraWeeklyOptions,
): AsyncGenerator<ApiParsedBatch, void, undefined> {
  const q = resolveWeekQuery(opts);
  const mapper = new ApiRowMapper(q);
  const policy = retryPolicy(opts);
  const pages = fetchWeeklyPages(q, {
    fetchImpl: opts.fetchImpl ?? fetch,
    sleep: opts.sleep ?? defaultSleep,
    policy,
    onRequest: opts.onRequest,
  });
  let kept = 0;
  let skipped = 0;
  for await (const page of pages) {
    if (page.rows.length === 0) continue;
    const mapped = mapper.mapPage(page.rows, page.offset);
    kept += mapped.records.length + mapped.rejects.length;
    skipped += mapped.otherSummaryTypeRows;
    yield {
      records: mapped.records,
      rejects: mapped.rejects,
      lastLine: page.offset + page.rows.length,
      page: {
        offset: page.offset,
        limit: page.limit,
        rows: page.rows.length,
        otherSummaryTypeRows: mapped.otherSummaryTypeRows,
        attempts: page.attempts,
      },
    };
  }
  if (kept === 0) throw noDataError(q, opts.now ?? new Date(), skipped);
}
