#!/usr/bin/env node
// `npm run mutate -- <module> [stryker options]`: Stryker over one module of scripts/mutation-modules.mjs
// with only that module's tests. `npm run mutate -- --list` prints the modules, `npm run mutate --
// --summary [module…] [--survivors]` the scores measured so far; with no module Stryker runs over
// everything (src/core, src/domains/otc, src/activities) with the whole in-process suite.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MUTATION_MODULES } from './mutation-modules.mjs';
import { printSummary } from './mutation-summary.mjs';

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
const corePackage = createRequire(import.meta.url).resolve('@stryker-mutator/core/package.json');
const stryker = join(dirname(corePackage), 'bin', 'stryker.js');
const env = { ...process.env };
if (module !== undefined) env.SPINE_MUTATE_MODULE = module;
else delete env.SPINE_MUTATE_MODULE;
const result = spawnSync(process.execPath, [stryker, 'run', ...args], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
