import { Args, Flags } from '@oclif/core';
import { SpineCommand } from '../base-command.js';
import type { ExecutionRecord } from '../../core/execution/execution-store.js';
import type { DryRunPreview } from '../../core/dispatch/dispatcher.js';
import { failedRunError } from '../output/execution-outcome.js';
import { renderExecutionSummary } from '../output/execution-summary.js';

export type RunResult = ExecutionRecord | DryRunPreview;

export default class Run extends SpineCommand<RunResult> {
  static override description = 'Run a pipeline through the dispatcher';
  static override strict = false;
  static override examples = [
    '<%= config.bin %> run finra.otc_transparency.week --file data/samples/finra_otc_weekly_otc_20251215.csv',
    '<%= config.bin %> run finra.otc_transparency.normalize_week --week 2025-12-12 --tier otc --force',
    '<%= config.bin %> run finra.otc_transparency.compute_rolling week_ending=2025-12-19 tier=OTC',
    '<%= config.bin %> run finra.otc_transparency.week --file F --async --wait',
  ];
  static override args = {
    name: Args.string({ required: true, description: 'Pipeline name' }),
  };
  static override flags = {
    param: Flags.string({ char: 'p', multiple: true, description: 'Parameter as key=value (repeatable)' }),
    week: Flags.string({ aliases: ['week-ending'], description: 'week_ending (a Friday, YYYY-MM-DD)' }),
    tier: Flags.string({ description: 'Tier: OTC, NMS_TIER_1, NMS_TIER_2 (aliases otc, tier1, tier2 …)' }),
    file: Flags.string({ description: 'Input file (file_path)' }),
    from: Flags.string({ description: 'First week (backfill)' }),
    to: Flags.string({ description: 'Last week (backfill)' }),
    force: Flags.boolean({ description: 'Re-run stages that are already done (adds a new capture; keeps old ones)' }),
    'replace-capture': Flags.boolean({ description: "Replace the week/tier's latest capture instead of adding one" }),
    lane: Flags.string({ options: ['normal', 'backfill', 'slow', 'background'], description: 'Execution lane' }),
    'dry-run': Flags.boolean({ description: 'Validate and show what would run, without running' }),
    async: Flags.boolean({ description: 'Run in the background on Temporal (lane background) and return at once' }),
    wait: Flags.boolean({ description: 'With --async: follow the run and exit with its outcome' }),
  };

  async run(): Promise<RunResult> {
    const { args, flags, argv } = await this.parseWith(Run);
    const { parseKeyValues } = await import('../../core/pipeline/params.js');
    const positional = (argv as string[]).filter((a) => a !== args.name);
    const friendly: Record<string, string | boolean | undefined> = {
      week_ending: flags.week,
      tier: flags.tier,
      file_path: flags.file,
      from_week: flags.from,
      to_week: flags.to,
      force: flags.force ? true : undefined,
      replace_capture: flags['replace-capture'] ? true : undefined,
    };
    // Precedence: friendly options > positional k=v > -p (domain-spec §14).
    const params: Record<string, string | boolean> = {
      ...parseKeyValues(flags.param ?? []),
      ...parseKeyValues(positional),
    };
    for (const [k, v] of Object.entries(friendly)) if (v !== undefined) params[k] = v;
    const lane = flags.async ? 'background' : ((flags.lane ?? 'normal') as 'normal');
    const spine = await this.spine();
    const result = await spine.dispatcher.submit(args.name, params, {
      lane,
      trigger: 'cli',
      dryRun: flags['dry-run'],
      wait: flags.wait,
      onProgress: (line) => this.logToStderr(line),
    });
    if ('dryRun' in result) {
      this.log(`Dry run: ${result.pipeline} on ${result.backend} (lane ${result.lane})`);
      this.log(`Stages: ${result.stages.join(' → ')}`);
      this.log(`Params: ${JSON.stringify(result.params)}`);
      return result;
    }
    this.log(renderExecutionSummary(result));
    const failed = failedRunError(result);
    if (failed) throw failed;
    return result;
  }
}
