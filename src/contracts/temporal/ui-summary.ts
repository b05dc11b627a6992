/**
 * One-line summaries the Temporal Web UI shows (user metadata): which pipeline, week and tier a workflow
 * runs, and which stage each activity is, instead of a timeline of identical `runStage` rows.
 * Pure and sandbox-safe: the workflow computes the activity summaries itself.
 */
const PARTITION = /^(OTC|NMS_TIER_1|NMS_TIER_2):(\d{4}-\d{2}-\d{2})/;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * `finra.otc_transparency.week · week 2025-12-12 · OTC · execution 9cd5b7f0`. Week and tier come from the
 * params, or from the partition's business key (`OTC:2025-12-12:file:…`) when the file decided them.
 */
export function workflowSummary(
  run: { readonly pipeline: string; readonly executionId: string; readonly params: Readonly<Record<string, unknown>> },
  logicalKey?: string | null,
): string {
  const key = logicalKey ? PARTITION.exec(logicalKey) : null;
  const week = text(run.params['week_ending']) ?? key?.[2];
  const tier = text(run.params['tier']) ?? key?.[1];
  return [run.pipeline, week ? `week ${week}` : undefined, tier, `execution ${run.executionId.slice(0, 8)}`]
    .filter((p): p is string => p !== undefined)
    .join(' · ');
}

/** `stage 3/8 aggregate`: the activity's line in the run's timeline. */
export function stageSummary(stage: string, index: number, count: number): string {
  return `stage ${index}/${count} ${stage}`;
}
