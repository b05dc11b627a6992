import { Args, Flags } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';
import { formatFlag, TABLE_ROWS, wideFlag } from '../../flags.js';
import { resolveSelectors, selectorFlags } from '../../selectors.js';
import { renderRows } from '../../output/emit.js';
import { toJsonText } from '../../output/json.js';
import type { DatasetResult } from '../../../domains/otc/query/query-service.js';

export default class Query extends SpineCommand<DatasetResult> {
  static override description = `Point-in-time read of a dataset: what did FINRA say about week W, as of capture C.

Datasets: otc.summary, otc.venue_volume, otc.venue_share, otc.symbol_venue_volume, otc.symbol_venue_share,
otc.hhi, otc.tier_share, otc.rolling, otc.raw, otc.rejects, otc.quality (aliases: summary, symbols, rejects,
quality, venues). See also: spine query weeks, spine query sql.

--as-of reads captured_at, the moment this database captured the data ('latest', now, 2h, 7d, a date, an
ISO instant, or a capture id); --published-as-of reads FINRA's own publication date.
Tables show ${TABLE_ROWS} rows (--all for every row) with shares as percentages; --json and --format csv carry
every row and column, shares as fractions of 1.`;
  static override examples = [
    '<%= config.bin %> query otc.summary --week=2025-12-19 --as-of=latest',
    '<%= config.bin %> query otc.venue_share --week 2025-12-12 --tier otc --as-of now',
    '<%= config.bin %> query otc.venue_share --week 2025-12-12 --tier otc --as-of 7d   # as this database knew it a week ago (exit 2 if it knew nothing yet)',
    '<%= config.bin %> query otc.hhi --week 2025-12-12 --published-as-of 2025-12-20',
    '<%= config.bin %> query otc.summary --from 2025-12-12 --to 2025-12-19 --symbol AABB --format csv',
    '<%= config.bin %> query rejects --as-of <capture-id>',
  ];
  static override args = { dataset: Args.string({ required: true, description: 'Dataset name' }) };
  static override flags = {
    ...selectorFlags,
    top: Flags.integer({ min: 1, description: 'At most N rows' }),
    'order-by': Flags.string({ description: 'Column to sort by, optionally followed by asc|desc' }),
    all: Flags.boolean({ description: `Tables: show every row (default: the first ${TABLE_ROWS})` }),
    wide: wideFlag,
    format: formatFlag,
  };

  async run(): Promise<DatasetResult> {
    const { args, flags } = await this.parseWith(Query);
    const { queryDataset, noCaptureError } = await import('../../../domains/otc/query/query-service.js');
    const { weeks, tier, asOf } = await resolveSelectors(flags);
    const spine = await this.spine();
    const request = {
      dataset: args.dataset,
      weeks,
      tier,
      symbol: flags.symbol,
      mpid: flags.mpid,
      asOf,
      top: flags.top,
      orderBy: flags['order-by'],
    };
    const result = queryDataset(spine.db, request);
    if (result.captures.length === 0) throw noCaptureError(spine.db, request, result);
    if (this.jsonEnabled()) {
      // --json prints the returned result; building the human table would be wasted work.
    } else if (flags.format === 'json') {
      this.log(toJsonText(result));
    } else if (flags.format === 'csv') {
      this.log(renderRows(result.rows, 'csv'));
    } else {
      for (const c of result.captures) {
        this.log(
          `# ${c.week_ending} ${c.tier}: capture ${c.capture_id} captured_at ${c.captured_at} source ${c.source_last_update_date ?? '-'}`,
        );
      }
      const oneCapture = result.captures.length === 1;
      const rows = flags.wide ? result.rows : result.rows.map((r) => humanColumns(r, oneCapture));
      this.log(
        renderRows(rows, 'table', {
          ...(flags.all || flags.top ? {} : { limit: TABLE_ROWS }),
          allHint: '--all shows every row, --top N the first N, --format csv all of them',
        }),
      );
      this.log(`\n${result.count.toLocaleString('en-US')} row(s) from ${result.dataset} as of ${result.as_of}`);
    }
    return result;
  }
}

/** Lineage and audit columns: in --json, --format csv and --wide tables, not in the default table. */
const AUDIT = new Set([
  'execution_id',
  'batch_id',
  'capture_id',
  'captured_at',
  'calculated_at',
  'normalized_at',
  'ingested_at',
  'source_last_update_date',
  'record_hash',
  'calc_name',
  'calc_version',
  'input_capture_ids',
  'input_min_capture_id',
  'input_max_capture_id',
]);

/** Tables for humans drop the audit columns (and week and tier, when the header line already says them). */
function humanColumns(row: Record<string, unknown>, oneCapture: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (AUDIT.has(k) || (oneCapture && (k === 'week_ending' || k === 'tier'))) continue;
    out[k] = v;
  }
  return out;
}
