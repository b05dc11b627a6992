import { Args, Flags } from '@oclif/core';
import type { ExportResult } from '../../../app/export/export-dataset.js';
import { SpineCommand } from '../../base-command.js';
import { resolveSelectors, selectorFlags } from '../../selectors.js';

export default class Export extends SpineCommand<ExportResult> {
  static override description = `Export a dataset to Parquet, CSV or JSON Lines with a manifest that proves what was exported.

Takes the selectors of spine query (the same captures answer). Writes the data files (one, or one per week
and tier with --partition) and manifest.json: selectors, the capture behind each week and tier with its
three clocks, row counts, column names and types, SHA-256 of every file. The directory appears only when
complete. Check it later with: spine export verify DIR. See docs/exports.md.`;
  static override examples = [
    '<%= config.bin %> export otc.venue_volume --week 2025-12-19 --out exports/2025-12-19 --force',
    '<%= config.bin %> export otc.summary --from 2025-12-12 --to 2025-12-19 --format csv --out exports/summary --force',
    '<%= config.bin %> export otc.venue_volume --published-as-of 2025-12-22 --partition --out exports/published-1222 --force',
  ];
  static override args = { dataset: Args.string({ required: true, description: 'Dataset name (as in spine query)' }) };
  static override flags = {
    ...selectorFlags,
    format: Flags.string({ options: ['parquet', 'csv', 'jsonl'], default: 'parquet', description: 'File format' }),
    out: Flags.string({
      required: true,
      description: 'Directory to create (missing or empty; see --force); missing parents are created',
    }),
    force: Flags.boolean({ default: false, description: 'Replace --out if it is not empty' }),
    partition: Flags.boolean({ default: false, description: 'One file per week and tier' }),
  };

  async run(): Promise<ExportResult> {
    const { args, flags } = await this.parseWith(Export);
    const [{ exportDataset }, { systemClock }] = await Promise.all([
      import('../../../app/export/export-dataset.js'),
      import('../../../core/clock.js'),
    ]);
    const selectors = await resolveSelectors(flags);
    const spine = await this.spine();
    const result = await exportDataset(
      spine.db,
      {
        dataset: args.dataset,
        ...selectors,
        selectors: {
          week: flags.week ?? null,
          from: flags.from ?? null,
          to: flags.to ?? null,
          tier: flags.tier ?? null,
          symbol: flags.symbol ?? null,
          mpid: flags.mpid ?? null,
          as_of: flags['as-of'],
          published_as_of: flags['published-as-of'] ?? null,
        },
        format: flags.format as 'parquet' | 'csv' | 'jsonl',
        out: flags.out,
        force: flags.force,
        partition: flags.partition,
      },
      { productVersion: this.config.version, clock: systemClock },
    );
    if (!this.jsonEnabled()) {
      const m = result.manifest;
      for (const c of m.captures) {
        this.log(
          `# ${c.week_ending} ${c.tier}: capture ${c.capture_id} captured_at ${c.captured_at} source ${c.source_last_update_date ?? '-'} (${c.rows} rows)`,
        );
      }
      for (const f of m.files) this.log(`${f.path}  ${f.rows} rows  ${f.bytes} bytes  sha256 ${f.sha256}`);
      this.log(`\n${m.row_count} row(s) of ${m.dataset} as of ${m.as_of} exported to ${result.out} (${m.format})`);
    }
    return result;
  }
}
