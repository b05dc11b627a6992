/**
 * The commands the documentation shows a user: README.md's bash blocks, every command's `--help` examples
 * (from the built oclif manifest) and every pipeline's examples (`spine pipelines describe`), in that
 * order, plus how to run each as a user would: placeholders filled with ids copied from earlier output.
 *
 * Every example is run by exactly one test file, by its `background` flag:
 * - false: tests/e2e/documented-examples.e2e.test.ts (the embedded default: SQLite + the sync backend),
 *   which also runs or checks README's set-up lines (demo.sh, npm link, and the lines scripts/test.sh
 *   runs before vitest starts: RUN_BEFORE_VITEST);
 * - true: tests/integration/temporal/documented-examples-background.int.test.ts, which runs them on its
 *   own `spine dev up` stack: `spine dev|worker|schedules …`, `--async` runs, and every line of a README
 *   block that starts the stack (its `export …` and `node scripts/fake-finra-api.mjs … &` lines too).
 */
import { readFileSync } from 'node:fs';
import { REPO_ROOT } from './run-cli.js';

export interface DocExample {
  /** Where it is documented: `README.md:42`, `spine query --help`, `pipeline finra.otc_transparency.week`. */
  readonly source: string;
  /** The command as documented (comment included). */
  readonly text: string;
  /**
   * oclif command id (`captures:diff`); for README and pipelines the id of the command it runs; '' for a
   * README line that is not a `spine` command.
   */
  readonly commandId: string;
  /** Needs the background stack (`spine dev up`): run by the Temporal-tier test, not the e2e one. */
  readonly background: boolean;
}

/**
 * README lines no test runs, because they are what `.ci/run` runs around the suite: `bash scripts/test.sh`
 * is the suite itself, and it runs `npm ci`, `npm run build` and `npm run tools:install`'s script before
 * vitest starts (a test running them would reinstall node_modules under the other tests). The e2e test
 * checks each against .ci/run and scripts/test.sh; any other README line must be run by a test.
 */
export const RUN_BEFORE_VITEST: readonly string[] = [
  'bash scripts/test.sh',
  'npm ci && npm run build',
  'npm ci && npm run build && npm run tools:install',
];

/** The line without its trailing comment (a `#` that starts a word outside quotes), trimmed. */
export function withoutComment(text: string): string {
  let quote: string | null = null;
  let prev = ' ';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && /\s/.test(prev)) return text.slice(0, i).trim();
    prev = ch;
  }
  return text.trim();
}

/** Whether a README line is one of RUN_BEFORE_VITEST. */
export function runBeforeVitest(text: string): boolean {
  return RUN_BEFORE_VITEST.includes(withoutComment(text));
}

/** `spine …`, possibly after `NAME=value` assignments. */
export function isSpineCommand(text: string): boolean {
  return shellWords(text).program === 'spine';
}

/** A background README block: one that starts the dev stack. */
function startsDevStack(lines: readonly { text: string }[]): boolean {
  return lines.some((l) => /^spine dev up\b/.test(l.text));
}

/** `spine executions list --json` → `executions:list` (first words that name a command). */
export function commandIdOf(text: string, commandIds: readonly string[]): string {
  const words = text.replace(/^(\w+=\S+\s+)*spine\s+/, '').split(/\s+/);
  for (let n = 3; n > 0; n--) {
    const id = words.slice(0, n).join(':');
    if (commandIds.includes(id)) return id;
  }
  return words[0] ?? '';
}

function readmeExamples(commandIds: readonly string[]): DocExample[] {
  const lines = readFileSync(`${REPO_ROOT}README.md`, 'utf8').split('\n');
  const out: DocExample[] = [];
  let block: { lines: { n: number; text: string }[] } | undefined;
  lines.forEach((line, i) => {
    if (block === undefined && line.trim() === '```bash') block = { lines: [] };
    else if (block !== undefined && line.trim() === '```') {
      const background = startsDevStack(block.lines);
      for (const l of block.lines) {
        out.push({
          source: `README.md:${l.n}`,
          text: l.text,
          commandId: isSpineCommand(l.text) ? commandIdOf(l.text, commandIds) : '',
          background: background && !runBeforeVitest(l.text),
        });
      }
      block = undefined;
    } else if (block !== undefined && line.trim() !== '') block.lines.push({ n: i + 1, text: line.trim() });
  });
  return out;
}

interface ManifestCommand {
  readonly examples?: readonly string[];
}

function helpExamples(): DocExample[] {
  const manifest = JSON.parse(readFileSync(`${REPO_ROOT}oclif.manifest.json`, 'utf8')) as {
    commands: Record<string, ManifestCommand>;
  };
  const ids = Object.keys(manifest.commands).sort();
  const out: DocExample[] = [];
  for (const id of ids) {
    for (const raw of manifest.commands[id]?.examples ?? []) {
      const text = raw
        .replaceAll('<%= config.bin %>', 'spine')
        .replaceAll('<%= command.id %>', id.replaceAll(':', ' '));
      const background =
        /^(dev|schedules)(:|$)/.test(id) || id === 'worker' || /--async\b|needs spine dev up/.test(text);
      out.push({ source: `spine ${id.replaceAll(':', ' ')} --help`, text, commandId: id, background });
    }
  }
  return out;
}

export function pipelineExamples(
  describe: (name: string) => { examples: readonly string[] },
  names: readonly string[],
): DocExample[] {
  return names.flatMap((name) =>
    describe(name).examples.map((text) => ({
      source: `spine pipelines describe ${name}`,
      text,
      commandId: 'run',
      background: /--async\b/.test(text),
    })),
  );
}

/** README first, then the `--help` examples by command id. */
export function documentedExamples(): { readme: DocExample[]; help: DocExample[] } {
  const manifest = JSON.parse(readFileSync(`${REPO_ROOT}oclif.manifest.json`, 'utf8')) as {
    commands: Record<string, unknown>;
  };
  return { readme: readmeExamples(Object.keys(manifest.commands)), help: helpExamples() };
}

/** The exit codes an example allows: 0, plus any `exit N` its comment announces. */
export function allowedExits(text: string): number[] {
  const comment = text.includes('#') ? text.slice(text.indexOf('#')) : '';
  return [0, ...[...comment.matchAll(/exit (\d)/g)].map((m) => Number(m[1]))];
}

export interface ShellStep {
  /** How it joins the step before it: the first one, run only after success, run only after failure. */
  readonly after: 'first' | '&&' | '||';
  readonly text: string;
}

/**
 * A one-line command list split on `&&` and `||` outside quotes (the comment dropped), and whether it ends
 * with `&` (started in the background). Pipes, `;` and redirections are not supported: such a line is
 * refused rather than run differently from a shell.
 */
export function shellSequence(text: string): { steps: ShellStep[]; background: boolean } {
  let line = withoutComment(text);
  const background = /[^&]&$/.test(line);
  if (background) line = line.slice(0, -1).trim();
  const steps: ShellStep[] = [];
  let after: ShellStep['after'] = 'first';
  let cur = '';
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    const two = line.slice(i, i + 2);
    if (quote) {
      if (ch === quote) quote = null;
      cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      cur += ch;
    } else if (two === '&&' || two === '||') {
      steps.push({ after, text: cur.trim() });
      after = two;
      cur = '';
      i++;
    } else if (/[|;<>&`]/.test(ch) || two === '$(') {
      throw new Error(`${text}: '${ch}' is not supported by the documented-examples runner`);
    } else cur += ch;
  }
  steps.push({ after, text: cur.trim() });
  return { steps, background };
}

/**
 * Shell words of a one-line command (quotes respected, the trailing comment dropped, env prefixes split
 * off); `program` is its first word, dropped from `argv` when it is `spine`.
 */
export function shellWords(text: string): { env: Record<string, string>; argv: string[]; program: string } {
  const words: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let inWord = false;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '#' && !inWord) break;
    else if (/\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  const env: Record<string, string> = {};
  while (words[0] && /^[A-Z_]+=/.test(words[0])) {
    const [k, ...v] = (words.shift() as string).split('=');
    env[k as string] = v.join('=');
  }
  const program = words[0] ?? '';
  if (program === 'spine') words.shift();
  return { env, argv: words, program };
}

const UUID = /\b([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/;
const EXECUTION_ROW = /^([0-9a-f]{8}) {2}/m;
const CAPTURE_ID = /\b[a-z_.]+:(?:OTC|NMS_TIER_1|NMS_TIER_2):\d{4}-\d{2}-\d{2}:([0-9a-f]{6})\b/;
const CAPTURE_ROW = /^([0-9a-f]{6}) {2,}\d{4}-\d{2}-\d{2} .*\bpublished\b/gm;
const DEAD_LETTER_ROW = /^\s*(\d+) {2,}open\b/m;

/**
 * Fills `<execution-id>`, `<capture-id>`, `<old-capture>`, `<new-capture>` and `<dead-letter-id>` the way a
 * user does: from the newest earlier output that shows one (tables list the newest first), in the short
 * form tables print.
 */
export function fillPlaceholders(text: string, outputs: readonly string[]): string {
  const newest = (find: (out: string) => string | undefined): string | undefined => {
    for (let i = outputs.length - 1; i >= 0; i--) {
      const hit = find(outputs[i] ?? '');
      if (hit !== undefined) return hit;
    }
    return undefined;
  };
  const need = (name: string, value: string | undefined): string => {
    if (value === undefined) throw new Error(`${text}: no earlier output shows a ${name} to copy`);
    return value;
  };
  return text.replace(/<([a-z-]+)>/g, (whole, name: string) => {
    switch (name) {
      case 'execution-id':
        return need(
          name,
          newest((o) => (EXECUTION_ROW.exec(o) ?? UUID.exec(o))?.[1]),
        );
      case 'capture-id':
        return need(
          name,
          newest((o) => (CAPTURE_ID.exec(o) ?? /^([0-9a-f]{6}) {2,}\d{4}-/m.exec(o))?.[1]),
        );
      case 'new-capture':
      case 'old-capture': {
        const rows = newest((o) => {
          const hashes = [...o.matchAll(CAPTURE_ROW)].map((m) => m[1] as string);
          return hashes.length >= 2 ? hashes.join(' ') : undefined;
        });
        const [newer, older] = need('pair of published captures', rows).split(' ');
        return (name === 'new-capture' ? newer : older) ?? whole;
      }
      case 'dead-letter-id':
        return need(
          name,
          newest((o) => DEAD_LETTER_ROW.exec(o)?.[1]),
        );
      default:
        return whole;
    }
  });
}
