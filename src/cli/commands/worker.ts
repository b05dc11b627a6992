import { Flags } from '@oclif/core';
import { SpineCommand } from '../base-command.js';

export interface WorkerResult {
  readonly taskQueue: string;
  readonly concurrency: number;
}

export default class Worker extends SpineCommand<WorkerResult> {
  static override description =
    'Run the Temporal worker in the foreground (background lane); stops gracefully on SIGINT/SIGTERM';
  static override examples = [
    '<%= config.bin %> worker',
    'SPINE_TEMPORAL_ADDRESS=127.0.0.1:7233 <%= config.bin %> worker --task-queue spine-pipelines --concurrency 2',
  ];
  static override flags = {
    'task-queue': Flags.string({ description: 'Task queue (default: SPINE_TASK_QUEUE, then temporal-dev.yml)' }),
    concurrency: Flags.integer({ min: 1, description: 'Activity slots (default: temporal-dev.yml, 2)' }),
    config: Flags.string({
      description: 'Dev stack file for the defaults (default: SPINE_DEV_CONFIG, then <project root>/temporal-dev.yml)',
    }),
  };

  async run(): Promise<WorkerResult> {
    const { flags } = await this.parseWith(Worker);
    const [{ loadDevStackConfig }, { runBackgroundWorker }] = await Promise.all([
      import('../../backends/temporal/dev-stack/config.js'),
      import('../../app/background.js'),
    ]);
    const stack = loadDevStackConfig(flags.config);
    const taskQueue = flags['task-queue'] ?? process.env['SPINE_TASK_QUEUE'] ?? stack.worker.taskQueue;
    const concurrency = flags.concurrency ?? stack.worker.maxConcurrentActivityTaskExecutions;
    await runBackgroundWorker({ taskQueue, concurrency, log: await this.logger() });
    return { taskQueue, concurrency };
  }
}
