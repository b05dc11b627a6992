/**
 * Typed errors. Every error a user can see carries a stable UPPER_SNAKE `code` (the same codes in CLI
 * JSON output, logs and the events table). The code's class in the error taxonomy
 * (src/contracts/error-taxonomy.ts) decides everything else: the process exit code, whether a backend
 * retries it, and whether it is dead-lettered when the retries run out.
 */
import type { EventError } from '../contracts/events.js';
import { ERROR_CLASS_RULES, ERROR_TAXONOMY, ErrorCodes } from '../contracts/error-taxonomy.js';
import type { ErrorClass, ErrorCode, NonRetriedErrorCode, RetriedErrorCode } from '../contracts/error-taxonomy.js';
import { closestNames } from './suggest.js';

export { ErrorCodes };
export type { ErrorClass, ErrorCode };

export interface SpineErrorOptions {
  readonly cause?: unknown;
  readonly details?: Record<string, unknown>;
}

/**
 * `nonRetryable` may restate what the code's class says (older call sites do), and the overloads accept
 * only that value: an error cannot claim to be retryable when its code is not, or the other way round.
 */
type NonRetriedOptions = SpineErrorOptions & { readonly nonRetryable?: true };
type RetriedOptions = SpineErrorOptions & { readonly nonRetryable?: false };

export class SpineError extends Error {
  readonly code: ErrorCode;
  readonly errorClass: ErrorClass;
  readonly exitCode: number;
  readonly details: Record<string, unknown>;
  /** True when retrying cannot help: the code's class is not retried. Backends never retry these. */
  readonly nonRetryable: boolean;

  constructor(code: NonRetriedErrorCode, message: string, options?: NonRetriedOptions);
  constructor(code: RetriedErrorCode, message: string, options?: RetriedOptions);
  constructor(code: ErrorCode, message: string, options?: SpineErrorOptions);
  constructor(code: ErrorCode, message: string, options: SpineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SpineError';
    this.code = code;
    this.errorClass = ERROR_TAXONOMY[code];
    this.exitCode = ERROR_CLASS_RULES[this.errorClass].exitCode;
    this.details = options.details ?? {};
    this.nonRetryable = !ERROR_CLASS_RULES[this.errorClass].retried;
  }

  toJSON(): { code: ErrorCode; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export class PipelineNotFoundError extends SpineError {
  constructor(name: string, available: readonly string[]) {
    const close = closestNames(name, available, 2);
    super(
      ErrorCodes.PIPELINE_NOT_FOUND,
      `Pipeline not found: ${name}.${close.length > 0 ? ` Did you mean ${close.join(' or ')}?` : ` ${available.length} pipelines exist.`}`,
      { details: { pipeline: name, suggestions: close, available, hint: 'spine pipelines list' } },
    );
    this.name = 'PipelineNotFoundError';
  }
}

/** How a parameter is named in a message: `parameter 'file_path'` by default, `--file` from the CLI. */
export type ParamLabel = (name: string) => string;

const paramLabel: ParamLabel = (name) => `parameter '${name}'`;

export class BadParamsError extends SpineError {
  readonly missing: readonly string[];
  readonly invalid: Readonly<Record<string, string>>;

  constructor(
    missing: readonly string[],
    invalid: Readonly<Record<string, string>>,
    code: ErrorCode = ErrorCodes.INVALID_PARAMS,
  ) {
    super(
      missing.length > 0 && Object.keys(invalid).length === 0 ? ErrorCodes.MISSING_REQUIRED : code,
      BadParamsError.describe(missing, invalid),
      { details: { missing, invalid } },
    );
    this.name = 'BadParamsError';
    this.missing = missing;
    this.invalid = invalid;
  }

  /**
   * The message with each parameter named by `label`, so a caller that knows how the user typed a
   * parameter (the CLI: `--file` for file_path) can say it that way.
   */
  static describe(
    missing: readonly string[],
    invalid: Readonly<Record<string, string>>,
    label: ParamLabel = paramLabel,
  ): string {
    const parts: string[] = [];
    if (missing.length > 0) {
      parts.push(
        label === paramLabel
          ? `Missing required parameters: ${missing.join(', ')}`
          : `Missing required ${missing.map(label).join(', ')}`,
      );
    }
    for (const [name, why] of Object.entries(invalid)) parts.push(`Invalid ${label(name)}: ${why}`);
    return parts.join('. ');
  }
}

/**
 * Bad input data that stops a run: names the file, the line (0 when the problem is not line-bound)
 * and the rule that was broken, e.g. `data.csv line 1: HEADER_MISSING_COLUMN: no share column`.
 */
export class SourceError extends SpineError {
  constructor(file: string, line: number, rule: string, message: string, details: Record<string, unknown> = {}) {
    super(ErrorCodes.SOURCE_ERROR, `${file}${line > 0 ? ` line ${line}` : ''}: ${rule}: ${message}`, {
      details: { file, line, rule, ...details },
    });
    this.name = 'SourceError';
  }
}

/** errno codes of I/O that may well succeed a moment later (descriptor limits, busy devices, dropped links). */
const TRANSIENT_ERRNO = new Set([
  'EIO',
  'EBUSY',
  'EAGAIN',
  'EINTR',
  'EMFILE',
  'ENFILE',
  'ETIMEDOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'EAI_AGAIN',
]);

/** better-sqlite3's RangeError for a bound bigint beyond 64 bits (or a string/buffer over SQLite's limit). */
const SQLITE_TOO_BIG = /bound string, buffer, or bigint is too big/;
/** SQLite's SUM() over INTEGER values whose exact total leaves the 64-bit range (set-based calculations). */
const SQLITE_INTEGER_OVERFLOW = /^integer overflow$/;

function codeOf(err: unknown): string {
  if (!(err instanceof Error)) return '';
  const own = (err as { code?: unknown }).code;
  if (typeof own === 'string' && own !== '') return own;
  const cause = (err.cause as { code?: unknown } | undefined)?.code;
  return typeof cause === 'string' ? cause : '';
}

/**
 * Normalises anything thrown into a SpineError without losing the original as `cause`; the code it picks
 * is what the taxonomy classifies:
 * - SQLITE_BUSY / SQLITE_LOCKED → DATABASE_BUSY, SQLITE_IOERR → IO_ERROR (transient: another writer, a
 *   disk hiccup); SQLITE_TOOBIG → SOURCE_ERROR; any other SQLite error (constraint, schema, read-only,
 *   corrupt) → DATABASE_ERROR, which fails the same way every time; SQLite's `integer overflow` (a SUM in
 *   a set-based calculation beyond the 64-bit range) → SOURCE_ERROR with rule VALUE_OUT_OF_RANGE;
 * - errno codes in TRANSIENT_ERRNO (on the error or its `cause`) → IO_ERROR;
 * - better-sqlite3 refusing a value too big to bind (an integer beyond the 64-bit range that the input's
 *   counts added up to) → SOURCE_ERROR with rule VALUE_OUT_OF_RANGE: the same data fails the same way;
 * - anything else → INTERNAL_ERROR.
 */
export function toSpineError(err: unknown): SpineError {
  if (err instanceof SpineError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = codeOf(err);
  if (code.startsWith('SQLITE_')) {
    const details = { sqlite_code: code };
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
      return new SpineError(ErrorCodes.DATABASE_BUSY, message, { cause: err, details });
    if (code.startsWith('SQLITE_IOERR')) return new SpineError(ErrorCodes.IO_ERROR, message, { cause: err, details });
    if (code === 'SQLITE_TOOBIG') return valueOutOfRange(message, err);
    if (code === 'SQLITE_ERROR' && SQLITE_INTEGER_OVERFLOW.test(message)) return valueOutOfRange(message, err);
    return new SpineError(ErrorCodes.DATABASE_ERROR, message, { cause: err, details });
  }
  if (TRANSIENT_ERRNO.has(code))
    return new SpineError(ErrorCodes.IO_ERROR, message, { cause: err, details: { errno_code: code } });
  if (err instanceof RangeError && SQLITE_TOO_BIG.test(message)) return valueOutOfRange(message, err);
  return new SpineError(ErrorCodes.INTERNAL_ERROR, message, { cause: err });
}

/** A value computed from the input that does not fit SQLite (fatal, the same data fails the same way). */
export function valueOutOfRange(message: string, cause?: unknown): SpineError {
  return new SpineError(
    ErrorCodes.SOURCE_ERROR,
    `VALUE_OUT_OF_RANGE: a value computed from the input is too big for SQLite (an integer outside the 64-bit range, or an oversized text): ${message}`,
    { cause, details: { rule: 'VALUE_OUT_OF_RANGE' } },
  );
}

/** What a backend needs to know about a failed stage attempt. */
export interface ClassifiedFailure {
  readonly error: SpineError;
  readonly errorClass: ErrorClass;
  /** Retried with the stage's policy; dead-lettered once the attempts are exhausted. */
  readonly retried: boolean;
  /** What events, the dead letter and core_executions record. */
  readonly event: EventError;
}

/**
 * The one classification both backends apply to a failed stage attempt (the sync backend directly, the
 * Temporal stage activity through src/activities/failures.ts): the error's code, its taxonomy class, and
 * whether it is retried. Never overridden afterwards by a type list.
 */
export function classifyFailure(err: unknown): ClassifiedFailure {
  const error = toSpineError(err);
  return {
    error,
    errorClass: error.errorClass,
    retried: !error.nonRetryable,
    event: { type: error.code, message: error.message, ...(error.stack ? { stack: error.stack } : {}) },
  };
}
