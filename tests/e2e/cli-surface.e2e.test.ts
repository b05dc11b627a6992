import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface ManifestFlag {
  readonly type: string;
  readonly char?: string;
  readonly options?: readonly string[];
  readonly multiple?: boolean;
}
interface ManifestCommand {
  readonly flags: Record<string, ManifestFlag>;
  readonly args: Record<string, { readonly required?: boolean }>;
}

/** The built manifest is what users get: every command, its arguments and flags (with types and choices). */
function surface(): Record<string, { args: string[]; flags: string[] }> {
  const manifest = JSON.parse(readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8')) as {
    commands: Record<string, ManifestCommand>;
  };
  const out: Record<string, { args: string[]; flags: string[] }> = {};
  for (const id of Object.keys(manifest.commands).sort()) {
    const c = manifest.commands[id] as ManifestCommand;
    out[id] = {
      args: Object.entries(c.args).map(([n, a]) => `${n}${a.required ? '' : '?'}`),
      flags: Object.entries(c.flags)
        .map(
          ([n, f]) =>
            `--${n}${f.char ? `|-${f.char}` : ''}:${f.type}${f.options ? `(${f.options.join('|')})` : ''}${f.multiple ? '*' : ''}`,
        )
        .sort(),
    };
  }
  return out;
}

describe('the CLI surface', () => {
  it('matches the recorded contract (update the snapshot on purpose when a command changes)', () => {
    expect(surface()).toMatchSnapshot();
  });

  it('gives every command --json and the global flags', () => {
    for (const [id, c] of Object.entries(surface())) {
      for (const flag of [
        '--json:boolean',
        '--db:option',
        '--log-level:option',
        '--log-format:option',
        '--quiet|-q:boolean',
      ]) {
        expect(c.flags, id).toContain(flag);
      }
    }
  });
});
