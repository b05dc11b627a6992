import { Args } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';
import type { DeadLetter } from '../../../core/execution/dead-letters.js';
import { ErrorCodes, SpineError } from '../../../core/errors.js';

export default class DlqDiscard extends SpineCommand<DeadLetter> {
  static override description = 'Mark a dead letter as discarded (it will not be replayed)';
  static override examples = ['<%= config.bin %> dlq discard <dead-letter-id>'];
  static override args = {
    id: Args.string({
      required: true,
      description: 'Dead letter number (as dlq list prints it), or the id or a unique prefix of its execution',
    }),
  };

  async run(): Promise<DeadLetter> {
    const { args } = await this.parseWith(DlqDiscard);
    const [spine, { resolveDeadLetterId }] = await Promise.all([
      this.spine(),
      import('../../../core/execution/dead-letters.js'),
    ]);
    const { deadLetters } = spine;
    const id = resolveDeadLetterId(spine.db, args.id);
    const dl = deadLetters.get(id) as DeadLetter;
    if (dl.status !== 'open')
      throw new SpineError(ErrorCodes.INVALID_PARAMS, `Dead letter ${id} is already ${dl.status}`);
    deadLetters.resolve(id, 'discarded');
    this.log(`Dead letter ${id} discarded.`);
    return deadLetters.get(id) as DeadLetter;
  }
}
