import { Args } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';
import { ErrorCodes, SpineError } from '../../../core/errors.js';

export default class VerifyTable extends SpineCommand<{ table: string; rows: number }> {
  static override description = 'Check that a table or view exists and print its row count';
  static override args = { name: Args.string({ required: true, description: 'Table or view name' }) };

  async run(): Promise<{ table: string; rows: number }> {
    const { args } = await this.parseWith(VerifyTable);
    const spine = await this.spine();
    const found = spine.db
      .prepare(`SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?`)
      .get(args.name);
    if (!found) throw new SpineError(ErrorCodes.NOT_FOUND, `No table or view named '${args.name}'`);
    // The name is checked against sqlite_master above, so quoting it here is safe.
    const rows = (
      spine.db.prepare(`SELECT COUNT(*) AS n FROM "${args.name.replace(/"/g, '""')}"`).get() as { n: number }
    ).n;
    this.log(`${args.name}: ${rows.toLocaleString('en-US')} rows`);
    return { table: args.name, rows };
  }
}
