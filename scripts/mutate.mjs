#!/usr/bin/env node
// `npm run mutate -- <module> [stryker options]`: Stryker over one module of scripts/mutation-modules.mjs
// with only that module's tests. `npm run mutate -- --list` prints the modules, `npm run mutate --
// --summary [module…] [--survivors]` the scores measured so far; with no module Stryker runs over
// everything (src/core, src/domains/otc, src/activities) with the whole in-process suite.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MUTATION_MODULES } from './mutation-modules.mjs';
import { enumerateMutants, filesOf, sampleLines, seedOf } from './mutation-sample.mjs';
import { moduleMutants, printSummary } from './mutation-summary.mjs';

const args = process.argv.slice(2);
if (args.includes('--list')) {
  for (const [name, m] of Object.entries(MUTATION_MODULES)) {
    process.stdout.write(`${name}\t${m.mutate.join(' ')}\n`);
  }
  process.exit(0);
}
if (args.includes('--summary')) {
  // The scores of the modules measured so far (their reports/mutation/<module>/mutation.json).
  const names = args.filter((a) => !a.startsWith('-'));
  const found = printSummary(names.length > 0 ? names : Object.keys(MUTATION_MODULES), {
    survivors: args.includes('--survivors'),
  });
  process.exit(found ? 0 : 1);
}
const module = args[0] !== undefined && !args[0].startsWith('-') ? args.shift() : undefined;
if (module !== undefined && MUTATION_MODULES[module] === undefined) {
  process.stderr.write(`unknown mutation module '${module}'; one of: ${Object.keys(MUTATION_MODULES).join(', ')}\n`);
  process.exit(2);
}
if (args.includes('--recheck')) {
  // Re-tests the survivors of the module's last run (after adding tests, or to confirm them), each in a
  // fresh module graph (vitest isolation on), into reports/mutation/<module>/recheck/; the summary then
  // counts a survivor the recheck killed as killed. Stryker narrows to the survivors' lines.
  if (module === undefined) {
    process.stderr.write('--recheck needs a module\n');
    process.exit(2);
  }
  const found = moduleMutants(module);
  if (found === undefined) {
    process.stderr.write(`no report for ${module} yet: run npm run mutate -- ${module} first\n`);
    process.exit(2);
  }
  const ranges = new Set();
  for (const [file, mutants] of found.files) {
    for (const m of mutants) {
      if (m.status === 'Survived') ranges.add(`${file}:${m.location.start.line}-${m.location.end.line}`);
    }
  }
  if (ranges.size === 0) {
    process.stdout.write(`${module}: no survivor to recheck\n`);
    process.exit(0);
  }
  args.splice(args.indexOf('--recheck'), 1, '--force', '--mutate', [...ranges].join(','));
  process.env.SPINE_MUTATE_RECHECK = '1';
}
let sample;
if (args.includes('--sample')) {
  // A seeded share of the module's lines (scripts/mutation-sample.mjs); recorded in sample.json beside
  // the report, so the summary shows the score as an estimate with its interval.
  // `--seed WORD` draws another sample (e.g. to check a score measured on the sample the tests were
  // written against, which overstates it); the default seed is the module's name.
  const seedAt = args.indexOf('--seed');
  const seedWord = seedAt >= 0 ? args.splice(seedAt, 2)[1] : undefined;
  const at = args.indexOf('--sample');
  const fraction = Number(args[at + 1]);
  if (module === undefined || !(fraction > 0 && fraction < 1)) {
    process.stderr.write('--sample needs a module and a fraction between 0 and 1, e.g. --sample 0.25\n');
    process.exit(2);
  }
  const mutants = await enumerateMutants(filesOf(MUTATION_MODULES[module].mutate));
  const seed = seedOf(seedWord === undefined ? module : `${module}:${seedWord}`);
  const chosen = sampleLines(mutants, fraction, seed);
  sample = {
    fraction,
    seed,
    total_mutants: mutants.length,
    sampled_mutants: chosen.mutants,
    candidate_lines: chosen.candidates,
    lines: chosen.lines,
  };
  args.splice(at, 2, '--mutate', chosen.ranges.join(','));
  process.stdout.write(
    `${module}: sampling ${chosen.lines.length} of ${chosen.candidates} lines (${sample.sampled_mutants} of ${mutants.length} mutants)\n`,
  );
}
const corePackage = createRequire(import.meta.url).resolve('@stryker-mutator/core/package.json');
const stryker = join(dirname(corePackage), 'bin', 'stryker.js');
const env = { ...process.env };
if (module !== undefined) env.SPINE_MUTATE_MODULE = module;
else delete env.SPINE_MUTATE_MODULE;
const result = spawnSync(process.execPath, [stryker, 'run', ...args], { stdio: 'inherit', env });
if (module !== undefined && result.status === 0 && process.env.SPINE_MUTATE_RECHECK !== '1') {
  const samplePath = `reports/mutation/${module}/sample.json`;
  if (sample !== undefined) writeFileSync(samplePath, `${JSON.stringify(sample, null, 2)}\n`);
  else if (!args.includes('--mutate')) rmSync(samplePath, { force: true });
}
process.exit(result.status ?? 1);
