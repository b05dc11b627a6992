import { readFileSync } from 'node:fs';
import { ErrorCodes, SpineError } from '../errors.js';

/**
 * Test-only fault hook. When `SPINE_FAULTS_FILE` names a JSON file such as
 * `{"finra.otc_transparency.week/normalize": {"failAttempts": 1}}` or `{"…/normalize": {"always": true}}`,
 * the named stage throws a retryable error on the listed attempts. The file is read on every stage
 * start, so a test can remove a permanent fault before replaying a dead letter. Unset in production.
 */
export interface FaultSpec {
  readonly failAttempts?: number;
  readonly always?: boolean;
  readonly message?: string;
}

export class InjectedFault extends SpineError {
  constructor(stageKey: string, attempt: number, message?: string) {
    super(ErrorCodes.EXECUTION_FAILED, message ?? `Injected fault in ${stageKey} (attempt ${attempt})`);
    this.name = 'InjectedFault';
  }
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
  if (spec.always || attempt <= (spec.failAttempts ?? 0)) throw new InjectedFault(key, attempt, spec.message);
}
