import { Flags } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';
import { tierFlag, weekFlag, wideFlag } from '../../flags.js';
import { renderObjects } from '../../output/table.js';
import type { GcPlan } from '../../../core/captures/gc.js';
import type { ExecutionRecord } from '../../../core/execution/execution-store.js';
import { renderExecutionSummary } from '../../output/execution-summary.js';

export type GcResult = { dryRun: true; plan: GcPlan } | { dryRun: false; execution: ExecutionRecord };

export default class CapturesGc extends SpineCommand<GcResult> {
  static override description = `Delete all but the N newest published captures per (week, tier), then prune old execution history.
Never deletes a week's latest capture or one used by a running execution. Recorded as an execution (captures.gc).`;
  static override examples = [
    '<%= config.bin %> captures gc --keep=3 --dry-run',
    '<%= config.bin %> captures gc --keep=1 --week 2025-12-12 --tier otc',
  ];
  static override flags = {
    keep: Flags.integer({ min: 1, default: 3, description: 'Published captures kept per (week, tier)' }),
    week: weekFlag,
    tier: tierFlag,
    'dry-run': Flags.boolean({
      description: 'Print exactly what would be deleted (captures, rows per table); change nothing',
    }),
    wide: wideFlag,
  };

  async run(): Promise<GcResult> {
    const { flags } = await this.parseWith(CapturesGc);
    const spine = await this.spine();
    const params = { keep: flags.keep, week_ending: flags.week, tier: flags.tier };
    if (flags['dry-run']) {
      const [{ gcPlanFor, capturesGcPipeline }, { resolveParams }] = await Promise.all([
        import('../../../app/pipelines/captures-gc.js'),
        import('../../../core/pipeline/params.js'),
      ]);
      const plan = gcPlanFor(spine.db, resolveParams(capturesGcPipeline.params, params), new Date());
      this.log(
        plan.candidates.length === 0
          ? 'Nothing to delete.'
          : renderObjects(
              plan.candidates.map((c) => ({
                capture_id: c.capture_id,
                week: c.week_ending,
                tier: c.tier,
                status: c.status,
                reason: c.reason,
                rows: Object.values(c.rows).reduce((a, b) => a + b, 0),
                tables: Object.keys(c.rows).length,
              })),
            ),
      );
      if (plan.candidates.length > 0) {
        this.log('\nRows per table:');
        for (const c of plan.candidates) {
          const tables = Object.entries(c.rows).map(([t, n]) => `${t.replace('finra_otc_transparency_', '')}=${n}`);
          this.log(`  ${c.capture_id}\n    ${tables.join(' ')}`);
        }
      }
      for (const p of plan.protected) this.log(`kept ${p.capture_id}: ${p.reason}`);
      this.log(
        `\nDry run: would delete ${plan.candidates.length} capture(s), ${plan.rows_total} row(s); nothing was changed.`,
      );
      return { dryRun: true, plan };
    }
    const execution = (await spine.dispatcher.submit('captures.gc', params, { trigger: 'cli' })) as ExecutionRecord;
    this.log(renderExecutionSummary(execution));
    return { dryRun: false, execution };
  }
}
