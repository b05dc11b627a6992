import { SpineCommand } from '../../base-command.js';
import type { ScheduleStatus } from '../../../backends/temporal/schedules.js';
import { renderTable } from '../../output/table.js';

export default class SchedulesList extends SpineCommand<{ schedules: ScheduleStatus[] }> {
  static override description = 'Show the Spine schedules: paused or not, next runs, whether they match the code';
  static override examples = ['<%= config.bin %> schedules list', '<%= config.bin %> schedules list --json'];

  async run(): Promise<{ schedules: ScheduleStatus[] }> {
    await this.parseWith(SchedulesList);
    const [{ withTemporalClient }, { desiredSchedules, describeSchedules }] = await Promise.all([
      import('../../../app/background.js'),
      import('../../../backends/temporal/schedules.js'),
    ]);
    const schedules = await withTemporalClient((client, settings) =>
      describeSchedules(client, settings.taskQueue, desiredSchedules()),
    );
    this.log(
      renderTable(schedules, [
        { header: 'Schedule', get: (s) => s.scheduleId },
        { header: 'Pipeline', get: (s) => s.pipeline },
        {
          header: 'Params',
          get: (s) =>
            Object.entries(s.params)
              .map(([k, v]) => `${k}=${v}`)
              .join(' '),
        },
        { header: 'Cron (UTC)', get: (s) => `${s.cron}${s.jitter ? ` +0..${s.jitter}` : ''}` },
        {
          header: 'State',
          get: (s) =>
            !s.exists
              ? 'missing (spine schedules ensure)'
              : s.paused
                ? `paused${s.note ? `: ${s.note}` : ''}`
                : 'active',
        },
        { header: 'Next run', get: (s) => s.nextRuns[0] ?? '' },
        { header: 'Runs', get: (s) => s.recentRuns },
        { header: 'Matches code', get: (s) => (s.upToDate === null ? '' : s.upToDate ? 'yes' : 'no (ensure)') },
      ]),
    );
    return { schedules };
  }
}
