import { Flags } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';
import type { DeadLetter } from '../../../core/execution/dead-letters.js';
import { renderTable } from '../../output/table.js';

export default class DlqList extends SpineCommand<{ deadLetters: DeadLetter[]; count: number }> {
  static override description = 'List dead letters: executions whose retries ran out';
  static override examples = ['<%= config.bin %> dlq list', '<%= config.bin %> dlq list --status all --json'];
  static override flags = {
    status: Flags.string({
      options: ['open', 'replayed', 'discarded', 'all'],
      default: 'open',
      description: 'Which dead letters',
    }),
    limit: Flags.integer({ min: 1, default: 100, description: 'At most this many, newest first' }),
  };

  async run(): Promise<{ deadLetters: DeadLetter[]; count: number }> {
    const { flags } = await this.parseWith(DlqList);
    const spine = await this.spine();
    const status = flags.status === 'all' ? undefined : (flags.status as DeadLetter['status']);
    const deadLetters = spine.deadLetters.list(status, flags.limit);
    if (deadLetters.length === 0) {
      this.log(`No ${status ?? ''} dead letters.`.replace('  ', ' '));
    } else {
      this.log(
        renderTable(deadLetters, [
          { header: 'ID', get: (d) => d.id },
          { header: 'Status', get: (d) => d.status },
          { header: 'Pipeline', get: (d) => d.pipeline },
          { header: 'Stage', get: (d) => d.stage },
          { header: 'Error', get: (d) => `[${d.error_type}] ${d.error_message}`.slice(0, 80) },
          { header: 'Attempts', get: (d) => d.attempts },
          { header: 'Last failure', get: (d) => d.last_failure_at },
          { header: 'Execution', get: (d) => d.execution_id.slice(0, 8) },
        ]),
      );
    }
    return { deadLetters, count: deadLetters.length };
  }
}
