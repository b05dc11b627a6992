import { Flags } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';
import { formatFlag, limitFlag, sinceFlag, tierFlag, untilFlag, weekFlag, wideFlag } from '../../flags.js';
import { renderRows } from '../../output/emit.js';
import { toJsonText } from '../../output/json.js';
import type { ExecutionListItem } from '../../../core/execution/history.js';

export default class ExecutionsList extends SpineCommand<{ executions: ExecutionListItem[]; count: number }> {
  static override description = 'List executions, newest first';
  static override examples = [
    '<%= config.bin %> executions list --status failed --since 7d',
    '<%= config.bin %> executions list --pipeline finra.otc_transparency.week --week 2025-12-12 --format csv',
  ];
  static override flags = {
    status: Flags.string({
      options: ['pending', 'running', 'abandoned', 'completed', 'failed', 'cancelled'],
      description: 'Only this status (abandoned: open, but its owner is gone)',
    }),
    since: sinceFlag,
    until: untilFlag,
    pipeline: Flags.string({ description: 'Only this pipeline' }),
    week: weekFlag,
    tier: tierFlag,
    limit: limitFlag,
    wide: wideFlag,
    format: formatFlag,
  };

  async run(): Promise<{ executions: ExecutionListItem[]; count: number }> {
    const { flags } = await this.parseWith(ExecutionsList);
    const [{ countExecutions, listExecutions }, { parseInstant }, { normalizeTier }, { assertFriday }] =
      await Promise.all([
        import('../../../core/execution/history.js'),
        import('../../../core/time-window.js'),
        import('../../../domains/otc/tiers.js'),
        import('../../../core/week-ending.js'),
      ]);
    const now = new Date();
    const filter = {
      status: flags.status,
      since: flags.since ? parseInstant('since', flags.since, now) : undefined,
      until: flags.until ? parseInstant('until', flags.until, now) : undefined,
      pipeline: flags.pipeline,
      week: flags.week ? assertFriday(flags.week, '--week') : undefined,
      tier: flags.tier ? normalizeTier(flags.tier) : undefined,
      limit: flags.limit,
    };
    const spine = await this.spine();
    const executions = listExecutions(spine.db, filter);
    if (this.jsonEnabled()) {
      // printed by the base command
    } else if (flags.format === 'json') this.log(toJsonText({ executions, count: executions.length }));
    else if (executions.length === 0) this.log(`No executions match.${await unknownPipelineNote(flags.pipeline)}`);
    else
      this.log(
        renderRows(
          executions.map((e) => ({
            id: flags.format === 'csv' ? e.id : e.id.slice(0, 8),
            pipeline: e.pipeline,
            status: e.status,
            week: e.week_ending,
            tier: e.tier,
            created_at: e.created_at,
            duration_ms: e.duration_ms,
            attempts: e.attempts,
            error: e.error_code ? `${e.error_code}${e.error_stage ? ` @${e.error_stage}` : ''}` : null,
          })),
          flags.format,
          {
            ...(executions.length === flags.limit ? { total: countExecutions(spine.db, filter) } : {}),
            allHint: '--limit N shows more',
          },
        ),
      );
    return { executions, count: executions.length };
  }
}

/** A filter on a pipeline that does not exist is most likely a typo: say so, with the nearest name. */
async function unknownPipelineNote(pipeline: string | undefined): Promise<string> {
  if (!pipeline) return '';
  const [{ defaultRegistry }, { didYouMean }] = await Promise.all([
    import('../../../app/registry.js'),
    import('../../../core/suggest.js'),
  ]);
  const registry = defaultRegistry();
  if (registry.has(pipeline)) return '';
  return ` No pipeline is named '${pipeline}'.${didYouMean(pipeline, registry.names(), (s) => s)}`;
}
