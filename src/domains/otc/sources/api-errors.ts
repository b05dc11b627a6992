/**
 * Errors and message helpers shared by the HTTP sources. Two kinds of failure, told apart on purpose (see
 * the error taxonomy, src/contracts/error-taxonomy.ts):
 * - `SourceError` (core, code SOURCE_ERROR, class fatal): the request or the data is wrong (a 4xx,
 *   malformed JSON, a row from another partition). Retrying cannot help.
 * - `SourceUnavailableError` (code SOURCE_UNAVAILABLE, class transient): the server stayed unavailable
 *   (5xx, 429, timeouts, network errors) after every attempt of the source's own HTTP retries. Same
 *   message shape and exit code (1), but retried by both backends with the stage's backoff, and
 *   dead-lettered for replay when it persists.
 */
import { ErrorCodes, SpineError } from '../../../core/errors.js';

export class SourceUnavailableError extends SpineError {
  constructor(url: string, rule: string, message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super(ErrorCodes.SOURCE_UNAVAILABLE, `${url}: ${rule}: ${message}`, {
      details: { file: url, line: 0, rule, ...details },
      ...(cause === undefined ? {} : { cause }),
    });
    this.name = 'SourceUnavailableError';
  }
}

/**
 * A URL fit for messages and logs: user info dropped, every query value replaced by `***` (keys kept, so a
 * reader still sees *that* a token was sent). Unparseable input is returned without its query string.
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    for (const key of [...new Set(u.searchParams.keys())]) u.searchParams.set(key, '***');
    return u.toString().replaceAll('%2A%2A%2A', '***');
  } catch {
    return url.split('?')[0] ?? '';
  }
}

/** The first `max` characters of a response body, on one line, for error messages. */
export function bodySnippet(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** A thrown value as a short text: `fetch failed (ECONNREFUSED)`, `timed out after 30000 ms`. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause as { code?: unknown; message?: unknown } | undefined;
  const why = cause?.code ?? cause?.message;
  return typeof why === 'string' && why !== '' && !err.message.includes(why) ? `${err.message} (${why})` : err.message;
}
