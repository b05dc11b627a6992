/**
 * Revision-aware recompute (issue 13; docs/autopilot.md "Revision-aware recompute"). After a new capture of
 * (tier, W) is published, every derived dataset that read the capture it replaced is stale
 * (findStaleDerived). Each stale partition gets a NEW capture that carries the source rows and untouched
 * datasets of its latest capture and recomputes the stale ones, published in one transaction; the old
 * capture stays published, so `--as-of` an earlier instant still answers with the values known then.
 */
import type { JsonObject, StageOutcome } from '../../../contracts/execution.js';
import type { Capture } from '../../../core/captures/capture-registry.js';
import { formatCapturedAt, formatUtc } from '../../../core/clock.js';
import type { Db } from '../../../core/db/open-database.js';
import { makeCaptureId } from '../../../core/ids.js';
import { logStep } from '../../../core/logging/span.js';
import type { StageContext } from '../../../core/pipeline/types.js';
import {
  datasetLabel,
  DERIVED_ROLLING,
  DERIVED_TIER_SHARE,
  planRecompute,
  revisionTouches,
} from '../calculations/revision-impact.js';
import type { RecomputeTarget, Touched } from '../calculations/revision-impact.js';
import { ROLLING_WINDOW_WEEKS } from '../calculations/rolling.js';
import { OTC_CAPTURE_TABLES, OTC_DOMAIN, OTC_TABLES } from '../constants.js';
import { LineageInsert } from '../repository/derived.js';
import { insertTierVolumeShares } from '../repository/set-based.js';
import { lineageOf, otcCaptures } from '../stages/otc-stage-context.js';
import { computeRollingFrom, ROLLING_COLUMNS, rollingValues, rollingWindowInputs } from '../stages/rolling.js';
import { crossTierInputs } from '../stages/symbol-venue-calcs.js';
import type { Tier } from '../tiers.js';
import { copyDerivedInputs, recordDerivedInputs } from './inputs.js';
import { findStaleDerived } from './stale.js';

/** What a recompute did for one partition: the run result, the log and the stage event all carry it. */
export interface Recomputed extends JsonObject {
  readonly week_ending: string;
  readonly tier: string;
  /** The new capture. */
  readonly capture_id: string;
  /** The capture it carries rows from; it stays published (history, --as-of). */
  readonly previous_capture_id: string;
  readonly datasets: string[];
  readonly reasons: string[];
  readonly rows: number;
}

const INPUTS_TABLE = 'core_derived_inputs';
const DATASETS: readonly string[] = [DERIVED_ROLLING, DERIVED_TIER_SHARE];

/** The revised partition a run recomputes for: the week pipeline's state, else the params (both optional). */
function revisedPartition(ctx: StageContext): { week_ending?: string; tier?: Tier } {
  const week = (ctx.state['week_ending'] ?? ctx.params['week_ending']) as string | undefined;
  const tier = (ctx.state['tier'] ?? ctx.params['tier']) as Tier | undefined;
  return { ...(week ? { week_ending: week } : {}), ...(tier ? { tier } : {}) };
}

/** What is stale now, within a revision's reach when the revised partition is known. */
function plan(
  db: Db,
  revised: { week_ending?: string; tier?: Tier },
): { targets: RecomputeTarget[]; touched?: Touched[] } {
  if (revised.week_ending === undefined || revised.tier === undefined) {
    return { targets: planRecompute(findStaleDerived(db, revised.tier ? { tier: revised.tier } : {})) };
  }
  const captures = new Set(
    (
      db
        .prepare(`SELECT week_ending || '|' || tier AS k FROM core_captures_latest WHERE domain = ?`)
        .all(OTC_DOMAIN) as { k: string }[]
    ).map((r) => r.k),
  );
  const touched = revisionTouches(
    { week_ending: revised.week_ending, tier: revised.tier },
    (week, tier) => captures.has(`${week}|${tier}`),
    ROLLING_WINDOW_WEEKS,
  );
  const weeks = [...new Set(touched.map((t) => t.week_ending))];
  return { targets: planRecompute(findStaleDerived(db, { weeks }), touched), touched };
}

function columnsOf(db: Db, table: string): string[] {
  return (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[])
    .map((c) => c.name)
    .filter((c) => c !== 'id');
}

/** Copies one table's rows of capture `from` to `to`, with the new capture's lineage on every row. */
function copyRows(db: Db, table: string, from: string, lineage: Record<string, string>): number {
  const cols = columnsOf(db, table);
  const values = cols.map((c) => (c in lineage ? `@${c}` : c));
  return db
    .prepare(
      `INSERT INTO ${table} (${cols.join(', ')}) SELECT ${values.join(', ')} FROM ${table} WHERE capture_id = @from`,
    )
    .run({ ...lineage, from }).changes;
}

/**
 * One target, one IMMEDIATE transaction (fence first): re-checks that it is still stale (another run may
 * have recomputed it), stages the new capture, copies the rows it carries, recomputes the stale datasets,
 * records their inputs and publishes. Returns undefined when there was nothing left to do.
 */
function recomputeOne(ctx: StageContext, target: RecomputeTarget): Recomputed | undefined {
  const captures = otcCaptures(ctx);
  return ctx.db
    .transaction((): Recomputed | undefined => {
      ctx.checkFence();
      const still = planRecompute(findStaleDerived(ctx.db, { tier: target.tier, weeks: [target.week_ending] })).find(
        (t) => t.capture_id === target.capture_id,
      );
      const old = captures.get(target.capture_id);
      if (!still || !old || old.status !== 'published') return undefined;
      const now = ctx.clock.now();
      const after = Date.parse(old.captured_at) + 1;
      const capturedAt = formatCapturedAt(new Date(Math.max(now.getTime(), after)));
      const captureId = makeCaptureId(OTC_DOMAIN, old.tier, old.week_ending, capturedAt);
      captures.createStaged({
        captureId,
        domain: OTC_DOMAIN,
        weekEnding: old.week_ending,
        tier: old.tier,
        capturedAt,
        sourceLastUpdateDate: old.source_last_update_date,
        source: 'recompute',
        executionId: ctx.execution.executionId,
        batchId: ctx.execution.batchId,
        contentHash: old.content_hash,
      });
      const labels = still.datasets.map(datasetLabel);
      ctx.db
        .prepare(`UPDATE core_captures SET base_capture_id = ?, row_counts = ?, status_reason = ? WHERE capture_id = ?`)
        .run(
          old.base_capture_id ?? old.capture_id,
          JSON.stringify(old.row_counts),
          `recomputed ${labels.join(', ')} of capture ${old.capture_id}`,
          captureId,
        );
      const staged = captures.get(captureId) as Capture;
      const lineage = {
        capture_id: captureId,
        captured_at: capturedAt,
        execution_id: ctx.execution.executionId,
        batch_id: ctx.execution.batchId,
      };
      for (const table of OTC_CAPTURE_TABLES) {
        if (table !== INPUTS_TABLE && !still.datasets.includes(table)) copyRows(ctx.db, table, old.capture_id, lineage);
      }
      copyDerivedInputs(
        ctx.db,
        old.capture_id,
        captureId,
        DATASETS.filter((d) => !still.datasets.includes(d)),
      );
      const recordedAt = formatUtc(now);
      let rows = 0;
      if (still.datasets.includes(DERIVED_ROLLING)) rows += recomputeRolling(ctx, staged, recordedAt);
      if (still.datasets.includes(DERIVED_TIER_SHARE)) rows += recomputeTierShare(ctx, staged, recordedAt);
      captures.publish(captureId, { qualityStatus: old.quality_status ?? 'PASS', fence: ctx.checkFence });
      return {
        week_ending: old.week_ending,
        tier: old.tier,
        capture_id: captureId,
        previous_capture_id: old.capture_id,
        datasets: labels,
        reasons: [...still.reasons],
        rows,
      };
    })
    .immediate();
}

function recomputeRolling(ctx: StageContext, capture: Capture, recordedAt: string): number {
  const inputs = rollingWindowInputs(ctx, capture, ROLLING_WINDOW_WEEKS);
  const { rows } = computeRollingFrom(ctx.db, inputs, capture.week_ending, ROLLING_WINDOW_WEEKS);
  const insert = new LineageInsert(
    ctx.db,
    DERIVED_ROLLING,
    ROLLING_COLUMNS,
    lineageOf(capture, ctx),
    'calculated_at',
    recordedAt,
  );
  for (const r of rows) insert.insert(rollingValues(r, inputs));
  recordDerivedInputs(ctx.db, capture.capture_id, DERIVED_ROLLING, inputs, recordedAt);
  otcCaptures(ctx).setRowCount(capture.capture_id, DERIVED_ROLLING, rows.length);
  return rows.length;
}

function recomputeTierShare(ctx: StageContext, capture: Capture, recordedAt: string): number {
  const others = crossTierInputs(ctx, capture);
  const ids = others.map((o) => o.capture_id);
  const n = insertTierVolumeShares(
    ctx.db,
    { weekEnding: capture.week_ending, tier: capture.tier as Tier, lineage: lineageOf(capture, ctx), now: recordedAt },
    ids,
    [capture.capture_id, ...ids].join(','),
  );
  recordDerivedInputs(ctx.db, capture.capture_id, OTC_TABLES.tierVolumeShare, others, recordedAt);
  otcCaptures(ctx).setRowCount(capture.capture_id, OTC_TABLES.tierVolumeShare, n);
  return n;
}

/**
 * The recompute stage: the last stage of the week pipeline (after publish) and the only stage of
 * `finra.otc_transparency.recompute_revision`. With a revised (week, tier) it looks only at what that
 * revision touches (revisionTouches); without, at everything stale (of the tier, when given). Idempotent:
 * nothing stale, nothing written.
 */
export async function recomputeRevisionStage(ctx: StageContext): Promise<StageOutcome> {
  const revised = revisedPartition(ctx);
  const { targets, touched } = await logStep(ctx.log, 'recompute.plan', (span) => {
    const p = plan(ctx.db, revised);
    span.addMetrics({ touched: p.touched?.length ?? null, stale_captures: p.targets.length });
    return p;
  });
  const done: Recomputed[] = [];
  for (const target of targets) {
    const r = await logStep(ctx.log, 'recompute.capture', (span) => {
      const out = recomputeOne(ctx, target);
      span.addMetrics({ week_ending: target.week_ending, tier: target.tier, rows_out: out?.rows ?? 0 });
      return out;
    });
    if (r) {
      ctx.log.info('recompute.published', r);
      done.push(r);
    }
    await ctx.yieldControl();
  }
  const weeks = done.map((d) => `${d.week_ending} ${d.tier} (${d.datasets.join(', ')})`);
  if (done.length > 0) ctx.log.info('recompute.done', { recomputed: weeks });
  return {
    state: {
      ...revised,
      recomputed: done,
      recompute_checked: touched ? touched.map((t) => `${t.week_ending} ${t.tier} ${datasetLabel(t.dataset)}`) : null,
    },
    metrics: { recomputed: done.length, weeks: weeks.join('; ') },
    rowsOut: done.reduce((n, d) => n + d.rows, 0),
  };
}
