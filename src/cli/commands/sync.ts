import { Flags } from '@oclif/core';
import { SpineCommand } from '../base-command.js';
import { tierFlag, wideFlag } from '../flags.js';
import type { ExecutionRecord } from '../../core/execution/execution-store.js';
import type { SyncWeekRow } from '../../domains/otc/sync/source-checks.js';
import { failedRunError } from '../output/execution-outcome.js';

export interface SyncResult {
  readonly execution: ExecutionRecord;
  /** One row per (tier, week) the run asked the API about. */
  readonly weeks: readonly SyncWeekRow[];
}

export default class Sync extends SpineCommand<SyncResult> {
  static override description = `Bring the mirror up to date from the FINRA Query API (pipeline finra.otc_transparency.sync).
Per tier: the due weeks without a capture (the last --lookback due weeks, or every week from --from) and the
newest --revision-window weeks are fetched and compared with their latest capture (content hash and
lastUpdateDate). Only a week that changed gets a new capture; an unchanged week is recorded as checked.
$SPINE_FINRA_API_URL points at another API (e.g. node scripts/fake-finra-api.mjs). Exit 1 when a week could
not be settled (SOURCE_UNAVAILABLE when the API stayed unavailable after the retries).`;
  static override examples = [
    '<%= config.bin %> sync',
    '<%= config.bin %> sync --tier otc --lookback 4 --revision-window 2 --concurrency 2',
    '<%= config.bin %> sync --tier tier1 --revision-window 8 --json',
    '<%= config.bin %> sync --async --wait   # on the Temporal worker (spine dev up)',
  ];
  static override flags = {
    tier: tierFlag,
    from: Flags.string({ description: 'Fill history from this week (a Friday) on; re-runs skip captured weeks' }),
    lookback: Flags.integer({ min: 1, description: 'Without --from: due weeks to look back over (default 12)' }),
    'revision-window': Flags.integer({
      min: 0,
      description: 'Newest due weeks re-checked for revisions (default $SPINE_SYNC_REVISION_WINDOW or 4)',
    }),
    concurrency: Flags.integer({ min: 1, max: 16, description: 'Weeks fetched at a time (default 4)' }),
    'as-of': Flags.string({ description: "Today for the publication calendar (default the clock's UTC date)" }),
    async: Flags.boolean({ description: 'Run on Temporal (lane background) and return at once' }),
    wait: Flags.boolean({ description: 'With --async: follow the run and exit with its outcome' }),
    wide: wideFlag,
  };

  async run(): Promise<SyncResult> {
    const { flags } = await this.parseWith(Sync);
    const spine = await this.spine();
    const params: Record<string, string | number> = {};
    if (flags.tier !== undefined) params['tier'] = flags.tier;
    if (flags.from !== undefined) params['from_week'] = flags.from;
    if (flags.lookback !== undefined) params['lookback_weeks'] = flags.lookback;
    if (flags['revision-window'] !== undefined) params['revision_window'] = flags['revision-window'];
    if (flags.concurrency !== undefined) params['concurrency'] = flags.concurrency;
    if (flags['as-of'] !== undefined) params['as_of'] = flags['as-of'];
    const [{ runWithProgress }, { SourceChecks }, { renderSyncWeeks }] = await Promise.all([
      import('../output/run-progress.js'),
      import('../../domains/otc/sync/source-checks.js'),
      import('../output/sync-weeks.js'),
    ]);
    const execution = (await runWithProgress(
      spine,
      {
        live: !this.jsonEnabled() && !(await this.logsOnStderr()),
        log: (line) => this.logToStderr(line),
      },
      (onProgress) =>
        spine.dispatcher.submit('finra.otc_transparency.sync', params, {
          lane: flags.async ? 'background' : 'normal',
          trigger: 'cli',
          wait: flags.wait,
          onProgress,
        }),
    )) as ExecutionRecord;
    // Checks are read from SQLite, so a failed run still says what each week did. An attached run reports
    // the owner's weeks.
    const owner = (execution.result?.['attached_to'] as string | undefined) ?? execution.id;
    const weeks = new SourceChecks(spine.db).resultOf(owner);
    this.log(renderSyncWeeks(execution, weeks, { wide: flags.wide }));
    const failed = failedRunError(execution, { weeks });
    if (failed) throw failed;
    return { execution, weeks };
  }
}
