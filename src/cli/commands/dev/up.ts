import { Flags } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';
import type { DevStackState } from '../../../backends/temporal/dev-stack/state.js';
import type { DevUpResult } from '../../../backends/temporal/dev-stack/supervisor.js';

export interface DevUpOutput {
  readonly alreadyRunning: boolean;
  /** What happened to each part: adopted (was running), started, restarted / replaced. */
  readonly server: DevUpResult['server'];
  readonly worker: DevUpResult['worker'];
  readonly stopped: DevUpResult['stopped'];
  readonly stack: DevStackState;
}

export default class DevUp extends SpineCommand<DevUpOutput> {
  static override description =
    'Start the local Temporal dev server and one Spine worker in the background, or adopt/repair a running stack';
  static override examples = [
    '<%= config.bin %> dev up',
    'SPINE_DATABASE_PATH=/tmp/spine.db <%= config.bin %> dev up --json',
  ];
  static override flags = {
    config: Flags.string({
      description:
        'Dev stack file (default: SPINE_DEV_CONFIG, then the one the recorded stack was started with, then <project root>/temporal-dev.yml)',
    }),
  };

  async run(): Promise<DevUpOutput> {
    const { flags } = await this.parseWith(DevUp);
    const [{ loadDevStackConfig }, { devUp }, { devStateDir, readDevStackState }, { databasePathFromEnv }] =
      await Promise.all([
        import('../../../backends/temporal/dev-stack/config.js'),
        import('../../../backends/temporal/dev-stack/supervisor.js'),
        import('../../../backends/temporal/dev-stack/state.js'),
        import('../../../core/db/open-database.js'),
      ]);
    const stateDir = devStateDir();
    const config = loadDevStackConfig(flags.config, process.env, readDevStackState(stateDir)?.configPath);
    // Migrate first: the worker and the CLI must never race to create the schema.
    await this.spine();
    const result = await devUp({ config, stateDir, databasePath: databasePathFromEnv() });
    const { state } = result;
    this.log(result.alreadyRunning ? 'Dev stack already running.' : 'Dev stack up.');
    for (const p of result.stopped) this.log(`Stopped:         ${p.role} pid ${p.pid} (${p.outcome})`);
    this.log(
      `Temporal server: ${state.server.address} (namespace ${state.server.namespace}, pid ${state.server.pid}, ${result.server})`,
    );
    if (state.server.uiUrl) this.log(`Temporal UI:     ${state.server.uiUrl}`);
    if (state.worker)
      this.log(
        `Worker:          pid ${state.worker.pid} on task queue ${state.worker.taskQueue} (${state.worker.concurrency} activity slots, ${result.worker})`,
      );
    this.log(`Database:        ${state.databasePath}`);
    this.log(`Stack:           ${stateDir} (config ${state.configPath})`);
    this.log(`Logs:            ${state.server.log}${state.worker ? `, ${state.worker.log}` : ''}`);
    return {
      alreadyRunning: result.alreadyRunning,
      server: result.server,
      worker: result.worker,
      stopped: result.stopped,
      stack: state,
    };
  }
}
