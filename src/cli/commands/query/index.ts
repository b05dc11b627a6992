import { Args, Flags } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';
import { formatFlag } from '../../flags.js';
import { resolveSelectors, selectorFlags } from '../../selectors.js';
import { renderRows } from '../../output/emit.js';
import type { DatasetResult } from '../../../domains/otc/query/query-service.js';
import { ErrorCodes, SpineError } from '../../../core/errors.js';

export default class Query extends SpineCommand<DatasetResult> {
  static override description = `Point-in-time read of a dataset: what did FINRA say about week W, as of capture C.

Datasets: otc.summary, otc.venue_volume, otc.venue_share, otc.symbol_venue_volume, otc.symbol_venue_share,
otc.hhi, otc.tier_share, otc.rolling, otc.raw, otc.rejects, otc.quality (aliases: summary, symbols, rejects,
quality, venues). See also: spine query weeks, spine query sql.`;
  static override examples = [
    '<%= config.bin %> query otc.summary --week=2025-12-19 --as-of=latest',
    '<%= config.bin %> query otc.venue_share --week 2025-12-12 --tier otc --as-of 2025-12-20T00:00:00Z',
    '<%= config.bin %> query otc.summary --from 2025-12-12 --to 2025-12-19 --symbol AABB --format csv',
    '<%= config.bin %> query rejects --as-of finra.otc_transparency:OTC:2025-12-12:573eb9',
  ];
  static override args = { dataset: Args.string({ required: true, description: 'Dataset name' }) };
  static override flags = {
    ...selectorFlags,
    top: Flags.integer({ min: 1, description: 'At most N rows' }),
    'order-by': Flags.string({ description: 'Column to sort by, optionally followed by asc|desc' }),
    format: formatFlag,
  };

  async run(): Promise<DatasetResult> {
    const { args, flags } = await this.parseWith(Query);
    const { queryDataset } = await import('../../../domains/otc/query/query-service.js');
    const selectors = await resolveSelectors(flags);
    const { weeks } = selectors;
    const spine = await this.spine();
    const result = queryDataset(spine.db, {
      dataset: args.dataset,
      ...selectors,
      top: flags.top,
      orderBy: flags['order-by'],
    });
    if (result.captures.length === 0) {
      const what = result.as_of === 'latest' ? 'published' : `as of ${result.as_of}`;
      const where = `${weeks ? ` for week ${weeks.join(', ')}` : ''}${selectors.tier ? ` tier ${selectors.tier}` : ''}`;
      throw new SpineError(ErrorCodes.NOT_FOUND, `No capture ${what}${where}`, {
        details: { hint: 'spine captures list' },
      });
    }
    if (this.jsonEnabled()) {
      // --json prints the returned result; building the human table would be wasted work.
    } else if (flags.format === 'json') {
      this.log(JSON.stringify(result, null, 2));
    } else if (flags.format === 'csv') {
      this.log(renderRows(result.rows, 'csv'));
    } else {
      for (const c of result.captures) {
        this.log(
          `# ${c.week_ending} ${c.tier}: capture ${c.capture_id} captured_at ${c.captured_at} source ${c.source_last_update_date ?? '-'}`,
        );
      }
      this.log(renderRows(result.rows.map(humanColumns), 'table'));
      this.log(`\n${result.count} row(s) from ${result.dataset} as of ${result.as_of}`);
    }
    return result;
  }
}

/** Tables for humans drop the long audit columns; --json and --format csv keep everything. */
function humanColumns(row: Record<string, unknown>): Record<string, unknown> {
  const {
    execution_id: _e,
    batch_id: _b,
    capture_id: _c,
    captured_at: _a,
    calculated_at: _k,
    normalized_at: _n,
    ...rest
  } = row;
  return rest;
}
