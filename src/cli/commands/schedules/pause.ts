import { Args, Flags } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';

export default class SchedulesPause extends SpineCommand<{ scheduleId: string; action: 'pause' }> {
  static override description = 'Pause a schedule (it fires again after unpause)';
  static override examples = ['<%= config.bin %> schedules pause spine-captures-gc'];
  static override args = { id: Args.string({ description: 'Schedule id (default: the captures.gc schedule)' }) };
  static override flags = {
    note: Flags.string({ description: 'Why (shown in spine schedules list)' }),
  };

  async run(): Promise<{ scheduleId: string; action: 'pause' }> {
    const { args, flags } = await this.parseWith(SchedulesPause);
    const [{ withTemporalClient }, { controlSchedule, scheduleIdOr }] = await Promise.all([
      import('../../../app/background.js'),
      import('../../../backends/temporal/schedules.js'),
    ]);
    const id = scheduleIdOr(args.id);
    await withTemporalClient((client) => controlSchedule(client, id, 'pause', flags.note));
    this.log(`${id}: pause done.`);
    return { scheduleId: id, action: 'pause' };
  }
}
