import type { ExecutionRecord } from '../../core/execution/execution-store.js';
import { formatInteger } from './format.js';
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
  const entries = Object.entries(e.result ?? {});
  // The result's keys line up with each other (they are often longer than the header labels above).
  const pad = Math.max(11, ...entries.map(([k]) => k.length + 2));
  for (const [k, v] of entries) {
    if (Array.isArray(v)) {
      if (v.length === 0) continue;
      if (typeof v[0] === 'object') tables.push(`\n${k}:\n${renderObjects(v as Record<string, unknown>[])}`);
      else lines.push(`${`${k}:`.padEnd(pad)} ${v.join(', ')}`);
    } else {
      lines.push(`${`${k}:`.padEnd(pad)} ${scalar(v)}`);
    }
  }
  return [...lines, ...tables].join('\n');
}

/** Integers exact with thousands separators; nothing as `-`; objects as JSON. */
function scalar(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))) return formatInteger(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
