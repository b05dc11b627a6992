/**
 * Helpers for the calendar and volume-per-day integration tests: real dispatcher, sync backend, a temp
 * SQLite file per test. OTC input weeks are written as small format-B files and loaded through the real
 * `finra.otc_transparency.week` pipeline, so the cross-domain calculation reads what production writes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Spine } from '../../../src/app/spine.js';
import type { JsonObject } from '../../../src/contracts/execution.js';
import type { Db } from '../../../src/core/db/open-database.js';
import { isDryRun } from '../../../src/core/dispatch/dispatcher.js';
import type { ExecutionRecord } from '../../../src/core/execution/execution-store.js';
import type { ParamValue } from '../../../src/core/pipeline/params.js';
import type { TempDir } from '../../helpers/tmp-db.js';

const ROOT = new URL('../../../', import.meta.url);

export const INGEST_YEAR = 'reference.exchange_calendar.ingest_year';
export const COMPUTE_TRADING_DAYS = 'reference.exchange_calendar.compute_trading_days';
export const VOLUME_PER_DAY = 'finra.otc_transparency.compute_volume_per_day';
export const WEEK = 'finra.otc_transparency.week';
export const CALENDAR_DOMAIN = 'reference.exchange_calendar';

export const CAPTURE_ID_FORMAT = /^reference\.exchange_calendar:(XNYS|XNAS):\d{4}:[0-9a-f]{6}$/;

export function shippedCalendar(name: string): string {
  return fileURLToPath(new URL(`data/calendars/${name}`, ROOT));
}

export function calendarFixture(name: string): string {
  return fileURLToPath(new URL(`tests/integration-sync/calendar/fixtures/${name}`, ROOT));
}

export const SAMPLE_1215 = fileURLToPath(new URL('data/samples/finra_otc_weekly_otc_20251215.csv', ROOT));

export async function run(
  spine: Spine,
  pipeline: string,
  params: Readonly<Record<string, ParamValue>>,
): Promise<ExecutionRecord> {
  const result = await spine.dispatcher.submit(pipeline, params);
  if (isDryRun(result)) throw new Error(`${pipeline} returned a dry-run preview`);
  return result;
}

/** Runs a pipeline that must complete and returns its result object. */
export async function runOk(
  spine: Spine,
  pipeline: string,
  params: Readonly<Record<string, ParamValue>>,
): Promise<JsonObject> {
  const e = await run(spine, pipeline, params);
  expect(e.errorMessage, `${pipeline} failed`).toBeNull();
  expect(e.status).toBe('completed');
  return e.result ?? {};
}

export function count(db: Db, sql: string, ...args: unknown[]): number {
  return (db.prepare(sql).get(...args) as { n: number }).n;
}

/** Writes a holiday JSON file into the temp directory. */
export function writeCalendar(dir: TempDir, name: string, doc: unknown): string {
  const path = dir.join(name);
  writeFileSync(path, typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));
  return path;
}

interface HolidayDoc {
  year: number;
  exchange_code: string;
  holidays: { date: string; name: string; type?: string }[];
}

/** A shipped calendar with extra holidays added: a calendar update. */
export function shippedWith(name: string, extra: HolidayDoc['holidays']): HolidayDoc {
  const doc = JSON.parse(readFileSync(shippedCalendar(name), 'utf8')) as HolidayDoc;
  return { ...doc, holidays: [...doc.holidays, ...extra] };
}

/**
 * One OTC week as a format-B file whose rows add up to `totalShares` and `totalTrades` (three rows over
 * two symbols and two venues), loaded through the week pipeline and published (with `force`, as a
 * second capture beside an earlier one).
 */
export async function loadOtcWeek(
  spine: Spine,
  dir: TempDir,
  weekEnding: string,
  totalShares: number,
  totalTrades: number,
  options: { readonly force?: boolean } = {},
): Promise<string> {
  const s1 = Math.floor(totalShares * 0.6);
  const s2 = Math.floor(totalShares * 0.2);
  const t1 = Math.floor(totalTrades * 0.6);
  const t2 = Math.floor(totalTrades * 0.2);
  const lines = [
    'WeekEnding|Tier|Symbol|MPID|TotalShares|TotalTrades',
    `${weekEnding}|OTC|AAAA|NITE|${s1}|${t1}`,
    `${weekEnding}|OTC|AAAA|OTCN|${s2}|${t2}`,
    `${weekEnding}|OTC|BBBB|OTCN|${totalShares - s1 - s2}|${totalTrades - t1 - t2}`,
  ];
  const path = dir.join(`week_${weekEnding}.psv`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  const result = await runOk(spine, WEEK, {
    file_path: path,
    week_ending: weekEnding,
    tier: 'OTC',
    ...(options.force ? { force: true } : {}),
  });
  return String(result['capture_id']);
}
