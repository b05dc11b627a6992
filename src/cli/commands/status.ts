import { Flags } from '@oclif/core';
import type { StatusResult } from '../../app/status.js';
import { SpineCommand } from '../base-command.js';
import { formatFlag, tierFlag, wideFlag } from '../flags.js';
import { toJsonText } from '../output/json.js';

export default class Status extends SpineCommand<StatusResult> {
  static override description = [
    "Freshness of every tier's weeks: published, not yet due, due, late, failed, revised, stale or source problem",
    '',
    "Each week is due on the first trading day on or after week_ending + the tier's lag (core_expected_schedules) and late from the end of that day plus the grace. Without --now the check records weeks that became late or recovered (FRESHNESS anomalies) and fires the alert hooks once per change; --now alone only reads (add --record to record).",
    '',
    "Exit codes: 0 nothing late, failed or stale; 4 some week is late, failed or stale; 5 nothing late, failed or stale, but FINRA's API was unavailable for a due week (source problem); 2 bad flags; 3 database unusable. See docs/autopilot.md.",
  ].join('\n');
  static override examples = [
    '<%= config.bin %> status   # exit 4 when a week is late, failed or stale; exit 5 for FINRA source problems only',
    '<%= config.bin %> status --tier otc --weeks 26   # exit 4 when a week is late, failed or stale',
    '<%= config.bin %> status --from 2025-11-07 --to 2025-12-19 --json   # exit 4 when a week is late, failed or stale',
    '<%= config.bin %> status --now 2026-01-12T09:00:00Z   # what it said then (reads only); exit 4 when a week was late',
  ];
  static override flags = {
    tier: tierFlag,
    weeks: Flags.integer({ min: 1, max: 520, description: 'The newest N due weeks per tier (default 12)' }),
    from: Flags.string({ description: 'First week ending (a Friday); with --to, a fixed range' }),
    to: Flags.string({ description: 'Last week ending (a Friday); may be a week not yet due' }),
    now: Flags.string({
      description: 'Evaluate as of this ISO instant or date (what status said then); reads only unless --record',
    }),
    record: Flags.boolean({
      allowNo: true,
      description: 'Record late/recovered incidents and alert (default: on without --now, off with --now)',
    }),
    wide: wideFlag,
    format: formatFlag,
  };

  async run(): Promise<StatusResult> {
    const { flags } = await this.parseWith(Status);
    const [{ runStatus }, { parseInstant }, { normalizeTier }, { renderStatus }] = await Promise.all([
      import('../../app/status.js'),
      import('../../core/time-window.js'),
      import('../../domains/otc/tiers.js'),
      import('../output/status-report.js'),
    ]);
    const spine = await this.spine();
    const now = flags.now ? new Date(parseInstant('--now', flags.now, spine.clock.now())) : spine.clock.now();
    const result = await runStatus(spine, {
      now,
      tier: flags.tier ? normalizeTier(flags.tier) : undefined,
      weeks: flags.weeks,
      from: flags.from,
      to: flags.to,
      record: flags.record ?? flags.now === undefined,
    });
    if (this.jsonEnabled()) {
      // printed by the base command
    } else if (flags.format === 'json') this.log(toJsonText(result));
    else this.log(renderStatus(result, flags.format));
    process.exitCode = result.exit_code;
    return result;
  }
}
