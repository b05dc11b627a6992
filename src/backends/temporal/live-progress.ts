import { defaultPayloadConverter } from '@temporalio/common';
import { optionalTsToDate } from '@temporalio/common/lib/time.js';
import type { WorkflowExecutionDescription } from '@temporalio/client';
import type { StageHeartbeat } from '../../contracts/temporal/run-pipeline.js';
import { connectClient } from './connection.js';

export interface LiveActivity {
  readonly activityType: string;
  readonly attempt: number;
  readonly lastHeartbeatAt: string | null;
  readonly heartbeat: StageHeartbeat | null;
}

/**
 * The running stage activities of a workflow with their last heartbeat details, straight from
 * `describe()`: live progress that needs no query and no running worker.
 */
export function liveActivities(desc: WorkflowExecutionDescription): LiveActivity[] {
  return (desc.raw.pendingActivities ?? []).map((a) => {
    const payload = a.heartbeatDetails?.payloads?.[0];
    const at = optionalTsToDate(a.lastHeartbeatTime);
    return {
      activityType: a.activityType?.name ?? '',
      attempt: a.attempt ?? 1,
      lastHeartbeatAt: at ? at.toISOString() : null,
      heartbeat: payload ? defaultPayloadConverter.fromPayload<StageHeartbeat>(payload) : null,
    };
  });
}

/** One human progress line, e.g. `ingest › ingest.bulk_insert rows_in=150,000 (attempt 2)`. */
export function progressLine(a: LiveActivity): string | undefined {
  const hb = a.heartbeat;
  if (!hb) return undefined;
  const parts = [`${hb.stage} › ${hb.step}`];
  if (hb.rowsIn !== undefined) parts.push(`rows_in=${hb.rowsIn.toLocaleString('en-US')}`);
  if (hb.rowsOut !== undefined) parts.push(`rows_out=${hb.rowsOut.toLocaleString('en-US')}`);
  if (a.attempt > 1) parts.push(`(attempt ${a.attempt})`);
  return parts.join(' ');
}

/**
 * For `spine executions show` of a running background execution: the live heartbeat progress of its
 * workflow, or undefined when the server cannot be reached (SQLite still tells the story).
 */
export async function fetchLiveActivities(
  settings: { readonly address: string; readonly namespace: string },
  workflowId: string,
): Promise<LiveActivity[] | undefined> {
  const temporal = await connectClient(settings, 2_000).catch(() => undefined);
  if (!temporal) return undefined;
  try {
    return liveActivities(await temporal.client.workflow.getHandle(workflowId).describe());
  } catch {
    return undefined;
  } finally {
    await temporal.close();
  }
}
