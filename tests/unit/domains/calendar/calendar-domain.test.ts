/** Calendar identity: dotted domain, partition key encoded once with sorted keys (§2 #14), purity of the calculations. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeCaptureId } from '../../../../src/core/ids.js';
import { CALENDAR_DOMAIN, ingestYearHint } from '../../../../src/domains/calendar/constants.js';
import { parseCaptureIdList } from '../../../../src/domains/calendar/calendar-lookup.js';
import { calendarPartition } from '../../../../src/domains/calendar/stages/calendar-stage-context.js';

const CALENDAR = fileURLToPath(new URL('../../../../src/domains/calendar/', import.meta.url));

describe('calendar identity', () => {
  it('uses one dotted domain string', () => {
    expect(CALENDAR_DOMAIN).toBe('reference.exchange_calendar');
  });

  it('encodes the partition key once, as JSON with sorted keys', () => {
    const key = calendarPartition('XNYS', 2025).key;
    expect(key).toBe('{"exchange_code":"XNYS","year":"2025"}');
    const decoded: unknown = JSON.parse(key);
    expect(typeof decoded).toBe('object'); // the reference's double encoding decoded to a string
    expect(decoded).toEqual({ exchange_code: 'XNYS', year: '2025' });
  });

  it('capture ids are reference.exchange_calendar:{EXCH}:{year}:{h6} over EXCH|year|captured_at', () => {
    const id = makeCaptureId(CALENDAR_DOMAIN, 'XNYS', '2025', '2025-01-02T10:00:00.000000+00:00');
    expect(id).toMatch(/^reference\.exchange_calendar:XNYS:2025:[0-9a-f]{6}$/);
    expect(makeCaptureId(CALENDAR_DOMAIN, 'XNYS', '2025', '2025-01-02T10:00:00.001000+00:00')).not.toBe(id);
  });

  it('names the command that creates a missing calendar', () => {
    expect(ingestYearHint('XNYS', 2026)).toBe(
      'spine run reference.exchange_calendar.ingest_year year=2026 exchange_code=XNYS',
    );
  });

  it('reads one pinned capture id or a comma-separated list', () => {
    expect(parseCaptureIdList(undefined)).toEqual([]);
    expect(parseCaptureIdList('')).toEqual([]);
    expect(parseCaptureIdList('a')).toEqual(['a']);
    expect(parseCaptureIdList(' a , b ,')).toEqual(['a', 'b']);
  });
});

describe('calendar domain purity', () => {
  const FORBIDDEN = [
    /from 'pino'/,
    /better-sqlite3/,
    /@temporalio\//,
    /@oclif\//,
    /\/cli\//,
    /\/backends\//,
    /\/app\//,
  ];
  const files = [
    ...readdirSync(join(CALENDAR, 'calculations')).map((f) => join('calculations', f)),
    'constants.ts',
    'index.ts',
  ];

  it.each(files.map((f) => [f]))('%s imports nothing from the runtime layers', (rel) => {
    const imports = readFileSync(join(CALENDAR, rel), 'utf8')
      .split('\n')
      .filter((l) => /^\s*(import|export)\b.*from\s/.test(l));
    for (const re of FORBIDDEN) expect(imports.filter((l) => re.test(l))).toEqual([]);
  });

  it('calculations read no files and touch no database', () => {
    for (const f of readdirSync(join(CALENDAR, 'calculations'))) {
      const text = readFileSync(join(CALENDAR, 'calculations', f), 'utf8');
      expect(text, f).not.toMatch(/from 'node:fs'|Db\b|prepare\(/);
    }
  });
});
