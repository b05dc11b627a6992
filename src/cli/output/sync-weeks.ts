import type { ExecutionRecord } from '../../core/execution/execution-store.js';
import type { SyncWeekRow } from '../../domains/otc/sync/source-checks.js';
import { renderExecutionSummary } from './execution-summary.js';
import { renderObjects } from './table.js';

/** `spine sync`'s table: one line per (tier, week) asked, then the counts and the execution summary. */
export function renderSyncWeeks(
  execution: ExecutionRecord,
  weeks: readonly SyncWeekRow[],
  options: { wide?: boolean } = {},
): string {
  const table =
    weeks.length === 0
      ? 'No week to ask about: every due week in range is captured and outside the revision window.'
      : renderObjects(
          weeks.map((w) => ({
            tier: w.tier,
            week: w.week_ending,
            outcome: w.outcome,
            capture: w.capture_id ?? (w.outcome === 'unchanged' ? w.previous_capture_id : null) ?? '',
            source_date: w.source_last_update_date ?? '',
            requests: w.requests,
            why: w.error ?? w.reason ?? '',
          })),
          options.wide ? { width: null } : {},
        );
  const n = (o: string): number => weeks.filter((w) => w.outcome === o).length;
  const counts = `${weeks.length} week(s) asked: ${n('published')} published, ${n('unchanged')} unchanged, ${n('absent')} absent, ${n('failed')} failed; ${weeks.reduce((a, w) => a + w.requests, 0)} request(s)`;
  // The per-week table replaces the summary's own `weeks` and `counts`; the plans stay (range per tier).
  const { weeks: _w, counts: _c, ...rest } = execution.result ?? {};
  const summary = renderExecutionSummary({ ...execution, result: execution.result ? rest : null });
  return `${table}\n${counts}\n\n${summary}`;
}
