import { Args } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';
import type { DeadLetter } from '../../../core/execution/dead-letters.js';

export default class DlqShow extends SpineCommand<DeadLetter> {
  static override description = 'Show one dead letter: params, error, attempts, replay link';
  static override examples = [
    '<%= config.bin %> dlq show <dead-letter-id>',
    '<%= config.bin %> dlq show <dead-letter-id> --json',
  ];
  static override args = {
    id: Args.string({
      required: true,
      description: 'Dead letter number (as dlq list prints it), or the id or a unique prefix of its execution',
    }),
  };

  async run(): Promise<DeadLetter> {
    const { args } = await this.parseWith(DlqShow);
    const [spine, { resolveDeadLetterId }] = await Promise.all([
      this.spine(),
      import('../../../core/execution/dead-letters.js'),
    ]);
    const dl = spine.deadLetters.get(resolveDeadLetterId(spine.db, args.id)) as DeadLetter;
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
