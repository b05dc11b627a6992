// bench/cli-startup (issue 2): median wall time of `spine --version` and `spine pipelines list`
// against bare `node -e 0`, measured in the same run, interleaved. Target: each under 3x bare Node.
// Usage: npm run build && node bench/cli-startup/run.mjs [--runs 15] [--warmup 2]
import { join } from 'node:path';
import {
  BIN,
  fmtMs,
  fmtRatio,
  median,
  printHeader,
  printTable,
  quantile,
  tempDir,
  timeCommands,
  verdict,
} from '../lib/common.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = arg('runs', 15);
const WARMUP = arg('warmup', 2);
const TARGET = 3;

printHeader('bench/cli-startup');
console.log(
  `${RUNS} runs after ${WARMUP} warm-ups each, interleaved round-robin; wall time of the whole child process`,
);

// The CLI never touches this file for these two commands; set it so nothing reads ./spine.db.
const env = { SPINE_DATABASE_PATH: join(tempDir('cli'), 'spine.db'), SPINE_LOG_LEVEL: 'warn' };
const cases = {
  'node -e 0': ['-e', '0'],
  'spine --version': [BIN, '--version'],
  'spine pipelines list': [BIN, 'pipelines', 'list'],
  // Diagnostics (no target): where the start-up of an oclif command goes.
  'diag: node -e "import(\'@oclif/core\')"': ['--input-type=module', '-e', "await import('@oclif/core')"],
  'diag: spine pipelines list --help': [BIN, 'pipelines', 'list', '--help'],
  'diag: pipelines list, OCLIF_DISABLE_ENGINE_WARNING=1': [BIN, 'pipelines', 'list'],
};
const caseEnv = { 'diag: pipelines list, OCLIF_DISABLE_ENGINE_WARNING=1': { OCLIF_DISABLE_ENGINE_WARNING: '1' } };
const samples = timeCommands(
  Object.entries(cases).map(([name, args]) => ({ name, args, env: caseEnv[name] ?? {} })),
  { runs: RUNS, warmup: WARMUP, env },
);
const base = median(samples['node -e 0']);
const rows = Object.entries(samples).map(([name, s]) => {
  const m = median(s);
  const isTarget = name.startsWith('spine');
  return [
    name,
    fmtMs(m),
    fmtMs(quantile(s, 0.9)),
    fmtMs(Math.min(...s)),
    fmtRatio(m / base),
    isTarget ? `< ${TARGET}x: ${verdict(m / base, TARGET)}` : name === 'node -e 0' ? 'baseline' : 'info',
  ];
});
printTable('', ['command', 'median', 'p90', 'min', 'ratio to node -e 0', 'target'], rows);
