import { Args, Flags } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';

export default class SchedulesUnpause extends SpineCommand<{ scheduleId: string; action: 'unpause' }> {
  static override description = 'Unpause a schedule';
  static override examples = ['<%= config.bin %> schedules unpause spine-captures-gc'];
  static override args = { id: Args.string({ description: 'Schedule id (default: the captures.gc schedule)' }) };
  static override flags = {
    note: Flags.string({ description: 'Why (shown in spine schedules list)' }),
  };

  async run(): Promise<{ scheduleId: string; action: 'unpause' }> {
    const { args, flags } = await this.parseWith(SchedulesUnpause);
    const [{ withTemporalClient }, { controlSchedule, scheduleIdOr }] = await Promise.all([
      import('../../../app/background.js'),
      import('../../../backends/temporal/schedules.js'),
    ]);
    const id = scheduleIdOr(args.id);
    await withTemporalClient((client) => controlSchedule(client, id, 'unpause', flags.note));
    this.log(`${id}: unpause done.`);
    return { scheduleId: id, action: 'unpause' };
  }
}
