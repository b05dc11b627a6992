/** Which states apply to a week, which one is shown, and the exit code (docs/autopilot.md, "spine status"). */
import { describe, expect, it } from 'vitest';
import {
  isMissingPastGrace,
  primaryState,
  statusExitCode,
  weekFlags,
} from '../../../../../src/domains/otc/calculations/freshness.js';
import type { RunFact, WeekFacts } from '../../../../../src/domains/otc/calculations/freshness.js';
import { publicationDue } from '../../../../../src/domains/otc/calculations/publication-calendar.js';

const due = publicationDue(
  { tier: 'OTC', lagWeeks: 4, graceHours: 24, exchangeCode: 'XNYS', cadence: '' },
  '2025-12-12',
  { years: new Set([2025, 2026]), holidays: new Set() },
);
const BEFORE = new Date('2026-01-08T12:00:00Z');
const IN_GRACE = new Date('2026-01-10T12:00:00Z');
const LATE = new Date('2026-01-11T00:00:00Z');
const capture = {
  capture_id: 'c2',
  captured_at: '2026-01-09T10:00:00.000000+00:00',
  source_last_update_date: '2026-01-09',
};
const run = (status: string, error_code: string | null = null): RunFact => ({
  execution_id: 'e1',
  pipeline: 'finra.otc_transparency.week',
  status,
  error_code,
  error_message: null,
  created_at: '2026-01-09T09:00:00.000Z',
});
const facts = (over: Partial<WeekFacts> = {}): WeekFacts => ({
  due,
  capture: null,
  replaced: null,
  lastRun: null,
  staleDatasets: 0,
  ...over,
});

describe('weekFlags', () => {
  it('a week with no capture is not yet due, then due within its grace, then late', () => {
    expect(weekFlags(facts(), BEFORE)).toEqual(['not_yet_due']);
    expect(weekFlags(facts(), IN_GRACE)).toEqual(['due']);
    expect(weekFlags(facts(), LATE)).toEqual(['late']);
    expect(isMissingPastGrace(facts(), IN_GRACE)).toBe(false);
    expect(isMissingPastGrace(facts(), LATE)).toBe(true);
  });

  it('a published week may also be revised and stale', () => {
    expect(weekFlags(facts({ capture }), LATE)).toEqual(['published']);
    expect(weekFlags(facts({ capture, replaced: { ...capture, capture_id: 'c1' } }), LATE)).toEqual([
      'revised',
      'published',
    ]);
    expect(weekFlags(facts({ capture, replaced: capture, staleDatasets: 2 }), LATE)).toEqual([
      'stale',
      'revised',
      'published',
    ]);
    expect(isMissingPastGrace(facts({ capture }), LATE)).toBe(false);
  });

  it('a failed last run flags failed whether or not data is published; a completed one flags nothing', () => {
    expect(weekFlags(facts({ lastRun: run('failed', 'SOURCE_ERROR') }), LATE)).toEqual(['failed', 'late']);
    expect(weekFlags(facts({ lastRun: run('failed', 'QUALITY_GATE_FAILED'), capture }), LATE)).toEqual([
      'failed',
      'published',
    ]);
    expect(weekFlags(facts({ lastRun: run('completed') }), LATE)).toEqual(['late']);
    expect(weekFlags(facts({ lastRun: run('running') }), IN_GRACE)).toEqual(['due']);
  });

  it('SOURCE_UNAVAILABLE replaces late by source_problem for a due week without data, and only then', () => {
    const down = run('failed', 'SOURCE_UNAVAILABLE');
    expect(weekFlags(facts({ lastRun: down }), LATE)).toEqual(['source_problem']);
    expect(weekFlags(facts({ lastRun: down }), IN_GRACE)).toEqual(['source_problem', 'due']);
    expect(weekFlags(facts({ lastRun: down }), BEFORE)).toEqual(['not_yet_due']);
    expect(weekFlags(facts({ lastRun: down, capture }), LATE)).toEqual(['published']);
    expect(isMissingPastGrace(facts({ lastRun: down }), LATE)).toBe(true);
  });
});

describe('primaryState and statusExitCode', () => {
  it('shows the first flag in precedence order', () => {
    expect(primaryState(['failed', 'late'])).toBe('failed');
    expect(primaryState(['stale', 'revised', 'published'])).toBe('stale');
    expect(primaryState(['source_problem', 'due'])).toBe('source_problem');
  });

  it('exits 4 for late, failed or stale; 5 for source problems alone; 0 otherwise', () => {
    expect(statusExitCode([['published'], ['revised', 'published'], ['due'], ['not_yet_due']])).toBe(0);
    expect(statusExitCode([['published'], ['late']])).toBe(4);
    expect(statusExitCode([['failed', 'published']])).toBe(4);
    expect(statusExitCode([['stale', 'published']])).toBe(4);
    expect(statusExitCode([['source_problem'], ['published']])).toBe(5);
    expect(statusExitCode([['source_problem'], ['late']])).toBe(4);
    expect(statusExitCode([])).toBe(0);
  });
});
