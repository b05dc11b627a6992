// The floor experiment for the real week's "pipeline time < 0.3 s" target: one process runs the week
// pipeline RUNS times, each on its own fresh database, and prints wall and CPU of each run. The first run
// pays what any fresh process pays (loading the stage modules on first use, cold JIT, first statements
// prepared); the later ones show the pipeline itself, as a long-running worker runs it.
// Usage: npm run build && node bench/reference/warm-child.mjs FILE [RUNS=5]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dist, fmtMs } from '../lib/common.mjs';

const [file, runsArg] = process.argv.slice(2);
const RUNS = Number(runsArg ?? 5);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const [{ createSpine }, { silentLogger }] = await Promise.all([dist('app/spine.js'), dist('core/logging/logger.js')]);
const dir = mkdtempSync(join(tmpdir(), 'spine-warm-'));
try {
  for (let i = 1; i <= RUNS; i++) {
    const spine = createSpine({ dbPath: join(dir, `run${i}.db`), log: silentLogger });
    const t = performance.now();
    const c = cpuMs();
    const exec = await spine.dispatcher.submit('finra.otc_transparency.week', { file_path: file });
    const ms = performance.now() - t;
    const cpu = cpuMs() - c;
    spine.close();
    if (exec.status !== 'completed') throw new Error(`run ${i}: ${exec.status} ${exec.errorMessage ?? ''}`);
    console.log(`run ${i}${i === 1 ? ' (cold process)' : ''}: wall ${fmtMs(ms)}, CPU ${fmtMs(cpu)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
