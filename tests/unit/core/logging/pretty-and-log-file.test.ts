/**
 * The terminal's log formats (src/core/logging/pretty.ts, log-file.ts), which the CLI tests only see
 * through the built binary: exact lines and the lazily opened log file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LazyFileDestination, logFilePath } from '../../../../src/core/logging/log-file.js';
import { formatPrettyLine, prettyDestination } from '../../../../src/core/logging/pretty.js';
import { tempDir } from '../../../helpers/tmp-db.js';
import type { TempDir } from '../../../helpers/tmp-db.js';

describe('formatPrettyLine', () => {
  it('prints time, padded level, event, then every other field as key=value (strings bare, others JSON)', () => {
    const line = JSON.stringify({
      level: 'info',
      timestamp: '2025-12-22T14:05:09.123Z',
      event: 'ingest.bulk_insert.end',
      logger: 'spine',
      rows_out: 5328,
      tier: 'OTC',
      ok: true,
      weeks: ['2025-12-12'],
      none: null,
    });
    expect(formatPrettyLine(line)).toBe(
      '14:05:09.123 INFO  ingest.bulk_insert.end rows_out=5328 tier=OTC ok=true weeks=["2025-12-12"] none=null\n',
    );
  });

  it('keeps a five-letter level unpadded and prints nothing after the event when no field is left', () => {
    expect(
      formatPrettyLine(JSON.stringify({ level: 'error', timestamp: '2025-12-22T00:00:00.000Z', event: 'x' })),
    ).toBe('00:00:00.000 ERROR x\n');
  });

  it('leaves the time, level and event blank when they are missing or not text', () => {
    expect(formatPrettyLine(JSON.stringify({ timestamp: 42, a: 'b' }))).toBe('        a=b\n');
  });

  it('returns a line that is not JSON as it came', () => {
    expect(formatPrettyLine('not json {')).toBe('not json {');
  });

  it('prettyDestination writes each pino line formatted, trailing newline trimmed first', () => {
    const chunks: string[] = [];
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk.toString());
        done();
      },
    });
    prettyDestination(out).write(
      `${JSON.stringify({ level: 'warn', timestamp: '2025-12-22T01:02:03.004Z', event: 'e', n: 1 })}\n`,
    );
    expect(chunks).toEqual(['01:02:03.004 WARN  e n=1\n']);
  });
});

describe('log file', () => {
  let dir: TempDir;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());

  it('is SPINE_LOG_FILE when set (trimmed), else <database name>.log beside the database', () => {
    expect(logFilePath('/data/spine.db', {})).toBe('/data/spine.log');
    expect(logFilePath('/data/my.store.sqlite', {})).toBe('/data/my.store.log');
    expect(logFilePath('spine.db', {})).toBe('spine.log');
    expect(logFilePath('/data/spine.db', { SPINE_LOG_FILE: ' /var/log/x.log ' })).toBe('/var/log/x.log');
    expect(logFilePath('/data/spine.db', { SPINE_LOG_FILE: '  ' })).toBe('/data/spine.log');
  });

  it('opens the file (and its folders) only when the first line arrives, appends lines, ends each with one newline', () => {
    const path = dir.join('nested', 'deeper', 'spine.log');
    const dest = new LazyFileDestination(path);
    expect(dest.path).toBe(path);
    expect(dest.written).toBe(false);
    expect(existsSync(dir.join('nested'))).toBe(false);
    dest.write('{"a":1}\n');
    dest.write('{"b":2}');
    expect(dest.written).toBe(true);
    dest.close();
    dest.close();
    const again = new LazyFileDestination(path);
    again.write('{"c":3}\n');
    again.close();
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}\n{"b":2}\n{"c":3}\n');
  });
});
