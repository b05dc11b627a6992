import { SpineCommand } from '../../base-command.js';
import type { EnsureResult } from '../../../backends/temporal/schedules.js';

export default class SchedulesEnsure extends SpineCommand<{ schedules: EnsureResult[] }> {
  static override description =
    'Create or update the Temporal schedules (weekly captures.gc, a daily FINRA sync per tier) to match the code; idempotent';
  static override examples = [
    '<%= config.bin %> schedules ensure',
    'SPINE_GC_KEEP=5 <%= config.bin %> schedules ensure --json',
    "SPINE_SYNC_CRON='0 */6 * * *' <%= config.bin %> schedules ensure   # sync every 6 hours instead of daily",
  ];

  async run(): Promise<{ schedules: EnsureResult[] }> {
    await this.parseWith(SchedulesEnsure);
    const [{ withTemporalClient }, { desiredSchedules, ensureSchedules }] = await Promise.all([
      import('../../../app/background.js'),
      import('../../../backends/temporal/schedules.js'),
    ]);
    const schedules = await withTemporalClient((client, settings) =>
      ensureSchedules(client, settings.taskQueue, desiredSchedules()),
    );
    for (const s of schedules) this.log(`${s.scheduleId}: ${s.outcome}`);
    return { schedules };
  }
}
