/**
 * Freshness of one (tier, week): which states apply and which one a table shows (docs/autopilot.md,
 * "spine status"). Pure: the caller gathers the facts as of the instant `now`.
 *
 * Flags (several may apply):
 * - `not_yet_due` / `due` / `late`: no published capture, and the due date has not begun / has begun but
 *   the grace runs / the grace has passed.
 * - `published`: a published capture exists; `revised` when it replaced an earlier capture with other
 *   source data; `stale` when derived data of it was computed from a capture since superseded.
 * - `failed`: the week's latest run failed (any error but SOURCE_UNAVAILABLE), and no run since succeeded.
 * - `source_problem`: the latest run for the week (or the tier's latest sync) failed with
 *   SOURCE_UNAVAILABLE (FINRA API 5xx/429 after the retries) while the week is due and has no published
 *   capture; it replaces `late`. (A published week whose re-check hit an outage keeps its data: no flag.)
 *
 * The state shown is the first flag in STATE_PRECEDENCE: what needs action first, then what merely informs.
 */
import type { WeekDue } from './publication-calendar.js';
import { isDue, isPastGrace } from './publication-calendar.js';

export const STATE_PRECEDENCE = [
  'failed',
  'stale',
  'source_problem',
  'late',
  'revised',
  'published',
  'due',
  'not_yet_due',
] as const;
export type WeekState = (typeof STATE_PRECEDENCE)[number];

/** States that make `spine status` exit with STATUS_EXIT_CODES.attention. */
export const ATTENTION_STATES: ReadonlySet<WeekState> = new Set(['late', 'failed', 'stale']);

export const STATUS_EXIT_CODES = {
  /** Every week is published, revised, due within its grace or not yet due. */
  ok: 0,
  /** Some week is late, failed or stale. */
  attention: 4,
  /** Nothing late, failed or stale, but FINRA's API failed for a due week (source_problem). */
  sourceProblem: 5,
} as const;

export const SOURCE_UNAVAILABLE = 'SOURCE_UNAVAILABLE';

export interface CaptureFact {
  readonly capture_id: string;
  readonly captured_at: string;
  readonly source_last_update_date: string | null;
}

export interface RunFact {
  readonly execution_id: string;
  readonly pipeline: string;
  readonly status: string;
  readonly error_code: string | null;
  readonly error_message: string | null;
  readonly created_at: string;
}

export interface WeekFacts {
  readonly due: WeekDue;
  /** The latest published capture as of `now`. */
  readonly capture: CaptureFact | null;
  /** The newest earlier capture with other source data, when `capture` replaced one. */
  readonly replaced: CaptureFact | null;
  /** The latest run for the week (or the tier's latest sync, whichever is newer) as of `now`. */
  readonly lastRun: RunFact | null;
  /** Derived datasets of `capture` computed from superseded captures. */
  readonly staleDatasets: number;
}

export function weekFlags(f: WeekFacts, now: Date): WeekState[] {
  const flags = new Set<WeekState>();
  const due = isDue(f.due, now);
  if (f.capture) {
    flags.add('published');
    if (f.replaced) flags.add('revised');
    if (f.staleDatasets > 0) flags.add('stale');
  } else if (!due) flags.add('not_yet_due');
  else if (!isPastGrace(f.due, now)) flags.add('due');
  else flags.add('late');
  if (f.lastRun?.status === 'failed') {
    if (f.lastRun.error_code !== SOURCE_UNAVAILABLE) flags.add('failed');
    else if (due && !f.capture) {
      flags.add('source_problem');
      flags.delete('late');
    }
  }
  return STATE_PRECEDENCE.filter((s) => flags.has(s));
}

/** The state a table shows: the flag that comes first in STATE_PRECEDENCE. */
export function primaryState(flags: readonly WeekState[]): WeekState {
  return STATE_PRECEDENCE.find((s) => flags.includes(s)) ?? 'not_yet_due';
}

/** A week with no published capture past its grace: a freshness incident (late, failed or source problem). */
export function isMissingPastGrace(f: WeekFacts, now: Date): boolean {
  return f.capture === null && isPastGrace(f.due, now);
}

/** The exit code for a set of weeks' flags. */
export function statusExitCode(flagSets: readonly (readonly WeekState[])[]): number {
  const all = new Set(flagSets.flat());
  if ([...ATTENTION_STATES].some((s) => all.has(s))) return STATUS_EXIT_CODES.attention;
  if (all.has('source_problem')) return STATUS_EXIT_CODES.sourceProblem;
  return STATUS_EXIT_CODES.ok;
}
