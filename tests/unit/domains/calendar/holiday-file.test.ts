/** The calendar file format and its validation (domain-spec §9.10, §18.2): every problem names the file and entry. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SourceError } from '../../../../src/core/errors.js';
import { CalendarFileRules, parseHolidayFile } from '../../../../src/domains/calendar/calculations/holiday-file.js';
import { dayOfWeek } from '../../../../src/core/dates.js';

const FILE = 'cal.json';

function shippedText(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../../../../data/calendars/${name}`, import.meta.url)), 'utf8');
}

function doc(holidays: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ year: 2025, exchange_code: 'XNYS', holidays, ...extra });
}

function failure(text: string, expected: Parameters<typeof parseHolidayFile>[2] = {}): SourceError {
  try {
    parseHolidayFile(text, FILE, expected);
  } catch (err) {
    expect(err).toBeInstanceOf(SourceError);
    return err as SourceError;
  }
  throw new Error('expected parseHolidayFile to fail');
}

describe('shipped calendars', () => {
  it.each([
    ['xnys_2025.json', 'XNYS', 2025],
    ['xnys_2026.json', 'XNYS', 2026],
    ['xnas_2025.json', 'XNAS', 2025],
  ])('%s holds 10 weekday holidays of %s %i', (name, exchange, year) => {
    const c = parseHolidayFile(shippedText(name), name);
    expect(c.exchangeCode).toBe(exchange);
    expect(c.year).toBe(year);
    expect(c.holidays).toHaveLength(10);
    for (const h of c.holidays) expect([0, 6]).not.toContain(dayOfWeek(h.date));
  });

  it('XNYS 2026 includes the observed Independence Day, Friday 2026-07-03', () => {
    const c = parseHolidayFile(shippedText('xnys_2026.json'), 'xnys_2026.json');
    expect(c.holidays.find((h) => h.date === '2026-07-03')).toEqual({
      date: '2026-07-03',
      name: 'Independence Day (observed)',
      type: 'observed',
    });
    expect(dayOfWeek('2026-07-03')).toBe(5);
  });

  it('XNAS 2025 has the same closures as XNYS 2025 (the published schedules agree)', () => {
    const dates = (n: string): string[] => parseHolidayFile(shippedText(n), n).holidays.map((h) => h.date);
    expect(dates('xnas_2025.json')).toEqual(dates('xnys_2025.json'));
  });
});

describe('parseHolidayFile', () => {
  it('sorts holidays, trims names, keeps an optional type and tolerates a BOM and extra keys', () => {
    const c = parseHolidayFile(
      `\ufeff${doc(
        [
          { date: '2025-12-25', name: ' Christmas Day ' },
          { date: '2025-01-01', name: "New Year's Day", type: 'regular' },
        ],
        { source: 'somewhere', notes: 'ignored' },
      )}`,
      FILE,
    );
    expect(c.holidays).toEqual([
      { date: '2025-01-01', name: "New Year's Day", type: 'regular' },
      { date: '2025-12-25', name: 'Christmas Day', type: null },
    ]);
  });

  it('takes year and exchange_code from the parameters when the file omits them', () => {
    const c = parseHolidayFile(JSON.stringify({ holidays: [] }), FILE, { year: 2027, exchangeCode: 'XNAS' });
    expect(c).toEqual({ year: 2027, exchangeCode: 'XNAS', holidays: [] });
  });

  it('accepts matching parameters and upper-cases the file exchange code', () => {
    const c = parseHolidayFile(JSON.stringify({ year: 2025, exchange_code: 'xnys', holidays: [] }), FILE, {
      year: 2025,
      exchangeCode: 'XNYS',
    });
    expect(c.exchangeCode).toBe('XNYS');
  });

  it.each<[string, string, string, RegExp]>([
    ['not JSON', '{"year": 2025,', CalendarFileRules.INVALID_JSON, /not valid JSON/],
    ['a JSON list', '[]', CalendarFileRules.INVALID_JSON, /expected a JSON object/],
    [
      'no holidays list',
      JSON.stringify({ year: 2025, exchange_code: 'XNYS' }),
      CalendarFileRules.MISSING_FIELD,
      /"holidays"/,
    ],
    [
      'no year anywhere',
      JSON.stringify({ exchange_code: 'XNYS', holidays: [] }),
      CalendarFileRules.MISSING_FIELD,
      /no "year"/,
    ],
    [
      'no exchange anywhere',
      JSON.stringify({ year: 2025, holidays: [] }),
      CalendarFileRules.MISSING_FIELD,
      /exchange_code/,
    ],
    [
      'a text year',
      JSON.stringify({ year: '2025', exchange_code: 'XNYS', holidays: [] }),
      CalendarFileRules.BAD_YEAR,
      /integer/,
    ],
    [
      'a five-digit year',
      JSON.stringify({ year: 20250, exchange_code: 'XNYS', holidays: [] }),
      CalendarFileRules.BAD_YEAR,
      /four digits/,
    ],
    ['an unknown exchange', doc([], { exchange_code: 'XLON' }), CalendarFileRules.BAD_EXCHANGE, /XLON.*XNYS, XNAS/],
    [
      'an impossible date',
      doc([{ date: '2025-02-30', name: 'Nope' }]),
      CalendarFileRules.BAD_DATE,
      /holidays\[0\] \(Nope\).*2025-02-30/,
    ],
    ['a US-style date', doc([{ date: '01/20/2025', name: 'MLK' }]), CalendarFileRules.BAD_DATE, /01\/20\/2025/],
    ['a timestamp', doc([{ date: '2025-01-20T00:00:00', name: 'MLK' }]), CalendarFileRules.BAD_DATE, /YYYY-MM-DD/],
    ['a numeric date', doc([{ date: 20250120, name: 'MLK' }]), CalendarFileRules.BAD_DATE, /20250120/],
    [
      'a date of another year',
      doc([{ date: '2026-01-01', name: 'NY' }]),
      CalendarFileRules.DATE_OUTSIDE_YEAR,
      /outside the calendar year 2025/,
    ],
    [
      'a Saturday',
      doc([{ date: '2025-07-05', name: 'Sat' }]),
      CalendarFileRules.WEEKEND_HOLIDAY,
      /holidays\[0\] \(Sat\): 2025-07-05 is a Saturday/,
    ],
    [
      'a Sunday',
      doc([
        { date: '2025-01-01', name: 'a' },
        { date: '2025-01-05', name: 'Sun' },
      ]),
      CalendarFileRules.WEEKEND_HOLIDAY,
      /holidays\[1\].*Sunday/,
    ],
    [
      'a repeated date',
      doc([
        { date: '2025-01-01', name: 'a' },
        { date: '2025-01-01', name: 'b' },
      ]),
      CalendarFileRules.DUPLICATE_DATE,
      /holidays\[1\] \(b\): 2025-01-01 is already listed as holidays\[0\]/,
    ],
    [
      'an entry without a name',
      doc([{ date: '2025-01-01' }]),
      CalendarFileRules.BAD_ENTRY,
      /holidays\[0\] needs a non-empty "name"/,
    ],
    [
      'an entry that is not an object',
      doc(['2025-01-01']),
      CalendarFileRules.BAD_ENTRY,
      /holidays\[0\] must be an object/,
    ],
    [
      'a numeric type',
      doc([{ date: '2025-01-01', name: 'a', type: 1 }]),
      CalendarFileRules.BAD_ENTRY,
      /"type" must be a string/,
    ],
  ])('rejects %s, naming the file and the rule', (_what, text, rule, message) => {
    const err = failure(text);
    expect(err.code).toBe('SOURCE_ERROR');
    expect(err.nonRetryable).toBe(true);
    expect(err.details['rule']).toBe(rule);
    expect(err.message.startsWith(`${FILE}: ${rule}: `)).toBe(true);
    expect(err.message).toMatch(message);
  });

  it('rejects a year that contradicts the parameter, naming the file and both years', () => {
    const err = failure(doc([]), { year: 2026 });
    expect(err.details['rule']).toBe(CalendarFileRules.YEAR_MISMATCH);
    expect(err.message).toBe(
      `${FILE}: CALENDAR_YEAR_MISMATCH: the file is the calendar for 2025 but year=2026 was requested`,
    );
  });

  it('rejects an exchange that contradicts the parameter, naming the file and both exchanges', () => {
    const err = failure(doc([]), { exchangeCode: 'XNAS' });
    expect(err.details['rule']).toBe(CalendarFileRules.EXCHANGE_MISMATCH);
    expect(err.message).toMatch(/^cal\.json: .*calendar of XNYS but exchange_code=XNAS/);
  });
});
