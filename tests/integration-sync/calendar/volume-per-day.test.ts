/**
 * finra.otc_transparency.compute_volume_per_day end to end (domain-spec §10.6, §16 "Cross-domain and
 * calendar", §17.4): OTC weeks loaded through the real week pipeline, calendars through ingest_year.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import type { Db } from '../../../src/core/db/open-database.js';
import { openTempSpine } from '../../helpers/tmp-db.js';
import type { TempSpine } from '../../helpers/tmp-db.js';
import {
  calendarFixture,
  count,
  INGEST_YEAR,
  loadOtcWeek,
  run,
  runOk,
  SAMPLE_1215,
  shippedWith,
  VOLUME_PER_DAY,
  WEEK,
  writeCalendar,
} from './calendar-test-helpers.js';

let t: TempSpine;
let db: Db;

beforeEach(() => {
  t = openTempSpine({ clock: fixedClock('2026-01-05T09:00:00.000Z', 1_000) });
  db = t.spine.db;
});

afterEach(() => {
  t.cleanup();
});

const ingestXnys = (year: number): Promise<Record<string, unknown>> =>
  runOk(t.spine, INGEST_YEAR, { year, exchange_code: 'XNYS' });

describe('compute_volume_per_day', () => {
  it('1,000,000 shares over a 5-day week = 200,000 a day; 5,000 trades = 1,000 a day', async () => {
    const cal = await ingestXnys(2025);
    const otc = await loadOtcWeek(t.spine, t.dir, '2025-01-17', 1_000_000, 5_000);
    const r = await runOk(t.spine, VOLUME_PER_DAY, { week_ending: '2025-01-17', tier: 'otc' });
    expect(r).toEqual({
      week_ending: '2025-01-17',
      week_start: '2025-01-13',
      tier: 'OTC',
      exchange_code: 'XNYS',
      otc_capture_id: otc,
      otc_captured_at: expect.any(String) as string,
      symbols: 2,
      total_shares: 1_000_000,
      total_trades: 5_000,
      weekdays: 5,
      trading_days: 5,
      holidays: [],
      volume_per_day: 200_000,
      trades_per_day: 1_000,
      calc_name: 'volume_per_trading_day',
      calc_version: '1.1.0',
      calendar_years_used: [2025],
      calendar_capture_id_used: cal['capture_id'],
      calendar_captures_used: { '2025': cal['capture_id'] },
    });
  });

  it('writes no table: only the execution records change', async () => {
    await ingestXnys(2025);
    await loadOtcWeek(t.spine, t.dir, '2025-01-17', 1_000_000, 5_000);
    const tables = (
      db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'core_execution%'`).all() as {
        name: string;
      }[]
    ).map((r) => r.name);
    const snapshot = (): Record<string, number> =>
      Object.fromEntries(tables.map((n) => [n, count(db, `SELECT COUNT(*) AS n FROM "${n}"`)]));
    const before = snapshot();
    await runOk(t.spine, VOLUME_PER_DAY, { week_ending: '2025-01-17', tier: 'OTC' });
    expect(snapshot()).toEqual(before);
  });

  it('the MLK-day week has 4 trading days: 800,000 / 4 = 200,000', async () => {
    await ingestXnys(2025);
    await loadOtcWeek(t.spine, t.dir, '2025-01-24', 800_000, 4_000);
    const r = await runOk(t.spine, VOLUME_PER_DAY, { week_ending: '2025-01-24', tier: 'OTC' });
    expect(r).toMatchObject({
      trading_days: 4,
      weekdays: 5,
      holidays: ['2025-01-20'],
      volume_per_day: 200_000,
      trades_per_day: 1_000,
    });
  });

  it('the year-boundary week ending 2026-01-02 has 4 days (1M / 4 = 250,000) and needs 2025 and 2026', async () => {
    const c2025 = await ingestXnys(2025);
    await loadOtcWeek(t.spine, t.dir, '2026-01-02', 1_000_000, 5_000);

    const missing = await run(t.spine, VOLUME_PER_DAY, { week_ending: '2026-01-02', tier: 'OTC' });
    expect(missing.status).toBe('failed');
    expect(missing.errorMessage).toBe(
      'No XNYS exchange calendar for 2026 (needed for week 2026-01-02 (2025-12-29..2026-01-02)). ' +
        'Run: spine run reference.exchange_calendar.ingest_year year=2026 exchange_code=XNYS',
    );

    const c2026 = await ingestXnys(2026);
    const r = await runOk(t.spine, VOLUME_PER_DAY, { week_ending: '2026-01-02', tier: 'OTC' });
    expect(r).toMatchObject({
      trading_days: 4,
      holidays: ['2026-01-01'],
      volume_per_day: 250_000,
      trades_per_day: 1_250,
      calendar_years_used: [2025, 2026],
      calendar_capture_id_used: `${String(c2025['capture_id'])},${String(c2026['capture_id'])}`,
      calendar_captures_used: { '2025': c2025['capture_id'], '2026': c2026['capture_id'] },
    });
  });

  it('XNAS with a Jan-8 holiday (test calendar) gives 4 days where XNYS gives 5', async () => {
    await ingestXnys(2025);
    const xnas = await runOk(t.spine, INGEST_YEAR, { file_path: calendarFixture('xnas_2025_test_jan8.json') });
    expect(xnas).toMatchObject({ exchange_code: 'XNAS', year: 2025, holidays: 11 });
    await loadOtcWeek(t.spine, t.dir, '2025-01-10', 1_000_000, 5_000);
    const nyse = await runOk(t.spine, VOLUME_PER_DAY, { week_ending: '2025-01-10', tier: 'OTC' });
    const nasdaq = await runOk(t.spine, VOLUME_PER_DAY, {
      week_ending: '2025-01-10',
      tier: 'OTC',
      exchange_code: 'xnas',
    });
    expect(nyse).toMatchObject({ exchange_code: 'XNYS', trading_days: 5, volume_per_day: 200_000 });
    expect(nasdaq).toMatchObject({
      exchange_code: 'XNAS',
      trading_days: 4,
      holidays: ['2025-01-08'],
      volume_per_day: 250_000,
      trades_per_day: 1_250,
      calendar_capture_id_used: xnas['capture_id'],
    });
  });

  it('a missing calendar gives an actionable error before reading any OTC data', async () => {
    const e = await run(t.spine, VOLUME_PER_DAY, { week_ending: '2025-01-17', tier: 'OTC' });
    expect(e.status).toBe('failed');
    expect(e.errorCode).toBe('NOT_FOUND');
    expect(e.errorStage).toBe('compute');
    expect(e.errorMessage).toContain('Run: spine run reference.exchange_calendar.ingest_year');
    expect(e.errorMessage).toContain('year=2025 exchange_code=XNYS');
    expect(e.attempts).toBe(1);
    const [event] = db
      .prepare(
        `SELECT error_type, error_message FROM core_execution_events WHERE execution_id = ? AND event_type = 'failed'`,
      )
      .all(e.id) as { error_type: string; error_message: string }[];
    expect(event?.error_message).toContain('Run: spine run reference.exchange_calendar.ingest_year');
  });

  it('a calendar update (a new capture with an extra holiday) changes the result; a pin reproduces the old one', async () => {
    const before = await ingestXnys(2025);
    await loadOtcWeek(t.spine, t.dir, '2025-01-10', 1_000_000, 5_000);
    const r1 = await runOk(t.spine, VOLUME_PER_DAY, { week_ending: '2025-01-10', tier: 'OTC' });
    expect(r1).toMatchObject({ trading_days: 5, volume_per_day: 200_000 });

    // The unscheduled closure of 9 January 2025 (National Day of Mourning), added as a new capture.
    const path = writeCalendar(
      t.dir,
      'xnys_2025_update.json',
      shippedWith('xnys_2025.json', [{ date: '2025-01-09', name: 'National Day of Mourning', type: 'special' }]),
    );
    const after = await runOk(t.spine, INGEST_YEAR, { file_path: path, force: true });
    const r2 = await runOk(t.spine, VOLUME_PER_DAY, { week_ending: '2025-01-10', tier: 'OTC' });
    expect(r2).toMatchObject({
      trading_days: 4,
      holidays: ['2025-01-09'],
      volume_per_day: 250_000,
      trades_per_day: 1_250,
      calendar_capture_id_used: after['capture_id'],
    });

    const pinned = await runOk(t.spine, VOLUME_PER_DAY, {
      week_ending: '2025-01-10',
      tier: 'OTC',
      calendar_capture_id: String(before['capture_id']),
    });
    expect(pinned).toMatchObject({ trading_days: 5, calendar_capture_id_used: before['capture_id'] });
  });

  it('reads the latest published capture of the week', async () => {
    await ingestXnys(2025);
    const first = await loadOtcWeek(t.spine, t.dir, '2025-01-17', 1_000_000, 5_000);
    const second = await loadOtcWeek(t.spine, t.dir, '2025-01-17', 2_000_000, 5_000, { force: true });
    expect(second).not.toBe(first);
    const r = await runOk(t.spine, VOLUME_PER_DAY, { week_ending: '2025-01-17', tier: 'OTC' });
    expect(r).toMatchObject({ otc_capture_id: second, total_shares: 2_000_000, volume_per_day: 400_000 });
  });

  it('on the real FINRA week 2025-12-12 (5 XNYS trading days)', async () => {
    await ingestXnys(2025);
    await runOk(t.spine, WEEK, { file_path: SAMPLE_1215 });
    const r = await runOk(t.spine, VOLUME_PER_DAY, { week_ending: '2025-12-12', tier: 'OTC' });
    expect(r).toMatchObject({
      symbols: 3_111,
      total_shares: 1_335_995_901,
      total_trades: 472_776,
      trading_days: 5,
      volume_per_day: 267_199_180.2,
      trades_per_day: 94_555.2,
    });
  });

  it('fails with a hint when the week has no published OTC capture', async () => {
    await ingestXnys(2025);
    const e = await run(t.spine, VOLUME_PER_DAY, { week_ending: '2025-01-17', tier: 'NMS_TIER_1' });
    expect(e.status).toBe('failed');
    expect(e.errorCode).toBe('NOT_FOUND');
    expect(e.errorMessage).toMatch(
      /^No published OTC capture for week 2025-01-17 tier NMS_TIER_1\. Run: spine run finra\.otc_transparency\.week/,
    );
  });

  it('refuses a week ending that is not a Friday before anything runs', async () => {
    await expect(t.spine.dispatcher.submit(VOLUME_PER_DAY, { week_ending: '2025-01-15', tier: 'OTC' })).rejects.toThrow(
      /week_ending.*must be Friday, got 2025-01-15 \(Wednesday\)\. Nearest Friday: 2025-01-17/,
    );
    await expect(t.spine.dispatcher.submit(VOLUME_PER_DAY, { week_ending: '2025-01-17' })).rejects.toThrow(
      'Missing required parameters: tier',
    );
    expect(count(db, 'SELECT COUNT(*) AS n FROM core_executions')).toBe(0);
  });
});
