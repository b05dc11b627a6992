import { describe, expect, it } from 'vitest';
import { closestNames, didYouMean, editDistance } from '../../../src/core/suggest.js';

const PIPELINES = [
  'captures.gc',
  'finra.otc_transparency.week',
  'finra.otc_transparency.ingest_week',
  'finra.otc_transparency.normalize_week',
  'finra.otc_transparency.backfill_range',
  'reference.exchange_calendar.ingest_year',
];

describe('editDistance', () => {
  it('counts a swap of two neighbours as one edit', () => {
    expect(editDistance('week', 'weke')).toBe(1);
    expect(editDistance('week', 'wek')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('closestNames', () => {
  it('suggests the pipeline a typo meant, not the whole list', () => {
    expect(closestNames('finra.otc_transparency.wek', PIPELINES)).toEqual(['finra.otc_transparency.week']);
  });

  it('matches on the last part of a dotted name', () => {
    expect(closestNames('backfill', PIPELINES)[0]).toBe('finra.otc_transparency.backfill_range');
  });

  it('suggests nothing for a name far from every candidate', () => {
    expect(closestNames('zzzz', PIPELINES)).toEqual([]);
    expect(didYouMean('zzzz', PIPELINES)).toBe('');
  });

  it('words a flag suggestion', () => {
    expect(didYouMean('--weeks', ['--week', '--tier', '--file'], (s) => s)).toBe(' Did you mean --week?');
  });
});

describe('editDistance, exactly (optimal string alignment: one swap of neighbours is one edit)', () => {
  it.each([
    ['', '', 0],
    ['abc', 'abc', 0],
    ['abc', '', 3],
    ['a', 'b', 1],
    ['ab', 'ba', 1],
    ['abc', 'acb', 1],
    ['abc', 'bac', 1],
    ['abcd', 'badc', 2],
    ['kitten', 'sitting', 3],
    ['flaw', 'lawn', 2],
    ['ca', 'abc', 3],
    ['aab', 'aba', 1],
    ['xab', 'yba', 2],
  ])('%s → %s: %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('closestNames, its rules', () => {
  it('keeps only the best score, ties in name order, at most max', () => {
    expect(closestNames('tet', ['tex', 'teb', 'tea', 'zzzzzz'], 2)).toEqual(['tea', 'teb']);
    expect(closestNames('tet', ['tex', 'teb', 'tea'])).toEqual(['tea', 'teb', 'tex']);
  });

  it('a contained name of three letters or more counts as one edit; shorter ones do not', () => {
    expect(closestNames('ingest', ['reference.exchange_calendar.ingest_year'])).toEqual([
      'reference.exchange_calendar.ingest_year',
    ]);
    expect(closestNames('normalize_week_now', ['finra.otc_transparency.normalize_week'])).toEqual([
      'finra.otc_transparency.normalize_week',
    ]);
    expect(closestNames('ab', ['abcdefgh'])).toEqual([]);
    expect(closestNames('abcdefgh', ['ab'])).toEqual([]);
  });

  it('allows about a third of the shorter name in edits, at least two', () => {
    expect(closestNames('abcdefghi', ['abcdefxyz'])).toEqual(['abcdefxyz']);
    expect(closestNames('abcdefghi', ['abcdewxyz'])).toEqual([]);
    expect(closestNames('abcd', ['abxy'])).toEqual(['abxy']);
    expect(closestNames('abcd', ['axyz'])).toEqual([]);
  });

  it('compares without case and quotes with single quotes by default', () => {
    expect(closestNames('WEEK', ['week'])).toEqual(['week']);
    expect(didYouMean('wexk', ['week', 'weak'])).toBe(" Did you mean 'weak' or 'week'?");
  });
});
