/**
 * Typed errors. Every error a user can see carries a stable UPPER_SNAKE `code` (the same codes in CLI
 * JSON output, logs and the events table) and the process exit code the CLI uses for it.
 */
export const ErrorCodes = {
  PIPELINE_NOT_FOUND: 'PIPELINE_NOT_FOUND',
  INVALID_PARAMS: 'INVALID_PARAMS',
  INVALID_TIER: 'INVALID_TIER',
  INVALID_DATE: 'INVALID_DATE',
  MISSING_REQUIRED: 'MISSING_REQUIRED',
  SOURCE_ERROR: 'SOURCE_ERROR',
  DATABASE_ERROR: 'DATABASE_ERROR',
  EXECUTION_FAILED: 'EXECUTION_FAILED',
  NOT_FOUND: 'NOT_FOUND',
  QUALITY_GATE_FAILED: 'QUALITY_GATE_FAILED',
  TEMPORAL_UNAVAILABLE: 'TEMPORAL_UNAVAILABLE',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
  /** A stale attempt tried to write after a newer attempt (or a takeover, or a cancel) took the execution. */
  FENCED: 'FENCED',
  CANCELLED: 'CANCELLED',
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Exit codes: 1 = the run failed, 2 = the request was invalid (usage), 3 = environment (db, server). */
const EXIT_CODES: Record<ErrorCode, number> = {
  PIPELINE_NOT_FOUND: 2,
  INVALID_PARAMS: 2,
  INVALID_TIER: 2,
  INVALID_DATE: 2,
  MISSING_REQUIRED: 2,
  NOT_FOUND: 2,
  SOURCE_ERROR: 1,
  EXECUTION_FAILED: 1,
  QUALITY_GATE_FAILED: 1,
  DATABASE_ERROR: 3,
  TEMPORAL_UNAVAILABLE: 3,
  INTERNAL_ERROR: 1,
  FENCED: 1,
  CANCELLED: 1,
};

export interface SpineErrorOptions {
  readonly cause?: unknown;
  readonly details?: Record<string, unknown>;
  /** True when retrying cannot help (bad input, bad params). Backends never retry these. */
  readonly nonRetryable?: boolean;
}

export class SpineError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly details: Record<string, unknown>;
  readonly nonRetryable: boolean;

  constructor(code: ErrorCode, message: string, options: SpineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SpineError';
    this.code = code;
    this.exitCode = EXIT_CODES[code];
    this.details = options.details ?? {};
    this.nonRetryable = options.nonRetryable ?? false;
  }

  toJSON(): { code: ErrorCode; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export class PipelineNotFoundError extends SpineError {
  constructor(name: string, available: readonly string[]) {
    super(ErrorCodes.PIPELINE_NOT_FOUND, `Pipeline not found: ${name}. Available: ${available.join(', ')}`, {
      details: { pipeline: name, available },
      nonRetryable: true,
    });
    this.name = 'PipelineNotFoundError';
  }
}

export class BadParamsError extends SpineError {
  readonly missing: readonly string[];
  readonly invalid: Readonly<Record<string, string>>;

  constructor(
    missing: readonly string[],
    invalid: Readonly<Record<string, string>>,
    code: ErrorCode = ErrorCodes.INVALID_PARAMS,
  ) {
    const parts: string[] = [];
    if (missing.length > 0) parts.push(`Missing required parameters: ${missing.join(', ')}`);
    for (const [name, why] of Object.entries(invalid)) parts.push(`Invalid parameter '${name}': ${why}`);
    super(
      missing.length > 0 && Object.keys(invalid).length === 0 ? ErrorCodes.MISSING_REQUIRED : code,
      parts.join('. '),
      {
        details: { missing, invalid },
        nonRetryable: true,
      },
    );
    this.name = 'BadParamsError';
    this.missing = missing;
    this.invalid = invalid;
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
      nonRetryable: true,
    });
    this.name = 'SourceError';
  }
}

/** Normalises anything thrown into a SpineError without losing the original as `cause`. */
export function toSpineError(err: unknown): SpineError {
  if (err instanceof SpineError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const sqliteCode = err instanceof Error ? String((err as { code?: unknown }).code ?? '') : '';
  if (sqliteCode.startsWith('SQLITE_')) {
    // A constraint or schema error fails the same way every time; only lock contention is worth a retry.
    const transient =
      sqliteCode.startsWith('SQLITE_BUSY') ||
      sqliteCode.startsWith('SQLITE_LOCKED') ||
      sqliteCode.startsWith('SQLITE_IOERR');
    return new SpineError(ErrorCodes.DATABASE_ERROR, message, {
      cause: err,
      nonRetryable: !transient,
      details: { sqlite_code: sqliteCode },
    });
  }
  return new SpineError(ErrorCodes.INTERNAL_ERROR, message, { cause: err });
}
