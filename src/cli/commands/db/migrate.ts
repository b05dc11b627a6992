import { SpineCommand } from '../../base-command.js';

export default class DbMigrate extends SpineCommand<{
  database: string;
  applied: readonly string[];
  skipped: readonly string[];
}> {
  static override description = 'Apply pending migrations (creates the database file if needed)';

  async run(): Promise<{ database: string; applied: readonly string[]; skipped: readonly string[] }> {
    await this.parseWith(DbMigrate);
    const [{ openDatabase, databasePathFromEnv }, { migrate }] = await Promise.all([
      import('../../../core/db/open-database.js'),
      import('../../../core/db/migrate.js'),
    ]);
    const database = databasePathFromEnv();
    const db = openDatabase(database);
    try {
      const result = migrate(db);
      this.log(
        result.applied.length > 0
          ? `Applied ${result.applied.length} migration(s) to ${database}: ${result.applied.join(', ')}`
          : `${database} is up to date (${result.skipped.length} migrations applied earlier)`,
      );
      return { database, ...result };
    } finally {
      db.close();
    }
  }
}
