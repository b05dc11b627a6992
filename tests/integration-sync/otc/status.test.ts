/**
 * `spine status` end to end: the built CLI on real SQLite files, the clock set with `--now`. Week
 * 2025-12-12 of OTC (lag 4 weeks, grace 24 h) is due on Friday 2026-01-09 and late from
 * 2026-01-11T00:00:00Z. Alerts go through SPINE_ALERT_COMMAND, which appends each payload to a file.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StatusResult } from '../../../src/app/status.js';
import type { WeekStatus } from '../../../src/domains/otc/freshness/status.js';
import { BIN, cliEnv, REPO_ROOT, runCli } from '../../helpers/run-cli.js';
import type { CliResult } from '../../helpers/run-cli.js';
import { openTempDb, tempDir } from '../../helpers/tmp-db.js';
import type { TempDir } from '../../helpers/tmp-db.js';
import { pipelineFixture, WEEK_PIPELINE } from './otc-pipeline-helpers.js';

const GOOD = pipelineFixture('good_otc_20251215.psv');
const HEADER_ONLY = pipelineFixture('header-only_otc_20251215.psv');
const STEADY_1219 = pipelineFixture('steady-week_otc_20251222.psv');

const BEFORE_DUE = '2026-01-08T12:00:00Z';
const IN_GRACE = '2026-01-10T12:00:00Z';
const LATE = '2026-01-11T00:00:00Z';
/** After every run and capture a test makes (they are stamped with the real clock). */
const LATER = '2030-01-01T00:00:00Z';
const WEEK = ['--tier', 'otc', '--from', '2025-12-12', '--to', '2025-12-12'];

let dir: TempDir;
let dbPath: string;
let alertsFile: string;
let env: Record<string, string>;

beforeEach(() => {
  dir = tempDir();
  dbPath = dir.join('spine.db');
  alertsFile = dir.join('alerts.jsonl');
  env = { SPINE_ALERT_COMMAND: `cat >> '${alertsFile}'; echo >> '${alertsFile}'` };
});
afterEach(() => dir.cleanup());

const spine = (...args: string[]): CliResult => runCli(args, { dbPath, env, timeoutMs: 60_000 });

function status(...args: string[]): { res: CliResult; result: StatusResult; week: WeekStatus } {
  const res = spine('status', ...WEEK, '--json', ...args);
  const result = res.json<StatusResult>();
  const week = result.tiers[0]?.weeks[0] as WeekStatus;
  return { res, result, week };
}

/** Every alert payload the hook received, in order. */
function alerts(): { kind: string; weeks: Record<string, unknown>[] }[] {
  if (!existsSync(alertsFile)) return [];
  return readFileSync(alertsFile, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { kind: string; weeks: Record<string, unknown>[] });
}

function spineAsync(args: readonly string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: REPO_ROOT,
      env: cliEnv({ SPINE_DATABASE_PATH: dbPath }, env),
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

function ingest(file: string, ...extra: string[]): { capture_id: string; captured_at: string; id: string } {
  const res = spine('run', WEEK_PIPELINE, '--file', file, '--json', ...extra);
  expect(res.code, res.stderr).toBe(0);
  const id = res.json<{ id: string }>().id;
  const db = openTempDb(dbPath, { migrate: false });
  try {
    const c = db
      .prepare(`SELECT capture_id, captured_at FROM core_captures WHERE execution_id = ? AND status = 'published'`)
      .get(id) as { capture_id: string; captured_at: string };
    return { ...c, id };
  } finally {
    db.close();
  }
}

function freshnessAnomalies(): { partition_key: string; resolved_at: string | null; resolution_note: string | null }[] {
  const db = openTempDb(dbPath, { migrate: false });
  try {
    return db
      .prepare(
        `SELECT partition_key, detected_at, resolved_at, resolution_note, severity FROM core_anomalies
         WHERE category = 'FRESHNESS' ORDER BY id`,
      )
      .all() as { partition_key: string; resolved_at: string | null; resolution_note: string | null }[];
  } finally {
    db.close();
  }
}

describe('spine status on a fresh database', () => {
  it('prints valid JSON: every tier, the 12 newest due weeks, all late, exit 4', () => {
    const res = spine('status', '--json', '--now', '2026-01-12T09:00:00Z');
    expect(res.code, res.stderr).toBe(4);
    const r = res.json<StatusResult>();
    expect(r.now).toBe('2026-01-12T09:00:00.000Z');
    expect(r.exit_code).toBe(4);
    expect(r.counts).toEqual({ late: 36 });
    expect(r.recorded).toBe(false);
    expect(r.incidents).toBeNull();
    expect(r.tiers.map((t) => [t.tier, t.lag_weeks, t.grace_hours, t.weeks.length, t.weeks[0]?.week_ending])).toEqual([
      ['NMS_TIER_1', 2, 24, 12, '2025-12-26'],
      ['NMS_TIER_2', 4, 24, 12, '2025-12-12'],
      ['OTC', 4, 24, 12, '2025-12-12'],
    ]);
    expect(r.tiers[2]?.weeks.at(-1)?.week_ending).toBe('2025-09-26');
    expect(r.tiers[0]?.next_due).toEqual({
      week_ending: '2026-01-02',
      due_date: '2026-01-16',
      due_at: '2026-01-16T00:00:00.000Z',
    });
    expect(alerts()).toEqual([]);
  });

  it('without --now records and still prints valid JSON (the acceptance check)', () => {
    const res = spine('status', '--json');
    expect(res.code, res.stderr).toBe(4);
    const r = res.json<StatusResult>();
    expect(r.recorded).toBe(true);
    expect(r.incidents?.opened.length).toBe(36);
    expect(alerts().map((a) => [a.kind, a.weeks.length])).toEqual([['freshness_late', 36]]);
  });

  it('refuses a --from that is not a Friday (exit 2) and a --from after --to', () => {
    const bad = spine('status', '--from', '2025-12-11', '--json');
    expect(bad.code).toBe(2);
    expect(bad.json<{ error: { code: string } }>().error.code).toBe('INVALID_DATE');
    const order = spine('status', '--from', '2025-12-19', '--to', '2025-12-12', '--json');
    expect(order.code).toBe(2);
    expect(order.json<{ error: { code: string; message: string } }>().error.message).toBe(
      '--from 2025-12-19 is after --to 2025-12-12',
    );
  });
});

describe('holidays from the calendar domain', () => {
  it('a year without holidays counts weekends only and says so; an ingested calendar moves the due date', () => {
    // NMS Tier 1, week ending 2026-12-18: nominally due Friday 2027-01-01 (New Year's Day). No 2027 calendar ships.
    const args = [
      'status',
      '--tier',
      'tier1',
      '--from',
      '2026-12-18',
      '--to',
      '2026-12-18',
      '--now',
      '2027-01-05T00:00:00Z',
      '--json',
    ];
    const before = spine(...args).json<StatusResult>();
    expect(before.tiers[0]?.weeks[0]).toMatchObject({
      due_date: '2027-01-01',
      holidays_skipped: [],
      unknown_calendar_years: [2027],
    });
    expect(before.warnings).toEqual([
      'No XNYS holidays for 2027 (no calendar capture, no shipped file): due dates in 2027 skip weekends only. ' +
        'Ingest one: spine run reference.exchange_calendar.ingest_year year=2027 exchange_code=XNYS file_path=<holidays.json>',
    ]);
    const file = dir.join('xnys_2027.json');
    writeFileSync(
      file,
      JSON.stringify({ year: 2027, exchange_code: 'XNYS', holidays: [{ date: '2027-01-01', name: "New Year's Day" }] }),
    );
    const ingestCalendar = spine('run', 'reference.exchange_calendar.ingest_year', `file_path=${file}`);
    expect(ingestCalendar.code, ingestCalendar.stderr).toBe(0);
    const after = spine(...args).json<StatusResult>();
    expect(after.tiers[0]?.weeks[0]).toMatchObject({
      due_date: '2027-01-04',
      late_at: '2027-01-06T00:00:00.000Z',
      holidays_skipped: ['2027-01-01'],
      unknown_calendar_years: [],
      state: 'due',
    });
    expect(after.warnings).toEqual([]);
  }, 60_000);
});

describe('not yet due → due → late (alerts once) → published (recovers once)', () => {
  it('walks the week through its states with exact exit codes and one alert per transition', async () => {
    const notDue = status('--now', BEFORE_DUE, '--record');
    expect(notDue.res.code).toBe(0);
    expect(notDue.week).toMatchObject({
      week_ending: '2025-12-12',
      state: 'not_yet_due',
      flags: ['not_yet_due'],
      due_date: '2026-01-09',
      due_at: '2026-01-09T00:00:00.000Z',
      late_at: '2026-01-11T00:00:00.000Z',
      capture_id: null,
    });
    const inGrace = status('--now', IN_GRACE, '--record');
    expect([inGrace.res.code, inGrace.week.state]).toEqual([0, 'due']);
    expect(alerts()).toEqual([]);

    // Two checks at once: exactly one records the incident and alerts.
    const [a, b] = await Promise.all([
      spineAsync(['status', ...WEEK, '--json', '--now', LATE, '--record']),
      spineAsync(['status', ...WEEK, '--json', '--now', LATE, '--record']),
    ]);
    expect([a.code, b.code]).toEqual([4, 4]);
    const opened = [a, b].map((r) => (JSON.parse(r.stdout) as StatusResult).incidents?.opened.length);
    expect(opened.sort()).toEqual([0, 1]);
    const again = status('--now', LATE, '--record');
    expect([again.res.code, again.week.state, again.result.incidents?.opened]).toEqual([4, 'late', []]);
    expect(alerts()).toEqual([
      {
        kind: 'freshness_late',
        at: '2026-01-11T00:00:00.000Z',
        weeks: [
          {
            domain: 'finra.otc_transparency',
            anomaly_id: 1,
            tier: 'OTC',
            week_ending: '2025-12-12',
            due_date: '2026-01-09',
            late_at: '2026-01-11T00:00:00.000Z',
            reason: 'no_capture',
            execution_id: null,
            error_code: null,
          },
        ],
      },
    ]);
    expect(freshnessAnomalies()).toEqual([
      {
        partition_key: '{"tier":"OTC","week_ending":"2025-12-12"}',
        detected_at: '2026-01-11T00:00:00.000Z',
        resolved_at: null,
        resolution_note: null,
        severity: 'ERROR',
      },
    ]);

    const c = ingest(GOOD);
    const after = LATER;
    const published = status('--now', after);
    expect(published.result.recorded).toBe(false); // --now alone only reads
    const recovered = status('--now', after, '--record');
    expect(recovered.res.code).toBe(0);
    expect(recovered.week).toMatchObject({
      state: 'published',
      flags: ['published'],
      capture_id: c.capture_id,
      captured_at: c.captured_at,
      source_last_update_date: '2025-12-15',
      age_seconds: Math.floor((Date.parse(after) - Date.parse(c.captured_at)) / 1000),
      last_execution_id: c.id,
      last_execution_status: 'completed',
      error_code: null,
    });
    expect(recovered.result.incidents?.recovered.map((r) => [r.anomaly_id, r.capture_id])).toEqual([[1, c.capture_id]]);
    expect(status('--record').result.incidents?.recovered).toEqual([]);
    expect(alerts().map((x) => x.kind)).toEqual(['freshness_late', 'freshness_recovered']);
    expect(alerts()[1]?.weeks).toEqual([
      {
        domain: 'finra.otc_transparency',
        anomaly_id: 1,
        tier: 'OTC',
        week_ending: '2025-12-12',
        late_since: '2026-01-11T00:00:00.000Z',
        capture_id: c.capture_id,
        captured_at: c.captured_at,
      },
    ]);
    expect(freshnessAnomalies()).toEqual([
      {
        partition_key: '{"tier":"OTC","week_ending":"2025-12-12"}',
        detected_at: '2026-01-11T00:00:00.000Z',
        resolved_at: '2030-01-01T00:00:00.000Z',
        resolution_note: `arrived: capture ${c.capture_id} captured_at ${c.captured_at}`,
        severity: 'ERROR',
      },
    ]);
    // Point in time: before the capture was taken, the same week was late.
    expect(status('--now', LATE).week.state).toBe('late');
  }, 120_000);
});

describe('failed, source problem, revised and stale weeks', () => {
  it('a failed run shows its execution id and error; the week is failed and late, exit 4', () => {
    const run = spine('run', WEEK_PIPELINE, '--file', HEADER_ONLY, '--week', '2025-12-12', '--tier', 'OTC', '--json');
    expect(run.code).toBe(1);
    const id = run.json<{ error: { details: { execution: { id: string } } } }>().error.details.execution.id;
    // Runs count as of --now, like captures: the run was made today, so ask about a moment after it.
    const { res, week } = status('--now', LATER, '--record');
    expect(res.code).toBe(4);
    expect(week).toMatchObject({
      state: 'failed',
      flags: ['failed', 'late'],
      last_execution_id: id,
      last_execution_status: 'failed',
      error_code: 'SOURCE_ERROR',
    });
    expect(alerts()[0]?.weeks[0]).toMatchObject({ reason: 'failed', execution_id: id, error_code: 'SOURCE_ERROR' });
    const table = spine('status', ...WEEK, '--now', LATER);
    expect(table.code).toBe(4);
    const line = table.stdout.split('\n').find((l) => l.startsWith('2025-12-12'));
    expect(line).toContain('failed');
    expect(line).toContain(id.slice(0, 8));
    expect(line).toContain('SOURCE_ERROR');
    expect(table.stdout).toContain('exit 4: something is late, failed or stale');
  }, 60_000);

  it('FINRA unavailable for a due week is a source problem (exit 5), not late', () => {
    const run = runCli(['run', WEEK_PIPELINE, 'source=api', '--week', '2025-12-12', '--tier', 'OTC', '--json'], {
      dbPath,
      // Nothing listens on port 9: every request fails as FINRA's outages do, and is retried, then given up.
      env: { ...env, SPINE_FINRA_API_URL: 'http://127.0.0.1:9', SPINE_RETRY_MAX_ATTEMPTS: '1' },
      timeoutMs: 60_000,
    });
    expect(run.code).toBe(1);
    expect(run.json<{ error: { code: string } }>().error.code).toBe('SOURCE_UNAVAILABLE');
    const due = status('--now', LATER);
    expect(due.res.code).toBe(5);
    expect(due.week).toMatchObject({
      state: 'source_problem',
      flags: ['source_problem'],
      error_code: 'SOURCE_UNAVAILABLE',
    });
    // As of a moment before the run, it had not happened: the week was simply late.
    const before = status('--now', LATE);
    expect([before.res.code, before.week.flags, before.week.last_execution_id]).toEqual([4, ['late'], null]);
  }, 60_000);

  it('a revision shows the replaced capture; derived data from a superseded capture is stale (exit 4)', () => {
    const first = ingest(GOOD);
    const revisedFile = dir.join('revised_otc_20251215.psv');
    writeFileSync(revisedFile, readFileSync(GOOD, 'utf8').replace('|1000|10|2025-12-15', '|1200|12|2025-12-19'));
    const second = ingest(revisedFile, '--force');
    const next = ingest(STEADY_1219);
    // The rolling rows of 2025-12-19 as if computed before the revision, from the first capture of 2025-12-12.
    const db = openTempDb(dbPath, { migrate: false });
    db.prepare(
      `INSERT INTO core_derived_inputs (capture_id, dataset, input_capture_id, input_week_ending, input_tier, recorded_at)
       VALUES (?, 'finra_otc_transparency_symbol_rolling_6w', ?, '2025-12-12', 'OTC', '2026-01-01T00:00:00.000Z')`,
    ).run(next.capture_id, first.capture_id);
    db.close();
    const res = spine(
      'status',
      '--tier',
      'otc',
      '--from',
      '2025-12-12',
      '--to',
      '2025-12-19',
      '--json',
      '--now',
      LATER,
    );
    expect(res.code).toBe(4);
    const [w1219, w1212] = res.json<StatusResult>().tiers[0]?.weeks ?? [];
    expect(w1212).toMatchObject({
      week_ending: '2025-12-12',
      state: 'revised',
      flags: ['revised', 'published'],
      capture_id: second.capture_id,
      replaced_capture_id: first.capture_id,
      source_last_update_date: '2025-12-19',
    });
    expect(w1219).toMatchObject({
      week_ending: '2025-12-19',
      state: 'stale',
      flags: ['stale', 'published'],
      capture_id: next.capture_id,
      stale: [
        {
          dataset: 'finra_otc_transparency_symbol_rolling_6w',
          input_week_ending: '2025-12-12',
          input_tier: 'OTC',
          input_capture_id: first.capture_id,
          superseded_by: second.capture_id,
        },
      ],
    });
  }, 120_000);

  it('after a revision the recompute leaves nothing stale: the next week is published, not revised (exit 0)', () => {
    const first = ingest(GOOD);
    const next = ingest(STEADY_1219);
    const revisedFile = dir.join('revised_otc_20251215.psv');
    writeFileSync(revisedFile, readFileSync(GOOD, 'utf8').replace('|1000|10|2025-12-15', '|1200|12|2025-12-19'));
    const second = ingest(revisedFile, '--force');
    const res = spine(
      'status',
      '--tier',
      'otc',
      '--from',
      '2025-12-12',
      '--to',
      '2025-12-19',
      '--json',
      '--now',
      LATER,
    );
    expect(res.code, res.stdout).toBe(0);
    const [w1219, w1212] = res.json<StatusResult>().tiers[0]?.weeks ?? [];
    expect(w1212).toMatchObject({
      state: 'revised',
      capture_id: second.capture_id,
      replaced_capture_id: first.capture_id,
    });
    // The rolling window of 2025-12-19 was recomputed as a new capture carrying the same source rows.
    expect(w1219?.flags).toEqual(['published']);
    expect(w1219?.capture_id).not.toBe(next.capture_id);
    expect(w1219?.replaced_capture_id).toBeNull();
    expect(w1219?.stale).toEqual([]);
  }, 120_000);

  it('a re-ingest of the same content is not a revision', () => {
    ingest(GOOD);
    const again = ingest(GOOD, '--force');
    const { res, week } = status('--now', LATER);
    expect(res.code).toBe(0);
    expect(week).toMatchObject({ state: 'published', flags: ['published'], capture_id: again.capture_id });
    expect(week.replaced_capture_id).toBeNull();
  }, 120_000);
});
