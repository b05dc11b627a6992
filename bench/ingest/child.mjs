// One measured pipeline run in its own process (so its peak RSS is its own). Prints one JSON line.
// Usage: node bench/ingest/child.mjs PIPELINE DB_PATH FILE
import { Worker } from 'node:worker_threads';
import { dist, msSince, nowNs } from '../lib/common.mjs';

// A sampler thread records the process RSS and CPU time (both process-wide) every 50 ms even while the
// main thread is busy in a long synchronous stage, so peak RSS and CPU can be attributed to stages
// afterwards (by their event timestamps).
const sampler = new Worker(
  `const { parentPort } = require('node:worker_threads');
   const samples = [];
   const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
   const timer = setInterval(() => samples.push([Date.now(), process.memoryUsage.rss(), cpu()]), 50);
   parentPort.on('message', () => { clearInterval(timer); parentPort.postMessage(samples); });`,
  { eval: true },
);
const stopSampler = () =>
  new Promise((resolve) => {
    sampler.once('message', (samples) => {
      void sampler.terminate();
      resolve(samples);
    });
    sampler.postMessage('stop');
  });

const [pipeline, dbPath, file] = process.argv.slice(2);
const [{ createSpine }, { silentLogger }, { describeExecution }] = await Promise.all([
  dist('app/spine.js'),
  dist('core/logging/logger.js'),
  dist('core/execution/history.js'),
]);
const spine = createSpine({ dbPath, log: silentLogger }); // opens and migrates before the clock starts
const rssBefore = process.resourceUsage().maxRSS * 1024;
const cpu0 = process.cpuUsage();
const t0 = nowNs();
const exec = await spine.dispatcher.submit(pipeline, { file_path: file });
const ms = msSince(t0);
const cpu = process.cpuUsage(cpu0);
const usage = process.resourceUsage();
const samples = await stopSampler();
const detail = describeExecution(spine.db, exec.id);
const peakIn = (from, to) => samples.reduce((m, [t, rss]) => (t >= from && t <= to && rss > m ? rss : m), 0);
/** CPU ms between two instants: the samples nearest to them (within 50 ms). */
const cpuAt = (t) => {
  let best = null;
  for (const sm of samples) if (best === null || Math.abs(sm[0] - t) < Math.abs(best[0] - t)) best = sm;
  return best ? best[2] : NaN;
};
const stageRss = Object.fromEntries(
  detail.stages.map((s) => [
    s.stage,
    peakIn(Date.parse(s.started_at), s.ended_at ? Date.parse(s.ended_at) : Date.now()),
  ]),
);
const raw = spine.db.prepare('SELECT COUNT(*) AS n FROM finra_otc_transparency_raw').get().n;
spine.close();
process.stdout.write(
  `${JSON.stringify({
    pipeline,
    status: exec.status,
    error: exec.errorMessage ?? null,
    ms,
    raw_rows: raw,
    max_rss_bytes: usage.maxRSS * 1024,
    rss_before_bytes: rssBefore,
    user_cpu_ms: cpu.user / 1000,
    system_cpu_ms: cpu.system / 1000,
    stages: detail.stages.map((s) => ({
      stage: s.stage,
      status: s.status,
      ms: s.duration_ms,
      cpu_ms: cpuAt(s.ended_at ? Date.parse(s.ended_at) : Date.now()) - cpuAt(Date.parse(s.started_at)),
      rows_out: s.rows_out,
      peak_rss_bytes: stageRss[s.stage],
    })),
  })}\n`,
);
