import { Args } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';
import type { DeadLetter } from '../../../core/execution/dead-letters.js';
import { ErrorCodes, SpineError } from '../../../core/errors.js';

export default class DlqDiscard extends SpineCommand<DeadLetter> {
  static override description = 'Mark a dead letter as discarded (it will not be replayed)';
  static override examples = ['<%= config.bin %> dlq discard 3'];
  static override args = { id: Args.integer({ required: true, description: 'Dead letter id' }) };

  async run(): Promise<DeadLetter> {
    const { args } = await this.parseWith(DlqDiscard);
    const { deadLetters } = await this.spine();
    const dl = deadLetters.get(args.id);
    if (!dl) throw new SpineError(ErrorCodes.NOT_FOUND, `Dead letter ${args.id} not found`);
    if (dl.status !== 'open')
      throw new SpineError(ErrorCodes.INVALID_PARAMS, `Dead letter ${args.id} is already ${dl.status}`);
    deadLetters.resolve(args.id, 'discarded');
    this.log(`Dead letter ${args.id} discarded.`);
    return deadLetters.get(args.id) as DeadLetter;
  }
}
