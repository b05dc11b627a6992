import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import { DEFAULT_TASK_QUEUE } from '../../../contracts/temporal/task-queue.js';
import { ErrorCodes, SpineError } from '../../../core/errors.js';
import { PROJECT_ROOT } from '../../../core/tools/temporal-binaries.js';

export const SEARCH_ATTRIBUTE_TYPES = ['Text', 'Keyword', 'Int', 'Double', 'Bool', 'Datetime', 'KeywordList'] as const;
export type SearchAttributeTypeName = (typeof SEARCH_ATTRIBUTE_TYPES)[number];
const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'never'] as const;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** temporal-dev.yml, validated: the local stack `spine dev up` starts (our format, not docker-compose). */
export interface DevStackConfig {
  /** Absolute path of the file it came from. */
  readonly path: string;
  readonly temporal: {
    readonly ip: string;
    readonly port: number;
    /** null: headless (no Web UI). */
    readonly uiPort: number | null;
    readonly namespace: string;
    /** Absolute; relative paths in the file are relative to the file. */
    readonly dbFilename: string;
    readonly logLevel: (typeof LOG_LEVELS)[number];
    readonly searchAttributes: Readonly<Record<string, SearchAttributeTypeName>>;
  };
  readonly worker: {
    readonly taskQueue: string;
    readonly maxConcurrentActivityTaskExecutions: number;
  };
}

class Fields {
  readonly #file: string;
  constructor(file: string) {
    this.#file = file;
  }
  fail(field: string, rule: string): never {
    throw new SpineError(ErrorCodes.INVALID_PARAMS, `${this.#file}: ${field}: ${rule}`, {
      nonRetryable: true,
      details: { file: this.#file, field },
    });
  }
  object(value: unknown, field: string, allowed: readonly string[]): Record<string, unknown> {
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value)) this.fail(field, 'must be a mapping');
    const obj = value as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key))
        this.fail(field === '(root)' ? key : `${field}.${key}`, `unknown key (allowed: ${allowed.join(', ')})`);
    }
    return obj;
  }
  port(value: unknown, field: string, fallback: number): number {
    const v = value ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535)
      this.fail(field, `must be a port number 1-65535, got ${JSON.stringify(v)}`);
    return v;
  }
  string(value: unknown, field: string, fallback: string): string {
    const v = value ?? fallback;
    if (typeof v !== 'string' || v.trim() === '') this.fail(field, 'must be a non-empty string');
    return v.trim();
  }
  oneOf<T extends string>(value: unknown, field: string, choices: readonly T[], fallback: T): T {
    const v = value ?? fallback;
    if (typeof v !== 'string' || !(choices as readonly string[]).includes(v))
      this.fail(field, `must be one of ${choices.join(', ')}, got ${JSON.stringify(v)}`);
    return v as T;
  }
}

/** Parses and validates the YAML text; `path` names the file in error messages and anchors relative paths. */
export function parseDevStackConfig(text: string, path: string): DevStackConfig {
  const f: Fields = new Fields(path);
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    f.fail('(document)', `not valid YAML: ${(err as Error).message}`);
  }
  const root = f.object(doc, '(root)', ['temporal', 'worker']);
  const t = f.object(root['temporal'], 'temporal', [
    'ip',
    'port',
    'uiPort',
    'namespace',
    'dbFilename',
    'logLevel',
    'searchAttributes',
  ]);
  const w = f.object(root['worker'], 'worker', ['taskQueue', 'maxConcurrentActivityTaskExecutions']);
  const ip = f.string(t['ip'], 'temporal.ip', '127.0.0.1');
  if (!LOOPBACK.has(ip)) f.fail('temporal.ip', `the dev stack binds to loopback only (127.0.0.1), got ${ip}`);
  const port = f.port(t['port'], 'temporal.port', 7233);
  const uiPort = t['uiPort'] === null ? null : f.port(t['uiPort'], 'temporal.uiPort', port + 1000);
  const attrs = f.object(
    t['searchAttributes'],
    'temporal.searchAttributes',
    Object.keys((t['searchAttributes'] as object | null) ?? {}),
  );
  const searchAttributes: Record<string, SearchAttributeTypeName> = {};
  for (const [name, type] of Object.entries(attrs)) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name))
      f.fail(`temporal.searchAttributes.${name}`, 'names are letters, digits and _');
    searchAttributes[name] = f.oneOf(type, `temporal.searchAttributes.${name}`, SEARCH_ATTRIBUTE_TYPES, 'Keyword');
  }
  const dbFilename = f.string(t['dbFilename'], 'temporal.dbFilename', '.data/temporal.db');
  const concurrency = w['maxConcurrentActivityTaskExecutions'] ?? 2;
  if (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 1) {
    f.fail(
      'worker.maxConcurrentActivityTaskExecutions',
      `must be a positive integer, got ${JSON.stringify(concurrency)}`,
    );
  }
  return {
    path,
    temporal: {
      ip,
      port,
      uiPort,
      namespace: f.string(t['namespace'], 'temporal.namespace', 'default'),
      dbFilename: isAbsolute(dbFilename) ? dbFilename : resolve(dirname(path), dbFilename),
      logLevel: f.oneOf(t['logLevel'], 'temporal.logLevel', LOG_LEVELS, 'warn'),
      searchAttributes,
    },
    worker: {
      taskQueue: f.string(w['taskQueue'], 'worker.taskQueue', DEFAULT_TASK_QUEUE),
      maxConcurrentActivityTaskExecutions: concurrency,
    },
  };
}

/** The dev stack file shipped at the project root: the default, whatever the working directory. */
export const DEFAULT_DEV_STACK_FILE = resolve(PROJECT_ROOT, 'temporal-dev.yml');

/**
 * `--config` (relative to the working directory, like any path typed on the command line), else
 * `SPINE_DEV_CONFIG` (absolute), else `fallback` (the file a recorded stack was started with), else the
 * project root's temporal-dev.yml. Never a file found in the working directory.
 */
export function findDevStackConfig(explicit?: string, env: NodeJS.ProcessEnv = process.env, fallback?: string): string {
  const fromEnv = env['SPINE_DEV_CONFIG']?.trim();
  if (!explicit && fromEnv && !isAbsolute(fromEnv)) {
    throw new SpineError(
      ErrorCodes.INVALID_PARAMS,
      `SPINE_DEV_CONFIG must be an absolute path, got ${JSON.stringify(fromEnv)}`,
      { nonRetryable: true, details: { hint: `e.g. SPINE_DEV_CONFIG=${resolve(fromEnv)}` } },
    );
  }
  const path = explicit
    ? resolve(explicit)
    : (fromEnv ?? (fallback && existsSync(fallback) ? fallback : DEFAULT_DEV_STACK_FILE));
  if (!existsSync(path))
    throw new SpineError(ErrorCodes.NOT_FOUND, `Dev stack file not found: ${path}`, { nonRetryable: true });
  return path;
}

export function loadDevStackConfig(
  explicit?: string,
  env: NodeJS.ProcessEnv = process.env,
  fallback?: string,
): DevStackConfig {
  const path = findDevStackConfig(explicit, env, fallback);
  return parseDevStackConfig(readFileSync(path, 'utf8'), path);
}

export function serverAddress(config: DevStackConfig): string {
  const host = config.temporal.ip === 'localhost' ? '127.0.0.1' : config.temporal.ip;
  return host.includes(':') ? `[${host}]:${config.temporal.port}` : `${host}:${config.temporal.port}`;
}

export function uiUrl(config: DevStackConfig): string | null {
  if (config.temporal.uiPort === null) return null;
  const host = config.temporal.ip === 'localhost' ? '127.0.0.1' : config.temporal.ip;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.temporal.uiPort}`;
}

/** `temporal server start-dev` arguments for this stack. */
export function startDevArgs(config: DevStackConfig): string[] {
  const t = config.temporal;
  const args = [
    'server',
    'start-dev',
    '--ip',
    t.ip,
    '--port',
    String(t.port),
    '--namespace',
    t.namespace,
    '--db-filename',
    t.dbFilename,
    '--log-level',
    t.logLevel,
  ];
  args.push(...(t.uiPort === null ? ['--headless'] : ['--ui-port', String(t.uiPort)]));
  for (const [name, type] of Object.entries(t.searchAttributes)) args.push('--search-attribute', `${name}=${type}`);
  return args;
}
