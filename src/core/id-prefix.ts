/**
 * Ids as users copy them: the full id, a unique prefix, or the short form a table printed. One shape of
 * error for every kind of id: too short, none, or ambiguous with the candidates listed.
 */
import { ErrorCodes, SpineError } from './errors.js';

/** Shortest fragment accepted: shorter ones match too much to be what the user meant. */
export const MIN_ID_FRAGMENT = 4;

export interface IdCandidate {
  readonly id: string;
  /** What tells candidates apart: pipeline and status, week and tier… */
  readonly label: string;
}

export function idTooShort(kind: string, typed: string): SpineError {
  return new SpineError(
    ErrorCodes.INVALID_PARAMS,
    `${kind} id '${typed}' is too short: give at least ${MIN_ID_FRAGMENT} characters of it`,
    { details: { value: typed } },
  );
}

export function idNotFound(kind: string, typed: string, hint: string): SpineError {
  return new SpineError(ErrorCodes.NOT_FOUND, `No ${kind.toLowerCase()} matches '${typed}'`, {
    details: { value: typed, hint },
  });
}

/** Exactly one candidate, or a NOT_FOUND / ambiguous error (up to 10 candidates listed). */
export function pickOne(kind: string, typed: string, candidates: readonly IdCandidate[], hint: string): string {
  const [first] = candidates;
  if (!first) throw idNotFound(kind, typed, hint);
  if (candidates.length === 1) return first.id;
  const shown = candidates.slice(0, 10).map((c) => `  ${c.id}  ${c.label}`);
  const more = candidates.length > 10 ? [`  … and ${candidates.length - 10} more`] : [];
  throw new SpineError(
    ErrorCodes.INVALID_PARAMS,
    `'${typed}' matches ${candidates.length} ${kind.toLowerCase()}s; give more characters of the one you mean:\n${[...shown, ...more].join('\n')}`,
    { details: { value: typed, candidates: candidates.map((c) => c.id) } },
  );
}
