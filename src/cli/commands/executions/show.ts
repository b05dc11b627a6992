import { Args } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';
import { renderExecutionDetail } from '../../output/execution-detail.js';
import type { ExecutionDetail } from '../../../core/execution/history.js';

export type ExecutionShowResult = ExecutionDetail & { readonly live_progress?: string[] };

export default class ExecutionsShow extends SpineCommand<ExecutionShowResult> {
  static override description = `Explain one execution: params, stages, errors, captures, children and the event timeline.
For a running background (Temporal) execution it adds the live heartbeat progress of its stage.`;
  static override examples = [
    '<%= config.bin %> executions show <execution-id>',
    '<%= config.bin %> executions show <execution-id> --json',
  ];
  static override args = {
    id: Args.string({ required: true, description: 'Execution id, a unique prefix, or the 8 characters tables print' }),
  };

  async run(): Promise<ExecutionShowResult> {
    const { args } = await this.parseWith(ExecutionsShow);
    const { describeExecution } = await import('../../../core/execution/history.js');
    const spine = await this.spine();
    const detail = describeExecution(spine.db, args.id);
    const e = detail.execution;
    let live: string[] | undefined;
    if (e.status === 'running' && e.backend === 'temporal' && e.workflowId) {
      const { liveProgress } = await import('../../../app/background.js');
      live = await liveProgress(e.workflowId);
    }
    this.log(renderExecutionDetail(detail));
    if (live && live.length > 0) this.log(`\nLive (Temporal heartbeat):\n${live.map((l) => `  ${l}`).join('\n')}`);
    return live ? { ...detail, live_progress: live } : detail;
  }
}
