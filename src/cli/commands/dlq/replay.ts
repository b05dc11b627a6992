import { Args, Flags } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';
import type { ReplayResult } from '../../../app/background.js';
import { failedRunError } from '../../output/execution-outcome.js';
import { renderExecutionSummary } from '../../output/execution-summary.js';

export default class DlqReplay extends SpineCommand<ReplayResult> {
  static override description =
    "Re-run a dead letter's params as a new execution (trigger retry) on the original lane, linked to the dead letter; exits with the new run's outcome";
  static override examples = ['<%= config.bin %> dlq replay 3', '<%= config.bin %> dlq replay 3 --wait --json'];
  static override args = { id: Args.integer({ required: true, description: 'Dead letter id' }) };
  static override flags = {
    wait: Flags.boolean({ description: 'Background lane: follow the new run until it ends and exit with its outcome' }),
  };

  async run(): Promise<ReplayResult> {
    const { args, flags } = await this.parseWith(DlqReplay);
    const [spine, { replayDeadLetter }] = await Promise.all([this.spine(), import('../../../app/background.js')]);
    const result = await replayDeadLetter(spine, args.id, {
      wait: flags.wait,
      onProgress: (line) => this.logToStderr(line),
    });
    this.log(`Dead letter ${result.deadLetter.id} replayed as execution ${result.execution.id}.`);
    this.log(renderExecutionSummary(result.execution));
    // As `run --wait`: a replay that failed (again) exits 1 (or its error's own code).
    const failed = failedRunError(result.execution, { deadLetter: result.deadLetter });
    if (failed) throw failed;
    return result;
  }
}
