import { ApplicationFailure, CancelledFailure } from '@temporalio/activity';
import type { EventError } from '../contracts/events.js';
import { NON_RETRYABLE_ERROR_TYPES } from '../contracts/temporal/run-pipeline.js';
import { toSpineError } from '../core/errors.js';

export interface ClassifiedError {
  readonly error: EventError;
  readonly nonRetryable: boolean;
}

/** The same classification the sync backend applies: SpineError.nonRetryable, plus the bad-input codes. */
export function classify(err: unknown): ClassifiedError {
  const e = toSpineError(err);
  return {
    error: { type: e.code, message: e.message, ...(e.stack ? { stack: e.stack } : {}) },
    nonRetryable: e.nonRetryable || (NON_RETRYABLE_ERROR_TYPES as readonly string[]).includes(e.code),
  };
}

/** Carried as the failure's first detail so the workflow can report the attempt that failed. */
export interface FailureDetails {
  readonly attempt: number;
}

/**
 * What an activity throws: an ApplicationFailure whose `type` is the SpineError code, so the workflow,
 * the Web UI and SQLite all name the same code. Cancellations pass through untouched.
 */
export function toApplicationFailure(err: unknown, classified: ClassifiedError, details: FailureDetails): Error {
  if (err instanceof CancelledFailure) return err;
  const failure = ApplicationFailure.create({
    message: classified.error.message,
    type: classified.error.type,
    nonRetryable: classified.nonRetryable,
    details: [details],
  });
  if (classified.error.stack) failure.stack = classified.error.stack;
  return failure;
}
