import { Args, Flags } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';
import { formatFlag, wideFlag } from '../../flags.js';
import { renderRows } from '../../output/emit.js';
import { formatInteger } from '../../output/format.js';
import { toJsonText } from '../../output/json.js';
import { renderObjects } from '../../output/table.js';
import type { CaptureDiff } from '../../../domains/otc/captures/diff.js';
import { ErrorCodes, SpineError } from '../../../core/errors.js';

const ID_HELP = 'a full id, a unique prefix, or the short hash captures list prints (e.g. bc978c)';

export default class CapturesDiff extends SpineCommand<CaptureDiff> {
  static override description = `Compare two captures by business key: rows added, removed and changed, with deltas.
Capture ids: ${ID_HELP}. A capture that was deleted (gc) or superseded (replace) has no rows left: the
diff then compares the row counts recorded when each was captured, and says so.`;
  static override examples = [
    '<%= config.bin %> captures list --week 2025-12-12',
    '<%= config.bin %> captures diff <old-capture> <new-capture>',
    '<%= config.bin %> captures diff <old-capture> <new-capture> --dataset otc.summary --format csv --limit 1000',
    '<%= config.bin %> captures diff <old-capture> <new-capture> --fail-on-change   # exit 1 when anything differs',
  ];
  static override args = {
    a: Args.string({ required: true, description: `Old capture (${ID_HELP})` }),
    b: Args.string({ required: true, description: 'New capture (same forms)' }),
  };
  static override flags = {
    dataset: Flags.string({ options: ['otc.venue_volume', 'otc.summary'], default: 'otc.venue_volume' }),
    limit: Flags.integer({ min: 1, default: 100, description: 'Changes listed (summary counts are always complete)' }),
    'fail-on-change': Flags.boolean({ description: 'Exit with code 1 when the captures differ' }),
    wide: wideFlag,
    format: formatFlag,
  };

  async run(): Promise<CaptureDiff> {
    const { args, flags } = await this.parseWith(CapturesDiff);
    const { diffCaptures } = await import('../../../domains/otc/captures/diff.js');
    const spine = await this.spine();
    const diff = diffCaptures(spine.db, args.a, args.b, flags.dataset, flags.limit);
    const s = diff.summary;
    if (this.jsonEnabled()) {
      // printed by the base command
    } else if (flags.format === 'json') this.log(toJsonText(diff));
    else if (flags.format === 'csv') this.log(renderRows(diff.changes as unknown as Record<string, unknown>[], 'csv'));
    else {
      this.log(`${diff.dataset}: ${diff.a.capture_id} → ${diff.b.capture_id}`);
      if (!s) {
        this.log(`${diff.note ?? ''}:\n`);
        this.log(
          renderObjects(
            Object.entries(diff.recorded_counts).map(([table, c]) => ({
              table: table.replace('finra_otc_transparency_', ''),
              old_rows: c.old,
              new_rows: c.new,
            })),
          ),
        );
      } else {
        const sign = (v: number | bigint): string => (v >= 0 ? '+' : '');
        this.log(
          `added ${s.added}, removed ${s.removed}, changed ${s.changed}, unchanged ${s.unchanged}; ` +
            `total shares ${formatInteger(s.old_total_shares)} → ${formatInteger(s.new_total_shares)} (${sign(s.delta_total_shares)}${formatInteger(s.delta_total_shares)})`,
        );
        if (diff.changes.length > 0)
          this.log(`\n${renderRows(diff.changes as unknown as Record<string, unknown>[], 'table')}`);
        if (diff.truncated) this.log(`(first ${flags.limit} changes, biggest first; --limit for more)`);
      }
    }
    if (flags['fail-on-change'] && !s) {
      throw new SpineError(ErrorCodes.NOT_FOUND, `Cannot tell whether the captures differ: ${diff.note ?? ''}`, {
        details: { a: diff.a.capture_id, b: diff.b.capture_id },
      });
    }
    if (flags['fail-on-change'] && s && s.added + s.removed + s.changed > 0) {
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
