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
