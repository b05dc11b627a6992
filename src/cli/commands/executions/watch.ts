import { Args, Flags } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';
import { renderExecutionSummary } from '../../output/execution-summary.js';
import type { ExecutionRecord } from '../../../core/execution/execution-store.js';
import { ErrorCodes, SpineError } from '../../../core/errors.js';

export default class ExecutionsWatch extends SpineCommand<ExecutionRecord> {
  static override description = `Follow an execution until it ends, then print its summary and exit with its outcome.
On a terminal it shows the same live progress line as spine run (stage, rows, weeks of a backfill, elapsed);
otherwise one line per stage event (and per week of a backfill).`;
  static override examples = [
    '<%= config.bin %> executions watch <execution-id>',
    '<%= config.bin %> executions watch <execution-id> --timeout 600 --json',
  ];
  static override args = {
    id: Args.string({ required: true, description: 'Execution id, a unique prefix, or the 8 characters tables print' }),
  };
  static override flags = {
    interval: Flags.integer({ default: 500, min: 50, description: 'Poll interval in milliseconds' }),
    timeout: Flags.integer({ min: 1, description: 'Give up after this many seconds' }),
  };

  async run(): Promise<ExecutionRecord> {
    const { args, flags } = await this.parseWith(ExecutionsWatch);
    const [{ followExecution }, { resolveExecutionId }, { progressMode }, { watchDisplay }] = await Promise.all([
      import('../../../core/execution/follow.js'),
      import('../../../core/execution/history.js'),
      import('../../output/progress-display.js'),
      import('../../output/run-progress.js'),
    ]);
    const spine = await this.spine();
    const id = resolveExecutionId(spine.db, args.id);
    const live =
      !this.jsonEnabled() && progressMode() === 'live' && !(await this.logsOnStderr())
        ? watchDisplay(spine.db, id)
        : undefined;
    let final: ExecutionRecord;
    try {
      final = await followExecution(spine.db, id, {
        intervalMs: flags.interval,
        ...(flags.timeout ? { timeoutMs: flags.timeout * 1000 } : {}),
        ...(live ? { onTick: () => live.refresh() } : { onLine: (line: string) => this.logToStderr(line) }),
      });
    } finally {
      live?.stop();
    }
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
