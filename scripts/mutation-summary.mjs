// Reads reports/mutation/<module>/mutation.json (mutation-testing-report-schema) and prints, per module and
// per file, the counts docs/testing.md records; with --survivors, every surviving and uncovered mutant.
// When the module has a recheck report (reports/mutation/<module>/recheck/, `npm run mutate -- <module>
// --recheck`), a survivor the recheck killed counts as killed, and a mutant the first run killed but the
// recheck let survive is listed (a kill that isolation did not confirm).
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { bootstrapInterval } from './mutation-sample.mjs';

const STATUSES = ['Killed', 'Survived', 'Timeout', 'NoCoverage', 'CompileError', 'RuntimeError', 'Ignored'];
const DETECTED = new Set(['Killed', 'Timeout']);

function tally(mutants) {
  const n = Object.fromEntries(STATUSES.map((s) => [s, 0]));
  for (const m of mutants) n[m.status] = (n[m.status] ?? 0) + 1;
  const detected = n.Killed + n.Timeout;
  const valid = detected + n.Survived + n.NoCoverage;
  return { ...n, valid, score: valid === 0 ? null : (100 * detected) / valid };
}

function row(name, t) {
  const score = t.score === null ? 'n/a' : `${t.score.toFixed(1)}%`;
  return `| ${name} | ${t.valid} | ${t.Killed} | ${t.Survived} | ${t.Timeout} | ${t.NoCoverage} | ${t.Ignored} | ${score} |`;
}

/** A mutant's identity across runs: where it is and what it changes (ids differ between runs). */
const keyOf = (file, m) =>
  `${file}:${m.location.start.line}:${m.location.start.column}:${m.mutatorName}:${m.replacement ?? ''}`;

function readFiles(path) {
  const report = JSON.parse(readFileSync(path, 'utf8'));
  return Object.entries(report.files).map(([file, f]) => [relative(process.cwd(), file) || file, f.mutants]);
}

/** The module's mutants per file, with the recheck's verdicts applied; and the kills it did not confirm. */
export function moduleMutants(name) {
  const path = `reports/mutation/${name}/mutation.json`;
  if (!existsSync(path)) return undefined;
  const files = readFiles(path);
  const recheckPath = `reports/mutation/${name}/recheck/mutation.json`;
  const unconfirmed = [];
  if (existsSync(recheckPath)) {
    const again = new Map();
    for (const [file, mutants] of readFiles(recheckPath)) for (const m of mutants) again.set(keyOf(file, m), m);
    for (const [file, mutants] of files) {
      for (const [i, m] of mutants.entries()) {
        const r = again.get(keyOf(file, m));
        if (r === undefined) continue;
        if (m.status === 'Survived' && DETECTED.has(r.status)) mutants[i] = { ...m, status: r.status, rechecked: true };
        else if (DETECTED.has(m.status) && r.status === 'Survived') unconfirmed.push({ file, m });
      }
    }
  }
  const samplePath = `reports/mutation/${name}/sample.json`;
  const sample = existsSync(samplePath) ? JSON.parse(readFileSync(samplePath, 'utf8')) : undefined;
  return { files, unconfirmed, sample };
}

/** A line sample's score interval: one [detected, valid] pair per sampled line. */
function sampleInterval(files) {
  const perLine = new Map();
  for (const [file, mutants] of files) {
    for (const m of mutants) {
      const t = tally([m]);
      const key = `${file}:${m.location.start.line}`;
      const [d, v] = perLine.get(key) ?? [0, 0];
      perLine.set(key, [d + t.Killed + t.Timeout, v + t.valid]);
    }
  }
  return bootstrapInterval([...perLine.values()]);
}

/** Prints the table for the given modules; returns false when none has a report yet. */
export function printSummary(modules, { survivors = false } = {}) {
  let any = false;
  process.stdout.write('| Module / file | Mutants | Killed | Survived | Timeout | No coverage | Ignored | Score |\n');
  process.stdout.write('| --- | --- | --- | --- | --- | --- | --- | --- |\n');
  const listed = [];
  const unconfirmed = [];
  // Over every module: a sampled module counts with its estimated score over its estimated number of
  // valid mutants (the sample's valid share of its mutants times all its mutants).
  let detectedAll = 0;
  let validAll = 0;
  let sampledAny = false;
  const notes = [];
  for (const name of modules) {
    const found = moduleMutants(name);
    if (found === undefined) continue;
    any = true;
    const { files, sample } = found;
    unconfirmed.push(...found.unconfirmed);
    const mutants = files.flatMap(([, m]) => m);
    const t = tally(mutants);
    if (sample === undefined) {
      detectedAll += t.Killed + t.Timeout;
      validAll += t.valid;
      process.stdout.write(`${row(`**${name}**`, t)}\n`);
    } else {
      sampledAny = true;
      const reported = mutants.length;
      const validShare = reported === 0 ? 0 : t.valid / reported;
      const estimatedValid = validShare * sample.total_mutants;
      detectedAll += ((t.score ?? 0) / 100) * estimatedValid;
      validAll += estimatedValid;
      const [lo, hi] = sampleInterval(files);
      const label = `**${name}** (sample: ${sample.lines.length} of ${sample.candidate_lines} lines)`;
      process.stdout.write(`${row(label, t)}\n`);
      notes.push(
        `${name}: ${t.score?.toFixed(1)}% estimated from ${t.valid} valid of ${reported} sampled mutants ` +
          `(${sample.total_mutants} in the module); 95% interval ${lo?.toFixed(1)}–${hi?.toFixed(1)}% (bootstrap over lines)`,
      );
    }
    for (const [file, fileMutants] of files.sort(([a], [b]) => (a < b ? -1 : 1))) {
      process.stdout.write(`${row(file, tally(fileMutants))}\n`);
      for (const m of fileMutants) {
        if (m.status === 'Survived' || m.status === 'NoCoverage') listed.push({ file, m });
      }
    }
  }
  if (modules.length > 1 && any) {
    const overall = validAll === 0 ? 'n/a' : `${((100 * detectedAll) / validAll).toFixed(1)}%`;
    const how = sampledAny ? ', sampled modules weighted by their estimated valid mutants' : '';
    process.stdout.write(`\nOverall: ${overall} over ${Math.round(validAll)} valid mutants${how}\n`);
  }
  for (const note of notes) process.stdout.write(`${note}\n`);
  if (survivors) {
    for (const { file, m } of listed) {
      const at = `${file}:${m.location.start.line}:${m.location.start.column}`;
      process.stdout.write(`${m.status} ${at} ${m.mutatorName}: ${JSON.stringify(m.replacement ?? '')}\n`);
    }
  }
  for (const { file, m } of unconfirmed) {
    const at = `${file}:${m.location.start.line}:${m.location.start.column}`;
    process.stdout.write(`UNCONFIRMED-KILL ${at} ${m.mutatorName}: ${JSON.stringify(m.replacement ?? '')}\n`);
  }
  return any;
}
