import { ApplicationFailure, CancelledFailure } from '@temporalio/activity';
import type { EventError } from '../contracts/events.js';
import { classifyFailure } from '../core/errors.js';

export interface ClassifiedError {
  readonly error: EventError;
  readonly nonRetryable: boolean;
}

/**
 * The sync backend's classification, verbatim: core `classifyFailure` (the error taxonomy). The failure's
 * type is the code and its non-retryable flag the code's class, so the stage activity's
 * `nonRetryableErrorTypes` (derived from the same taxonomy) can only agree with it.
 */
export function classify(err: unknown): ClassifiedError {
  const c = classifyFailure(err);
  return { error: c.event, nonRetryable: !c.retried };
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
