import { Flags } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';
import type { DevStackState } from '../../../backends/temporal/dev-stack/state.js';

export interface DevUpOutput {
  readonly alreadyRunning: boolean;
  readonly stack: DevStackState;
}

export default class DevUp extends SpineCommand<DevUpOutput> {
  static override description =
    'Start the local Temporal dev server and a Spine worker in the background (temporal-dev.yml)';
  static override examples = [
    '<%= config.bin %> dev up',
    'SPINE_DATABASE_PATH=/tmp/spine.db <%= config.bin %> dev up --json',
  ];
  static override flags = {
    config: Flags.string({ description: 'Dev stack file (default ./temporal-dev.yml)' }),
  };

  async run(): Promise<DevUpOutput> {
    const { flags } = await this.parseWith(DevUp);
    const [{ loadDevStackConfig }, { devUp }, { devStateDir }, { databasePathFromEnv }] = await Promise.all([
      import('../../../backends/temporal/dev-stack/config.js'),
      import('../../../backends/temporal/dev-stack/supervisor.js'),
      import('../../../backends/temporal/dev-stack/state.js'),
      import('../../../core/db/open-database.js'),
    ]);
    const config = loadDevStackConfig(flags.config);
    // Migrate first: the worker and the CLI must never race to create the schema.
    await this.spine();
    const { alreadyRunning, state } = await devUp({
      config,
      stateDir: devStateDir(),
      databasePath: databasePathFromEnv(),
    });
    this.log(alreadyRunning ? 'Dev stack already running.' : 'Dev stack started.');
    this.log(`Temporal server: ${state.server.address} (namespace ${state.server.namespace}, pid ${state.server.pid})`);
    if (state.server.uiUrl) this.log(`Temporal UI:     ${state.server.uiUrl}`);
    if (state.worker)
      this.log(
        `Worker:          pid ${state.worker.pid} on task queue ${state.worker.taskQueue} (${state.worker.concurrency} activity slots)`,
      );
    this.log(`Database:        ${state.databasePath}`);
    this.log(`Logs:            ${state.server.log}${state.worker ? `, ${state.worker.log}` : ''}`);
    return { alreadyRunning, stack: state };
  }
}
