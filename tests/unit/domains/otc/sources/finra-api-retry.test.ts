import { afterEach, describe, expect, it } from 'vitest';
import { SourceError, SpineError } from '../../../../../src/core/errors.js';
import { fetchFinraWeekly, SourceUnavailableError } from '../../../../../src/domains/otc/sources/index.js';
import type { ApiRequestInfo, FetchFinraWeeklyOptions } from '../../../../../src/domains/otc/sources/index.js';
import { collectBatches } from '../otc-test-helpers.js';
import { fixturePageText, recordedPages, startFinraServer } from './finra-test-server.js';
import type { FinraTestServer, Handler } from './finra-test-server.js';

let server: FinraTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(handler: Handler): Promise<FinraTestServer> {
  server = await startFinraServer(handler);
  return server;
}

/** Options plus what the source did: the waits it asked for and every attempt it announced. */
function harness(baseUrl: string, extra: Partial<FetchFinraWeeklyOptions> = {}) {
  const sleeps: number[] = [];
  const attempts: ApiRequestInfo[] = [];
  const opts: FetchFinraWeeklyOptions = {
    tier: 'OTC',
    weekEnding: '2025-12-12',
    baseUrl,
    pageSize: 2,
    now: new Date('2026-02-01T00:00:00Z'),
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    onRequest: (info) => attempts.push(info),
    ...extra,
  };
  return { opts, sleeps, attempts, run: () => collectBatches(fetchFinraWeekly(opts)) };
}

/** Fails the first `n` requests with `reply`, then serves the recorded pages. */
function failFirst(n: number, reply: ReturnType<Handler>): Handler {
  return (req, i) => (i < n ? reply : recordedPages(req, i));
}

async function failure(p: Promise<unknown>): Promise<SpineError> {
  const err = await p.then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SpineError);
  return err as SpineError;
}

describe('fetchFinraWeekly retries', () => {
  it('retries a 500 with exponential backoff and then succeeds', async () => {
    const s = await serve(failFirst(2, { status: 500, body: 'upstream exploded' }));
    const h = harness(s.baseUrl);
    const result = await h.run();
    expect(result.records).toHaveLength(5);
    expect(h.attempts.map((a) => [a.offset, a.attempt])).toEqual([
      [0, 1],
      [0, 2],
      [0, 3],
      [2, 1],
      [4, 1],
    ]);
    expect(h.attempts[1]?.retryOf).toEqual({ reason: 'HTTP 500 Internal Server Error', status: 500, delayMs: 1000 });
    expect(h.sleeps).toEqual([1000, 2000]);
    expect(s.requests).toHaveLength(5);
  });

  it('honours Retry-After on a 429', async () => {
    const s = await serve(failFirst(1, { status: 429, headers: { 'Retry-After': '7' }, body: 'slow down' }));
    const h = harness(s.baseUrl);
    expect((await h.run()).records).toHaveLength(5);
    expect(h.sleeps).toEqual([7000]);
  });

  it('gives up at once when Retry-After is longer than it is willing to wait', async () => {
    const s = await serve(failFirst(1, { status: 429, headers: { 'Retry-After': '3600' } }));
    const h = harness(s.baseUrl);
    const err = await failure(h.run());
    expect(err).toBeInstanceOf(SourceUnavailableError);
    expect(err.message).toMatch(/RATE_LIMITED: HTTP 429 .*retry after 3600 s/);
    expect(h.sleeps).toEqual([]);
  });

  it('stops after maxAttempts with a retryable error naming the URL, status and body', async () => {
    const s = await serve(() => ({ status: 503, body: 'maintenance window' }));
    const h = harness(s.baseUrl, { maxAttempts: 3 });
    const err = await failure(h.run());
    expect(err).toBeInstanceOf(SourceUnavailableError);
    expect(err.nonRetryable).toBe(false);
    expect(err.code).toBe('SOURCE_UNAVAILABLE');
    expect(err.exitCode).toBe(1);
    expect(err.message).toBe(
      `${s.baseUrl}/data/group/otcMarket/name/weeklySummary: HTTP_UNAVAILABLE: gave up after 3 attempts; last: HTTP 503 Service Unavailable; body: maintenance window`,
    );
    expect(s.requests).toHaveLength(3);
    expect(h.sleeps).toEqual([1000, 2000]);
  });

  it('retries network errors', async () => {
    const s = await serve(recordedPages);
    let calls = 0;
    const flaky: typeof fetch = (input, init) => {
      calls++;
      return calls === 1
        ? Promise.reject(new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } }))
        : fetch(input, init);
    };
    const h = harness(s.baseUrl, { fetchImpl: flaky });
    expect((await h.run()).records).toHaveLength(5);
    expect(h.attempts[1]?.retryOf?.reason).toBe('network error: fetch failed (ECONNRESET)');
  });

  it('times out a request that does not answer and retries it', async () => {
    const s = await serve((req, i) => (i === 0 ? { delayMs: 2_000, body: fixturePageText(0) } : recordedPages(req, i)));
    const h = harness(s.baseUrl, { timeoutMs: 150 });
    expect((await h.run()).records).toHaveLength(5);
    expect(h.attempts[1]?.retryOf?.reason).toBe('timed out after 150 ms');
  });

  it('reports an unreachable server after the last attempt', async () => {
    const s = await serve(recordedPages);
    const url = s.baseUrl;
    await s.close();
    server = undefined;
    const h = harness(url, { maxAttempts: 2 });
    const err = await failure(h.run());
    expect(err).toBeInstanceOf(SourceUnavailableError);
    expect(err.message).toMatch(/NETWORK_ERROR: gave up after 2 attempts; last: network error: fetch failed/);
  });
});

describe('fetchFinraWeekly errors', () => {
  it('fails a 400 at once with a SourceError naming the URL, the status and the first 200 body characters', async () => {
    const body = `{"message":"Invalid field name","detail":"${'x'.repeat(300)}"}`;
    const s = await serve(() => ({ status: 400, body }));
    const h = harness(s.baseUrl);
    const err = await failure(h.run());
    expect(err).toBeInstanceOf(SourceError);
    expect(err.nonRetryable).toBe(true);
    expect(err.message).toContain(
      `${s.baseUrl}/data/group/otcMarket/name/weeklySummary: HTTP_STATUS: HTTP 400 Bad Request`,
    );
    expect(err.message).toContain(`body: ${body.slice(0, 200)}…`);
    expect(err.message).not.toContain(body.slice(0, 201));
    expect(err.details).toMatchObject({ status: 400, offset: 0 });
    expect(s.requests).toHaveLength(1);
    expect(h.sleeps).toEqual([]);
  });

  it('keeps query secrets of the base URL out of error messages', async () => {
    const s = await serve(() => ({ status: 403, body: 'forbidden' }));
    const h = harness(`${s.baseUrl}/?token=s3cr3t`);
    const err = await failure(h.run());
    expect(err.message).toContain('/data/group/otcMarket/name/weeklySummary?token=***');
    expect(err.message).not.toContain('s3cr3t');
    expect(s.requests[0]?.path).toBe('/data/group/otcMarket/name/weeklySummary?token=s3cr3t');
  });

  it('fails on a malformed JSON page, naming its offset, after yielding the pages before it', async () => {
    const s = await serve((req, i) =>
      req.body.offset === 2 ? { body: '[{"issueSymbolIdentifier": "AACAY",' } : recordedPages(req, i),
    );
    const seen: number[] = [];
    const h = harness(s.baseUrl);
    const err = await failure(
      (async () => {
        for await (const b of fetchFinraWeekly(h.opts)) seen.push(b.page.offset);
      })(),
    );
    expect(err).toBeInstanceOf(SourceError);
    expect(err.message).toMatch(/MALFORMED_JSON: the page at offset 2 is not valid JSON/);
    expect(err.details).toMatchObject({ offset: 2, rule: 'MALFORMED_JSON' });
    expect(seen).toEqual([0]);
  });

  it('fails on JSON that is not an array of rows, naming the offset', async () => {
    const s = await serve(() => ({ body: '{"error":"unexpected"}' }));
    const err = await failure(harness(s.baseUrl).run());
    expect(err.message).toMatch(
      /MALFORMED_RESPONSE: the page at offset 0 is JSON but not an array of rows \(got object\)/,
    );
  });

  it('fails when a page is longer than the limit', async () => {
    const s = await serve(() => ({ body: fixturePageText(0).replace('[', '[' + JSON.stringify({ a: 1 }) + ',') }));
    const err = await failure(harness(s.baseUrl).run());
    expect(err.message).toMatch(/PAGE_TOO_LARGE: the page at offset 0 has 3 rows, more than the limit 2/);
  });

  it.each([{ maxAttempts: 0 }, { maxAttempts: Number.NaN }, { timeoutMs: -1 }])(
    'refuses %j before any request',
    async (over) => {
      const s = await serve(recordedPages);
      const err = await failure(harness(s.baseUrl, over).run());
      expect(err.code).toBe('INVALID_PARAMS');
      expect(s.requests).toHaveLength(0);
    },
  );
});
