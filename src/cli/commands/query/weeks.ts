import { SpineCommand } from '../../base-command.js';
import { formatFlag, limitFlag, tierFlag } from '../../flags.js';
import { renderRows } from '../../output/emit.js';
import type { WeekOverview } from '../../../domains/otc/query/weeks.js';

export default class QueryWeeks extends SpineCommand<{ weeks: WeekOverview[]; count: number }> {
  static override description =
    'Weeks with published data: latest capture, symbols, volume and how many captures exist';
  static override flags = { tier: tierFlag, limit: limitFlag, format: formatFlag };

  async run(): Promise<{ weeks: WeekOverview[]; count: number }> {
    const { flags } = await this.parseWith(QueryWeeks);
    const [{ listWeeks }, { normalizeTier }] = await Promise.all([
      import('../../../domains/otc/query/weeks.js'),
      import('../../../domains/otc/tiers.js'),
    ]);
    const spine = await this.spine();
    const weeks = listWeeks(spine.db, flags.tier ? normalizeTier(flags.tier) : undefined, flags.limit);
    if (flags.format === 'json') this.log(JSON.stringify({ weeks, count: weeks.length }, null, 2));
    else
      this.log(
        weeks.length > 0
          ? renderRows(weeks as unknown as Record<string, unknown>[], flags.format)
          : 'No published weeks yet.',
      );
    return { weeks, count: weeks.length };
  }
}
