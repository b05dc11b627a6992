/**
 * Offset paging over one weekly query: POST the payload with `limit` = page size and `offset` 0, then
 * `offset += limit` until a page shorter than `limit` (possibly empty) comes back. Each page is fetched
 * through the retrying HTTP layer and decoded here; anything but a 2xx after retries is a SourceError
 * naming the (redacted) URL, the status and the start of the body, and a body that is not a JSON array
 * names the page offset.
 */
import { SourceError } from '../../../core/errors.js';
import { bodySnippet, redactUrl } from './api-errors.js';
import { buildWeeklyPayload } from './finra-api-payload.js';
import type { FinraQueryPayload } from './finra-api-payload.js';
import type { FinraWeekQuery } from './finra-api-query.js';
import { requestTextWithRetry } from './http-retry.js';
import type { HttpDeps, HttpTextResponse, RetryCause } from './http-retry.js';
import { parseJsonExact } from './json-exact.js';

/** A paged response larger than this is treated as a server ignoring `offset`, not as data. */
const MAX_RESPONSE_ROWS = 10_000_000;

/** What `onRequest` sees before every HTTP attempt. */
export interface ApiRequestInfo {
  /** The endpoint with query values redacted. */
  readonly url: string;
  readonly sourceName: string;
  readonly dataset: string;
  readonly offset: number;
  readonly limit: number;
  /** 1 for the first try of a page, 2… for retries. */
  readonly attempt: number;
  /** Why the previous attempt of this page failed (null on the first attempt). */
  readonly retryOf: RetryCause | null;
  readonly payload: FinraQueryPayload;
}

export interface ApiPage {
  readonly offset: number;
  readonly limit: number;
  readonly rows: readonly unknown[];
  /** HTTP attempts this page took. */
  readonly attempts: number;
}

export interface PagingDeps extends Omit<HttpDeps, 'onAttempt'> {
  readonly onRequest?: ((info: ApiRequestInfo) => void) | undefined;
}

function decodePage(res: HttpTextResponse, q: FinraWeekQuery, offset: number, shownUrl: string): unknown[] {
  if (res.status < 200 || res.status > 299) {
    const body = bodySnippet(res.text);
    throw new SourceError(
      shownUrl,
      0,
      'HTTP_STATUS',
      `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''} for the page at offset ${offset} of ${q.sourceName}` +
        (body === '' ? ' (empty body)' : `; body: ${body}`),
      { status: res.status, offset, body, source: q.sourceName },
    );
  }
  if (res.status === 204 || res.text.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = parseJsonExact(res.text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new SourceError(
      shownUrl,
      0,
      'MALFORMED_JSON',
      `the page at offset ${offset} is not valid JSON (${why}); body starts: ${bodySnippet(res.text, 80)}`,
      {
        offset,
        source: q.sourceName,
      },
    );
  }
  if (!Array.isArray(parsed)) {
    const got = parsed === null ? 'null' : typeof parsed;
    throw new SourceError(
      shownUrl,
      0,
      'MALFORMED_RESPONSE',
      `the page at offset ${offset} is JSON but not an array of rows (got ${got}); body starts: ${bodySnippet(res.text, 80)}`,
      {
        offset,
        source: q.sourceName,
      },
    );
  }
  return parsed;
}

/** Yields the pages of one query in order; the generator ends after the first short page. */
export async function* fetchWeeklyPages(q: FinraWeekQuery, deps: PagingDeps): AsyncGenerator<ApiPage, void, undefined> {
  const { onRequest, ...http } = deps;
  const shownUrl = redactUrl(q.url);
  const limit = q.pageSize;
  for (let offset = 0; ; offset += limit) {
    if (offset > MAX_RESPONSE_ROWS) {
      throw new SourceError(
        shownUrl,
        0,
        'PAGING_RUNAWAY',
        `more than ${MAX_RESPONSE_ROWS} rows for ${q.sourceName}; the server seems to ignore offset`,
      );
    }
    const payload = buildWeeklyPayload(q, offset);
    const init: RequestInit = {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify(payload),
    };
    const res = await requestTextWithRetry(q.url, init, {
      ...http,
      ...(onRequest === undefined
        ? {}
        : {
            onAttempt: (attempt: number, retryOf: RetryCause | null) =>
              onRequest({
                url: shownUrl,
                sourceName: q.sourceName,
                dataset: q.dataset,
                offset,
                limit,
                attempt,
                retryOf,
                payload,
              }),
          }),
    });
    const rows = decodePage(res, q, offset, shownUrl);
    if (rows.length > limit) {
      throw new SourceError(
        shownUrl,
        0,
        'PAGE_TOO_LARGE',
        `the page at offset ${offset} has ${rows.length} rows, more than the limit ${limit}; paging would skip or repeat rows`,
        {
          offset,
          source: q.sourceName,
        },
      );
    }
    yield { offset, limit, rows, attempts: res.attempts };
    if (rows.length < limit) return;
  }
}
