import type { ExecutionBackend } from '../core/dispatch/backend.js';
import { ErrorCodes, SpineError } from '../core/errors.js';
import type { SpineLogger } from '../core/logging/logger.js';

/** Loads the Temporal backend on first use of the background lane (never at CLI start-up). */
export function backgroundBackendLoader(_log: SpineLogger): () => Promise<ExecutionBackend> {
  return () =>
    Promise.reject(new SpineError(ErrorCodes.TEMPORAL_UNAVAILABLE, 'The Temporal backend is not available in this build'));
}
