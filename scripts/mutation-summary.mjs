// Reads reports/mutation/<module>/mutation.json (mutation-testing-report-schema) and prints, per module and
// per file, the counts docs/testing.md records; with --survivors, every surviving and uncovered mutant.
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';

const STATUSES = ['Killed', 'Survived', 'Timeout', 'NoCoverage', 'CompileError', 'RuntimeError', 'Ignored'];

function tally(mutants) {
  const n = Object.fromEntries(STATUSES.map((s) => [s, 0]));
  for (const m of mutants) n[m.status] = (n[m.status] ?? 0) + 1;
  const detected = n.Killed + n.Timeout;
  const valid = detected + n.Survived + n.NoCoverage;
  return { ...n, valid, score: valid === 0 ? null : (100 * detected) / valid };
}

function row(name, t) {
  const score = t.score === null ? 'n/a' : `${t.score.toFixed(1)}%`;
  return `| ${name} | ${t.valid} | ${t.Killed} | ${t.Survived} | ${t.Timeout} | ${t.NoCoverage} | ${score} |`;
}

/** Prints the table for the given modules; returns false when none has a report yet. */
export function printSummary(modules, { survivors = false } = {}) {
  let any = false;
  process.stdout.write('| Module / file | Mutants | Killed | Survived | Timeout | No coverage | Score |\n');
  process.stdout.write('| --- | --- | --- | --- | --- | --- | --- |\n');
  const listed = [];
  for (const name of modules) {
    const path = `reports/mutation/${name}/mutation.json`;
    if (!existsSync(path)) continue;
    any = true;
    const report = JSON.parse(readFileSync(path, 'utf8'));
    const files = Object.entries(report.files).map(([file, f]) => [relative(process.cwd(), file) || file, f.mutants]);
    process.stdout.write(`${row(`**${name}**`, tally(files.flatMap(([, m]) => m)))}\n`);
    for (const [file, mutants] of files.sort(([a], [b]) => (a < b ? -1 : 1))) {
      process.stdout.write(`${row(file, tally(mutants))}\n`);
      for (const m of mutants) {
        if (m.status === 'Survived' || m.status === 'NoCoverage') listed.push({ file, m });
      }
    }
  }
  if (survivors) {
    for (const { file, m } of listed) {
      const at = `${file}:${m.location.start.line}:${m.location.start.column}`;
      process.stdout.write(`${m.status} ${at} ${m.mutatorName}: ${JSON.stringify(m.replacement ?? '')}\n`);
    }
  }
  return any;
}
