import { Command, Flags } from '@oclif/core';
import type { Interfaces } from '@oclif/core';
import type { Spine } from '../app/spine.js';
import { ErrorCodes, SpineError, toSpineError } from '../core/errors.js';
import type { LazyFileDestination } from '../core/logging/log-file.js';
import type { SpineLogger } from '../core/logging/logger.js';
import { didYouMean } from '../core/suggest.js';
import { toJsonText } from './output/json.js';
import { setWideTables } from './output/table.js';

interface GlobalFlags {
  db?: string | undefined;
  'log-level'?: string | undefined;
  'log-format'?: string | undefined;
  quiet?: boolean | undefined;
  verbose?: boolean | undefined;
  wide?: boolean | undefined;
}

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof SpineCommand)['baseFlags'] & T['flags']
>;

/**
 * The one base class: `--json` on every command, global logging and database flags, and a single place
 * where errors become a code, a message and an exit code (the same shape in JSON and human output).
 * Heavy modules (better-sqlite3, the pipelines, Temporal) load lazily so start-up stays fast.
 *
 * Logs: off a terminal they go to stderr as documented (docs/logging.md). On a terminal, unless the user
 * asked for them (`--verbose`, `--log-level`, `-q`, `SPINE_LOG_LEVEL`), they go to a log file beside the
 * database, so a person sees results and one progress line instead of dozens of log lines.
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
    verbose: Flags.boolean({
      helpGroup: 'GLOBAL',
      description: 'Log lines on stderr (on a terminal they go to the log file otherwise)',
    }),
  };

  #spine: Spine | undefined;
  #log: SpineLogger | undefined;
  #logFile: LazyFileDestination | undefined;
  #chattyStderr = false;
  #logNamed = false;
  #globals: GlobalFlags = {};

  abstract override run(): Promise<T>;

  /** Parses flags and args and remembers the global ones for `logger()` and `spine()`. */
  protected async parseWith<C extends typeof Command>(cmd: C) {
    const parsed = await this.parse(cmd);
    this.#globals = parsed.flags as GlobalFlags;
    if (this.#globals.db) process.env['SPINE_DATABASE_PATH'] = this.#globals.db;
    setWideTables(this.#globals.wide === true);
    return parsed as unknown as Interfaces.ParserOutput<
      BaseFlags<C>,
      Interfaces.InferredFlags<C['baseFlags']>,
      Interfaces.InferredArgs<C['args']>
    >;
  }

  /** True when a person is watching stderr (a terminal). */
  protected onTerminal(): boolean {
    return process.stderr.isTTY === true;
  }

  protected async logger(): Promise<SpineLogger> {
    if (this.#log) return this.#log;
    const [{ createLogger, createLoggerFromEnv }, { LazyFileDestination, logFilePath }, { databasePathFromEnv }] =
      await Promise.all([
        import('../core/logging/logger.js'),
        import('../core/logging/log-file.js'),
        import('../core/db/open-database.js'),
      ]);
    const g = this.#globals;
    const level = g.quiet ? 'warn' : (g['log-level'] ?? (g.verbose ? 'info' : undefined));
    if (level === undefined && !process.env['SPINE_LOG_LEVEL'] && this.onTerminal()) {
      this.#logFile = new LazyFileDestination(logFilePath(databasePathFromEnv()));
      this.#log = createLogger({ level: 'info', format: 'json', destination: this.#logFile });
    } else {
      this.#log = createLoggerFromEnv({ level, format: g['log-format'] });
      this.#chattyStderr = this.#log.isLevelEnabled('info');
    }
    return this.#log;
  }

  /** True when info log lines go to stderr: they are the progress then, and no live line is drawn. */
  protected async logsOnStderr(): Promise<boolean> {
    await this.logger();
    return this.#chattyStderr;
  }

  /** The log file this command wrote to, if it wrote any line (the summary names it). */
  protected logFileWritten(): string | undefined {
    if (!this.#logFile?.written) return undefined;
    this.#logNamed = true;
    return this.#logFile.path;
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
    this.#logFile?.close();
    await super.finally(err);
  }

  /**
   * Plain JSON.stringify (oclif's colorizer takes hundreds of ms on large results and adds nothing in a
   * pipe); integers beyond 2^53 are written as exact decimal strings (output/json.ts).
   */
  override logJson(json: unknown): void {
    process.stdout.write(`${toJsonText(json)}\n`);
  }

  protected override toErrorJson(err: unknown): { error: ReturnType<SpineError['toJSON']> & { exitCode: number } } {
    const e = toSpineError(err);
    return { error: { ...e.toJSON(), exitCode: e.exitCode } };
  }

  protected override async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    const unknownFlag = this.#unknownFlag(err);
    // oclif's own parse errors (missing arg, bad option) keep oclif's handling and exit code 2.
    if (!unknownFlag && !(err instanceof SpineError) && err.oclif) return super.catch(err);
    const e = unknownFlag ?? toSpineError(err);
    process.exitCode = e.exitCode;
    if (this.jsonEnabled()) {
      this.logJson(this.toErrorJson(e));
    } else {
      process.stderr.write(`Error [${e.code}]: ${e.message}\n`);
      const hint = e.details['hint'];
      if (typeof hint === 'string') process.stderr.write(`Hint: ${hint}\n`);
      // Named once: a run's summary already says where its log lines went.
      const named = this.#logNamed;
      const log = this.logFileWritten();
      if (log && !named) process.stderr.write(`Log: ${log}\n`);
    }
    return undefined;
  }

  /** oclif's "Nonexistent flag: --weeks" as our error, with the nearest real flag. */
  #unknownFlag(err: Error): SpineError | undefined {
    const m = /Nonexistent flags?: (.+)/.exec(err.message);
    if (!m?.[1]) return undefined;
    const typed = m[1].split(/,\s*/)[0]?.trim() ?? '';
    const ctor = this.constructor as typeof Command;
    const names = Object.keys({ ...ctor.baseFlags, ...ctor.flags }).map((n) => `--${n}`);
    const name = typed.split('=')[0] ?? typed;
    return new SpineError(ErrorCodes.INVALID_PARAMS, `Unknown flag ${name}.${didYouMean(name, names, (s) => s)}`, {
      details: { flag: name, hint: `spine ${this.id?.replaceAll(':', ' ') ?? ''} --help` },
    });
  }
}
