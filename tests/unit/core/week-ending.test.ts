import { describe, expect, it } from 'vitest';
import { SourceError, SpineError } from '../../../src/core/errors.js';
import {
  addDays,
  dayName,
  dayOfWeek,
  daysBetween,
  formatCompactDate,
  formatIsoDate,
  isFriday,
  parseCompactDate,
  parseIsoDate,
  tryParseIsoDate,
} from '../../../src/core/dates.js';
import {
  assertFriday,
  dateFromFileName,
  fileStem,
  lastNWeeks,
  fridayNeighbours,
  nearestFridayOnOrAfter,
  nextWeek,
  previousWeek,
  resolveFileDate,
  weekEndingFromPublicationDate,
  weekRange,
  windowWeeks,
} from '../../../src/core/week-ending.js';

describe('ISO date helpers', () => {
  it('accepts real YYYY-MM-DD dates and returns them unchanged', () => {
    expect(tryParseIsoDate('2025-12-22')).toBe('2025-12-22');
    expect(tryParseIsoDate('2024-02-29')).toBe('2024-02-29');
    expect(tryParseIsoDate('2000-02-29')).toBe('2000-02-29');
  });

  it('rejects impossible dates such as 2025-02-30 and 1900-02-29', () => {
    expect(tryParseIsoDate('2025-02-30')).toBeNull();
    expect(tryParseIsoDate('2025-13-01')).toBeNull();
    expect(tryParseIsoDate('2025-04-31')).toBeNull();
    expect(tryParseIsoDate('1900-02-29')).toBeNull();
    expect(tryParseIsoDate('2025-00-10')).toBeNull();
  });

  it('accepts the first 10 characters of an ISO timestamp', () => {
    expect(tryParseIsoDate('2025-12-22T10:00:00')).toBe('2025-12-22');
    expect(tryParseIsoDate('2025-12-22 10:00:00')).toBe('2025-12-22');
  });

  it('rejects non-ISO spellings', () => {
    for (const bad of [
      '12/22/2025',
      'not-a-date',
      '2025/12/12',
      'Dec 12, 2025',
      '20251222',
      '2025-1-5',
      '',
      '2025-12-22x',
    ]) {
      expect(tryParseIsoDate(bad), bad).toBeNull();
    }
  });

  it('throws INVALID_DATE naming the value from parseIsoDate', () => {
    expect(() => parseIsoDate('2025-02-30')).toThrow(SpineError);
    expect(() => parseIsoDate('2025-02-30')).toThrow("Invalid date: '2025-02-30'");
    expect(() => parseIsoDate('nope', 'file_date')).toThrow(
      expect.objectContaining({ code: 'INVALID_DATE', message: expect.stringContaining('file_date') as unknown }),
    );
  });

  it('does day arithmetic in UTC across month and year boundaries', () => {
    expect(addDays('2025-12-29', 4)).toBe('2026-01-02');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(daysBetween('2025-12-19', '2026-01-02')).toBe(14);
    expect(formatIsoDate(new Date('2025-12-22T23:59:59.999Z'))).toBe('2025-12-22');
  });

  it('knows the weekday of a date', () => {
    expect(dayOfWeek('2025-12-22')).toBe(1);
    expect(dayName('2025-12-21')).toBe('Sunday');
    expect(isFriday('2025-12-19')).toBe(true);
    expect(isFriday('2025-12-20')).toBe(false);
    expect(dayName('1969-12-31')).toBe('Wednesday');
  });

  it('converts compact YYYYMMDD dates both ways', () => {
    expect(formatCompactDate('2025-12-22')).toBe('20251222');
    expect(parseCompactDate('20251222')).toBe('2025-12-22');
    expect(parseCompactDate('20250230')).toBeNull();
  });
});

describe('week_ending from a publication date (domain-spec §5)', () => {
  it.each([
    ['2025-12-22', 'Mon', '2025-12-19'],
    ['2025-12-15', 'Mon', '2025-12-12'],
    ['2025-12-16', 'Tue', '2025-12-12'],
    ['2025-12-17', 'Wed', '2025-12-12'],
    ['2025-12-18', 'Thu', '2025-12-12'],
    ['2025-12-19', 'Fri', '2025-12-12'],
    ['2025-12-20', 'Sat', '2025-12-19'],
    ['2025-12-21', 'Sun', '2025-12-19'],
  ])('maps %s (%s) to the most recent Friday strictly before it: %s', (date, _day, week) => {
    expect(weekEndingFromPublicationDate(date)).toBe(week);
  });

  it.each([
    ['2025-11-28', '2025-11-21'],
    ['2025-12-05', '2025-11-28'],
    ['2025-12-12', '2025-12-05'],
    ['2025-12-13', '2025-12-12'],
    ['2025-12-27', '2025-12-26'],
    ['2026-01-02', '2025-12-26'],
  ])('lands reference fixture week_%s.psv on %s', (date, week) => {
    expect(weekEndingFromPublicationDate(date)).toBe(week);
  });

  it('accepts a timestamp as publication date', () => {
    expect(weekEndingFromPublicationDate('2025-12-22T10:00:00')).toBe('2025-12-19');
  });
});

describe('WeekEnding helpers', () => {
  it('finds the first Friday on or after any date', () => {
    expect(nearestFridayOnOrAfter('2025-12-15')).toBe('2025-12-19');
    expect(nearestFridayOnOrAfter('2025-12-18')).toBe('2025-12-19');
    expect(nearestFridayOnOrAfter('2025-12-19')).toBe('2025-12-19');
    expect(nearestFridayOnOrAfter('2025-12-20')).toBe('2025-12-26');
    expect(nearestFridayOnOrAfter('2025-12-21')).toBe('2025-12-26');
  });

  it('names the Friday just before a weekend day', () => {
    expect(() => assertFriday('2025-12-20')).toThrow(
      'week_ending must be Friday, got 2025-12-20 (Saturday). Nearest Friday: 2025-12-19 (1 day before)',
    );
    expect(() => assertFriday('2025-12-21', '--week')).toThrow(
      '--week must be Friday, got 2025-12-21 (Sunday). Nearest Friday: 2025-12-19 (2 days before)',
    );
  });

  it('names both neighbours for a day inside the week, the nearer first', () => {
    expect(() => assertFriday('2025-12-15')).toThrow(
      'week_ending must be Friday, got 2025-12-15 (Monday). Nearest Friday: 2025-12-12 (3 days before); the Friday after is 2025-12-19',
    );
    expect(() => assertFriday('2025-12-16')).toThrow(
      'Nearest Friday: 2025-12-19 (3 days after); the Friday before is 2025-12-12',
    );
    expect(() => assertFriday('2025-12-18')).toThrow(
      'Nearest Friday: 2025-12-19 (1 day after); the Friday before is 2025-12-12',
    );
  });

  it('gives the neighbours as data and accepts a Friday unchanged', () => {
    expect(fridayNeighbours('2025-12-17')).toEqual({ nearest: '2025-12-19', other: '2025-12-12' });
    expect(fridayNeighbours('2025-12-20')).toEqual({ nearest: '2025-12-19', other: null });
    // Fails when nothing is thrown: the assertion is on the thrown error itself.
    expect(() => assertFriday('2025-12-17')).toThrow(
      expect.objectContaining({
        code: 'INVALID_DATE',
        details: expect.objectContaining({ nearestFriday: '2025-12-19', otherFriday: '2025-12-12' }) as unknown,
      }),
    );
    expect(assertFriday('2025-12-19')).toBe('2025-12-19');
  });

  it('keeps holiday Fridays as week endings', () => {
    expect(assertFriday('2025-04-18')).toBe('2025-04-18');
    expect(assertFriday('2026-07-03')).toBe('2026-07-03');
  });

  it('steps weeks back and forth by 7 days', () => {
    expect(previousWeek('2025-12-19')).toBe('2025-12-12');
    expect(previousWeek('2025-12-19', 3)).toBe('2025-11-28');
    expect(nextWeek('2025-12-26')).toBe('2026-01-02');
    expect(nextWeek('2025-12-19', 2)).toBe('2026-01-02');
  });

  it('builds a k-week window ending with the week, oldest first', () => {
    expect(windowWeeks('2025-12-19', 6)).toEqual([
      '2025-11-14',
      '2025-11-21',
      '2025-11-28',
      '2025-12-05',
      '2025-12-12',
      '2025-12-19',
    ]);
    expect(windowWeeks('2025-12-19', 1)).toEqual(['2025-12-19']);
  });

  it('lists the last n weeks ending at the Friday on or after as-of', () => {
    expect(lastNWeeks(3, '2025-12-22')).toEqual(['2025-12-12', '2025-12-19', '2025-12-26']);
    expect(lastNWeeks(2, '2025-12-19')).toEqual(['2025-12-12', '2025-12-19']);
  });

  it('lists an inclusive range of Fridays and nothing when reversed', () => {
    expect(weekRange('2025-12-12', '2026-01-02')).toEqual(['2025-12-12', '2025-12-19', '2025-12-26', '2026-01-02']);
    expect(weekRange('2025-12-19', '2025-12-19')).toEqual(['2025-12-19']);
    expect(weekRange('2025-12-26', '2025-12-19')).toEqual([]);
  });
});

describe('file date resolution', () => {
  it('reads YYYYMMDD at the end of the stem', () => {
    expect(dateFromFileName('finra_otc_weekly_otc_20251222.csv')).toBe('2025-12-22');
    expect(dateFromFileName('data/samples/finra_otc_weekly_otc_20251215.csv')).toBe('2025-12-15');
  });

  it('reads YYYY-MM-DD anywhere in the stem', () => {
    expect(dateFromFileName('nms_tier1_2025-12-26.psv')).toBe('2025-12-26');
    expect(dateFromFileName('data_2025-01-03_tier1.csv')).toBe('2025-01-03');
    expect(dateFromFileName('week_2025-12-13.psv')).toBe('2025-12-13');
  });

  it('finds no date in names without one', () => {
    expect(dateFromFileName('random_file.csv')).toBeNull();
    expect(dateFromFileName('file_20251399.csv')).toBeNull();
    expect(fileStem('/a/b.c/d.tar.gz')).toBe('d.tar');
  });

  it('prefers override, then file name, then content, and labels the source', () => {
    const name = 'finra_otc_weekly_otc_20251222.csv';
    expect(resolveFileDate({ override: '2025-12-15', fileName: name, firstLastUpdateDate: '2025-12-01' })).toEqual({
      date: '2025-12-15',
      source: 'override',
    });
    expect(resolveFileDate({ fileName: name, firstLastUpdateDate: '2025-12-01' })).toEqual({
      date: '2025-12-22',
      source: 'filename',
    });
    expect(resolveFileDate({ fileName: 'upload.csv', firstLastUpdateDate: '2025-12-01' })).toEqual({
      date: '2025-12-01',
      source: 'content',
    });
  });

  it('fails naming the file and rule FILE_DATE_UNKNOWN when nothing gives a date', () => {
    const attempt = (): unknown => resolveFileDate({ fileName: 'upload.csv', firstLastUpdateDate: 'not-a-date' });
    expect(attempt).toThrow(SourceError);
    expect(attempt).toThrow(/upload\.csv: FILE_DATE_UNKNOWN: Cannot determine file date/);
  });

  it('rejects an invalid override instead of falling back', () => {
    expect(() => resolveFileDate({ override: '2025-02-30', fileName: 'finra_otc_weekly_otc_20251222.csv' })).toThrow(
      "Invalid file_date: '2025-02-30'",
    );
  });
});
