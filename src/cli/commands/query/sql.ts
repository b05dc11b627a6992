import { Args, Flags } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';
import { formatFlag } from '../../flags.js';
import { renderRows } from '../../output/emit.js';
import { ErrorCodes, SpineError } from '../../../core/errors.js';

export default class QuerySql extends SpineCommand<{ rows: Record<string, unknown>[]; count: number }> {
  static override description = 'Run one read-only SELECT on a read-only connection (writes are refused)';
  static override examples = [
    `<%= config.bin %> query sql "SELECT week_ending, tier, capture_id FROM core_captures_latest"`,
    `<%= config.bin %> query sql "SELECT * FROM finra_otc_transparency_venue_share_latest WHERE week_ending = ?" --param 2025-12-12`,
  ];
  static override args = { sql: Args.string({ required: true, description: 'A single SELECT (or WITH … SELECT)' }) };
  static override flags = {
    param: Flags.string({ multiple: true, description: 'Bound parameter for each ? (repeatable, in order)' }),
    format: formatFlag,
  };

  async run(): Promise<{ rows: Record<string, unknown>[]; count: number }> {
    const { args, flags } = await this.parseWith(QuerySql);
    const { openDatabase, databasePathFromEnv } = await import('../../../core/db/open-database.js');
    const db = openDatabase(databasePathFromEnv(), { readonly: true });
    try {
      let stmt;
      try {
        stmt = db.prepare(args.sql);
      } catch (err) {
        throw new SpineError(ErrorCodes.INVALID_PARAMS, `SQL error: ${(err as Error).message}`);
      }
      // Two locks: the statement must be read-only and the connection is opened read-only anyway.
      if (!stmt.readonly || !stmt.reader) {
        throw new SpineError(
          ErrorCodes.INVALID_PARAMS,
          'Only read-only statements that return rows are allowed (this connection is read-only)',
        );
      }
      const rows = stmt.all(...(flags.param ?? [])) as Record<string, unknown>[];
      if (flags.format === 'json') this.log(JSON.stringify({ rows, count: rows.length }, null, 2));
      else this.log(renderRows(rows, flags.format));
      return { rows, count: rows.length };
    } finally {
      db.close();
    }
  }
}
