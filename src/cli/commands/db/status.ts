import { SpineCommand } from '../../base-command.js';
import { renderTable } from '../../output/table.js';
import type { MigrationStatusRow } from '../../../core/db/migrate.js';

export interface DbStatusResult {
  database: string;
  exists: boolean;
  migrations: MigrationStatusRow[];
  pending: number;
}

export default class DbStatus extends SpineCommand<DbStatusResult> {
  static override description = 'Show which migrations are applied and which are pending (never writes)';

  async run(): Promise<DbStatusResult> {
    await this.parseWith(DbStatus);
    const [
      { openDatabase, databasePathFromEnv },
      { appliedMigrations, migrationStatus, verifyHistory },
      { readMigrationFiles },
      { existsSync },
    ] = await Promise.all([
      import('../../../core/db/open-database.js'),
      import('../../../core/db/migrate.js'),
      import('../../../core/db/migration-files.js'),
      import('node:fs'),
    ]);
    const database = databasePathFromEnv();
    const files = readMigrationFiles();
    const exists = existsSync(database);
    let migrations: MigrationStatusRow[];
    if (exists) {
      const db = openDatabase(database, { readonly: true });
      try {
        verifyHistory(appliedMigrations(db), files);
        migrations = migrationStatus(db, files);
      } finally {
        db.close();
      }
    } else {
      migrations = files.map((f) => ({
        version: f.version,
        name: f.name,
        file: f.fileName,
        state: 'pending',
        applied_at: null,
      }));
    }
    const pending = migrations.filter((m) => m.state === 'pending').length;
    this.log(
      renderTable(migrations, [
        { header: 'Version', get: (m) => String(m.version).padStart(3, '0') },
        { header: 'File', get: (m) => m.file },
        { header: 'State', get: (m) => m.state },
        { header: 'Applied at', get: (m) => m.applied_at },
      ]),
    );
    this.log(`\n${database}${exists ? '' : ' (does not exist yet)'}: ${pending} pending`);
    return { database, exists, migrations, pending };
  }
}
