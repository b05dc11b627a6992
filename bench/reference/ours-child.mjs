// One measured Market Spine process for bench/reference: the Basic chain as the reference runs it (four
// pipelines through the dispatcher: ingest_week, normalize_week, aggregate_week, compute_venue_share) or
// the whole week pipeline, on a fresh database. Prints one JSON line with wall and CPU time per stage.
// Usage: node bench/reference/ours-child.mjs chain|week DB_PATH FILE
import { dist } from '../lib/common.mjs';

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const [mode, dbPath, file] = process.argv.slice(2);
const t0 = performance.now();
const c0 = cpuMs();
const [{ createSpine }, { silentLogger }] = await Promise.all([dist('app/spine.js'), dist('core/logging/logger.js')]);
const spine = createSpine({ dbPath, log: silentLogger });
const out = { mode, import_ms: performance.now() - t0, import_cpu_ms: cpuMs() - c0, stages: {} };

async function timed(name, pipeline, params) {
  const t = performance.now();
  const c = cpuMs();
  const exec = await spine.dispatcher.submit(pipeline, params);
  out.stages[name] = { ms: performance.now() - t, cpu_ms: cpuMs() - c, status: exec.status };
  if (exec.status !== 'completed') throw new Error(`${pipeline}: ${exec.status} ${exec.errorMessage ?? ''}`);
  return exec;
}

const P = 'finra.otc_transparency';
const start = performance.now();
const startCpu = cpuMs();
if (mode === 'chain') {
  const ingest = await timed('ingest', `${P}.ingest_week`, { file_path: file });
  const week = { week_ending: ingest.result.week_ending, tier: ingest.result.tier };
  await timed('normalize', `${P}.normalize_week`, week);
  await timed('aggregate', `${P}.aggregate_week`, week);
  await timed('venue_share', `${P}.compute_venue_share`, week);
} else {
  await timed('week', `${P}.week`, { file_path: file });
}
out.total_ms = performance.now() - start;
out.total_cpu_ms = cpuMs() - startCpu;
spine.close();
out.process_cpu_ms = cpuMs();
process.stdout.write(`${JSON.stringify(out)}\n`);
