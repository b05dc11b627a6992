import { Flags } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';
import { formatFlag, tierFlag, weekFlag } from '../../flags.js';
import { renderRows } from '../../output/emit.js';
import type { CaptureListItem } from '../../../core/captures/capture-queries.js';

export default class CapturesList extends SpineCommand<{ captures: CaptureListItem[]; count: number }> {
  static override description =
    'List captures: week, tier, clocks, status, row counts, which one is latest, producing execution';
  static override flags = {
    week: weekFlag,
    tier: tierFlag,
    status: Flags.string({
      options: ['staged', 'published', 'superseded', 'deleted', 'failed'],
      description: 'Only this status',
    }),
    format: formatFlag,
  };

  async run(): Promise<{ captures: CaptureListItem[]; count: number }> {
    const { flags } = await this.parseWith(CapturesList);
    const [{ listCaptures }, { normalizeTier }, { OTC_DOMAIN }] = await Promise.all([
      import('../../../core/captures/capture-queries.js'),
      import('../../../domains/otc/tiers.js'),
      import('../../../domains/otc/constants.js'),
    ]);
    const spine = await this.spine();
    const captures = listCaptures(spine.db, {
      domain: OTC_DOMAIN,
      week: flags.week,
      tier: flags.tier ? normalizeTier(flags.tier) : undefined,
      status: flags.status,
    });
    if (flags.format === 'json') this.log(JSON.stringify({ captures, count: captures.length }, null, 2));
    else if (captures.length === 0) this.log('No captures.');
    else
      this.log(
        renderRows(
          captures.map((c) => ({
            capture_id: c.capture_id,
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
