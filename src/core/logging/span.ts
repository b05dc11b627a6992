import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { currentLogContext, withLogContext } from './log-context.js';
import type { SpineLogger } from './logger.js';

/** A timed block of work. The body attaches metrics (rows_in, rows_out, …) that the `.end` line reports. */
export interface Span {
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  addMetrics(metrics: Record<string, unknown>): void;
}

export function newSpanId(): string {
  return randomBytes(4).toString('hex');
}

function errorFields(err: unknown): Record<string, unknown> {
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    status: 'error',
    error_type: (e as { code?: string }).code ?? e.name,
    error_message: e.message,
    error_stack: e.stack,
  };
}

/**
 * `log_step` (domain-spec §13): logs `<name>.start` at debug, then `<name>.end` at info with
 * `duration_ms` and the metrics, or `<name>.error` at error. Nested steps get the enclosing span as
 * `parent_span_id`. After `.end` the context's step hook runs: the Temporal backend heartbeats there
 * and both backends record a `progress` event.
 */
export async function logStep<T>(
  log: SpineLogger,
  name: string,
  fn: (span: Span) => T | Promise<T>,
  extras: Record<string, unknown> = {},
): Promise<T> {
  const ctx = currentLogContext();
  const parentSpanId = ctx?.fields['span_id'] as string | undefined;
  const parentStep = ctx?.fields['step'];
  const spanId = newSpanId();
  const metrics: Record<string, unknown> = {};
  const span: Span = { spanId, parentSpanId, addMetrics: (m) => Object.assign(metrics, m) };
  const started = performance.now();
  const run = (): Promise<T> =>
    withLogContext({ span_id: spanId, parent_span_id: parentSpanId, step: name }, async () => {
      log.debug(`${name}.start`, extras);
      return fn(span);
    });
  let result: T;
  try {
    result = await run();
  } catch (err) {
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    log.error(`${name}.error`, {
      ...extras,
      ...metrics,
      span_id: spanId,
      parent_span_id: parentSpanId,
      step: name,
      duration_ms: durationMs,
      ...errorFields(err),
    });
    throw err;
  }
  const durationMs = Math.round((performance.now() - started) * 100) / 100;
  // The context is back to the parent's here, so `.end` carries the parent's step (as the reference does).
  log.info(`${name}.end`, {
    ...extras,
    ...metrics,
    span_id: spanId,
    parent_span_id: parentSpanId,
    step: parentStep,
    duration_ms: durationMs,
  });
  await ctx?.onStepEnd?.({ step: name, spanId, durationMs, metrics });
  return result;
}
