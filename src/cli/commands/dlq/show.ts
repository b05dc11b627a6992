import { Args } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';
import type { DeadLetter } from '../../../core/execution/dead-letters.js';
import { ErrorCodes, SpineError } from '../../../core/errors.js';

export default class DlqShow extends SpineCommand<DeadLetter> {
  static override description = 'Show one dead letter: params, error, attempts, replay link';
  static override examples = ['<%= config.bin %> dlq show 3', '<%= config.bin %> dlq show 3 --json'];
  static override args = { id: Args.integer({ required: true, description: 'Dead letter id' }) };

  async run(): Promise<DeadLetter> {
    const { args } = await this.parseWith(DlqShow);
    const dl = (await this.spine()).deadLetters.get(args.id);
    if (!dl)
      throw new SpineError(ErrorCodes.NOT_FOUND, `Dead letter ${args.id} not found`, {
        details: { hint: 'spine dlq list --status all' },
      });
    this.log(`Dead letter:  ${dl.id} (${dl.status})`);
    this.log(`Pipeline:     ${dl.pipeline}, stage ${dl.stage}`);
    this.log(`Execution:    ${dl.execution_id}`);
    this.log(`Params:       ${JSON.stringify(dl.params)}`);
    this.log(`Error:        [${dl.error_type}] ${dl.error_message}`);
    this.log(`Attempts:     ${dl.attempts} (first failure ${dl.first_failure_at}, last ${dl.last_failure_at})`);
    if (dl.replayed_execution_id) this.log(`Replayed as:  ${dl.replayed_execution_id}`);
    if (dl.resolved_at) this.log(`Resolved at:  ${dl.resolved_at}`);
    return dl;
  }
}
