import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface MigrationFile {
  readonly version: number;
  readonly name: string;
  readonly fileName: string;
  readonly sql: string;
  readonly checksum: string;
}

const FILE_PATTERN = /^(\d{3})_([a-z0-9_]+)\.sql$/;

/** `src/core/db` and `dist/core/db` sit at the same depth, so one relative URL finds `migrations/` in both. */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url));

/** Lists `NNN_name.sql` files in version order; other files are ignored, duplicate versions refused. */
export function readMigrationFiles(dir: string = DEFAULT_MIGRATIONS_DIR): MigrationFile[] {
  const files: MigrationFile[] = [];
  for (const fileName of readdirSync(dir).sort()) {
    const match = FILE_PATTERN.exec(fileName);
    if (!match) continue;
    const sql = readFileSync(join(dir, fileName), 'utf8');
    files.push({
      version: Number(match[1]),
      name: match[2] ?? fileName,
      fileName,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
  }
  for (let i = 1; i < files.length; i++) {
    const prev = files[i - 1];
    const cur = files[i];
    if (prev && cur && prev.version === cur.version) {
      throw new Error(`Two migrations share version ${cur.version}: ${prev.fileName} and ${cur.fileName}`);
    }
  }
  return files;
}
