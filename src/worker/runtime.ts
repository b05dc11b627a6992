import { IllegalStateError } from '@temporalio/common';
import type { LogLevel } from '@temporalio/common';
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import type { LogEntry } from '@temporalio/worker';
import type { SpineLogger } from '../core/logging/logger.js';

const snake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function toFields(meta: Record<string, unknown> | undefined): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(meta ?? {})) {
    if (v instanceof Error) {
      fields['error_type'] = v.name;
      fields['error_message'] = v.message;
    } else {
      fields[snake(k)] = v;
    }
  }
  return fields;
}

/**
 * Temporal's Logger (winston-shaped) over the Spine's pino logger: SDK, workflow, activity and
 * forwarded core lines become ordinary Spine lines with snake_case fields and `sdk_component`.
 */
export function temporalLogger(log: SpineLogger, level: LogLevel = 'INFO'): DefaultLogger {
  return new DefaultLogger(level, (entry: LogEntry) => {
    const fields = toFields(entry.meta);
    switch (entry.level) {
      case 'TRACE':
      case 'DEBUG':
        return log.debug(entry.message, fields);
      case 'INFO':
        return log.info(entry.message, fields);
      case 'WARN':
        return log.warn(entry.message, fields);
      default:
        return log.error(entry.message, fields);
    }
  });
}

export interface EnsureRuntimeOptions {
  readonly level?: LogLevel;
  /** Signals that shut workers down gracefully; tests pass [] so vitest keeps its own handlers. */
  readonly shutdownSignals?: NodeJS.Signals[];
}

/**
 * Installs the Temporal Runtime with the pino adapter (core logs forwarded at WARN). Idempotent: a
 * Runtime that is already installed is kept. Call it before every NativeConnection / Worker creation:
 * an idle Runtime drops its singleton and the next Worker would otherwise get a default, unlogged one.
 */
export function ensureRuntime(log: SpineLogger, options: EnsureRuntimeOptions = {}): void {
  try {
    Runtime.install({
      logger: temporalLogger(log, options.level),
      telemetryOptions: {
        logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }) },
      },
      ...(options.shutdownSignals ? { shutdownSignals: options.shutdownSignals } : {}),
    });
  } catch (err) {
    if (!(err instanceof IllegalStateError)) throw err;
  }
}
