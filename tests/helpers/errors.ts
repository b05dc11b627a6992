/** The SpineError a call throws; anything else it throws is rethrown, and not throwing fails the test. */
import { SpineError } from '../../src/core/errors.js';

export function spineErrorOf(fn: () => unknown): SpineError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SpineError) return err;
    throw err;
  }
  throw new Error('expected a SpineError');
}

/** Like `spineErrorOf`, for a promise. */
export async function spineErrorOfAsync(p: Promise<unknown>): Promise<SpineError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof SpineError) return err;
    throw err;
  }
  throw new Error('expected a SpineError');
}
