import { Flags } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';
import type { PruneResult } from '../../../core/execution/history.js';

export default class ExecutionsPrune extends SpineCommand<PruneResult> {
  static override description =
    'Delete finished executions and their events older than the retention (never a running one)';
  static override flags = {
    'older-than': Flags.string({ description: 'Age, e.g. 90d (default: SPINE_EVENTS_RETENTION_DAYS, 90)' }),
    'dry-run': Flags.boolean({ description: 'Count what would be deleted; delete nothing' }),
  };

  async run(): Promise<PruneResult> {
    const { flags } = await this.parseWith(ExecutionsPrune);
    const [{ pruneExecutions }, { parseInstant }] = await Promise.all([
      import('../../../core/execution/history.js'),
      import('../../../core/time-window.js'),
    ]);
    const age = flags['older-than'] ?? `${process.env['SPINE_EVENTS_RETENTION_DAYS'] ?? '90'}d`;
    const cutoff = parseInstant('older-than', age, new Date());
    const spine = await this.spine();
    const result = pruneExecutions(spine.db, cutoff, flags['dry-run'] ?? false);
    this.log(
      `${result.dryRun ? 'Would delete' : 'Deleted'} ${result.executions} execution(s) and ${result.events} event(s) created before ${cutoff}`,
    );
    return result;
  }
}
