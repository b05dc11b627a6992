import { Args, Flags } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';
import { renderExecutionSummary } from '../../output/execution-summary.js';
import type { CancelResult } from '../../../app/cancel-execution.js';

export default class ExecutionsCancel extends SpineCommand<CancelResult> {
  static override description = `Cancel a pending or running execution, on either backend.
A sync run stops at its next step; a background run's workflow is cancelled; an abandoned run (its owner is
gone) is closed at once. Staged captures of the cancelled run are discarded.`;
  static override examples = [
    '<%= config.bin %> executions list --status abandoned',
    '<%= config.bin %> executions cancel <execution-id>',
  ];
  static override args = {
    id: Args.string({ required: true, description: 'Execution id, a unique prefix, or the 8 characters tables print' }),
  };
  static override flags = {
    wait: Flags.integer({ default: 30, min: 0, description: 'Seconds to wait for the execution to close' }),
  };

  async run(): Promise<CancelResult> {
    const { args, flags } = await this.parseWith(ExecutionsCancel);
    const [{ cancelExecution }, { withTemporalClient }] = await Promise.all([
      import('../../../app/cancel-execution.js'),
      import('../../../app/background.js'),
    ]);
    const spine = await this.spine();
    const result = await cancelExecution(spine, args.id, {
      waitMs: flags.wait * 1000,
      cancelWorkflow: (workflowId) =>
        withTemporalClient(async (client) => {
          await client.workflow.getHandle(workflowId).cancel();
        }),
    });
    this.log(renderExecutionSummary(result.execution));
    if (result.execution.status === 'running' || result.execution.status === 'pending') {
      this.log(`Cancel requested (${result.how}); the execution has not closed yet.`);
    }
    if (result.discarded_captures.length > 0)
      this.log(`Discarded staged captures: ${result.discarded_captures.join(', ')}`);
    return result;
  }
}
