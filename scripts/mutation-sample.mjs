// Line-sampled mutation runs (`npm run mutate -- <module> --sample 0.25`): a seeded random share of the
// module's source lines that carry a mutant, handed to Stryker as one-line ranges, so a large module is
// measured in a quarter of the time. Stryker mutates a node only when the whole node lies inside a range,
// so a sample holds every mutant that fits on a chosen line and none that spans lines (block removals,
// multi-line literals and conditions). docs/testing.md says how the estimate compares with full runs.
import { readdirSync, readFileSync } from 'node:fs';
import { Instrumenter } from '@stryker-mutator/instrumenter';
// The benchmarks' seeded PRNG (mulberry32), so a module's sample is the same lines on every run.
import { rng as random } from '../bench/lib/common.mjs';

const quiet = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error: (...a) => console.error(...a),
  isTraceEnabled: () => false,
  isDebugEnabled: () => false,
  isInfoEnabled: () => false,
};

/** The files a module's globs name: `dir/**\/*.ts`, `dir/*.ts`, plain paths, and `!path` exclusions. */
export function filesOf(globs) {
  const excluded = new Set(globs.filter((g) => g.startsWith('!')).map((g) => g.slice(1)));
  const out = new Set();
  for (const glob of globs.filter((g) => !g.startsWith('!'))) {
    const deep = glob.match(/^(.*)\/\*\*\/\*\.ts$/);
    const flat = glob.match(/^(.*)\/\*\.ts$/);
    if (deep) {
      for (const f of readdirSync(deep[1], { recursive: true })) if (f.endsWith('.ts')) out.add(`${deep[1]}/${f}`);
    } else if (flat) {
      for (const f of readdirSync(flat[1])) if (f.endsWith('.ts')) out.add(`${flat[1]}/${f}`);
    } else out.add(glob);
  }
  return [...out].filter((f) => !excluded.has(f)).sort();
}

/** Every mutant Stryker would place in these files (API locations: 0-based lines). */
export async function enumerateMutants(files) {
  const input = files.map((name) => ({ name, mutate: true, content: readFileSync(name, 'utf8') }));
  const result = await new Instrumenter(quiet).instrument(input, {
    plugins: null,
    excludedMutations: [],
    ignorers: [],
  });
  return result.mutants;
}

export function seedOf(text) {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

/**
 * Chooses `fraction` of the lines that hold at least one one-line mutant, by seed. Returns the chosen
 * lines as `file:L` (1-based), how many mutants lie on them, and the Stryker `--mutate` ranges for them.
 */
export function sampleLines(mutants, fraction, seed) {
  const lineOf = (m) => `${m.fileName}:${m.location.start.line + 1}`;
  const oneLine = mutants.filter((m) => m.location.start.line === m.location.end.line);
  const lines = [...new Set(oneLine.map(lineOf))].sort();
  const next = random(seed);
  const chosen = lines.filter(() => next() < fraction);
  const onChosen = new Set(chosen);
  return {
    candidates: lines.length,
    lines: chosen,
    mutants: oneLine.filter((m) => onChosen.has(lineOf(m))).length,
    ranges: chosen.map((l) => {
      const at = l.lastIndexOf(':');
      const line = l.slice(at + 1);
      return `${l.slice(0, at)}:${line}:0-${line}:100000`;
    }),
  };
}

/**
 * Score of a line sample with a 95% interval from a bootstrap over lines (the sampled unit): resample the
 * lines with replacement, recompute the score. `groups` is one [detected, valid] pair per sampled line.
 */
export function bootstrapInterval(groups, rounds = 4000, seed = 1) {
  const next = random(seed);
  const scores = [];
  for (let r = 0; r < rounds; r++) {
    let d = 0;
    let v = 0;
    for (let i = 0; i < groups.length; i++) {
      const [gd, gv] = groups[Math.floor(next() * groups.length)];
      d += gd;
      v += gv;
    }
    if (v > 0) scores.push((100 * d) / v);
  }
  scores.sort((a, b) => a - b);
  return [scores[Math.floor(0.025 * scores.length)], scores[Math.floor(0.975 * scores.length)]];
}
