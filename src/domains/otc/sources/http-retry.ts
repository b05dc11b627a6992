/**
 * One HTTP request with a per-attempt timeout and bounded retries. Retried: 429, every 5xx, network errors
 * and timeouts (the timeout covers reading the body too, so a stalled transfer is retried like a refused
 * connection). Everything else (2xx, other 4xx, 3xx) is returned to the caller, which decides what it means.
 *
 * Delays: `Retry-After` (seconds or an HTTP date) when the server sends it, else exponential backoff
 * `baseDelayMs · 2^(attempt-1)` capped at `maxDelayMs`. No jitter: one client polling a public API gains
 * nothing from it, and fixed delays keep tests and logs predictable. A `Retry-After` longer than
 * `maxRetryAfterMs` fails at once instead of parking the run for an hour.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { bodySnippet, describeError, redactUrl, SourceUnavailableError } from './api-errors.js';

export interface RetryPolicy {
  /** Attempts in total, the first one included (≥ 1). */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxRetryAfterMs: number;
  /** Per attempt, from sending the request to the last byte of the body. */
  readonly timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
  timeoutMs: 60_000,
};

/** Why the previous attempt is being retried, for logs. */
export interface RetryCause {
  readonly reason: string;
  readonly status?: number;
  readonly delayMs: number;
}

export interface HttpDeps {
  readonly fetchImpl: typeof fetch;
  readonly sleep: (ms: number) => Promise<void>;
  readonly policy: RetryPolicy;
  /** Wall clock in ms, for HTTP-date `Retry-After` values. */
  readonly nowMs?: () => number;
  /** Called before every attempt (1-based), with the reason when it is a retry. */
  readonly onAttempt?: (attempt: number, retryOf: RetryCause | null) => void;
}

export interface HttpTextResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly text: string;
  readonly attempts: number;
}

export const defaultSleep = (ms: number): Promise<void> => delay(ms);

export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/** `Retry-After` in ms: delta-seconds or an HTTP date (never negative); null when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // An HTTP date always names its month; without this, Date.parse reads '-5' as the year −5.
  if (!/[a-z]{3}/i.test(v)) return null;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

export function backoffDelayMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}

type Outcome = { readonly response: HttpTextResponse } | { readonly error: unknown; readonly timedOut: boolean };

async function attemptOnce(url: string, init: RequestInit, deps: HttpDeps, attempt: number): Promise<Outcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), deps.policy.timeoutMs);
  try {
    const res = await deps.fetchImpl(url, { ...init, signal: controller.signal });
    const text = await res.text();
    return {
      response: { status: res.status, statusText: res.statusText, headers: res.headers, text, attempts: attempt },
    };
  } catch (error) {
    return { error, timedOut: controller.signal.aborted };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Sends the request until it gets a non-retryable answer, which it returns whatever its status. Throws
 * SourceUnavailableError naming the (redacted) URL once the attempts are used up or the server asks for a
 * longer pause than the policy allows.
 */
export async function requestTextWithRetry(url: string, init: RequestInit, deps: HttpDeps): Promise<HttpTextResponse> {
  const { policy } = deps;
  const nowMs = deps.nowMs ?? Date.now;
  const shownUrl = redactUrl(url);
  let retryOf: RetryCause | null = null;
  for (let attempt = 1; ; attempt++) {
    deps.onAttempt?.(attempt, retryOf);
    const outcome = await attemptOnce(url, init, deps, attempt);
    let reason: string;
    let status: number | undefined;
    let body = '';
    let waitMs = backoffDelayMs(policy, attempt);
    if ('response' in outcome) {
      const res = outcome.response;
      if (!isRetryableStatus(res.status)) return res;
      status = res.status;
      body = bodySnippet(res.text);
      reason = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
      const retryAfter = parseRetryAfter(res.headers.get('retry-after'), nowMs());
      if (retryAfter !== null) {
        if (retryAfter > policy.maxRetryAfterMs) {
          throw new SourceUnavailableError(
            shownUrl,
            'RATE_LIMITED',
            `${reason}: the server asked to retry after ${Math.ceil(retryAfter / 1000)} s, longer than the ${policy.maxRetryAfterMs / 1000} s this source waits`,
            { status, attempts: attempt, retryAfterMs: retryAfter },
          );
        }
        waitMs = retryAfter;
      }
    } else {
      reason = outcome.timedOut
        ? `timed out after ${policy.timeoutMs} ms`
        : `network error: ${describeError(outcome.error)}`;
    }
    if (attempt >= policy.maxAttempts) {
      const cause = 'error' in outcome ? outcome.error : undefined;
      throw new SourceUnavailableError(
        shownUrl,
        status === undefined ? 'NETWORK_ERROR' : 'HTTP_UNAVAILABLE',
        `gave up after ${attempt} attempt${attempt === 1 ? '' : 's'}; last: ${reason}${body === '' ? '' : `; body: ${body}`}`,
        { attempts: attempt, ...(status === undefined ? {} : { status }) },
        cause,
      );
    }
    await deps.sleep(waitMs);
    retryOf = { reason, delayMs: waitMs, ...(status === undefined ? {} : { status }) };
  }
}
