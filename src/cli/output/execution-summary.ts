import type { ExecutionRecord } from '../../core/execution/execution-store.js';
import { renderObjects } from './table.js';

const STATUS_MARK: Record<string, string> = {
  completed: '✓ Completed',
  failed: '✗ Failed',
  running: '… Running',
  pending: '… Pending',
  cancelled: '✗ Cancelled',
  abandoned: '✗ Abandoned (its owner is gone; a new run takes it over, `spine executions cancel` closes it)',
};

function durationSeconds(e: ExecutionRecord): string {
  if (!e.startedAt || !e.completedAt) return '-';
  return `${((new Date(e.completedAt).getTime() - new Date(e.startedAt).getTime()) / 1000).toFixed(2)}s`;
}

/** The human summary of one run: status, ids and the pipeline's result (scalars, then small tables). */
export function renderExecutionSummary(e: ExecutionRecord, state: string = e.status): string {
  const lines = [
    `Pipeline:   ${e.pipeline}`,
    `Execution:  ${e.id}`,
    `Status:     ${STATUS_MARK[state] ?? state}`,
    `Backend:    ${e.backend} (lane ${e.lane})`,
    `Duration:   ${durationSeconds(e)}`,
  ];
  if (e.owner && (e.status === 'running' || e.status === 'pending')) {
    const who = `${e.owner.kind} pid ${e.owner.pid} on ${e.owner.host}${e.owner.identity ? ` (${e.owner.identity})` : ''}`;
    lines.push(`Owner:      ${who}, lease until ${e.leaseExpiresAt ?? '-'}`);
  }
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
