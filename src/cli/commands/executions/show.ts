import { Args } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';
import { renderExecutionDetail } from '../../output/execution-detail.js';
import type { ExecutionDetail } from '../../../core/execution/history.js';

export default class ExecutionsShow extends SpineCommand<ExecutionDetail> {
  static override description =
    'Explain one execution: params, stages, errors, captures, children and the event timeline';
  static override args = { id: Args.string({ required: true, description: 'Execution id or a unique prefix' }) };

  async run(): Promise<ExecutionDetail> {
    const { args } = await this.parseWith(ExecutionsShow);
    const { describeExecution } = await import('../../../core/execution/history.js');
    const spine = await this.spine();
    const detail = describeExecution(spine.db, args.id);
    this.log(renderExecutionDetail(detail));
    return detail;
  }
}
