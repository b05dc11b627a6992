import { Args, Flags } from '@oclif/core';
import { SpineCommand } from '../base-command.js';
import type { ExecutionRecord } from '../../core/execution/execution-store.js';
import type { DryRunPreview } from '../../core/dispatch/dispatcher.js';
import { failedRunError } from '../output/execution-outcome.js';
import { ErrorCodes, SpineError } from '../../core/errors.js';
import type { PipelineDefinition } from '../../core/pipeline/types.js';
import { didYouMean } from '../../core/suggest.js';
import { renderExecutionSummary } from '../output/execution-summary.js';
import { checkDeclared, labelFor, relabel, RUN_FLAG_PARAMS } from '../run-params.js';

/** A background run also carries the Temporal Web UI link of its workflow. */
export type RunResult = ExecutionRecord | (ExecutionRecord & { readonly webUiUrl: string }) | DryRunPreview;

export default class Run extends SpineCommand<RunResult> {
  static override description = `Run a pipeline through the dispatcher.
Pipelines and their parameters: spine pipelines list, spine pipelines describe <name>.
Everything that can be checked without reading data (the week is a Friday, the tier, the file exists and is
readable, the parameters are known) is checked before the run is recorded: such errors exit 2 and leave no
execution behind. On a terminal the run shows one progress line and then its summary (logs go to the log
file the summary names; --verbose puts them on stderr).`;
  static override strict = false;
  static override examples = [
    '<%= config.bin %> run finra.otc_transparency.week --file data/samples/finra_otc_weekly_otc_20251215.csv',
    '<%= config.bin %> run finra.otc_transparency.normalize_week --week 2025-12-12 --tier otc --force',
    '<%= config.bin %> run finra.otc_transparency.compute_rolling week_ending=2025-12-12 tier=OTC',
    '<%= config.bin %> run finra.otc_transparency.week --file data/samples/finra_otc_weekly_otc_20251222.csv --dry-run',
    '<%= config.bin %> run finra.otc_transparency.week --file data/samples/finra_otc_weekly_otc_20251222.csv --async --wait   # needs spine dev up',
  ];
  static override args = {
    name: Args.string({ required: true, description: 'Pipeline name (spine pipelines list)' }),
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
    const strayFlag = positional.find((a) => a.startsWith('-'));
    if (strayFlag) throw unknownRunFlag(strayFlag);
    // Precedence: friendly options > positional k=v > -p (domain-spec §14).
    const typed: Record<string, string | boolean> = {
      ...parseKeyValues(flags.param ?? []),
      ...parseKeyValues(positional),
    };
    const params: Record<string, string | boolean> = { ...typed };
    for (const [flag, param] of Object.entries(RUN_FLAG_PARAMS)) {
      const v = flags[flag as keyof typeof RUN_FLAG_PARAMS];
      if (v !== undefined && v !== false) {
        params[param] = v;
        delete typed[param];
      }
    }
    const lane = flags.async ? 'background' : ((flags.lane ?? 'normal') as 'normal');
    const spine = await this.spine();
    let def: PipelineDefinition | undefined;
    const { runWithProgress } = await import('../output/run-progress.js');
    let result: ExecutionRecord | DryRunPreview;
    let webUiUrl: string | undefined;
    try {
      def = spine.registry.get(args.name);
      checkDeclared(def, params, new Set(Object.keys(typed)));
      result = await runWithProgress(
        spine,
        {
          live: !this.jsonEnabled() && !flags['dry-run'] && !(await this.logsOnStderr()),
          log: (line) => this.logToStderr(line),
        },
        (onProgress) =>
          spine.dispatcher.submit(args.name, params, {
            lane,
            trigger: 'cli',
            dryRun: flags['dry-run'],
            wait: flags.wait,
            onProgress: (line) => {
              webUiUrl ??= /^Temporal workflow \S+: (\S+)$/.exec(line)?.[1];
              onProgress(line);
            },
          }),
      );
    } catch (err) {
      throw relabel(err, def, labelFor(new Set(Object.keys(typed))));
    }
    if ('dryRun' in result) {
      this.log(`Dry run: ${result.pipeline} on ${result.backend} (lane ${result.lane})`);
      this.log(`Stages: ${result.stages.join(' → ')}`);
      this.log(`Params: ${JSON.stringify(result.params)}`);
      return result;
    }
    this.log(renderExecutionSummary(result));
    if (webUiUrl) this.log(`Web UI:     ${webUiUrl}`);
    const logFile = this.logFileWritten();
    if (logFile) this.log(`Log:        ${logFile} (grep ${result.id.slice(0, 8)})`);
    const failed = failedRunError(result);
    if (failed) throw failed;
    return webUiUrl ? { ...result, webUiUrl } : result;
  }
}

/** `spine run` takes unknown words as key=value params, so a misspelled flag is caught here. */
function unknownRunFlag(typed: string): SpineError {
  const name = typed.split('=')[0] ?? typed;
  const flags = [...Object.keys(Run.flags), ...Object.keys(Run.baseFlags)].map((f) => `--${f}`);
  return new SpineError(ErrorCodes.INVALID_PARAMS, `Unknown flag ${name}.${didYouMean(name, flags, (s) => s)}`, {
    details: { flag: name, hint: 'spine run --help' },
  });
}
