import { Flags } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';
import { formatFlag, tierFlag, weekFlag, wideFlag } from '../../flags.js';
import { renderRows } from '../../output/emit.js';
import { toJsonText } from '../../output/json.js';
import type { CaptureListItem } from '../../../core/captures/capture-queries.js';

export default class CapturesList extends SpineCommand<{ captures: CaptureListItem[]; count: number }> {
  static override description = `List captures: week, tier, clocks, status, row counts, which one is latest, producing execution.
Tables print each capture by its short hash (the end of its id) and the execution by its first 8 characters:
every command that takes a capture or execution id accepts those.`;
  static override examples = [
    '<%= config.bin %> captures list',
    '<%= config.bin %> captures list --week 2025-12-12 --tier otc --format csv',
  ];
  static override flags = {
    week: weekFlag,
    tier: tierFlag,
    status: Flags.string({
      options: ['staged', 'published', 'superseded', 'deleted', 'failed'],
      description: 'Only this status',
    }),
    wide: wideFlag,
    format: formatFlag,
  };

  async run(): Promise<{ captures: CaptureListItem[]; count: number }> {
    const { flags } = await this.parseWith(CapturesList);
    const [{ listCaptures }, { normalizeTier }, { OTC_DOMAIN }, { assertFriday }] = await Promise.all([
      import('../../../core/captures/capture-queries.js'),
      import('../../../domains/otc/tiers.js'),
      import('../../../domains/otc/constants.js'),
      import('../../../core/week-ending.js'),
    ]);
    const spine = await this.spine();
    const captures = listCaptures(spine.db, {
      domain: OTC_DOMAIN,
      week: flags.week ? assertFriday(flags.week, '--week') : undefined,
      tier: flags.tier ? normalizeTier(flags.tier) : undefined,
      status: flags.status,
    });
    if (this.jsonEnabled()) {
      // printed by the base command
    } else if (flags.format === 'json') this.log(toJsonText({ captures, count: captures.length }));
    else if (captures.length === 0) this.log('No captures.');
    else
      this.log(
        renderRows(
          captures.map((c) => ({
            ...(flags.format === 'csv'
              ? { capture_id: c.capture_id }
              : { capture: c.capture_id.slice(c.capture_id.lastIndexOf(':') + 1) }),
            week: c.week_ending,
            tier: c.tier,
            captured_at: c.captured_at,
            source_date: c.source_last_update_date,
            status: c.status,
            latest: c.is_latest ? 'yes' : '',
            raw_rows: c.row_counts['finra_otc_transparency_raw'] ?? null,
            quality: c.quality_status,
            execution: flags.format === 'csv' ? c.execution_id : c.execution_id.slice(0, 8),
          })),
          flags.format,
        ),
      );
    return { captures, count: captures.length };
  }
}
