import { Command, Flags } from '@oclif/core';
import type { Interfaces } from '@oclif/core';
import type { Spine } from '../app/spine.js';
import { SpineError, toSpineError } from '../core/errors.js';
import type { SpineLogger } from '../core/logging/logger.js';

interface GlobalFlags {
  db?: string | undefined;
  'log-level'?: string | undefined;
  'log-format'?: string | undefined;
  quiet?: boolean | undefined;
}

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof SpineCommand)['baseFlags'] & T['flags']
>;

/**
 * The one base class: `--json` on every command, global logging and database flags, and a single place
 * where errors become a code, a message and an exit code (the same shape in JSON and human output).
 * Heavy modules (better-sqlite3, the pipelines, Temporal) load lazily so start-up stays fast.
 */
export abstract class SpineCommand<T> extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    db: Flags.string({ helpGroup: 'GLOBAL', description: 'SQLite database file (overrides SPINE_DATABASE_PATH)' }),
    'log-level': Flags.string({
      helpGroup: 'GLOBAL',
      description: 'trace|debug|info|warn|error|silent (overrides SPINE_LOG_LEVEL)',
    }),
    'log-format': Flags.string({ helpGroup: 'GLOBAL', description: 'json|pretty (overrides SPINE_LOG_FORMAT)' }),
    quiet: Flags.boolean({ char: 'q', helpGroup: 'GLOBAL', description: 'Only log warnings and errors' }),
  };

  #spine: Spine | undefined;
  #globals: GlobalFlags = {};

  abstract override run(): Promise<T>;

  /** Parses flags and args and remembers the global ones for `logger()` and `spine()`. */
  protected async parseWith<C extends typeof Command>(cmd: C) {
    const parsed = await this.parse(cmd);
    this.#globals = parsed.flags as GlobalFlags;
    if (this.#globals.db) process.env['SPINE_DATABASE_PATH'] = this.#globals.db;
    return parsed as unknown as Interfaces.ParserOutput<
      BaseFlags<C>,
      Interfaces.InferredFlags<C['baseFlags']>,
      Interfaces.InferredArgs<C['args']>
    >;
  }

  protected async logger(): Promise<SpineLogger> {
    const { createLoggerFromEnv } = await import('../core/logging/logger.js');
    const g = this.#globals;
    return createLoggerFromEnv({ level: g.quiet ? 'warn' : g['log-level'], format: g['log-format'] });
  }

  /** Opens the database (migrating it) and builds the dispatcher. Closed in `finally`. */
  protected async spine(options: { migrate?: boolean } = {}): Promise<Spine> {
    if (!this.#spine) {
      const [{ createSpine }, log, { backgroundBackendLoader }] = await Promise.all([
        import('../app/spine.js'),
        this.logger(),
        import('../app/background.js'),
      ]);
      this.#spine = createSpine({ log, migrate: options.migrate ?? true, background: backgroundBackendLoader(log) });
    }
    return this.#spine;
  }

  protected override async finally(err: Error | undefined): Promise<void> {
    this.#spine?.close();
    await super.finally(err);
  }

  /** Plain JSON.stringify: oclif's colorizer takes hundreds of ms on large results and adds nothing in a pipe. */
  override logJson(json: unknown): void {
    process.stdout.write(
      `${JSON.stringify(json, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`,
    );
  }

  protected override toErrorJson(err: unknown): { error: ReturnType<SpineError['toJSON']> & { exitCode: number } } {
    const e = toSpineError(err);
    return { error: { ...e.toJSON(), exitCode: e.exitCode } };
  }

  protected override async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    // oclif's own parse errors (unknown flag, missing arg) keep oclif's handling and exit code 2.
    if (!(err instanceof SpineError) && err.oclif) return super.catch(err);
    const e = toSpineError(err);
    process.exitCode = e.exitCode;
    if (this.jsonEnabled()) {
      this.logJson(this.toErrorJson(e));
    } else {
      process.stderr.write(`Error [${e.code}]: ${e.message}\n`);
      const hint = e.details['hint'];
      if (typeof hint === 'string') process.stderr.write(`Hint: ${hint}\n`);
    }
    return undefined;
  }
}
