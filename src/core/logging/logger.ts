import { pino } from 'pino';
import type { DestinationStream, Logger as PinoLogger } from 'pino';
import { currentLogContext } from './log-context.js';
import { prettyDestination } from './pretty.js';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFormat = 'json' | 'pretty';

/**
 * The logger interface domain code depends on. Events are dotted names (`ingest.bulk_insert.end`);
 * fields follow the stable schema of docs/logging.md. Context fields never override call-site fields.
 */
export interface SpineLogger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
  isLevelEnabled(level: LogLevel): boolean;
}

export interface LoggerOptions {
  readonly level?: LogLevel;
  readonly format?: LogFormat;
  readonly destination?: DestinationStream;
  readonly name?: string;
}

const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'silent'];

export function parseLogLevel(value: string | undefined, fallback: LogLevel = 'info'): LogLevel {
  if (!value) return fallback;
  const v = value.toLowerCase() === 'warning' ? 'warn' : value.toLowerCase();
  if ((LEVELS as readonly string[]).includes(v)) return v as LogLevel;
  throw new Error(`Invalid log level '${value}'. Valid values: ${LEVELS.join(', ')}`);
}

export function parseLogFormat(value: string | undefined): LogFormat {
  if (!value) return process.stderr.isTTY ? 'pretty' : 'json';
  const v = value.toLowerCase();
  if (v === 'json') return 'json';
  if (v === 'pretty' || v === 'console') return 'pretty';
  throw new Error(`Invalid log format '${value}'. Valid values: json, pretty`);
}

function dropNulls(fields: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!fields) return out;
  for (const [k, v] of Object.entries(fields)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

class PinoSpineLogger implements SpineLogger {
  readonly #pino: PinoLogger;

  constructor(p: PinoLogger) {
    this.#pino = p;
  }

  #write(level: 'debug' | 'info' | 'warn' | 'error', event: string, fields?: Record<string, unknown>): void {
    if (!this.#pino.isLevelEnabled(level)) return;
    const ctx = currentLogContext()?.fields;
    this.#pino[level]({ ...dropNulls(ctx as Record<string, unknown>), ...dropNulls(fields) }, event);
  }

  debug(event: string, fields?: Record<string, unknown>): void {
    this.#write('debug', event, fields);
  }
  info(event: string, fields?: Record<string, unknown>): void {
    this.#write('info', event, fields);
  }
  warn(event: string, fields?: Record<string, unknown>): void {
    this.#write('warn', event, fields);
  }
  error(event: string, fields?: Record<string, unknown>): void {
    this.#write('error', event, fields);
  }
  isLevelEnabled(level: LogLevel): boolean {
    return level === 'silent' ? false : this.#pino.isLevelEnabled(level);
  }
}

/** Builds the process logger: pino, UTC `Z` timestamps, `event` as the message key, stderr by default. */
export function createLogger(options: LoggerOptions = {}): SpineLogger {
  const format = options.format ?? 'json';
  const destination =
    options.destination ??
    (format === 'pretty' ? prettyDestination(process.stderr) : pino.destination({ dest: 2, sync: true }));
  const p = pino(
    {
      level: options.level ?? 'info',
      messageKey: 'event',
      base: { logger: options.name ?? 'spine' },
      timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  return new PinoSpineLogger(p);
}

/** Logger settings from `SPINE_LOG_LEVEL` and `SPINE_LOG_FORMAT`; explicit options win (CLI flags). */
export function createLoggerFromEnv(
  overrides: { level?: string | undefined; format?: string | undefined } = {},
): SpineLogger {
  return createLogger({
    level: parseLogLevel(overrides.level ?? process.env['SPINE_LOG_LEVEL']),
    format: parseLogFormat(overrides.format ?? process.env['SPINE_LOG_FORMAT']),
  });
}

export const silentLogger: SpineLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  isLevelEnabled: () => false,
};
