import type { DestinationStream } from 'pino';

const SKIP = new Set(['level', 'timestamp', 'event', 'logger']);

/** Human-readable log lines for terminals: `14:05:09.123 INFO  ingest.bulk_insert.end rows_out=5328 …`. */
export function formatPrettyLine(json: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = typeof rec['timestamp'] === 'string' ? rec['timestamp'].slice(11, 23) : '';
  const level = String(rec['level'] ?? '')
    .toUpperCase()
    .padEnd(5);
  const rest = Object.entries(rec)
    .filter(([k]) => !SKIP.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${time} ${level} ${String(rec['event'] ?? '')}${rest ? ` ${rest}` : ''}\n`;
}

export function prettyDestination(out: NodeJS.WritableStream): DestinationStream {
  return { write: (line: string) => void out.write(formatPrettyLine(line.trimEnd())) };
}
