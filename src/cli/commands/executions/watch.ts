import { Args, Flags } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';
import { renderExecutionSummary } from '../../output/execution-summary.js';
import type { ExecutionRecord } from '../../../core/execution/execution-store.js';
import { ErrorCodes, SpineError } from '../../../core/errors.js';

export default class ExecutionsWatch extends SpineCommand<ExecutionRecord> {
  static override description = 'Follow an execution until it ends, then print its summary and exit with its outcome';
  static override args = { id: Args.string({ required: true, description: 'Execution id or a unique prefix' }) };
  static override flags = {
    interval: Flags.integer({ default: 500, min: 50, description: 'Poll interval in milliseconds' }),
    timeout: Flags.integer({ min: 1, description: 'Give up after this many seconds' }),
  };

  async run(): Promise<ExecutionRecord> {
    const { args, flags } = await this.parseWith(ExecutionsWatch);
    const { followExecution } = await import('../../../core/execution/follow.js');
    const spine = await this.spine();
    const final = await followExecution(spine.db, args.id, {
      intervalMs: flags.interval,
      ...(flags.timeout ? { timeoutMs: flags.timeout * 1000 } : {}),
      onLine: (line) => this.logToStderr(line),
    });
    this.log(renderExecutionSummary(final));
    if (final.status !== 'completed') {
      throw new SpineError(
        ErrorCodes.EXECUTION_FAILED,
        `Execution ${final.id} ended ${final.status}: ${final.errorMessage ?? ''}`,
        {
          details: { execution: final },
        },
      );
    }
    return final;
  }
}
