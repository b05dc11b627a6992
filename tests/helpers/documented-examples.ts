/**
 * The commands the documentation shows a user: README.md's bash blocks, every command's `--help` examples
 * (from the built oclif manifest) and every pipeline's examples (`spine pipelines describe`), in that
 * order, plus how to run each as a user would: placeholders filled with ids copied from earlier output.
 */
import { readFileSync } from 'node:fs';
import { REPO_ROOT } from './run-cli.js';

export interface DocExample {
  /** Where it is documented: `README.md:42`, `spine query --help`, `pipeline finra.otc_transparency.week`. */
  readonly source: string;
  /** The command as documented (comment included). */
  readonly text: string;
  /** oclif command id (`captures:diff`) or, for README and pipelines, the id of the command it runs. */
  readonly commandId: string;
  /** Why it is not run here, when it is not. */
  readonly skip?: string;
}

const NEEDS_DEV_STACK =
  'needs `spine dev up` (a Temporal server and a worker): the background lane is covered by the Temporal suite';

/** Why a README line that is not a `spine` command is not run here. */
function notSpine(text: string): string {
  if (text.startsWith('bash scripts/test.sh')) return 'runs the whole test suite, this test included (.ci/run)';
  if (text.startsWith('bash scripts/demo.sh'))
    return 'installs and rebuilds (npm ci, npm run build) under the other tests; its spine commands are the README ones run here';
  return 'a set-up step: the test runs the built bin/run.js as `spine` (what npm link puts on PATH)';
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
      const background = block.lines.some((l) => /^spine dev up\b/.test(l.text));
      for (const l of block.lines) {
        const source = `README.md:${l.n}`;
        if (!l.text.startsWith('spine ')) {
          out.push({ source, text: l.text, commandId: '', skip: notSpine(l.text) });
        } else {
          out.push({
            source,
            text: l.text,
            commandId: commandIdOf(l.text, commandIds),
            ...(background ? { skip: NEEDS_DEV_STACK } : {}),
          });
        }
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
      out.push({
        source: `spine ${id.replaceAll(':', ' ')} --help`,
        text,
        commandId: id,
        ...(background ? { skip: NEEDS_DEV_STACK } : {}),
      });
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
      ...(/--async\b/.test(text) ? { skip: NEEDS_DEV_STACK } : {}),
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

/** Shell words of a one-line command (quotes respected, the trailing comment dropped, env prefixes split off). */
export function shellWords(text: string): { env: Record<string, string>; argv: string[] } {
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
  if (words[0] === 'spine') words.shift();
  return { env, argv: words };
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
