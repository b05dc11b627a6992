import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';
import type { DestinationStream } from 'pino';

/**
 * Where the CLI writes its log lines when a person is watching the terminal and did not ask for logs on
 * stderr: `SPINE_LOG_FILE`, else `<database name>.log` beside the database (`./spine.db` → `./spine.log`).
 */
export function logFilePath(databasePath: string, env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['SPINE_LOG_FILE']?.trim();
  if (explicit) return explicit;
  const p = parse(databasePath);
  return join(p.dir, `${p.name}.log`);
}

/** A pino destination that appends JSON lines to a file it opens only when the first line arrives. */
export class LazyFileDestination implements DestinationStream {
  readonly path: string;
  #fd: number | undefined;
  #used = false;

  constructor(path: string) {
    this.path = path;
  }

  /** True once a line was written (the summary names the file only then). */
  get written(): boolean {
    return this.#used;
  }

  write(line: string): void {
    if (this.#fd === undefined) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.#fd = openSync(this.path, 'a');
      this.#used = true;
    }
    writeSync(this.#fd, line.endsWith('\n') ? line : `${line}\n`);
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}
