/**
 * `spine status` for people: one block per tier (its schedule and next due week, then a row per week,
 * newest first) and a summary line that says what the exit code means.
 */
import type { StatusResult } from '../../app/status.js';
import type { TierStatus, WeekStatus } from '../../domains/otc/freshness/status.js';
import { renderRows } from './emit.js';

const shortCapture = (id: string | null): string | null => (id === null ? null : id.slice(id.lastIndexOf(':') + 1));

/** `3d 4h`, `5h 12m`, `42m`: the age of a capture at the status instant. */
export function formatAge(seconds: number | null): string | null {
  if (seconds === null) return null;
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3_600);
  const m = Math.floor((seconds % 3_600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  return `${m}m`;
}

/** What a row says beyond its state: the other flags, the error, the stale inputs, the replaced capture. */
function note(w: WeekStatus): string | null {
  const parts: string[] = [];
  const others = w.flags.filter((f) => f !== w.state && f !== 'published');
  if (others.length > 0) parts.push(`also ${others.join(', ')}`);
  if (w.state === 'not_yet_due' || w.state === 'due') parts.push(`late after ${w.late_at}`);
  if (w.error_code) parts.push(`${w.error_code}: ${w.error_message ?? ''}`.trim());
  if (w.stale.length > 0) {
    const inputs = [...new Set(w.stale.map((s) => `${s.input_tier} ${s.input_week_ending}`))];
    parts.push(`${w.stale.length} stale dataset(s) from superseded ${inputs.join(', ')}`);
  }
  if (w.replaced_capture_id) parts.push(`replaced ${shortCapture(w.replaced_capture_id)}`);
  if (w.holidays_skipped.length > 0) parts.push(`due moved past ${w.holidays_skipped.join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : null;
}

function weekRow(w: WeekStatus, csv: boolean): Record<string, unknown> {
  return {
    ...(csv ? { tier: w.tier } : {}),
    week: w.week_ending,
    state: w.state,
    due: w.due_date,
    capture: csv ? w.capture_id : shortCapture(w.capture_id),
    source_date: w.source_last_update_date,
    captured_at: w.captured_at,
    age: csv ? w.age_seconds : formatAge(w.age_seconds),
    execution: csv ? w.last_execution_id : (w.last_execution_id?.slice(0, 8) ?? null),
    note: note(w),
  };
}

function tierHeader(t: TierStatus): string {
  return (
    `${t.tier}: lag ${t.lag_weeks} week${t.lag_weeks === 1 ? '' : 's'}, grace ${t.grace_hours} h, ${t.exchange_code} holidays; ` +
    `next due: week ${t.next_due.week_ending} on ${t.next_due.due_date}`
  );
}

const EXIT_MEANING: Readonly<Record<number, string>> = {
  0: 'exit 0: nothing late, failed or stale',
  4: 'exit 4: something is late, failed or stale',
  5: 'exit 5: FINRA source problems only',
};

export function renderStatus(r: StatusResult, format: string | undefined): string {
  if (format === 'csv')
    return renderRows(
      r.tiers.flatMap((t) => t.weeks.map((w) => weekRow(w, true))),
      'csv',
    );
  const out: string[] = [];
  if (r.tiers.length === 0) out.push('No enabled schedule (core_expected_schedules).');
  for (const t of r.tiers) {
    out.push(tierHeader(t));
    out.push(
      renderRows(
        t.weeks.map((w) => weekRow(w, false)),
        'table',
      ),
    );
    out.push('');
  }
  const counts = Object.entries(r.counts).map(([state, n]) => `${n} ${state}`);
  const weeks = r.tiers.reduce((a, t) => a + t.weeks.length, 0);
  out.push(
    `As of ${r.now}: ${weeks} week(s)${counts.length > 0 ? `: ${counts.join(', ')}` : ''}. ${EXIT_MEANING[r.exit_code] ?? `exit ${r.exit_code}`}.`,
  );
  if (r.incidents) {
    const { opened, recovered } = r.incidents;
    if (opened.length > 0)
      out.push(`Became late (alerted): ${opened.map((i) => `${i.tier} ${i.week_ending}`).join(', ')}`);
    if (recovered.length > 0)
      out.push(`Recovered (alerted): ${recovered.map((i) => `${i.tier} ${i.week_ending}`).join(', ')}`);
  }
  for (const w of r.warnings) out.push(`Warning: ${w}`);
  return out.join('\n');
}
