import { Args } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';

export default class SchedulesDelete extends SpineCommand<{ scheduleId: string; action: 'delete' }> {
  static override description = 'Delete a schedule (spine schedules ensure creates it again)';
  static override examples = ['<%= config.bin %> schedules delete spine-captures-gc'];
  static override args = { id: Args.string({ description: 'Schedule id (default: the captures.gc schedule)' }) };

  async run(): Promise<{ scheduleId: string; action: 'delete' }> {
    const { args } = await this.parseWith(SchedulesDelete);
    const [{ withTemporalClient }, { controlSchedule, scheduleIdOr }] = await Promise.all([
      import('../../../app/background.js'),
      import('../../../backends/temporal/schedules.js'),
    ]);
    const id = scheduleIdOr(args.id);
    await withTemporalClient((client) => controlSchedule(client, id, 'delete'));
    this.log(`${id}: delete done.`);
    return { scheduleId: id, action: 'delete' };
  }
}
