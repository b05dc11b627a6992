import { SpineCommand } from '../../base-command.js';
import type { DevStatus } from '../../../backends/temporal/dev-stack/supervisor.js';

/** `spine dev status` exits with this when any part of the stack is down (or no stack is recorded). */
const DEV_STATUS_DOWN_EXIT_CODE = 3;

export default class DevStatusCommand extends SpineCommand<DevStatus> {
  static override description =
    'Report whether the dev server answers and its one worker polls; exits 3 when a part is down';
  static override examples = [
    '<%= config.bin %> dev status',
    '<%= config.bin %> dev status --json',
    '<%= config.bin %> dev status -q || <%= config.bin %> dev up',
  ];

  async run(): Promise<DevStatus> {
    await this.parseWith(DevStatusCommand);
    const [{ devStatus }, { devStateDir }] = await Promise.all([
      import('../../../backends/temporal/dev-stack/supervisor.js'),
      import('../../../backends/temporal/dev-stack/state.js'),
    ]);
    const status = await devStatus(devStateDir());
    const mark = (ok: boolean): string => (ok ? 'up' : 'down');
    if (status.server.pid !== null) {
      this.log(
        `Temporal server: ${mark(status.server.reachable)} at ${status.server.address} (pid ${status.server.pid}${status.server.alive ? '' : ', not running'})`,
      );
      if (status.server.uiUrl) this.log(`Temporal UI:     ${status.server.uiUrl}`);
      this.log(
        `Worker:          ${status.worker.polling ? 'polling' : 'not polling'} ${status.worker.taskQueue ?? ''} (pid ${status.worker.pid ?? '-'}${status.worker.alive ? '' : ', not running'})`,
      );
      this.log(`Database:        ${status.databasePath}`);
    }
    this.log(`Stack:           ${status.stackDir}`);
    for (const problem of status.problems) this.log(`Problem:         ${problem}`);
    if (!status.running) process.exitCode = DEV_STATUS_DOWN_EXIT_CODE;
    return status;
  }
}
