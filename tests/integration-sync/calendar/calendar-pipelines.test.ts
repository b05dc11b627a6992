/**
 * reference.exchange_calendar.ingest_year and compute_trading_days end to end on the sync backend: real
 * dispatcher, temp SQLite file, the shipped calendars (domain-spec §9.10, §8.6, §2 #9 and #14).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import type { Db } from '../../../src/core/db/open-database.js';
import { BadParamsError } from '../../../src/core/errors.js';
import { openTempSpine } from '../../helpers/tmp-db.js';
import type { TempSpine } from '../../helpers/tmp-db.js';
import {
  CALENDAR_DOMAIN,
  CAPTURE_ID_FORMAT,
  COMPUTE_TRADING_DAYS,
  count,
  INGEST_YEAR,
  run,
  runOk,
  shippedCalendar,
  shippedWith,
  writeCalendar,
} from './calendar-test-helpers.js';

let t: TempSpine;
let db: Db;

beforeEach(() => {
  // One second per clock read, so every capture has its own captured_at.
  t = openTempSpine({ clock: fixedClock('2026-01-05T09:00:00.000Z', 1_000) });
  db = t.spine.db;
});

afterEach(() => {
  t.cleanup();
});

interface ManifestRow {
  domain: string;
  partition_key: string;
  stage: string;
  stage_rank: number;
  row_count: number | null;
  capture_id: string | null;
  execution_id: string | null;
}

function manifest(): ManifestRow[] {
  return db
    .prepare(
      `SELECT domain, partition_key, stage, stage_rank, row_count, capture_id, execution_id FROM core_manifest
       WHERE domain = ? ORDER BY partition_key, stage_rank`,
    )
    .all(CALENDAR_DOMAIN) as ManifestRow[];
}

function nothingWritten(): void {
  for (const table of [
    'reference_exchange_calendar_captures',
    'reference_exchange_calendar_holidays',
    'reference_exchange_calendar_trading_days',
  ]) {
    expect(count(db, `SELECT COUNT(*) AS n FROM ${table}`), table).toBe(0);
  }
  expect(manifest()).toEqual([]);
}

describe('ingest_year', () => {
  it('ingests the shipped XNYS 2025 calendar with capture lineage', async () => {
    const e = await run(t.spine, INGEST_YEAR, { year: 2025, exchange_code: 'xnys' });
    expect(e.status).toBe('completed');
    const result = e.result ?? {};
    expect(result).toMatchObject({ exchange_code: 'XNYS', year: 2025, holidays: 10 });
    const captureId = String(result['capture_id']);
    expect(captureId).toMatch(CAPTURE_ID_FORMAT);
    expect(captureId.startsWith('reference.exchange_calendar:XNYS:2025:')).toBe(true);

    const rows = db
      .prepare(
        `SELECT holiday_date, holiday_name, capture_id, captured_at, execution_id, batch_id, ingested_at
         FROM reference_exchange_calendar_holidays ORDER BY holiday_date`,
      )
      .all() as Record<string, string>[];
    expect(rows).toHaveLength(10);
    expect(rows[0]).toMatchObject({ holiday_date: '2025-01-01', holiday_name: "New Year's Day" });
    for (const r of rows) {
      expect(r['capture_id']).toBe(captureId);
      expect(r['execution_id']).toBe(e.id); // the dispatcher's id (§2 #10)
      expect(r['batch_id']).toBe(e.batchId);
      expect(r['captured_at']).toBe(String(result['captured_at']));
      expect(r['captured_at']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}000\+00:00$/);
      expect(r['ingested_at']).toBe(r['captured_at']);
    }
    const capture = db.prepare('SELECT * FROM reference_exchange_calendar_captures').get() as Record<string, unknown>;
    expect(capture).toMatchObject({
      capture_id: captureId,
      exchange_code: 'XNYS',
      year: 2025,
      holiday_count: 10,
      source_file: shippedCalendar('xnys_2025.json'),
      execution_id: e.id,
    });
  });

  it('records the manifest under the dotted domain with the partition key encoded once, sorted', async () => {
    const e = await run(t.spine, INGEST_YEAR, { year: 2025, exchange_code: 'XNYS' });
    const [row] = manifest();
    expect(row).toMatchObject({
      domain: 'reference.exchange_calendar',
      partition_key: '{"exchange_code":"XNYS","year":"2025"}',
      stage: 'raw',
      stage_rank: 0,
      row_count: 10,
      capture_id: e.result?.['capture_id'],
      execution_id: e.id,
    });
    expect(JSON.parse(row?.partition_key ?? '""')).toEqual({ exchange_code: 'XNYS', year: '2025' });
  });

  it('takes year and exchange from the file when only file_path is given', async () => {
    const result = await runOk(t.spine, INGEST_YEAR, { file_path: shippedCalendar('xnys_2026.json') });
    expect(result).toMatchObject({ exchange_code: 'XNYS', year: 2026, holidays: 10 });
    const observed = db
      .prepare(`SELECT holiday_name, holiday_type FROM reference_exchange_calendar_holidays WHERE holiday_date = ?`)
      .get('2026-07-03');
    expect(observed).toEqual({ holiday_name: 'Independence Day (observed)', holiday_type: 'observed' });
  });

  it('skips an ingested year without force, and says so', async () => {
    const first = await runOk(t.spine, INGEST_YEAR, { year: 2025, exchange_code: 'XNYS' });
    const second = await run(t.spine, INGEST_YEAR, { year: 2025, exchange_code: 'XNYS' });
    expect(second.status).toBe('completed');
    expect(second.result).toMatchObject({ skipped: true, capture_id: first['capture_id'] });
    expect(String(second.result?.['reason'])).toMatch(/already ingested.*use --force/);
    expect(count(db, 'SELECT COUNT(*) AS n FROM reference_exchange_calendar_captures')).toBe(1);
    const events = db
      .prepare(`SELECT event_type FROM core_execution_events WHERE execution_id = ? AND event_type = 'stage_skipped'`)
      .all(second.id);
    expect(events).toHaveLength(1);
  });

  it('with force writes a new capture beside the old one; readers see the latest', async () => {
    const first = await runOk(t.spine, INGEST_YEAR, { year: 2025, exchange_code: 'XNYS' });
    const path = writeCalendar(
      t.dir,
      'xnys_2025_update.json',
      shippedWith('xnys_2025.json', [{ date: '2025-01-09', name: 'National Day of Mourning', type: 'special' }]),
    );
    const second = await runOk(t.spine, INGEST_YEAR, { file_path: path, force: 'true' });
    expect(second['capture_id']).not.toBe(first['capture_id']);
    expect(second).toMatchObject({ holidays: 11, previous_capture_id: first['capture_id'] });
    expect(count(db, 'SELECT COUNT(*) AS n FROM reference_exchange_calendar_captures')).toBe(2);
    expect(count(db, 'SELECT COUNT(*) AS n FROM reference_exchange_calendar_holidays')).toBe(21);
    expect(count(db, 'SELECT COUNT(*) AS n FROM reference_exchange_calendar_holidays_latest')).toBe(11);
    const latest = db.prepare('SELECT capture_id FROM reference_exchange_calendar_captures_latest').all();
    expect(latest).toEqual([{ capture_id: second['capture_id'] }]);
    expect(manifest()).toHaveLength(1); // one upserted row per (domain, partition, stage)
    expect(manifest()[0]?.capture_id).toBe(second['capture_id']);
  });

  it('keeps exchanges apart: XNAS 2025 is its own partition', async () => {
    await runOk(t.spine, INGEST_YEAR, { year: 2025, exchange_code: 'XNYS' });
    await runOk(t.spine, INGEST_YEAR, { year: 2025, exchange_code: 'XNAS' });
    expect(manifest().map((m) => m.partition_key)).toEqual([
      '{"exchange_code":"XNAS","year":"2025"}',
      '{"exchange_code":"XNYS","year":"2025"}',
    ]);
  });

  it('fails on a weekend holiday, naming the file and the entry, and writes nothing', async () => {
    const path = writeCalendar(t.dir, 'bad.json', {
      year: 2025,
      exchange_code: 'XNYS',
      holidays: [
        { date: '2025-01-01', name: "New Year's Day" },
        { date: '2025-07-05', name: 'Independence Day' },
      ],
    });
    const e = await run(t.spine, INGEST_YEAR, { file_path: path });
    expect(e.status).toBe('failed');
    expect(e.errorCode).toBe('SOURCE_ERROR');
    expect(e.errorStage).toBe('ingest');
    expect(e.errorMessage).toBe(
      `${path}: CALENDAR_WEEKEND_HOLIDAY: holidays[1] (Independence Day): 2025-07-05 is a Saturday; list the weekday the exchange observes instead`,
    );
    expect(e.attempts).toBe(1); // bad input is never retried
    nothingWritten();
  });

  it('fails on an impossible date and on a date outside the year, naming the file', async () => {
    const impossible = writeCalendar(t.dir, 'impossible.json', {
      year: 2025,
      exchange_code: 'XNYS',
      holidays: [{ date: '2025-02-29', name: 'Leap day?' }],
    });
    const outside = writeCalendar(t.dir, 'outside.json', {
      year: 2025,
      exchange_code: 'XNYS',
      holidays: [{ date: '2026-01-01', name: "New Year's Day" }],
    });
    const e1 = await run(t.spine, INGEST_YEAR, { file_path: impossible });
    expect(e1.errorMessage).toMatch(new RegExp(`^${impossible}: CALENDAR_BAD_DATE: holidays\\[0\\] \\(Leap day\\?\\)`));
    const e2 = await run(t.spine, INGEST_YEAR, { file_path: outside });
    expect(e2.errorMessage).toMatch(
      /outside\.json: CALENDAR_DATE_OUTSIDE_YEAR: .*2026-01-01 is outside the calendar year 2025/,
    );
    nothingWritten();
  });

  it('fails when the file is for another year or exchange than requested, naming the file', async () => {
    const file = shippedCalendar('xnys_2025.json');
    const e1 = await run(t.spine, INGEST_YEAR, { file_path: file, year: 2026 });
    expect(e1.status).toBe('failed');
    expect(e1.errorMessage).toBe(
      `${file}: CALENDAR_YEAR_MISMATCH: the file is the calendar for 2025 but year=2026 was requested`,
    );
    const e2 = await run(t.spine, INGEST_YEAR, { file_path: file, exchange_code: 'XNAS' });
    expect(e2.errorMessage).toBe(
      `${file}: CALENDAR_EXCHANGE_MISMATCH: the file is the calendar of XNYS but exchange_code=XNAS was requested`,
    );
    nothingWritten();
  });

  it('fails with the path when no calendar ships for the year', async () => {
    const e = await run(t.spine, INGEST_YEAR, { year: 2030, exchange_code: 'XNYS' });
    expect(e.status).toBe('failed');
    expect(e.errorMessage).toMatch(/xnys_2030\.json: FILE_NOT_FOUND: no calendar ships .*pass file_path=/);
    nothingWritten();
  });

  it('refuses bad parameters before anything runs', async () => {
    await expect(t.spine.dispatcher.submit(INGEST_YEAR, {})).rejects.toThrow(BadParamsError);
    await expect(t.spine.dispatcher.submit(INGEST_YEAR, { year: 2025 })).rejects.toThrow(
      /Missing required parameters: exchange_code.*file_path/,
    );
    await expect(t.spine.dispatcher.submit(INGEST_YEAR, { year: 2025, exchange_code: 'XLON' })).rejects.toThrow(
      /exchange_code.*expected one of XNYS, XNAS, XASE, ARCX, BATS/,
    );
    await expect(t.spine.dispatcher.submit(INGEST_YEAR, { year: 'twenty', exchange_code: 'XNYS' })).rejects.toThrow(
      /year.*expected an integer/,
    );
    await expect(t.spine.dispatcher.submit(INGEST_YEAR, { file_path: t.dir.join('nope.json') })).rejects.toThrow(
      /file not found/,
    );
    expect(count(db, 'SELECT COUNT(*) AS n FROM core_executions')).toBe(0);
  });
});

interface MonthRow {
  month: number;
  trading_days: number;
  calendar_days: number;
  weekend_days: number;
  holidays: number;
  calc_name: string;
  calc_version: string;
  capture_id: string;
  captured_at: string;
  execution_id: string;
  batch_id: string;
}

function months(captureId: string): MonthRow[] {
  return db
    .prepare(
      `SELECT month, trading_days, calendar_days, weekend_days, holidays, calc_name, calc_version, capture_id,
         captured_at, execution_id, batch_id
       FROM reference_exchange_calendar_trading_days WHERE capture_id = ? ORDER BY month`,
    )
    .all(captureId) as MonthRow[];
}

describe('compute_trading_days', () => {
  it('runs (the reference always failed) and writes 12 months: January 2025 has 21 / 31 / 2', async () => {
    const ingest = await runOk(t.spine, INGEST_YEAR, { year: 2025, exchange_code: 'XNYS' });
    const e = await run(t.spine, COMPUTE_TRADING_DAYS, { year: '2025', exchange_code: 'XNYS' });
    expect(e.status).toBe('completed');
    expect(e.result).toMatchObject({
      exchange_code: 'XNYS',
      year: 2025,
      capture_id: ingest['capture_id'],
      trading_days: 251,
      calendar_days: 365,
      weekend_days: 104,
      holidays: 10,
      calc_name: 'exchange_calendar_trading_days',
      calc_version: '1.0.0',
    });
    const rows = months(String(ingest['capture_id']));
    expect(rows).toHaveLength(12);
    expect(rows[0]).toMatchObject({ month: 1, trading_days: 21, calendar_days: 31, holidays: 2, weekend_days: 8 });
    for (const r of rows) {
      expect(r.trading_days + r.weekend_days + r.holidays).toBe(r.calendar_days);
      expect(r.capture_id).toBe(ingest['capture_id']);
      expect(r.captured_at).toBe(ingest['captured_at']);
      expect(r.execution_id).toBe(e.id);
      expect(r.batch_id).toBe(e.batchId);
    }
    expect(manifest().map((m) => [m.stage, m.stage_rank, m.row_count])).toEqual([
      ['raw', 0, 10],
      ['computed', 1, 12],
    ]);
  });

  it('skips a capture already computed unless force, and recomputes idempotently with force', async () => {
    await runOk(t.spine, INGEST_YEAR, { year: 2025, exchange_code: 'XNYS' });
    await runOk(t.spine, COMPUTE_TRADING_DAYS, { year: 2025, exchange_code: 'XNYS' });
    const again = await runOk(t.spine, COMPUTE_TRADING_DAYS, { year: 2025, exchange_code: 'XNYS' });
    expect(again).toMatchObject({ skipped: true });
    expect(String(again['reason'])).toMatch(/already computed from capture .*use --force/);
    const forced = await runOk(t.spine, COMPUTE_TRADING_DAYS, { year: 2025, exchange_code: 'XNYS', force: true });
    expect(forced['skipped']).toBeUndefined();
    expect(count(db, 'SELECT COUNT(*) AS n FROM reference_exchange_calendar_trading_days')).toBe(12);
  });

  it('follows a calendar update: a new capture is computed without force, the old rows stay', async () => {
    const first = await runOk(t.spine, INGEST_YEAR, { year: 2025, exchange_code: 'XNYS' });
    await runOk(t.spine, COMPUTE_TRADING_DAYS, { year: 2025, exchange_code: 'XNYS' });
    const path = writeCalendar(
      t.dir,
      'update.json',
      shippedWith('xnys_2025.json', [{ date: '2025-01-09', name: 'National Day of Mourning', type: 'special' }]),
    );
    const second = await runOk(t.spine, INGEST_YEAR, { file_path: path, force: true });
    const result = await runOk(t.spine, COMPUTE_TRADING_DAYS, { year: 2025, exchange_code: 'XNYS' });
    expect(result).toMatchObject({ capture_id: second['capture_id'], trading_days: 250, holidays: 11 });
    expect(months(String(second['capture_id']))[0]).toMatchObject({ trading_days: 20, holidays: 3 });
    expect(months(String(first['capture_id']))[0]).toMatchObject({ trading_days: 21, holidays: 2 });
    const latest = db
      .prepare('SELECT trading_days FROM reference_exchange_calendar_trading_days_latest WHERE month = 1')
      .all();
    expect(latest).toEqual([{ trading_days: 20 }]);

    const pinned = await runOk(t.spine, COMPUTE_TRADING_DAYS, {
      year: 2025,
      exchange_code: 'XNYS',
      calendar_capture_id: String(first['capture_id']),
      force: true,
    });
    expect(pinned).toMatchObject({ capture_id: first['capture_id'], trading_days: 251 });
  });

  it('fails with the ingest command when the calendar is missing', async () => {
    const e = await run(t.spine, COMPUTE_TRADING_DAYS, { year: 2026, exchange_code: 'XNAS' });
    expect(e.status).toBe('failed');
    expect(e.errorCode).toBe('NOT_FOUND');
    expect(e.errorMessage).toBe(
      'No XNAS exchange calendar for 2026 (needed for the 2026 trading days). ' +
        'Run: spine run reference.exchange_calendar.ingest_year year=2026 exchange_code=XNAS',
    );
    expect(e.attempts).toBe(1);
  });

  it('refuses a pinned capture of another year or exchange', async () => {
    const xnys = await runOk(t.spine, INGEST_YEAR, { year: 2025, exchange_code: 'XNYS' });
    await runOk(t.spine, INGEST_YEAR, { year: 2026, exchange_code: 'XNYS' });
    const e1 = await run(t.spine, COMPUTE_TRADING_DAYS, {
      year: 2026,
      exchange_code: 'XNYS',
      calendar_capture_id: String(xnys['capture_id']),
    });
    expect(e1.errorCode).toBe('INVALID_PARAMS');
    expect(e1.errorMessage).toMatch(/covers 2025, but the 2026 trading days needs 2026/);
    const e2 = await run(t.spine, COMPUTE_TRADING_DAYS, {
      year: 2025,
      exchange_code: 'XNAS',
      calendar_capture_id: String(xnys['capture_id']),
    });
    expect(e2.errorMessage).toMatch(/is a XNYS calendar, but exchange_code is XNAS/);
    const e3 = await run(t.spine, COMPUTE_TRADING_DAYS, {
      year: 2025,
      exchange_code: 'XNYS',
      calendar_capture_id: 'reference.exchange_calendar:XNYS:2025:ffffff',
    });
    expect(e3.errorMessage).toBe('Calendar capture reference.exchange_calendar:XNYS:2025:ffffff not found');
  });

  it('needs year and exchange_code', async () => {
    await expect(t.spine.dispatcher.submit(COMPUTE_TRADING_DAYS, {})).rejects.toThrow(
      'Missing required parameters: year, exchange_code',
    );
  });
});

describe('registry', () => {
  it('registers the calendar pipelines and volume per day', () => {
    const names = t.spine.registry.names();
    expect(names).toEqual(
      expect.arrayContaining([INGEST_YEAR, COMPUTE_TRADING_DAYS, 'finra.otc_transparency.compute_volume_per_day']),
    );
    expect(t.spine.registry.get(INGEST_YEAR).domain).toBe('reference.exchange_calendar');
  });
});
