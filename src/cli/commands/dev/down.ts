import { SpineCommand } from '../../base-command.js';
import type { DevDownResult } from '../../../backends/temporal/dev-stack/supervisor.js';

export default class DevDown extends SpineCommand<DevDownResult> {
  static override description = 'Stop the worker and dev server that `spine dev up` started (and nothing else)';
  static override examples = ['<%= config.bin %> dev down'];

  async run(): Promise<DevDownResult> {
    await this.parseWith(DevDown);
    const [{ devDown }, { devStateDir }] = await Promise.all([
      import('../../../backends/temporal/dev-stack/supervisor.js'),
      import('../../../backends/temporal/dev-stack/state.js'),
    ]);
    const result = await devDown(devStateDir());
    if (result.server === 'none') this.log('No dev stack recorded.');
    else this.log(`Worker: ${result.worker}. Temporal server: ${result.server}.`);
    return result;
  }
}
