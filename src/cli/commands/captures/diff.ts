import { Args, Flags } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';
import { formatFlag } from '../../flags.js';
import { renderRows } from '../../output/emit.js';
import type { CaptureDiff } from '../../../domains/otc/captures/diff.js';
import { ErrorCodes, SpineError } from '../../../core/errors.js';

export default class CapturesDiff extends SpineCommand<CaptureDiff> {
  static override description = 'Compare two captures by business key: rows added, removed and changed, with deltas';
  static override examples = [
    '<%= config.bin %> captures diff <old-capture-id> <new-capture-id>',
    '<%= config.bin %> captures diff A B --dataset otc.summary --format csv --limit 1000',
    '<%= config.bin %> captures diff A B --fail-on-change   # exit 1 when anything differs',
  ];
  static override args = {
    a: Args.string({ required: true, description: 'Old capture id' }),
    b: Args.string({ required: true, description: 'New capture id' }),
  };
  static override flags = {
    dataset: Flags.string({ options: ['otc.venue_volume', 'otc.summary'], default: 'otc.venue_volume' }),
    limit: Flags.integer({ min: 1, default: 100, description: 'Changes listed (summary counts are always complete)' }),
    'fail-on-change': Flags.boolean({ description: 'Exit with code 1 when the captures differ' }),
    format: formatFlag,
  };

  async run(): Promise<CaptureDiff> {
    const { args, flags } = await this.parseWith(CapturesDiff);
    const { diffCaptures } = await import('../../../domains/otc/captures/diff.js');
    const spine = await this.spine();
    const diff = diffCaptures(spine.db, args.a, args.b, flags.dataset, flags.limit);
    const s = diff.summary;
    if (flags.format === 'json') this.log(JSON.stringify(diff, null, 2));
    else if (flags.format === 'csv') this.log(renderRows(diff.changes as unknown as Record<string, unknown>[], 'csv'));
    else {
      this.log(`${diff.dataset}: ${diff.a.capture_id} → ${diff.b.capture_id}`);
      this.log(
        `added ${s.added}, removed ${s.removed}, changed ${s.changed}, unchanged ${s.unchanged}; ` +
          `total shares ${s.old_total_shares.toLocaleString('en-US')} → ${s.new_total_shares.toLocaleString('en-US')} (${s.delta_total_shares >= 0 ? '+' : ''}${s.delta_total_shares.toLocaleString('en-US')})`,
      );
      if (diff.changes.length > 0)
        this.log(`\n${renderRows(diff.changes as unknown as Record<string, unknown>[], 'table')}`);
      if (diff.truncated) this.log(`(first ${flags.limit} changes, biggest first; --limit for more)`);
    }
    if (flags['fail-on-change'] && s.added + s.removed + s.changed > 0) {
      throw new SpineError(
        ErrorCodes.EXECUTION_FAILED,
        `Captures differ: ${s.added} added, ${s.removed} removed, ${s.changed} changed`,
        {
          details: { summary: s },
        },
      );
    }
    return diff;
  }
}
