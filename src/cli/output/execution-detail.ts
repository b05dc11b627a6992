import type { ExecutionDetail } from '../../core/execution/history.js';
import { renderExecutionSummary } from './execution-summary.js';
import { renderObjects } from './table.js';

/** `spine executions show` for humans: summary, stages, errors, captures, children, timeline. */
export function renderExecutionDetail(d: ExecutionDetail): string {
  const out = [renderExecutionSummary(d.execution, d.state), `Params:     ${JSON.stringify(d.execution.params)}`];
  out.push(
    `Attempts:   ${d.execution.attempts}  Trigger: ${d.execution.triggerSource}  Batch: ${d.execution.batchId ?? '-'}`,
  );
  if (d.execution.parentExecutionId) out.push(`Parent:     ${d.execution.parentExecutionId}`);
  if (d.stages.length > 0) {
    out.push('\nStages:');
    out.push(
      renderObjects(
        d.stages.map((s) => ({
          stage: s.stage,
          status: s.status,
          attempts: s.attempts,
          started_at: s.started_at,
          duration_ms: s.duration_ms,
          rows_in: s.rows_in,
          rows_out: s.rows_out,
          error: s.error,
        })),
      ),
    );
  }
  if (d.errors.length > 0) {
    out.push('\nErrors:');
    for (const e of d.errors)
      out.push(`  ${e.at} stage ${e.stage ?? '-'} attempt ${e.attempt}: [${e.type ?? 'ERROR'}] ${e.message ?? ''}`);
  }
  if (d.captures_produced.length > 0) {
    out.push('\nCaptures produced:');
    for (const c of d.captures_produced) out.push(`  ${c.capture_id} (${c.status})`);
  }
  if (d.captures_consumed.length > 0)
    out.push(`\nCaptures consumed:\n${d.captures_consumed.map((c) => `  ${c}`).join('\n')}`);
  if (d.children.length > 0) {
    out.push('\nChild executions:');
    out.push(
      renderObjects(
        d.children.map((c) => ({
          id: c.id.slice(0, 8),
          pipeline: c.pipeline,
          status: c.status,
          week: c.week_ending,
          error: c.error_message,
        })),
      ),
    );
  }
  out.push('\nTimeline:');
  for (const e of d.events) {
    if (e.event_type === 'progress') continue;
    const extra = e.error_message
      ? ` — ${e.error_type}: ${e.error_message}`
      : e.rows_out !== null
        ? ` rows_out=${e.rows_out}`
        : '';
    out.push(
      `  ${e.at}  ${e.event_type.padEnd(15)} ${e.stage ?? ''}${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}${extra}`,
    );
  }
  const progress = d.events.filter((e) => e.event_type === 'progress').length;
  if (progress > 0) out.push(`  (${progress} progress events; --json lists them)`);
  return out.join('\n');
}
