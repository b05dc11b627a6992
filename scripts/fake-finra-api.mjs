#!/usr/bin/env node
// A local fake of FINRA's Query API for the fresh-clone scenario, benchmarks and manual testing. Needs the
// built code (npm run build). Prints `SPINE_FINRA_API_URL=http://127.0.0.1:PORT` on its first stdout line
// once the port is bound (port 0, the default, picks a free one: read the line, do not guess), then serves
// until SIGINT/SIGTERM.
//
//   node scripts/fake-finra-api.mjs [--port 8787] [--host 127.0.0.1] [--data data/samples] [--now ISO]
//        [--rows N] [--first-week YYYY-MM-DD] [--withhold TIER:WEEK]... [--revise TIER:WEEK[:LASTUPDATEDATE]]...
//        [--outage 503:N | 429:N[:RETRY_AFTER_S]]...
//
// Weeks are published on their due day (week + 2 weeks for NMS Tier 1, + 4 for NMS Tier 2 and OTC) by the
// fake's clock (--now, default the real clock). The real files in --data are served verbatim for their own
// week; every other week is synthesised from the first file's rows (docs/autopilot.md "spine sync").
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    data: { type: 'string', default: new URL('../data/samples', import.meta.url).pathname },
    now: { type: 'string' },
    rows: { type: 'string' },
    'first-week': { type: 'string' },
    withhold: { type: 'string', multiple: true, default: [] },
    revise: { type: 'string', multiple: true, default: [] },
    outage: { type: 'string', multiple: true, default: [] },
  },
});

const { FakeFinraApi, readDataDir } = await import('../dist/devtools/fake-finra-api/index.js');
const { normalizeTier } = await import('../dist/domains/otc/tiers.js');

const dir = resolve(values.data);
const fake = FakeFinraApi.fromDataDir(dir, readDataDir(dir), {
  ...(values.rows ? { rowsPerWeek: Number(values.rows) } : {}),
  ...(values['first-week'] ? { firstWeek: values['first-week'] } : {}),
});
if (values.now) fake.setNow(values.now);
const tierWeek = (spec) => {
  const [tier, week, extra] = spec.split(':');
  return [normalizeTier(tier), week, extra];
};
for (const spec of values.withhold) fake.withhold(...tierWeek(spec).slice(0, 2));
for (const spec of values.revise) {
  const [tier, week, date] = tierWeek(spec);
  fake.revise(tier, week, date);
}
for (const spec of values.outage) {
  const [status, requests, retryAfter] = spec.split(':').map(Number);
  fake.outage({ status, requests, ...(retryAfter ? { retryAfterSeconds: retryAfter } : {}) });
}

const url = await fake.start(Number(values.port), values.host);
process.stdout.write(`SPINE_FINRA_API_URL=${url}\n`);
process.stderr.write(`fake FINRA API on ${url} (data ${dir}); Ctrl-C stops it\n`);
const stop = () => {
  fake.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
