// Times whole `node …` processes, interleaved round-robin, from a small process of its own: spawning from
// a parent holding a large malloc heap (e.g. after building a database with a 2 GB SQLite cache) adds
// tens of ms to every spawn, which would distort start-up ratios. Prints {name: [ms, …]} as JSON.
// Usage (via timeCommands in common.mjs): node bench/lib/time-commands.mjs '<json spec>'
import { runChild } from './common.mjs';

const { cases, runs, warmup, env } = JSON.parse(process.argv[2]);
const out = Object.fromEntries(cases.map((c) => [c.name, []]));
for (let i = 0; i < warmup + runs; i++) {
  for (const c of cases) {
    const r = runChild(c.args, { env: { ...env, ...c.env }, timeoutMs: c.timeoutMs });
    if (i >= warmup) out[c.name].push(r.timedOut ? Number.POSITIVE_INFINITY : r.ms);
  }
}
process.stdout.write(JSON.stringify(out, (_k, v) => (v === Number.POSITIVE_INFINITY ? null : v)));
