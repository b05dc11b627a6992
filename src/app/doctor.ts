import { existsSync } from 'node:fs';
import { migrationStatus } from '../core/db/migrate.js';
import { databasePathFromEnv, openDatabase } from '../core/db/open-database.js';
import { resolveTemporalBinary, TEMPORAL_INSTALL_HINT } from '../core/tools/temporal-binaries.js';

export interface DoctorCheck {
  readonly name: string;
  readonly status: 'ok' | 'warning' | 'error';
  readonly message: string;
}

/** Checks only what exists (the reference's doctor looked for a table nobody creates and always failed). */
export function runDoctorChecks(env: NodeJS.ProcessEnv = process.env): DoctorCheck[] {
  const checks: DoctorCheck[] = [];
  const path = databasePathFromEnv(env);
  if (!existsSync(path)) {
    checks.push({
      name: 'database',
      status: 'warning',
      message: `${path} does not exist yet; run \`spine db migrate\``,
    });
  } else {
    try {
      const db = openDatabase(path);
      try {
        db.prepare('SELECT 1').get();
        checks.push({ name: 'database', status: 'ok', message: `${path} is reachable` });
        const status = migrationStatus(db);
        const pending = status.filter((s) => s.state === 'pending');
        checks.push(
          pending.length === 0
            ? { name: 'migrations', status: 'ok', message: `${status.length} applied, none pending` }
            : { name: 'migrations', status: 'warning', message: `pending: ${pending.map((p) => p.file).join(', ')}` },
        );
      } finally {
        db.close();
      }
    } catch (err) {
      checks.push({ name: 'database', status: 'error', message: `${path}: ${(err as Error).message}` });
    }
  }
  const cli = resolveTemporalBinary('cli', env);
  checks.push(
    cli
      ? { name: 'temporal-cli', status: 'ok', message: `${cli.path} (${cli.source})` }
      : {
          name: 'temporal-cli',
          status: 'warning',
          message: `not found; background runs need it: ${TEMPORAL_INSTALL_HINT}`,
        },
  );
  return checks;
}
