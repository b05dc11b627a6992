/** The queue the Spine worker polls and the client starts workflows on (`SPINE_TASK_QUEUE`). */
export const DEFAULT_TASK_QUEUE = 'spine-pipelines';

/** Env passed in explicitly: this module is also loaded inside the workflow sandbox, which has no `process`. */
export function taskQueueFrom(env: Readonly<Record<string, string | undefined>>): string {
  const q = env['SPINE_TASK_QUEUE']?.trim();
  return q ? q : DEFAULT_TASK_QUEUE;
}

/**
 * Workflow ids come from the business key, so two submissions of the same (pipeline, week, tier) map
 * to one id and `workflowIdConflictPolicy: USE_EXISTING` attaches the second to the running first.
 * Pipelines without a logical key (and fan-out children, see run-pipeline) fall back to the execution id.
 */
export function workflowIdFor(pipeline: string, logicalKey: string | null | undefined, executionId: string): string {
  return logicalKey ? `spine:${pipeline}:${logicalKey}` : `spine:${pipeline}:${executionId}`;
}

/** The Web UI page of a workflow. */
export function workflowUiUrl(uiBase: string, namespace: string, workflowId: string): string {
  return `${uiBase.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/** The worker's identity as Temporal shows it; `spine dev up` finds its worker among the pollers by it. */
export function workerIdentity(pid: number, host: string): string {
  return `spine-worker-${pid}@${host}`;
}
