import { SpineCommand } from '../../base-command.js';
import type { DevDownResult } from '../../../backends/temporal/dev-stack/supervisor.js';

export default class DevDown extends SpineCommand<DevDownResult> {
  static override description =
    'Stop every process of the dev stack (the recorded worker and server, and any left behind by a crash), nothing else';
  static override examples = ['<%= config.bin %> dev down'];

  async run(): Promise<DevDownResult> {
    await this.parseWith(DevDown);
    const [{ devDown }, { devStateDir }] = await Promise.all([
      import('../../../backends/temporal/dev-stack/supervisor.js'),
      import('../../../backends/temporal/dev-stack/state.js'),
    ]);
    const stateDir = devStateDir();
    const result = await devDown(stateDir);
    if (result.server === 'none' && result.worker === 'none') this.log(`No dev stack in ${stateDir}.`);
    else {
      for (const p of result.stopped) this.log(`Stopped ${p.role} pid ${p.pid} (${p.outcome}).`);
      this.log(`Worker: ${result.worker}. Temporal server: ${result.server}.`);
    }
    return result;
  }
}
