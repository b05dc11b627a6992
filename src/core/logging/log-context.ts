import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The fields every log line of a run inherits (execution_id, pipeline, span ids, capture_id, …) plus the
 * progress hook that lets a backend observe each finished step (the Temporal backend heartbeats there).
 */
export interface LogContext {
  readonly fields: Readonly<Record<string, unknown>>;
  readonly onStepEnd?: StepEndHook;
}

export interface StepEndInfo {
  readonly step: string;
  readonly spanId: string;
  readonly durationMs: number;
  readonly metrics: Readonly<Record<string, unknown>>;
}
export type StepEndHook = (info: StepEndInfo) => void | Promise<void>;

const storage = new AsyncLocalStorage<LogContext>();

export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}

/** Runs `fn` with `fields` merged over the current context (null/undefined fields are dropped). */
export function withLogContext<T>(fields: Record<string, unknown>, fn: () => T, onStepEnd?: StepEndHook): T {
  const parent = storage.getStore();
  const merged: Record<string, unknown> = { ...parent?.fields };
  for (const [k, v] of Object.entries(fields)) {
    if (v === null || v === undefined) delete merged[k];
    else merged[k] = v;
  }
  const hook = onStepEnd ?? parent?.onStepEnd;
  return storage.run(hook ? { fields: merged, onStepEnd: hook } : { fields: merged }, fn);
}
