import { Args, Flags } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';
import { formatFlag, TABLE_ROWS, wideFlag } from '../../flags.js';
import { renderRows } from '../../output/emit.js';
import { toJsonText } from '../../output/json.js';
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
    all: Flags.boolean({ description: `Tables: show every row (default: the first ${TABLE_ROWS})` }),
    wide: wideFlag,
    format: formatFlag,
  };

  async run(): Promise<{ rows: Record<string, unknown>[]; count: number }> {
    const { args, flags } = await this.parseWith(QuerySql);
    const [{ openDatabase, databasePathFromEnv }, { exactRow }] = await Promise.all([
      import('../../../core/db/open-database.js'),
      import('../../../core/db/exact-rows.js'),
    ]);
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
      // Integers exact at any size: bigint beyond 2^53 (printed with every digit), numbers otherwise.
      const rows = (stmt.safeIntegers(true).all(...(flags.param ?? [])) as Record<string, unknown>[]).map(exactRow);
      if (this.jsonEnabled()) {
        // printed by the base command
      } else if (flags.format === 'json') this.log(toJsonText({ rows, count: rows.length }));
      else
        this.log(
          renderRows(rows, flags.format, {
            ...(flags.all ? {} : { limit: TABLE_ROWS }),
            allHint: '--all shows every row, --format csv all of them',
          }),
        );
      return { rows, count: rows.length };
    } finally {
      db.close();
    }
  }
}
