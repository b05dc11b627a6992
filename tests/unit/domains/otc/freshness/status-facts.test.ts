/**
 * `spine status` in-process: computeStatus and the facts it reads (captures, runs, source checks, stale
 * derived data) and the publication schedules and holidays, on a real migrated SQLite file. Rows are
 * written with plain SQL so each test states exactly what the database holds.
 * OTC (lag 4 weeks, grace 24 h): week 2025-12-12 is due on Friday 2026-01-09 and late from
 * 2026-01-11T00:00:00Z.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../../../src/core/clock.js';
import type { Db } from '../../../../../src/core/db/open-database.js';
import { SpineError } from '../../../../../src/core/errors.js';
import {
  capturesAsOf,
  lastRunsAsOf,
  staleByWeek,
  SYNC_PIPELINE_PREFIX,
  WEEK_RUN_PIPELINES,
} from '../../../../../src/domains/otc/freshness/facts.js';
import { recordFreshness } from '../../../../../src/domains/otc/freshness/incidents.js';
import { dueWeeksAt, loadHolidays, readSchedules } from '../../../../../src/domains/otc/freshness/schedules.js';
import { computeStatus, DEFAULT_STATUS_WEEKS } from '../../../../../src/domains/otc/freshness/status.js';
import type { WeekStatus } from '../../../../../src/domains/otc/freshness/status.js';
import { openTempDb, tempDir } from '../../../../helpers/tmp-db.js';
import type { TempDir } from '../../../../helpers/tmp-db.js';

const DOMAIN = 'finra.otc_transparency';
const WEEK = 'finra.otc_transparency.week';
const INGEST = 'finra.otc_transparency.ingest_week';
const SYNC = 'finra.otc_transparency.sync';
/** OTC's 2025-12-12 is due (2026-01-09) but still within its grace. */
const IN_GRACE = new Date('2026-01-10T12:00:00.000Z');
const CADENCE_4 = 'weekly; week ending Friday W is published 4 weeks later';

let dir: TempDir;
let db: Db;

beforeEach(() => {
  dir = tempDir();
  db = openTempDb(dir.join('spine.db'));
});
afterEach(() => {
  db.close();
  dir.cleanup();
});

interface CaptureSpec {
  id: string;
  week: string;
  tier?: string;
  at: string;
  status?: string;
  hash?: string | null;
  base?: string | null;
  lud?: string | null;
}

/** A capture row; `at` is an ISO instant, stored as captured_at is (`…000+00:00`). */
function capture(c: CaptureSpec): void {
  const capturedAt = `${c.at.slice(0, 23)}000+00:00`;
  db.prepare(
    `INSERT INTO core_captures (capture_id, domain, week_ending, tier, captured_at, source_last_update_date, status,
       content_hash, base_capture_id, execution_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'e-capture', ?)`,
  ).run(
    c.id,
    DOMAIN,
    c.week,
    c.tier ?? 'OTC',
    capturedAt,
    c.lud ?? null,
    c.status ?? 'published',
    c.hash === undefined ? `hash-${c.id}` : c.hash,
    c.base ?? null,
    c.at,
  );
}

interface RunSpec {
  id: string;
  pipeline: string;
  at: string;
  status?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown> | null;
  code?: string | null;
  message?: string | null;
}

function run(r: RunSpec): void {
  db.prepare(
    `INSERT INTO core_executions (id, pipeline, params, status, created_at, error_code, error_message, result)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    r.id,
    r.pipeline,
    JSON.stringify(r.params ?? {}),
    r.status ?? 'completed',
    r.at,
    r.code ?? null,
    r.message ?? null,
    r.result === undefined || r.result === null ? null : JSON.stringify(r.result),
  );
}

interface CheckSpec {
  week: string;
  tier?: string;
  outcome: string;
  at: string;
  exec: string;
  code?: string | null;
  message?: string | null;
}

function check(c: CheckSpec): void {
  db.prepare(
    `INSERT INTO core_source_checks (domain, week_ending, tier, source, checked_at, outcome, error_code, error_message,
       execution_id)
     VALUES (?, ?, ?, 'api', ?, ?, ?, ?, ?)`,
  ).run(DOMAIN, c.week, c.tier ?? 'OTC', c.at, c.outcome, c.code ?? null, c.message ?? null, c.exec);
}

function derived(captureId: string, dataset: string, input: { id: string; week: string; tier: string }): void {
  db.prepare(
    `INSERT INTO core_derived_inputs (capture_id, dataset, input_capture_id, input_week_ending, input_tier, recorded_at)
     VALUES (?, ?, ?, ?, ?, '2026-01-01T00:00:00.000Z')`,
  ).run(captureId, dataset, input.id, input.week, input.tier);
}

function calendarCapture(id: string, year: number, holidays: readonly string[], at = '2026-01-01T00:00:00.000Z'): void {
  db.prepare(
    `INSERT INTO reference_exchange_calendar_captures (capture_id, exchange_code, year, captured_at, holiday_count,
       execution_id, batch_id, created_at)
     VALUES (?, 'XNYS', ?, ?, ?, 'e-cal', 'b-cal', ?)`,
  ).run(id, year, at, holidays.length, at);
  for (const h of holidays) {
    db.prepare(
      `INSERT INTO reference_exchange_calendar_holidays (year, exchange_code, holiday_date, holiday_name, ingested_at,
         execution_id, batch_id, captured_at, capture_id)
       VALUES (?, 'XNYS', ?, 'Test closure', ?, 'e-cal', 'b-cal', ?, ?)`,
    ).run(year, h, at, at, id);
  }
}

const weekOf = (weeks: readonly WeekStatus[], w: string): WeekStatus => {
  const found = weeks.find((x) => x.week_ending === w);
  if (!found) throw new Error(`no week ${w}`);
  return found;
};

describe('readSchedules, loadHolidays, dueWeeksAt', () => {
  it('reads the enabled schedules in tier order, optionally one tier', () => {
    expect(readSchedules(db).map((s) => [s.tier, s.lagWeeks, s.graceHours, s.exchangeCode, s.cadence])).toEqual([
      ['NMS_TIER_1', 2, 24, 'XNYS', 'weekly; week ending Friday W is published 2 weeks later'],
      ['NMS_TIER_2', 4, 24, 'XNYS', CADENCE_4],
      ['OTC', 4, 24, 'XNYS', CADENCE_4],
    ]);
    expect(readSchedules(db, 'NMS_TIER_2').map((s) => s.tier)).toEqual(['NMS_TIER_2']);
    db.prepare(`UPDATE core_expected_schedules SET enabled = 0 WHERE tier = 'NMS_TIER_2'`).run();
    expect(readSchedules(db).map((s) => s.tier)).toEqual(['NMS_TIER_1', 'OTC']);
    expect(readSchedules(db, 'NMS_TIER_2')).toEqual([]);
  });

  it('takes a year from its latest calendar capture, else the shipped file, else leaves it unknown', () => {
    calendarCapture('cal-2026-old', 2026, ['2026-01-01'], '2026-01-01T00:00:00.000Z');
    calendarCapture('cal-2026', 2026, ['2026-01-09', '2026-01-01'], '2026-01-02T00:00:00.000Z');
    const h = loadHolidays(db, 'XNYS', [2025, 2026, 2027]);
    expect([...h.sources]).toEqual([
      [2025, 'shipped:xnys_2025.json'],
      [2026, 'cal-2026'],
      [2027, null],
    ]);
    expect([...h.years]).toEqual([2025, 2026]);
    expect(h.holidays.has('2025-04-18')).toBe(true); // Good Friday, shipped
    expect(h.holidays.has('2025-12-25')).toBe(true);
    expect([...h.holidays].filter((d) => d.startsWith('2026'))).toEqual(['2026-01-01', '2026-01-09']);
    // The shipped file name is the lower-case exchange code.
    expect([...loadHolidays(db, 'XNAS', [2025]).sources]).toEqual([[2025, 'shipped:xnas_2025.json']]);
    expect(loadHolidays(db, 'XNYS', []).years.size).toBe(0);
  });

  it('gives the newest due weeks of a tier, and none for a disabled tier', () => {
    expect(dueWeeksAt(db, 'OTC', IN_GRACE, 3)).toEqual(['2025-12-12', '2025-12-05', '2025-11-28']);
    expect(dueWeeksAt(db, 'NMS_TIER_1', IN_GRACE, 2)).toEqual(['2025-12-26', '2025-12-19']);
    // Just before 2026-01-09 starts, 2025-12-12 is not due yet.
    expect(dueWeeksAt(db, 'OTC', new Date('2026-01-08T23:59:59.999Z'), 1)).toEqual(['2025-12-05']);
    db.prepare(`UPDATE core_expected_schedules SET enabled = 0 WHERE tier = 'OTC'`).run();
    expect(dueWeeksAt(db, 'OTC', IN_GRACE, 3)).toEqual([]);
  });

  it('a calendar capture that adds a holiday moves the due date (and so which week is due)', () => {
    calendarCapture('cal-2026', 2026, ['2026-01-09']);
    // 2025-12-12 is nominally due on 2026-01-09, a holiday now: due Monday 2026-01-12.
    expect(dueWeeksAt(db, 'OTC', IN_GRACE, 1)).toEqual(['2025-12-05']);
    expect(dueWeeksAt(db, 'OTC', new Date('2026-01-12T00:00:00.000Z'), 1)).toEqual(['2025-12-12']);
  });
});

describe('capturesAsOf', () => {
  it('gives the latest capture as of now and the newest earlier one with other source data', () => {
    capture({
      id: 'a1',
      week: '2025-12-12',
      at: '2026-01-09T10:00:00.000Z',
      status: 'superseded',
      hash: 'H1',
      lud: '2026-01-08',
    });
    capture({
      id: 'a2',
      week: '2025-12-12',
      at: '2026-01-09T11:00:00.000Z',
      status: 'superseded',
      hash: 'H2',
      lud: '2026-01-09',
    });
    // A re-ingest of the same content (same hash) is not a revision; neither is a recompute capture.
    capture({
      id: 'a3',
      week: '2025-12-12',
      at: '2026-01-09T12:00:00.000Z',
      status: 'superseded',
      hash: 'H2',
      lud: '2026-01-09',
    });
    capture({
      id: 'a4',
      week: '2025-12-12',
      at: '2026-01-09T13:00:00.000Z',
      hash: 'H2',
      base: 'a3',
      lud: '2026-01-09',
    });
    // Published after "now": not seen.
    capture({ id: 'a5', week: '2025-12-12', at: '2026-01-11T00:00:00.000Z', hash: 'H3' });
    // Other weeks, tiers and statuses.
    capture({ id: 'b1', week: '2025-12-05', at: '2026-01-02T10:00:00.000Z', hash: null, lud: null });
    capture({ id: 'b0', week: '2025-12-05', at: '2026-01-01T10:00:00.000Z', status: 'deleted', hash: null });
    capture({ id: 'c1', week: '2025-12-12', tier: 'NMS_TIER_2', at: '2026-01-09T10:00:00.000Z' });
    capture({ id: 'd1', week: '2025-11-28', at: '2026-01-09T10:00:00.000Z', status: 'staged' });
    capture({ id: 'd2', week: '2025-11-28', at: '2026-01-09T10:00:00.000Z', status: 'failed' });
    capture({ id: 'e1', week: '2025-11-21', at: '2026-01-09T10:00:00.000Z' });

    const got = capturesAsOf(db, 'OTC', ['2025-12-12', '2025-12-05', '2025-11-28'], IN_GRACE);
    expect([...got.keys()].sort()).toEqual(['2025-12-05', '2025-12-12']);
    expect(got.get('2025-12-12')).toMatchObject({
      latest: {
        capture_id: 'a4',
        captured_at: '2026-01-09T13:00:00.000000+00:00',
        source_last_update_date: '2026-01-09',
      },
      replaced: {
        capture_id: 'a1',
        captured_at: '2026-01-09T10:00:00.000000+00:00',
        source_last_update_date: '2026-01-08',
      },
    });
    // Without a hash each capture stands for itself: the deleted one was replaced.
    expect(got.get('2025-12-05')).toMatchObject({
      latest: { capture_id: 'b1', captured_at: '2026-01-02T10:00:00.000000+00:00', source_last_update_date: null },
      replaced: { capture_id: 'b0', captured_at: '2026-01-01T10:00:00.000000+00:00', source_last_update_date: null },
    });
    // Exactly at captured_at the capture counts.
    expect(
      capturesAsOf(db, 'OTC', ['2025-12-12'], new Date('2026-01-11T00:00:00.000Z')).get('2025-12-12'),
    ).toMatchObject({
      latest: { capture_id: 'a5' },
      replaced: { capture_id: 'a4' },
    });
    expect(capturesAsOf(db, 'NMS_TIER_2', ['2025-12-12'], IN_GRACE).get('2025-12-12')).toMatchObject({
      latest: { capture_id: 'c1' },
      replaced: null,
    });
    expect(capturesAsOf(db, 'OTC', [], IN_GRACE).size).toBe(0);
    // Without a hash, a recompute capture stands for its base capture: not a revision.
    capture({ id: 'f1', week: '2025-11-14', at: '2025-12-12T10:00:00.000Z', status: 'superseded', hash: null });
    capture({ id: 'f2', week: '2025-11-14', at: '2025-12-13T10:00:00.000Z', hash: null, base: 'f1' });
    expect(capturesAsOf(db, 'OTC', ['2025-11-14'], IN_GRACE).get('2025-11-14')).toMatchObject({
      latest: { capture_id: 'f2' },
      replaced: null,
    });
  });
});

describe('lastRunsAsOf', () => {
  it('exports the pipelines that concern a week', () => {
    expect(WEEK_RUN_PIPELINES).toEqual([WEEK, INGEST]);
    expect(SYNC_PIPELINE_PREFIX).toBe(SYNC);
  });

  it("takes each week's newest run of the week, ingest and sync pipelines for the tier, as of now", () => {
    const w = (week: string, tier = 'OTC') => ({ week_ending: week, tier });
    run({ id: 'r1', pipeline: WEEK, at: '2026-01-09T01:00:00.000Z', params: w('2025-12-12') });
    run({
      id: 'r2',
      pipeline: INGEST,
      at: '2026-01-09T02:00:00.000Z',
      status: 'failed',
      params: w('2025-12-12'),
      code: 'QUALITY_FAILED',
      message: 'too few rows',
    });
    // Newer, but not for OTC 2025-12-12: another tier, another pipeline, after now.
    run({ id: 'x1', pipeline: WEEK, at: '2026-01-09T03:00:00.000Z', params: w('2025-12-12', 'NMS_TIER_2') });
    run({
      id: 'x2',
      pipeline: 'finra.otc_transparency.backfill',
      at: '2026-01-09T03:00:00.000Z',
      params: w('2025-12-12'),
    });
    run({ id: 'x3', pipeline: WEEK, at: '2026-01-10T12:00:00.001Z', params: w('2025-12-12') });
    // `_` in the prefix is literal: a look-alike pipeline name does not count.
    run({ id: 'x4', pipeline: 'finra.otcXtransparency.sync', at: '2026-01-09T03:00:00.000Z', params: w('2025-12-12') });
    // The week and tier may come from the result (an API week run names them there).
    run({
      id: 'r3',
      pipeline: WEEK,
      at: '2026-01-08T00:00:00.000Z',
      params: { file_path: '/f.csv' },
      result: w('2025-12-05'),
    });
    // A sync run for one week (any sync pipeline), the tier from its result.
    run({
      id: 'r4',
      pipeline: `${SYNC}_custom`,
      at: '2026-01-07T00:00:00.000Z',
      params: { week_ending: '2025-11-28' },
      result: { tier: 'OTC' },
      status: 'running',
    });

    const runs = lastRunsAsOf(db, 'OTC', ['2025-12-12', '2025-12-05', '2025-11-28', '2025-11-21'], IN_GRACE);
    expect(Object.fromEntries(runs)).toEqual({
      '2025-12-12': {
        execution_id: 'r2',
        pipeline: INGEST,
        status: 'failed',
        error_code: 'QUALITY_FAILED',
        error_message: 'too few rows',
        created_at: '2026-01-09T02:00:00.000Z',
      },
      '2025-12-05': {
        execution_id: 'r3',
        pipeline: WEEK,
        status: 'completed',
        error_code: null,
        error_message: null,
        created_at: '2026-01-08T00:00:00.000Z',
      },
      '2025-11-28': {
        execution_id: 'r4',
        pipeline: `${SYNC}_custom`,
        status: 'running',
        error_code: null,
        error_message: null,
        created_at: '2026-01-07T00:00:00.000Z',
      },
    });
    // Exactly at created_at the run counts.
    expect(
      lastRunsAsOf(db, 'OTC', ['2025-12-12'], new Date('2026-01-10T12:00:00.001Z')).get('2025-12-12')?.execution_id,
    ).toBe('x3');
  });

  it('a tier-wide sync that failed SOURCE_UNAVAILABLE speaks for every week it is newer than', () => {
    run({
      id: 'old',
      pipeline: WEEK,
      at: '2026-01-01T00:00:00.000Z',
      params: { week_ending: '2025-12-05', tier: 'OTC' },
    });
    run({
      id: 'new',
      pipeline: WEEK,
      at: '2026-01-09T00:00:00.000Z',
      params: { week_ending: '2025-11-28', tier: 'OTC' },
    });
    run({
      id: 'sync-down',
      pipeline: SYNC,
      at: '2026-01-05T00:00:00.000Z',
      status: 'failed',
      params: { tier: 'OTC' },
      code: 'SOURCE_UNAVAILABLE',
      message: 'FINRA 503',
    });
    const runs = lastRunsAsOf(db, 'OTC', ['2025-12-12', '2025-12-05', '2025-11-28'], IN_GRACE);
    expect([...runs].map(([w, r]) => [w, r.execution_id]).sort()).toEqual([
      ['2025-11-28', 'new'],
      ['2025-12-05', 'sync-down'],
      ['2025-12-12', 'sync-down'],
    ]);
    expect(runs.get('2025-12-12')).toEqual({
      execution_id: 'sync-down',
      pipeline: SYNC,
      status: 'failed',
      error_code: 'SOURCE_UNAVAILABLE',
      error_message: 'FINRA 503',
      created_at: '2026-01-05T00:00:00.000Z',
    });
    // Another tier's sync does not count; one without a tier counts for every tier.
    expect(lastRunsAsOf(db, 'NMS_TIER_2', ['2025-12-12'], IN_GRACE).size).toBe(0);
    run({
      id: 'sync-all',
      pipeline: SYNC,
      at: '2026-01-06T00:00:00.000Z',
      status: 'failed',
      code: 'SOURCE_UNAVAILABLE',
      message: 'FINRA 429',
    });
    expect(lastRunsAsOf(db, 'NMS_TIER_2', ['2025-12-12'], IN_GRACE).get('2025-12-12')?.execution_id).toBe('sync-all');
  });

  it('a tier-wide sync that failed otherwise, or succeeded, speaks for no week', () => {
    run({ id: 's1', pipeline: SYNC, at: '2026-01-05T00:00:00.000Z', status: 'failed', code: 'CHILDREN_FAILED' });
    expect(lastRunsAsOf(db, 'OTC', ['2025-12-12'], IN_GRACE).size).toBe(0);
    run({ id: 's2', pipeline: SYNC, at: '2026-01-06T00:00:00.000Z', status: 'completed' });
    run({ id: 's0', pipeline: SYNC, at: '2026-01-04T00:00:00.000Z', status: 'failed', code: 'SOURCE_UNAVAILABLE' });
    // Only the tier's latest sync run is looked at.
    expect(lastRunsAsOf(db, 'OTC', ['2025-12-12'], IN_GRACE).size).toBe(0);
  });

  it("a week's latest source check speaks for it when newer: failed, running while changed, else completed", () => {
    run({
      id: 'wk',
      pipeline: WEEK,
      at: '2026-01-05T00:00:00.000Z',
      params: { week_ending: '2025-12-12', tier: 'OTC' },
    });
    check({ week: '2025-12-12', outcome: 'unchanged', at: '2026-01-04T00:00:00.000Z', exec: 'sync-old' });
    expect(lastRunsAsOf(db, 'OTC', ['2025-12-12'], IN_GRACE).get('2025-12-12')?.execution_id).toBe('wk');

    check({
      week: '2025-12-12',
      outcome: 'failed',
      at: '2026-01-06T00:00:00.000Z',
      exec: 'sync-1',
      code: 'SOURCE_UNAVAILABLE',
      message: 'HTTP 503',
    });
    check({ week: '2025-12-05', outcome: 'changed', at: '2026-01-06T00:00:00.000Z', exec: 'sync-1' });
    check({
      week: '2025-11-28',
      outcome: 'absent',
      at: '2026-01-06T00:00:00.000Z',
      exec: 'sync-1',
      code: 'X',
      message: 'y',
    });
    check({ week: '2025-11-21', outcome: 'published', at: '2026-01-06T00:00:00.000Z', exec: 'sync-1' });
    check({ week: '2025-11-14', outcome: 'unchanged', at: '2026-01-06T00:00:00.000Z', exec: 'sync-1' });
    // Another tier's check, and one after now, do not count.
    check({
      week: '2025-11-14',
      tier: 'NMS_TIER_2',
      outcome: 'failed',
      at: '2026-01-07T00:00:00.000Z',
      exec: 'other',
      code: 'E',
    });
    check({ week: '2025-11-14', outcome: 'failed', at: '2026-01-10T12:00:00.001Z', exec: 'later', code: 'E' });

    const runs = lastRunsAsOf(
      db,
      'OTC',
      ['2025-12-12', '2025-12-05', '2025-11-28', '2025-11-21', '2025-11-14'],
      IN_GRACE,
    );
    const asCheck = (w: string) => runs.get(w);
    expect(asCheck('2025-12-12')).toEqual({
      execution_id: 'sync-1',
      pipeline: SYNC,
      status: 'failed',
      error_code: 'SOURCE_UNAVAILABLE',
      error_message: 'HTTP 503',
      created_at: '2026-01-06T00:00:00.000Z',
    });
    expect(asCheck('2025-12-05')).toMatchObject({ status: 'running', error_code: null, error_message: null });
    // Only a failed check carries its error.
    expect(asCheck('2025-11-28')).toEqual({
      execution_id: 'sync-1',
      pipeline: SYNC,
      status: 'completed',
      error_code: null,
      error_message: null,
      created_at: '2026-01-06T00:00:00.000Z',
    });
    expect(asCheck('2025-11-21')).toMatchObject({ status: 'completed' });
    expect(asCheck('2025-11-14')).toMatchObject({ execution_id: 'sync-1', status: 'completed' });

    // The newest check of a week wins (ties: the later row).
    check({ week: '2025-12-12', outcome: 'unchanged', at: '2026-01-06T00:00:00.000Z', exec: 'sync-2' });
    expect(lastRunsAsOf(db, 'OTC', ['2025-12-12'], IN_GRACE).get('2025-12-12')).toMatchObject({
      execution_id: 'sync-2',
      status: 'completed',
      error_code: null,
    });
  });

  it('works on a database from before source checks (no core_source_checks table)', () => {
    run({
      id: 'wk',
      pipeline: WEEK,
      at: '2026-01-05T00:00:00.000Z',
      params: { week_ending: '2025-12-12', tier: 'OTC' },
    });
    db.exec('DROP TABLE core_source_checks');
    expect([...lastRunsAsOf(db, 'OTC', ['2025-12-12'], IN_GRACE).keys()]).toEqual(['2025-12-12']);
  });
});

describe('staleByWeek', () => {
  it("groups the tier's stale derived datasets by week, only for the weeks asked", () => {
    capture({ id: 'in-old', week: '2025-12-05', at: '2026-01-02T00:00:00.000Z', status: 'superseded', hash: 'A' });
    capture({ id: 'in-new', week: '2025-12-05', at: '2026-01-03T00:00:00.000Z', hash: 'B' });
    capture({ id: 'w12', week: '2025-12-12', at: '2026-01-09T00:00:00.000Z' });
    capture({ id: 'w19', week: '2025-12-19', at: '2026-01-16T00:00:00.000Z' });
    capture({ id: 't2', week: '2025-12-12', tier: 'NMS_TIER_2', at: '2026-01-09T00:00:00.000Z' });
    const input = { id: 'in-old', week: '2025-12-05', tier: 'OTC' };
    derived('w12', 'finra_otc_transparency_symbol_rolling_6w', input);
    derived('w12', 'finra_otc_transparency_weekly_symbol_tier_volume_share', input);
    derived('w19', 'finra_otc_transparency_symbol_rolling_6w', input);
    derived('t2', 'finra_otc_transparency_weekly_symbol_tier_volume_share', input);
    // Current input: not stale.
    derived('w19', 'finra_otc_transparency_weekly_symbol_tier_volume_share', {
      id: 'in-new',
      week: '2025-12-05',
      tier: 'OTC',
    });

    const stale = staleByWeek(db, 'OTC', ['2025-12-12']);
    expect([...stale.keys()]).toEqual(['2025-12-12']);
    expect(stale.get('2025-12-12')?.map((s) => [s.capture_id, s.dataset, s.input_capture_id, s.superseded_by])).toEqual(
      [
        ['w12', 'finra_otc_transparency_symbol_rolling_6w', 'in-old', 'in-new'],
        ['w12', 'finra_otc_transparency_weekly_symbol_tier_volume_share', 'in-old', 'in-new'],
      ],
    );
    expect([...staleByWeek(db, 'OTC', ['2025-12-12', '2025-12-19']).keys()]).toEqual(['2025-12-12', '2025-12-19']);
    expect(staleByWeek(db, 'OTC', []).size).toBe(0);
  });
});

describe('computeStatus', () => {
  it('on a fresh database: the default window of due weeks per tier, all late, exit 4', () => {
    const now = new Date('2026-01-12T09:00:00.000Z');
    const { report, facts } = computeStatus(db, { now });
    expect(DEFAULT_STATUS_WEEKS).toBe(12);
    expect(report.now).toBe('2026-01-12T09:00:00.000Z');
    expect(report.exit_code).toBe(4);
    expect(report.counts).toEqual({ late: 36 });
    expect(report.warnings).toEqual([]);
    expect(
      report.tiers.map((t) => [t.tier, t.weeks.length, t.weeks[0]?.week_ending, t.weeks.at(-1)?.week_ending]),
    ).toEqual([
      ['NMS_TIER_1', 12, '2025-12-26', '2025-10-10'],
      ['NMS_TIER_2', 12, '2025-12-12', '2025-09-26'],
      ['OTC', 12, '2025-12-12', '2025-09-26'],
    ]);
    expect(report.tiers.map((t) => t.next_due)).toEqual([
      { week_ending: '2026-01-02', due_date: '2026-01-16', due_at: '2026-01-16T00:00:00.000Z' },
      { week_ending: '2025-12-19', due_date: '2026-01-16', due_at: '2026-01-16T00:00:00.000Z' },
      { week_ending: '2025-12-19', due_date: '2026-01-16', due_at: '2026-01-16T00:00:00.000Z' },
    ]);
    expect(facts.size).toBe(36);
    expect(facts.get('OTC|2025-12-12')).toEqual({
      tier: 'OTC',
      facts: {
        due: {
          week_ending: '2025-12-12',
          tier: 'OTC',
          nominal_due_date: '2026-01-09',
          due_date: '2026-01-09',
          due_at: '2026-01-09T00:00:00.000Z',
          late_at: '2026-01-11T00:00:00.000Z',
          holidays_skipped: [],
          unknown_calendar_years: [],
        },
        capture: null,
        replaced: null,
        lastRun: null,
        staleDatasets: 0,
      },
    });
    const otc = report.tiers[2];
    expect(otc).toMatchObject({
      tier: 'OTC',
      lag_weeks: 4,
      grace_hours: 24,
      exchange_code: 'XNYS',
      cadence: CADENCE_4,
    });
    expect(otc?.weeks[0]).toEqual({
      tier: 'OTC',
      week_ending: '2025-12-12',
      state: 'late',
      flags: ['late'],
      due_date: '2026-01-09',
      due_at: '2026-01-09T00:00:00.000Z',
      late_at: '2026-01-11T00:00:00.000Z',
      holidays_skipped: [],
      unknown_calendar_years: [],
      capture_id: null,
      captured_at: null,
      source_last_update_date: null,
      age_seconds: null,
      replaced_capture_id: null,
      last_execution_id: null,
      last_execution_pipeline: null,
      last_execution_status: null,
      error_code: null,
      error_message: null,
      stale: [],
    });
    // `--weeks N` takes the N newest due weeks.
    const two = computeStatus(db, { now, tier: 'OTC', weeks: 2 }).report;
    expect(two.tiers.map((t) => t.weeks.map((w) => w.week_ending))).toEqual([['2025-12-12', '2025-12-05']]);
  });

  it('every state of a window, with its row, counts and exit code', () => {
    // 2025-12-19: not yet due. 2025-12-12: due, in its grace.
    // 2025-12-05: its latest run failed (and it is late).
    run({
      id: 'run-failed',
      pipeline: WEEK,
      at: '2026-01-03T00:00:00.000Z',
      status: 'failed',
      params: { week_ending: '2025-12-05', tier: 'OTC' },
      code: 'QUALITY_FAILED',
      message: 'row count below the floor',
    });
    // 2025-11-28: a sync found FINRA down for it.
    check({
      week: '2025-11-28',
      outcome: 'failed',
      at: '2026-01-02T00:00:00.000Z',
      exec: 'sync-run',
      code: 'SOURCE_UNAVAILABLE',
      message: 'HTTP 503 after 5 attempts',
    });
    // 2025-11-21: revised.
    capture({
      id: 'r-old',
      week: '2025-11-21',
      at: '2025-12-19T00:00:00.000Z',
      status: 'superseded',
      hash: 'R1',
      lud: '2025-12-18',
    });
    capture({ id: 'r-new', week: '2025-11-21', at: '2026-01-05T00:00:00.000Z', hash: 'R2', lud: '2026-01-05' });
    // 2025-11-14: published, with derived data of a superseded input (stale).
    capture({
      id: 's-in-old',
      week: '2025-11-07',
      tier: 'NMS_TIER_2',
      at: '2025-12-05T00:00:00.000Z',
      status: 'superseded',
      hash: 'S1',
    });
    capture({ id: 's-in-new', week: '2025-11-07', tier: 'NMS_TIER_2', at: '2025-12-06T00:00:00.000Z', hash: 'S2' });
    capture({ id: 's-pub', week: '2025-11-14', at: '2025-12-12T06:00:00.000Z', lud: '2025-12-12' });
    derived('s-pub', 'finra_otc_transparency_weekly_symbol_tier_volume_share', {
      id: 's-in-old',
      week: '2025-11-07',
      tier: 'NMS_TIER_2',
    });
    // 2025-11-07: published, last run completed; a later check that found FINRA down does not flag it.
    capture({ id: 'p-pub', week: '2025-11-07', at: '2025-12-05T12:00:00.000Z', lud: '2025-12-05' });
    run({
      id: 'p-run',
      pipeline: WEEK,
      at: '2025-12-05T11:00:00.000Z',
      params: { week_ending: '2025-11-07', tier: 'OTC' },
    });
    check({
      week: '2025-11-07',
      outcome: 'failed',
      at: '2026-01-02T00:00:00.000Z',
      exec: 'sync-run',
      code: 'SOURCE_UNAVAILABLE',
      message: 'down',
    });

    const { report } = computeStatus(db, { now: IN_GRACE, tier: 'OTC', from: '2025-11-07', to: '2025-12-19' });
    expect(report.tiers).toHaveLength(1);
    const weeks = report.tiers[0]?.weeks ?? [];
    expect(weeks.map((w) => [w.week_ending, w.state, w.flags])).toEqual([
      ['2025-12-19', 'not_yet_due', ['not_yet_due']],
      ['2025-12-12', 'due', ['due']],
      ['2025-12-05', 'failed', ['failed', 'late']],
      ['2025-11-28', 'source_problem', ['source_problem']],
      ['2025-11-21', 'revised', ['revised', 'published']],
      ['2025-11-14', 'stale', ['stale', 'published']],
      ['2025-11-07', 'published', ['published']],
    ]);
    expect(report.counts).toEqual({
      not_yet_due: 1,
      due: 1,
      failed: 1,
      source_problem: 1,
      revised: 1,
      stale: 1,
      published: 1,
    });
    expect(report.exit_code).toBe(4);
    expect(report.warnings).toEqual([]);
    expect(report.tiers[0]?.next_due).toEqual({
      week_ending: '2025-12-19',
      due_date: '2026-01-16',
      due_at: '2026-01-16T00:00:00.000Z',
    });

    expect(weekOf(weeks, '2025-12-19')).toMatchObject({
      due_date: '2026-01-16',
      due_at: '2026-01-16T00:00:00.000Z',
      late_at: '2026-01-18T00:00:00.000Z',
      capture_id: null,
      last_execution_id: null,
    });
    expect(weekOf(weeks, '2025-12-05')).toMatchObject({
      last_execution_id: 'run-failed',
      last_execution_pipeline: WEEK,
      last_execution_status: 'failed',
      error_code: 'QUALITY_FAILED',
      error_message: 'row count below the floor',
      age_seconds: null,
    });
    expect(weekOf(weeks, '2025-11-28')).toMatchObject({
      last_execution_id: 'sync-run',
      last_execution_pipeline: SYNC,
      last_execution_status: 'failed',
      error_code: 'SOURCE_UNAVAILABLE',
      error_message: 'HTTP 503 after 5 attempts',
    });
    expect(weekOf(weeks, '2025-11-21')).toMatchObject({
      capture_id: 'r-new',
      captured_at: '2026-01-05T00:00:00.000000+00:00',
      source_last_update_date: '2026-01-05',
      // 2026-01-05T00:00 to 2026-01-10T12:00: five and a half days.
      age_seconds: 475_200,
      replaced_capture_id: 'r-old',
      stale: [],
    });
    expect(weekOf(weeks, '2025-11-14')).toMatchObject({
      capture_id: 's-pub',
      replaced_capture_id: null,
      stale: [
        {
          dataset: 'finra_otc_transparency_weekly_symbol_tier_volume_share',
          input_week_ending: '2025-11-07',
          input_tier: 'NMS_TIER_2',
          input_capture_id: 's-in-old',
          superseded_by: 's-in-new',
        },
      ],
    });
    // A completed last run shows no error even when the row is published; a failed source check of a
    // published week keeps the week published but names the check.
    expect(weekOf(weeks, '2025-11-07')).toMatchObject({
      capture_id: 'p-pub',
      last_execution_id: 'sync-run',
      last_execution_status: 'failed',
      error_code: 'SOURCE_UNAVAILABLE',
      error_message: 'down',
    });
  });

  it('exit 5 when the only problem is a source problem, exit 0 when nothing is wrong', () => {
    check({
      week: '2025-12-05',
      outcome: 'failed',
      at: '2026-01-06T00:00:00.000Z',
      exec: 'sync',
      code: 'SOURCE_UNAVAILABLE',
    });
    const one = { now: IN_GRACE, tier: 'OTC' as const, from: '2025-12-05', to: '2025-12-05' };
    expect(computeStatus(db, one).report).toMatchObject({ exit_code: 5, counts: { source_problem: 1 } });
    capture({ id: 'x', week: '2025-12-05', at: '2026-01-07T00:00:00.000Z' });
    expect(computeStatus(db, one).report).toMatchObject({ exit_code: 0, counts: { published: 1 } });
    // A completed run: no error shown, whatever columns the row has.
    run({
      id: 'done',
      pipeline: WEEK,
      at: '2026-01-08T00:00:00.000Z',
      params: { week_ending: '2025-12-05', tier: 'OTC' },
      code: 'LEFTOVER',
      message: 'not an error',
    });
    expect(computeStatus(db, one).report.tiers[0]?.weeks[0]).toMatchObject({
      last_execution_id: 'done',
      last_execution_status: 'completed',
      error_code: null,
      error_message: null,
      // 2026-01-07T00:00 to 2026-01-10T12:00.
      age_seconds: 302_400,
    });
  });

  it('age is in whole seconds, rounded down', () => {
    capture({ id: 'x', week: '2025-12-05', at: '2026-01-10T11:59:59.999Z' });
    const week = computeStatus(db, { now: IN_GRACE, tier: 'OTC', from: '2025-12-05', to: '2025-12-05' }).report.tiers[0]
      ?.weeks[0];
    expect(week?.age_seconds).toBe(0);
  });

  it('--from/--to windows: a fixed range newest first, either end alone, one week, and refusals', () => {
    const ends = (o: { from?: string; to?: string; weeks?: number }): string[] =>
      computeStatus(db, { now: IN_GRACE, tier: 'OTC', ...o }).report.tiers[0]?.weeks.map((w) => w.week_ending) ?? [];
    expect(ends({ from: '2025-11-28', to: '2025-12-12' })).toEqual(['2025-12-12', '2025-12-05', '2025-11-28']);
    expect(ends({ from: '2025-12-05', to: '2025-12-05' })).toEqual(['2025-12-05']);
    // --from alone ends at the newest due week; --to alone starts N-1 weeks earlier.
    expect(ends({ from: '2025-11-28' })).toEqual(['2025-12-12', '2025-12-05', '2025-11-28']);
    expect(ends({ to: '2025-12-26', weeks: 3 })).toEqual(['2025-12-26', '2025-12-19', '2025-12-12']);
    expect(ends({ to: '2025-12-26' })).toHaveLength(12);
    expect(ends({ to: '2025-12-26' }).at(-1)).toBe('2025-10-10');

    const refusal = (o: { from?: string; to?: string }): SpineError => {
      try {
        computeStatus(db, { now: IN_GRACE, tier: 'OTC', ...o });
      } catch (e) {
        return e as SpineError;
      }
      throw new Error('no refusal');
    };
    const after = refusal({ from: '2025-12-12', to: '2025-12-05' });
    expect(after).toBeInstanceOf(SpineError);
    expect([after.code, after.message, after.details, after.nonRetryable]).toEqual([
      'INVALID_PARAMS',
      '--from 2025-12-12 is after --to 2025-12-05',
      { from: '2025-12-12', to: '2025-12-05' },
      true,
    ]);
    // --to alone before the default start: refused the same way.
    expect(refusal({ from: '2025-12-19' }).message).toBe('--from 2025-12-19 is after --to 2025-12-12');
    expect(refusal({ to: '2025-12-13' })).toMatchObject({ code: 'INVALID_DATE' });
    expect(refusal({ to: '2025-12-13' }).message).toMatch(/^--to must be/);
    expect(refusal({ from: '2025-12-13', to: '2025-12-19' }).message).toMatch(/^--from must be/);
  });

  it('a window reaching weeks not due yet reads the holidays of their years too', () => {
    // At 2025-12-01 OTC's newest due week is 2025-10-31; the window's weeks fall due in 2026.
    const { report } = computeStatus(db, {
      now: new Date('2025-12-01T12:00:00.000Z'),
      tier: 'OTC',
      to: '2025-12-26',
      weeks: 2,
    });
    expect(report.warnings).toEqual([]);
    expect(report.tiers[0]?.next_due).toEqual({
      week_ending: '2025-11-07',
      due_date: '2025-12-05',
      due_at: '2025-12-05T00:00:00.000Z',
    });
    expect(report.tiers[0]?.weeks.map((w) => [w.week_ending, w.state, w.due_date, w.unknown_calendar_years])).toEqual([
      ['2025-12-26', 'not_yet_due', '2026-01-23', []],
      ['2025-12-19', 'not_yet_due', '2026-01-16', []],
    ]);
    expect(report.exit_code).toBe(0);
  });

  it('a window spanning two years reads the holidays of its oldest week too', () => {
    // 2025-11-28 falls due in 2025 (2025-12-26, the day after Christmas), the rest in 2026.
    const { report } = computeStatus(db, { now: IN_GRACE, tier: 'OTC', weeks: 3 });
    expect(report.warnings).toEqual([]);
    expect(report.tiers[0]?.weeks.map((w) => [w.week_ending, w.due_date, w.unknown_calendar_years])).toEqual([
      ['2025-12-12', '2026-01-09', []],
      ['2025-12-05', '2026-01-02', []],
      ['2025-11-28', '2025-12-26', []],
    ]);
  });

  it('a holiday moves the due date and is named; holidays come from a calendar capture before the shipped file', () => {
    // OTC's 2025-03-21 is nominally due on Good Friday 2025-04-18 (shipped XNYS 2025): due Monday 2025-04-21.
    const good = computeStatus(db, {
      now: new Date('2025-05-01T00:00:00.000Z'),
      tier: 'OTC',
      from: '2025-03-21',
      to: '2025-03-21',
    }).report.tiers[0]?.weeks[0];
    expect(good).toMatchObject({
      due_date: '2025-04-21',
      due_at: '2025-04-21T00:00:00.000Z',
      late_at: '2025-04-23T00:00:00.000Z',
      holidays_skipped: ['2025-04-18'],
      unknown_calendar_years: [],
      state: 'late',
    });

    calendarCapture('cal-2026', 2026, ['2026-01-09']);
    const { report } = computeStatus(db, { now: IN_GRACE, tier: 'OTC', weeks: 1 });
    // 2025-12-12 now falls due on Monday 2026-01-12: the newest due week is 2025-12-05.
    expect(report.tiers[0]?.weeks.map((w) => [w.week_ending, w.state])).toEqual([['2025-12-05', 'late']]);
    expect(report.tiers[0]?.next_due).toEqual({
      week_ending: '2025-12-12',
      due_date: '2026-01-12',
      due_at: '2026-01-12T00:00:00.000Z',
    });
  });

  it('warns once per year whose holidays are unknown, and names the year on each week', () => {
    const { report } = computeStatus(db, { now: new Date('2027-03-01T00:00:00.000Z'), weeks: 1 });
    expect(report.tiers.map((t) => [t.tier, t.weeks[0]?.week_ending, t.weeks[0]?.unknown_calendar_years])).toEqual([
      ['NMS_TIER_1', '2027-02-12', [2027]],
      ['NMS_TIER_2', '2027-01-29', [2027]],
      ['OTC', '2027-01-29', [2027]],
    ]);
    expect(report.warnings).toEqual([
      'No XNYS holidays for 2027 (no calendar capture, no shipped file): due dates in 2027 skip weekends only. ' +
        'Ingest one: spine run reference.exchange_calendar.ingest_year year=2027 exchange_code=XNYS file_path=<holidays.json>',
    ]);
  });

  it('only enabled tiers, and nothing at all when none is', () => {
    db.prepare(`UPDATE core_expected_schedules SET enabled = 0 WHERE tier <> 'OTC'`).run();
    expect(computeStatus(db, { now: IN_GRACE }).report.tiers.map((t) => t.tier)).toEqual(['OTC']);
    db.prepare(`UPDATE core_expected_schedules SET enabled = 0`).run();
    const { report, facts } = computeStatus(db, { now: IN_GRACE });
    expect(report).toEqual({ now: '2026-01-10T12:00:00.000Z', exit_code: 0, counts: {}, tiers: [], warnings: [] });
    expect(facts.size).toBe(0);
  });
});

describe('recordFreshness on the facts computeStatus gathered', () => {
  it('opens an incident only for weeks missing past their grace, with the failed run and a message saying why', () => {
    run({
      id: 'run-failed',
      pipeline: WEEK,
      at: '2026-01-03T00:00:00.000Z',
      status: 'failed',
      params: { week_ending: '2025-12-05', tier: 'OTC' },
      code: 'QUALITY_FAILED',
      message: 'row count below the floor',
    });
    check({
      week: '2025-11-28',
      outcome: 'failed',
      at: '2026-01-02T00:00:00.000Z',
      exec: 'sync-run',
      code: 'SOURCE_UNAVAILABLE',
    });
    capture({ id: 'p', week: '2025-11-14', at: '2025-12-12T00:00:00.000Z' });
    // 2025-12-19 not yet due and 2025-12-12 in its grace: no incident. 2025-11-14 published: none.
    const { facts } = computeStatus(db, { now: IN_GRACE, tier: 'OTC', from: '2025-11-14', to: '2025-12-19' });
    const changes = recordFreshness(db, fixedClock('2026-01-10T12:00:05.000Z'), IN_GRACE, ['OTC'], facts);
    expect(changes.recovered).toEqual([]);
    expect(changes.opened).toEqual([
      {
        anomaly_id: 1,
        tier: 'OTC',
        week_ending: '2025-12-05',
        due_date: '2026-01-02',
        late_at: '2026-01-04T00:00:00.000Z',
        reason: 'failed',
        execution_id: 'run-failed',
        error_code: 'QUALITY_FAILED',
      },
      {
        anomaly_id: 2,
        tier: 'OTC',
        week_ending: '2025-11-28',
        due_date: '2025-12-26',
        late_at: '2025-12-28T00:00:00.000Z',
        reason: 'source_unavailable',
        execution_id: 'sync-run',
        error_code: 'SOURCE_UNAVAILABLE',
      },
      {
        anomaly_id: 3,
        tier: 'OTC',
        week_ending: '2025-11-21',
        due_date: '2025-12-19',
        late_at: '2025-12-21T00:00:00.000Z',
        reason: 'no_capture',
        execution_id: null,
        error_code: null,
      },
    ]);
    const rows = db
      .prepare(`SELECT partition_key, message, execution_id, detected_at, created_at FROM core_anomalies ORDER BY id`)
      .all();
    expect(rows).toEqual([
      {
        partition_key: '{"tier":"OTC","week_ending":"2025-12-05"}',
        message:
          'Week 2025-12-05 of OTC is late: due 2026-01-02, no published capture by 2026-01-04T00:00:00.000Z (failed QUALITY_FAILED)',
        execution_id: 'run-failed',
        detected_at: '2026-01-10T12:00:00.000Z',
        created_at: '2026-01-10T12:00:05.000Z',
      },
      {
        partition_key: '{"tier":"OTC","week_ending":"2025-11-28"}',
        message:
          'Week 2025-11-28 of OTC is late: due 2025-12-26, no published capture by 2025-12-28T00:00:00.000Z (source_unavailable SOURCE_UNAVAILABLE)',
        execution_id: 'sync-run',
        detected_at: '2026-01-10T12:00:00.000Z',
        created_at: '2026-01-10T12:00:05.000Z',
      },
      {
        partition_key: '{"tier":"OTC","week_ending":"2025-11-21"}',
        message: 'Week 2025-11-21 of OTC is late: due 2025-12-19, no published capture by 2025-12-21T00:00:00.000Z',
        execution_id: null,
        detected_at: '2026-01-10T12:00:00.000Z',
        created_at: '2026-01-10T12:00:05.000Z',
      },
    ]);
  });
});
