import { readFileSync } from 'node:fs';
import { ErrorCodes, SpineError } from '../errors.js';

/**
 * Test-only fault hook. When `SPINE_FAULTS_FILE` names a JSON file such as
 * `{"finra.otc_transparency.week/normalize": {"failAttempts": 1}}` or `{"…/normalize": {"always": true}}`,
 * the named stage throws on the listed attempts: by default a retryable InjectedFault (EXECUTION_FAILED);
 * with `"error": "SQLITE_BUSY"` (or `EIO`, `SQLITE_CONSTRAINT`, …) a plain Error carrying that `code`,
 * as better-sqlite3 or Node would throw it, so it goes through the error taxonomy's real classification
 * (`classifyFailure`). The file is read on every stage start, so a test can remove a permanent fault
 * before replaying a dead letter. Unset in production.
 */
export interface FaultSpec {
  readonly failAttempts?: number;
  readonly always?: boolean;
  readonly message?: string;
  /** A foreign error code to throw instead of InjectedFault (e.g. `SQLITE_BUSY`, `EIO`). */
  readonly error?: string;
  /**
   * Block the thread synchronously this long at stage start, as one long SQLite statement does (no event
   * loop turn in between), then carry on without failing: the liveness tests' busy step.
   */
  readonly blockMs?: number;
}

export class InjectedFault extends SpineError {
  constructor(stageKey: string, attempt: number, message?: string) {
    super(ErrorCodes.EXECUTION_FAILED, message ?? `Injected fault in ${stageKey} (attempt ${attempt})`);
    this.name = 'InjectedFault';
  }
}

/** An Error shaped like the ones better-sqlite3 (`SqliteError`) and Node's fs (errno) throw. */
function foreignError(code: string, stageKey: string, attempt: number, message?: string): Error {
  const err = new Error(message ?? `${code}: injected in ${stageKey} (attempt ${attempt})`) as Error & { code: string };
  err.name = code.startsWith('SQLITE_') ? 'SqliteError' : 'Error';
  err.code = code;
  return err;
}

export function checkInjectedFault(pipeline: string, stage: string, attempt: number, env = process.env): void {
  const file = env['SPINE_FAULTS_FILE'];
  if (!file) return;
  let specs: Record<string, FaultSpec>;
  try {
    specs = JSON.parse(readFileSync(file, 'utf8')) as Record<string, FaultSpec>;
  } catch {
    return;
  }
  const key = `${pipeline}/${stage}`;
  const spec = specs[key];
  if (!spec) return;
  if (spec.blockMs !== undefined && spec.failAttempts === undefined && !spec.always) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, spec.blockMs);
    return;
  }
  if (!spec.always && attempt > (spec.failAttempts ?? 0)) return;
  throw spec.error
    ? foreignError(spec.error, key, attempt, spec.message)
    : new InjectedFault(key, attempt, spec.message);
}
