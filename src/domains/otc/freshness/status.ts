/**
 * `spine status`: per tier, the state of each week in a window, as of an instant (docs/autopilot.md,
 * "spine status"). Reads only; recording late and recovered incidents is `incidents.ts`.
 */
import { addDays } from '../../../core/dates.js';
import type { Db } from '../../../core/db/open-database.js';
import { ErrorCodes, SpineError } from '../../../core/errors.js';
import { assertFriday, weekRange } from '../../../core/week-ending.js';
import { primaryState, statusExitCode, weekFlags } from '../calculations/freshness.js';
import type { WeekFacts, WeekState } from '../calculations/freshness.js';
import { calendarYearsFor, latestDueWeek, publicationDue } from '../calculations/publication-calendar.js';
import type { PublicationSchedule } from '../calculations/publication-calendar.js';
import type { Tier } from '../tiers.js';
import { capturesAsOf, lastRunsAsOf, staleByWeek } from './facts.js';
import { loadHolidays, readSchedules } from './schedules.js';

export const DEFAULT_STATUS_WEEKS = 12;

export interface StatusOptions {
  readonly now: Date;
  readonly tier?: Tier | undefined;
  /** The newest N due weeks (default 12); ignored when from/to are given. */
  readonly weeks?: number | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

export interface StaleInput {
  readonly dataset: string;
  readonly input_week_ending: string;
  readonly input_tier: Tier;
  readonly input_capture_id: string;
  readonly superseded_by: string | null;
}

export interface WeekStatus {
  readonly tier: Tier;
  readonly week_ending: string;
  readonly state: WeekState;
  readonly flags: readonly WeekState[];
  readonly due_date: string;
  readonly due_at: string;
  readonly late_at: string;
  readonly holidays_skipped: readonly string[];
  readonly unknown_calendar_years: readonly number[];
  readonly capture_id: string | null;
  readonly captured_at: string | null;
  readonly source_last_update_date: string | null;
  /** Whole seconds from captured_at to `now`. */
  readonly age_seconds: number | null;
  readonly replaced_capture_id: string | null;
  readonly last_execution_id: string | null;
  readonly last_execution_pipeline: string | null;
  readonly last_execution_status: string | null;
  readonly error_code: string | null;
  readonly error_message: string | null;
  readonly stale: readonly StaleInput[];
}

export interface TierStatus {
  readonly tier: Tier;
  readonly lag_weeks: number;
  readonly grace_hours: number;
  readonly exchange_code: string;
  readonly cadence: string;
  /** The next week to become due after `now`. */
  readonly next_due: { readonly week_ending: string; readonly due_date: string; readonly due_at: string };
  /** Newest first. */
  readonly weeks: readonly WeekStatus[];
}

export interface StatusReport {
  readonly now: string;
  readonly exit_code: number;
  readonly counts: Readonly<Partial<Record<WeekState, number>>>;
  readonly tiers: readonly TierStatus[];
  /** Calendar years whose holidays are unknown (due dates there skip weekends only). */
  readonly warnings: readonly string[];
}

/** Internal: the facts per week, kept for incident recording. */
export interface StatusComputation {
  readonly report: StatusReport;
  readonly facts: ReadonlyMap<string, { readonly tier: Tier; readonly facts: WeekFacts }>;
}

function windowWeeks(schedule: PublicationSchedule, o: StatusOptions, latestDue: string): string[] {
  if (o.from === undefined && o.to === undefined) {
    const n = o.weeks ?? DEFAULT_STATUS_WEEKS;
    return Array.from({ length: n }, (_, i) => addDays(latestDue, -7 * i));
  }
  const to = o.to !== undefined ? assertFriday(o.to, '--to') : latestDue;
  const from =
    o.from !== undefined ? assertFriday(o.from, '--from') : addDays(to, -7 * ((o.weeks ?? DEFAULT_STATUS_WEEKS) - 1));
  if (from > to) {
    throw new SpineError(ErrorCodes.INVALID_PARAMS, `--from ${from} is after --to ${to}`, {
      details: { from, to },
      nonRetryable: true,
    });
  }
  return weekRange(from, to).reverse();
}

function tierStatus(db: Db, schedule: PublicationSchedule, o: StatusOptions, warnings: Set<string>) {
  const now = o.now;
  const today = now.toISOString().slice(0, 10);
  // Holidays for every year a due date of the window (or the next due week) can fall in.
  const roughFrom = o.from ?? addDays(today, -7 * (schedule.lagWeeks + (o.weeks ?? DEFAULT_STATUS_WEEKS) + 2));
  const roughTo = [today, o.from ?? today, o.to ?? today].sort().at(-1) ?? today;
  const calendar = loadHolidays(db, schedule.exchangeCode, calendarYearsFor(schedule, roughFrom, roughTo));
  const latestDue = latestDueWeek(schedule, now, calendar);
  const weeks = windowWeeks(schedule, o, latestDue);
  const captures = capturesAsOf(db, schedule.tier, weeks, now);
  const runs = lastRunsAsOf(db, schedule.tier, weeks, now);
  const stale = staleByWeek(db, schedule.tier, weeks);
  const facts = new Map<string, { tier: Tier; facts: WeekFacts }>();
  const rows = weeks.map((w): WeekStatus => {
    const due = publicationDue(schedule, w, calendar);
    for (const y of due.unknown_calendar_years) {
      warnings.add(
        `No ${schedule.exchangeCode} holidays for ${y} (no calendar capture, no shipped file): due dates in ${y} skip weekends only. ` +
          `Ingest one: spine run reference.exchange_calendar.ingest_year year=${y} exchange_code=${schedule.exchangeCode} file_path=<holidays.json>`,
      );
    }
    const c = captures.get(w);
    const run = runs.get(w) ?? null;
    const staleRows = stale.get(w) ?? [];
    const f: WeekFacts = {
      due,
      capture: c?.latest ?? null,
      replaced: c?.replaced ?? null,
      lastRun: run,
      staleDatasets: staleRows.length,
    };
    facts.set(`${schedule.tier}|${w}`, { tier: schedule.tier, facts: f });
    const flags = weekFlags(f, now);
    const captured = f.capture ? Date.parse(f.capture.captured_at) : null;
    return {
      tier: schedule.tier,
      week_ending: w,
      state: primaryState(flags),
      flags,
      due_date: due.due_date,
      due_at: due.due_at,
      late_at: due.late_at,
      holidays_skipped: due.holidays_skipped,
      unknown_calendar_years: due.unknown_calendar_years,
      capture_id: f.capture?.capture_id ?? null,
      captured_at: f.capture?.captured_at ?? null,
      source_last_update_date: f.capture?.source_last_update_date ?? null,
      age_seconds: captured === null ? null : Math.max(0, Math.floor((now.getTime() - captured) / 1000)),
      replaced_capture_id: f.replaced?.capture_id ?? null,
      last_execution_id: run?.execution_id ?? null,
      last_execution_pipeline: run?.pipeline ?? null,
      last_execution_status: run?.status ?? null,
      error_code: run?.status === 'failed' ? run.error_code : null,
      error_message: run?.status === 'failed' ? run.error_message : null,
      stale: staleRows.map((s) => ({
        dataset: s.dataset,
        input_week_ending: s.input_week_ending,
        input_tier: s.input_tier,
        input_capture_id: s.input_capture_id,
        superseded_by: s.superseded_by,
      })),
    };
  });
  const nextWeek = addDays(latestDue, 7);
  const next = publicationDue(schedule, nextWeek, calendar);
  const status: TierStatus = {
    tier: schedule.tier,
    lag_weeks: schedule.lagWeeks,
    grace_hours: schedule.graceHours,
    exchange_code: schedule.exchangeCode,
    cadence: schedule.cadence,
    next_due: { week_ending: nextWeek, due_date: next.due_date, due_at: next.due_at },
    weeks: rows,
  };
  return { status, facts };
}

/** The freshness of every enabled tier (or one) over the window, as of `options.now`. */
export function computeStatus(db: Db, options: StatusOptions): StatusComputation {
  const warnings = new Set<string>();
  const tiers: TierStatus[] = [];
  const facts = new Map<string, { tier: Tier; facts: WeekFacts }>();
  for (const schedule of readSchedules(db, options.tier)) {
    const t = tierStatus(db, schedule, options, warnings);
    tiers.push(t.status);
    for (const [k, v] of t.facts) facts.set(k, v);
  }
  const counts: Partial<Record<WeekState, number>> = {};
  for (const t of tiers) for (const w of t.weeks) counts[w.state] = (counts[w.state] ?? 0) + 1;
  const report: StatusReport = {
    now: options.now.toISOString(),
    exit_code: statusExitCode(tiers.flatMap((t) => t.weeks.map((w) => w.flags))),
    counts,
    tiers,
    warnings: [...warnings],
  };
  return { report, facts };
}
