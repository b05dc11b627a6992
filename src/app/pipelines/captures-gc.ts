import { LIVENESS } from '../../contracts/liveness.js';
import { applyGc, planGc } from '../../core/captures/gc.js';
import type { GcPlan } from '../../core/captures/gc.js';
import { pruneExecutions } from '../../core/execution/history.js';
import { logStep } from '../../core/logging/span.js';
import type { Params } from '../../core/pipeline/params.js';
import type { PipelineDefinition } from '../../core/pipeline/types.js';
import { OTC_CAPTURE_TABLES, OTC_DOMAIN } from '../../domains/otc/constants.js';
import { normalizeTier } from '../../domains/otc/tiers.js';

export const GC_PIPELINE = 'captures.gc';
const ABANDONED_AFTER_MS = 24 * 3_600_000;

/** How long gc keeps a dead run's staged capture (`SPINE_ABANDONED_GRACE_MS`, default 10 minutes). */
function abandonedGraceMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['SPINE_ABANDONED_GRACE_MS'];
  const n = raw === undefined || raw === '' ? Number.NaN : Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : LIVENESS.abandonedCaptureGraceMs;
}

export function gcPlanFor(db: Parameters<typeof planGc>[0], params: Params, now: Date): GcPlan {
  return planGc(db, OTC_CAPTURE_TABLES, {
    domain: OTC_DOMAIN,
    keep: params['keep'] as number,
    week: params['week_ending'] as string | undefined,
    tier: params['tier'] as string | undefined,
    abandonedBefore: new Date(now.getTime() - ABANDONED_AFTER_MS).toISOString(),
    now,
    graceMs: abandonedGraceMs(),
  });
}

/**
 * Capture garbage collection as a pipeline, so every gc is an execution with events (run by
 * `spine captures gc` on the sync backend, or by the Temporal schedule in the background).
 */
export const capturesGcPipeline: PipelineDefinition = {
  name: GC_PIPELINE,
  description: 'Delete all but the N newest published captures per week and tier; prune old execution history',
  domain: OTC_DOMAIN,
  params: [
    {
      name: 'keep',
      type: 'int',
      min: 1,
      default: 3,
      description: 'Published captures kept per (week, tier); the latest always stays',
    },
    { name: 'week_ending', type: 'date', description: 'Only this week' },
    {
      name: 'tier',
      type: 'enum',
      choices: ['OTC', 'NMS_TIER_1', 'NMS_TIER_2'],
      normalize: normalizeTier,
      description: 'Only this tier',
    },
    {
      name: 'retention_days',
      type: 'int',
      min: 1,
      description: 'Prune finished executions older than this (default SPINE_EVENTS_RETENTION_DAYS or 90)',
    },
  ],
  logicalKey: () => 'gc',
  stages: [
    {
      name: 'collect',
      description: 'Plan and delete old captures in one transaction',
      retryClass: 'db',
      async run(ctx) {
        const plan = await logStep(ctx.log, 'gc.plan', (span) => {
          const p = gcPlanFor(ctx.db, ctx.params, ctx.clock.now());
          span.addMetrics({ candidates: p.candidates.length, rows_total: p.rows_total });
          return p;
        });
        const result = await logStep(ctx.log, 'gc.delete', (span) => {
          const r = applyGc(ctx.db, OTC_CAPTURE_TABLES, plan, ctx.clock.now(), {
            executionId: ctx.execution.executionId,
            fence: ctx.checkFence,
            graceMs: abandonedGraceMs(),
          });
          span.addMetrics({ captures_deleted: r.deleted.length });
          return r;
        });
        const rowsOut = Object.values(result.rows).reduce((a, b) => a + b, 0);
        return {
          state: {
            deleted_captures: result.deleted,
            rows_deleted: result.rows,
            protected: plan.protected,
            keep: plan.keep,
          },
          metrics: { captures_deleted: result.deleted.length, rows_deleted: rowsOut },
          rowsOut,
        };
      },
    },
    {
      name: 'prune_events',
      description: 'Delete finished executions and events past their retention',
      retryClass: 'db',
      run(ctx) {
        const days =
          (ctx.params['retention_days'] as number | undefined) ??
          Number(process.env['SPINE_EVENTS_RETENTION_DAYS'] ?? 90);
        const cutoff = new Date(ctx.clock.now().getTime() - days * 86_400_000).toISOString();
        const r = pruneExecutions(ctx.db, cutoff, false);
        return Promise.resolve({
          state: { executions_pruned: r.executions, events_pruned: r.events },
          metrics: { ...r },
        });
      },
    },
  ],
};
