import { ErrorCodes, SpineError } from '../../core/errors.js';

/** The one error every Temporal entry point (CLI client, worker, dev status) reports when the server is down. */
export function temporalUnavailable(address: string, cause: unknown): SpineError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new SpineError(ErrorCodes.TEMPORAL_UNAVAILABLE, `Temporal server at ${address} is not reachable: ${why}`, {
    cause,
    details: { address, hint: 'start the local stack with `spine dev up` (or set SPINE_TEMPORAL_ADDRESS)' },
  });
}
