/**
 * The error taxonomy: every error code a run, the CLI or Temporal can report belongs to exactly one class,
 * and the class alone decides what happens to it on both backends — retried with the stage's backoff or
 * not, dead-lettered once the retries are exhausted or not, and the CLI's exit code. Nothing else may
 * decide: `SpineError.nonRetryable`, the activity's ApplicationFailure flag and Temporal's
 * `nonRetryableErrorTypes` are all read from this table, so they cannot disagree.
 *
 * Which code a thrown value gets (a SQLite lock, an errno, a FINRA 503…) is decided by `classifyFailure`
 * in src/core/errors.ts, the one function both backends call. Bad *rows* are not errors at all: they
 * become `core_rejects` rows (file, line, reason code) and the run goes on. Documented in
 * docs/temporal.md ("Error taxonomy") and docs/pipelines.md (reject codes).
 *
 * Pure constants: workflow code imports this module (sandbox-safe, no Node built-ins).
 */

export const ErrorCodes = {
  PIPELINE_NOT_FOUND: 'PIPELINE_NOT_FOUND',
  INVALID_PARAMS: 'INVALID_PARAMS',
  INVALID_TIER: 'INVALID_TIER',
  INVALID_DATE: 'INVALID_DATE',
  MISSING_REQUIRED: 'MISSING_REQUIRED',
  NOT_FOUND: 'NOT_FOUND',
  SOURCE_ERROR: 'SOURCE_ERROR',
  QUALITY_GATE_FAILED: 'QUALITY_GATE_FAILED',
  CHILDREN_FAILED: 'CHILDREN_FAILED',
  SOURCE_UNAVAILABLE: 'SOURCE_UNAVAILABLE',
  DATABASE_BUSY: 'DATABASE_BUSY',
  IO_ERROR: 'IO_ERROR',
  ATTEMPT_LOST: 'ATTEMPT_LOST',
  ACTIVITY_TIMEOUT: 'ACTIVITY_TIMEOUT',
  EXECUTION_FAILED: 'EXECUTION_FAILED',
  DATABASE_ERROR: 'DATABASE_ERROR',
  TEMPORAL_UNAVAILABLE: 'TEMPORAL_UNAVAILABLE',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
  /** A stale attempt tried to write after a newer attempt (or a takeover, or a cancel) took the execution. */
  FENCED: 'FENCED',
  CANCELLED: 'CANCELLED',
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/**
 * - `request`: the request itself is wrong (unknown pipeline, bad params, nothing to work on). Refused
 *   before anything is recorded when the dispatcher sees it; raised inside a stage it fails the run at once.
 * - `fatal`: the input data cannot make a run (bad header, tier mismatch, quality gate FAIL); the same input
 *   fails the same way every time.
 * - `transient`: the world was briefly unavailable (FINRA 429/5xx/network, SQLite lock, I/O errors, a lost
 *   worker); worth another attempt later, and worth a dead letter for `spine dlq replay` when it persists.
 * - `environment`: the installation is wrong (database unusable, Temporal unreachable); an operator must act.
 * - `internal`: nothing classified it (a bug, or a failure no rule knows). Retried and dead-lettered like a
 *   transient error, since nothing says retrying is useless and a dead letter keeps it replayable.
 * - `cancelled`: the run was cancelled, or this attempt was fenced out by a newer one or a takeover; not a
 *   failure of the work, so never retried and never dead-lettered.
 */
export type ErrorClass = 'request' | 'fatal' | 'transient' | 'environment' | 'internal' | 'cancelled';

export interface ErrorClassRule {
  /** Retried with the stage's retry policy; once the attempts are exhausted the run is dead-lettered. */
  readonly retried: boolean;
  /** The CLI's exit code: 2 invalid request, 1 failed run, 3 environment. */
  readonly exitCode: 1 | 2 | 3;
}

export const ERROR_CLASS_RULES = {
  request: { retried: false, exitCode: 2 },
  fatal: { retried: false, exitCode: 1 },
  transient: { retried: true, exitCode: 1 },
  environment: { retried: false, exitCode: 3 },
  internal: { retried: true, exitCode: 1 },
  cancelled: { retried: false, exitCode: 1 },
} as const satisfies Readonly<Record<ErrorClass, ErrorClassRule>>;

/** The one table: each code's class. */
export const ERROR_TAXONOMY = {
  PIPELINE_NOT_FOUND: 'request',
  INVALID_PARAMS: 'request',
  INVALID_TIER: 'request',
  INVALID_DATE: 'request',
  MISSING_REQUIRED: 'request',
  NOT_FOUND: 'request',
  SOURCE_ERROR: 'fatal',
  QUALITY_GATE_FAILED: 'fatal',
  CHILDREN_FAILED: 'fatal',
  SOURCE_UNAVAILABLE: 'transient',
  DATABASE_BUSY: 'transient',
  IO_ERROR: 'transient',
  ATTEMPT_LOST: 'transient',
  ACTIVITY_TIMEOUT: 'transient',
  EXECUTION_FAILED: 'transient',
  DATABASE_ERROR: 'environment',
  TEMPORAL_UNAVAILABLE: 'environment',
  INTERNAL_ERROR: 'internal',
  FENCED: 'cancelled',
  CANCELLED: 'cancelled',
} as const satisfies Readonly<Record<ErrorCode, ErrorClass>>;

/** The codes whose class is retried, as a type (lets `SpineError` refuse a contradicting flag at compile time). */
export type RetriedErrorCode = {
  [C in ErrorCode]: (typeof ERROR_CLASS_RULES)[(typeof ERROR_TAXONOMY)[C]]['retried'] extends true ? C : never;
}[ErrorCode];
export type NonRetriedErrorCode = Exclude<ErrorCode, RetriedErrorCode>;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_TAXONOMY, value);
}

/** The class of an error type as recorded anywhere (events, Temporal failures); unknown types are `internal`. */
export function errorClassOf(type: string): ErrorClass {
  return isErrorCode(type) ? ERROR_TAXONOMY[type] : 'internal';
}

/** Whether a failure of this type is retried (and dead-lettered once its attempts are exhausted). */
export function isRetriedErrorType(type: string): boolean {
  return ERROR_CLASS_RULES[errorClassOf(type)].retried;
}

export function exitCodeOf(type: string): 1 | 2 | 3 {
  return ERROR_CLASS_RULES[errorClassOf(type)].exitCode;
}

/**
 * Temporal's `nonRetryableErrorTypes` for stage activities: every code whose class is not retried. Since an
 * error's own non-retryable flag comes from the same table, the list can only repeat what the flag says.
 */
export const NON_RETRYABLE_ERROR_TYPES: readonly ErrorCode[] = (Object.keys(ERROR_TAXONOMY) as ErrorCode[]).filter(
  (code) => !isRetriedErrorType(code),
);
