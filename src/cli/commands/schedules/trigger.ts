import { Args } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';

export default class SchedulesTrigger extends SpineCommand<{ scheduleId: string; action: 'trigger' }> {
  static override description = "Start a schedule's action now (overlap rules apply)";
  static override examples = [
    '<%= config.bin %> schedules trigger spine-captures-gc',
    '<%= config.bin %> schedules trigger spine-sync-otc   # sync OTC now',
  ];
  static override args = { id: Args.string({ description: 'Schedule id (default: the captures.gc schedule)' }) };

  async run(): Promise<{ scheduleId: string; action: 'trigger' }> {
    const { args } = await this.parseWith(SchedulesTrigger);
    const [{ withTemporalClient }, { controlSchedule, scheduleIdOr }] = await Promise.all([
      import('../../../app/background.js'),
      import('../../../backends/temporal/schedules.js'),
    ]);
    const id = scheduleIdOr(args.id);
    await withTemporalClient((client) => controlSchedule(client, id, 'trigger'));
    this.log(`${id}: trigger done.`);
    return { scheduleId: id, action: 'trigger' };
  }
}
