import { Flags } from '@oclif/core';
import { SpineCommand } from '../../base-command.js';
import { ErrorCodes, SpineError } from '../../../core/errors.js';

export default class DbReset extends SpineCommand<{ database: string; applied: readonly string[] }> {
  static override description = 'Delete the database file and re-create the schema (all data is lost)';
  static override flags = {
    force: Flags.boolean({ description: 'Required: confirms that all data in the database is deleted' }),
  };

  async run(): Promise<{ database: string; applied: readonly string[] }> {
    const { flags } = await this.parseWith(DbReset);
    const [{ openDatabase, databasePathFromEnv }, { migrate }, { rmSync }] = await Promise.all([
      import('../../../core/db/open-database.js'),
      import('../../../core/db/migrate.js'),
      import('node:fs'),
    ]);
    const database = databasePathFromEnv();
    if (!flags.force) {
      throw new SpineError(ErrorCodes.INVALID_PARAMS, `Refusing to delete ${database} without --force`);
    }
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${database}${suffix}`, { force: true });
    const db = openDatabase(database);
    try {
      const { applied } = migrate(db);
      this.log(`Deleted and re-created ${database} (${applied.length} migrations applied)`);
      return { database, applied };
    } finally {
      db.close();
    }
  }
}
