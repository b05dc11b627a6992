/** The fake FINRA Query API (tests, bench, `node scripts/fake-finra-api.mjs`). */
export { FakeFinraApi } from './server.js';
export type { FakeFinraOptions, Outage, SeenRequest } from './server.js';
export { apiRow, readDataDir, readWeeklyFile, synthRow, weeklyFileName } from './fixtures.js';
export type { ApiRow, BaseRow, RealWeek } from './fixtures.js';
