import type { ExecutionRecord } from '../../core/execution/execution-store.js';
import { renderObjects } from './table.js';

const STATUS_MARK: Record<string, string> = {
  completed: '✓ Completed',
  failed: '✗ Failed',
  running: '… Running',
  pending: '… Pending',
  cancelled: '✗ Cancelled',
};

function durationSeconds(e: ExecutionRecord): string {
  if (!e.startedAt || !e.completedAt) return '-';
  return `${((new Date(e.completedAt).getTime() - new Date(e.startedAt).getTime()) / 1000).toFixed(2)}s`;
}

/** The human summary of one run: status, ids and the pipeline's result (scalars, then small tables). */
export function renderExecutionSummary(e: ExecutionRecord): string {
  const lines = [
    `Pipeline:   ${e.pipeline}`,
    `Execution:  ${e.id}`,
    `Status:     ${STATUS_MARK[e.status] ?? e.status}`,
    `Backend:    ${e.backend} (lane ${e.lane})`,
    `Duration:   ${durationSeconds(e)}`,
  ];
  if (e.errorMessage)
    lines.push(
      `Error:      [${e.errorCode ?? 'ERROR'}] ${e.errorMessage}${e.errorStage ? ` (stage ${e.errorStage})` : ''}`,
    );
  const tables: string[] = [];
  for (const [k, v] of Object.entries(e.result ?? {})) {
    if (Array.isArray(v)) {
      if (v.length === 0) continue;
      if (typeof v[0] === 'object') tables.push(`\n${k}:\n${renderObjects(v as Record<string, unknown>[])}`);
      else lines.push(`${k.padEnd(11)} ${v.join(', ')}`);
    } else if (v !== null && typeof v === 'object') {
      lines.push(`${k.padEnd(11)} ${JSON.stringify(v)}`);
    } else {
      lines.push(`${(k + ':').padEnd(11)} ${String(v)}`);
    }
  }
  return [...lines, ...tables].join('\n');
}
