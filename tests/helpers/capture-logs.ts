/** A logger whose JSON lines land in an array, so tests can assert on the real log output. */
import type { DestinationStream } from 'pino';
import { createLogger } from '../../src/core/logging/logger.js';
import type { LogLevel, SpineLogger } from '../../src/core/logging/logger.js';

export type LogLine = Record<string, unknown>;

export interface CapturedLogs {
  readonly log: SpineLogger;
  readonly lines: LogLine[];
  /** Lines whose `event` equals `event`, in write order. */
  byEvent(event: string): LogLine[];
  /** The single line with this event; throws when there is not exactly one. */
  one(event: string): LogLine;
  /** Every line, serialised, for "never contains" assertions. */
  text(): string;
}

export function captureDestination(lines: LogLine[]): DestinationStream {
  return {
    write: (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as LogLine);
    },
  };
}

export function captureLogs(level: LogLevel = 'debug'): CapturedLogs {
  const lines: LogLine[] = [];
  const log = createLogger({ level, format: 'json', destination: captureDestination(lines) });
  const byEvent = (event: string): LogLine[] => lines.filter((l) => l['event'] === event);
  return {
    log,
    lines,
    byEvent,
    one: (event) => {
      const found = byEvent(event);
      if (found.length !== 1) throw new Error(`expected one '${event}' line, found ${found.length}`);
      return found[0] as LogLine;
    },
    text: () => lines.map((l) => JSON.stringify(l)).join('\n'),
  };
}
