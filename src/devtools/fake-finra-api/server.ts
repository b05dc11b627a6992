/**
 * A local stand-in for FINRA's Query API (`POST {base}/data/group/otcMarket/name/{weeklySummary|
 * weeklySummaryHistoric}`), on 127.0.0.1, for tests, benchmarks and the README's fresh-clone scenario.
 * It speaks what src/domains/otc/sources sends: the JSON payload's `weekStartDate` date range, the
 * `tierIdentifier` domain filter, the `summaryTypeCode` compare filter, `fields`, and offset paging with
 * `limit` at most 5,000 (more is a 400, like FINRA). Rows come back as a JSON array, counts as numbers;
 * an unknown week or a week not yet published is an empty array, as on the real API.
 *
 * Controls (all in-process, no timing involved):
 * - a clock: a week is served from its publication day (week + the tier's lag) on the fake's "now";
 * - withheld weeks: never served until released;
 * - revisions: `revise(tier, week)` changes three rows' numbers and restamps lastUpdateDate;
 * - outages: the next N data requests answer 503, or 429 with `Retry-After`.
 * The 12-month move to `weeklySummaryHistoric` is not modelled: both datasets serve every week.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatIsoDate } from '../../core/dates.js';
import { nearestFridayOnOrAfter } from '../../core/week-ending.js';
import { dueDate } from '../../domains/otc/sync/due-weeks.js';
import { defaultSummaryTypeCode, FINRA_API_MAX_PAGE_SIZE } from '../../domains/otc/sources/index.js';
import { tierFromApiIdentifier } from '../../domains/otc/tiers.js';
import type { Tier } from '../../domains/otc/tiers.js';
import { apiRow, readWeeklyFile, synthRow } from './fixtures.js';
import type { ApiRow, BaseRow, RealWeek } from './fixtures.js';

const PATH = /^\/data\/group\/otcMarket\/name\/(weeklySummary|weeklySummaryHistoric)\/?$/;

export interface FakeFinraOptions {
  /** Rows every synthesised week is built from (a real week's rows); default data/samples' first file. */
  readonly baseRows: readonly BaseRow[];
  /** Real weeks served verbatim. */
  readonly realWeeks?: readonly RealWeek[];
  /** Serve only the first N rows of each week (small tests); default all. */
  readonly rowsPerWeek?: number;
  /** The fake's "now" (default the system clock); `setNow` replaces it. */
  readonly now?: () => Date;
  /** Weeks before this one are never served (default: none). */
  readonly firstWeek?: string;
  /** Every answer waits this long (a slow API, to make runs overlap in concurrency tests). */
  readonly delayMs?: number;
}

export interface Outage {
  readonly status: 503 | 429 | 500;
  /** How many data requests it answers. */
  readonly requests: number;
  /** 429 only: the `Retry-After` header in seconds. */
  readonly retryAfterSeconds?: number;
  /** Data requests answered normally before the outage starts (default 0). */
  readonly afterRequests?: number;
  /** Only requests for these week endings are affected (and counted); default every request. */
  readonly weeks?: readonly string[];
}

/** What the fake saw, one entry per data request. */
export interface SeenRequest {
  readonly dataset: string;
  readonly tier: Tier | null;
  readonly weekEnding: string | null;
  readonly offset: number;
  readonly limit: number;
  readonly status: number;
  readonly rows: number;
}

interface Payload {
  readonly fields?: string[];
  readonly compareFilters?: { fieldName: string; fieldValue: string; compareType: string }[];
  readonly dateRangeFilters?: { fieldName: string; startDate: string; endDate: string }[];
  readonly domainFilters?: { fieldName: string; values: string[] }[];
  readonly limit?: number;
  readonly offset?: number;
}

const wk = (tier: Tier, week: string): string => `${tier}:${week}`;

export class FakeFinraApi {
  readonly requests: SeenRequest[] = [];
  readonly #opts: FakeFinraOptions;
  readonly #real = new Map<string, RealWeek>();
  readonly #withheld = new Set<string>();
  readonly #revisions = new Map<string, { count: number; lastUpdateDate: string }>();
  readonly #outages: {
    status: number;
    left: number;
    before: number;
    retryAfterSeconds?: number | undefined;
    weeks?: readonly string[] | undefined;
  }[] = [];
  #held: (() => void)[] | null = null;
  readonly #receivedFor = new Map<string, number>();
  #received = 0;
  #now: () => Date;
  #server: Server | undefined;
  #baseUrl = '';

  constructor(opts: FakeFinraOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? (() => new Date());
    for (const w of opts.realWeeks ?? []) this.#real.set(wk(w.tier, w.weekEnding), w);
  }

  /** Builds a fake from a folder of real weekly files (the first one is the synthesis base). */
  static fromDataDir(
    dir: string,
    weeks: readonly RealWeek[],
    opts: Omit<FakeFinraOptions, 'baseRows' | 'realWeeks'> = {},
  ): FakeFinraApi {
    const first = weeks[0];
    if (!first)
      throw new Error(`${dir}: no finra_otc_weekly_{otc|tier1|tier2}_YYYYMMDD.csv file to build the fake from`);
    return new FakeFinraApi({ ...opts, baseRows: first.rows, realWeeks: weeks });
  }

  static fromFile(file: string, opts: Omit<FakeFinraOptions, 'baseRows'> = {}): FakeFinraApi {
    return new FakeFinraApi({ ...opts, baseRows: readWeeklyFile(file) });
  }

  /** `http://127.0.0.1:PORT`, the port the server actually bound. */
  get baseUrl(): string {
    return this.#baseUrl;
  }

  setNow(at: Date | string): void {
    const d = typeof at === 'string' ? new Date(at) : at;
    this.#now = () => d;
  }

  withhold(tier: Tier, week: string): void {
    this.#withheld.add(wk(tier, week));
  }

  release(tier: Tier, week: string): void {
    this.#withheld.delete(wk(tier, week));
  }

  /** A new revision of a week: three rows' shares change and every row gets `lastUpdateDate` (default today). */
  revise(tier: Tier, week: string, lastUpdateDate?: string): number {
    const prev = this.#revisions.get(wk(tier, week))?.count ?? 0;
    const next = { count: prev + 1, lastUpdateDate: lastUpdateDate ?? formatIsoDate(this.#now()) };
    this.#revisions.set(wk(tier, week), next);
    return next.count;
  }

  /** Queues an outage: the next `requests` data requests get `status` (429 with Retry-After). */
  outage(o: Outage): void {
    this.#outages.push({
      status: o.status,
      left: o.requests,
      before: o.afterRequests ?? 0,
      retryAfterSeconds: o.retryAfterSeconds,
      weeks: o.weeks,
    });
  }

  clearOutages(): void {
    this.#outages.length = 0;
  }

  /** Holds every answer from now on until `resume()` (a test then knows a run is mid-fetch). */
  pause(): void {
    this.#held ??= [];
  }

  resume(): void {
    const held = this.#held ?? [];
    this.#held = null;
    for (const answer of held) answer();
  }

  /** Requests received so far, answered or held. */
  get received(): number {
    return this.#received;
  }

  /** Data requests received so far for one week, answered or held. */
  receivedFor(tier: Tier, week: string): number {
    return this.#receivedFor.get(wk(tier, week)) ?? 0;
  }

  /** Whether the fake serves `week` of `tier` now. */
  isPublished(tier: Tier, week: string): boolean {
    if (this.#withheld.has(wk(tier, week))) return false;
    if (this.#opts.firstWeek !== undefined && week < this.#opts.firstWeek) return false;
    return formatIsoDate(this.#now()) >= dueDate(tier, week);
  }

  /** Every row of a week as served now (empty when not published), for tests that compare. */
  weekRows(tier: Tier, week: string): ApiRow[] {
    if (!this.isPublished(tier, week)) return [];
    return this.#slice(tier, week, 0, Number.MAX_SAFE_INTEGER);
  }

  #slice(tier: Tier, week: string, offset: number, limit: number): ApiRow[] {
    const real = this.#real.get(wk(tier, week));
    const base = real?.rows ?? this.#opts.baseRows;
    const total = Math.min(base.length, this.#opts.rowsPerWeek ?? base.length);
    const rev = this.#revisions.get(wk(tier, week));
    const view = {
      tier,
      weekEnding: week,
      revision: rev?.count ?? 0,
      lastUpdateDate: rev?.lastUpdateDate ?? (real ? null : dueDate(tier, week)),
    };
    const out: ApiRow[] = [];
    for (let i = offset; i < Math.min(total, offset + limit); i++) {
      const b = base[i] as BaseRow;
      out.push(apiRow(real ? b : synthRow(b, tier, week, i), view, i));
    }
    return out;
  }

  #answer(
    dataset: string,
    p: Payload,
  ): { status: number; body: string; rows: number; tier: Tier | null; week: string | null } {
    const offset = p.offset ?? 0;
    const limit = p.limit ?? FINRA_API_MAX_PAGE_SIZE;
    const range = p.dateRangeFilters?.find((f) => f.fieldName === 'weekStartDate');
    const tierIds = p.domainFilters?.find((f) => f.fieldName === 'tierIdentifier')?.values ?? [];
    const tiers = tierIds.map((t) => tierFromApiIdentifier(t)).filter((t): t is Tier => t !== null);
    const week = range ? nearestFridayOnOrAfter(range.startDate) : null;
    const none = { tier: tiers[0] ?? null, week };
    if (
      !Number.isInteger(limit) ||
      limit < 1 ||
      limit > FINRA_API_MAX_PAGE_SIZE ||
      !Number.isInteger(offset) ||
      offset < 0
    )
      return {
        status: 400,
        body: JSON.stringify({ message: `limit must be 1..${FINRA_API_MAX_PAGE_SIZE}` }),
        rows: 0,
        ...none,
      };
    if (week === null || tiers.length !== 1 || (range && range.endDate < week))
      return { status: 200, body: '[]', rows: 0, ...none };
    const tier = tiers[0] as Tier;
    const code = p.compareFilters?.find((f) => f.fieldName === 'summaryTypeCode')?.fieldValue;
    if ((code !== undefined && code !== defaultSummaryTypeCode(tier)) || !this.isPublished(tier, week))
      return { status: 200, body: '[]', rows: 0, ...none };
    let rows = this.#slice(tier, week, offset, limit);
    if (p.fields && p.fields.length > 0) {
      const keep = p.fields;
      rows = rows.map((r) => Object.fromEntries(keep.filter((f) => f in r).map((f) => [f, r[f] as string | number])));
    }
    void dataset;
    return { status: 200, body: JSON.stringify(rows), rows: rows.length, ...none };
  }

  #handle(req: IncomingMessage, res: ServerResponse, text: string): void {
    const m = PATH.exec((req.url ?? '').split('?')[0] ?? '');
    const send = (status: number, body: string, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(body);
    };
    if (!m) return send(404, JSON.stringify({ message: 'not found' }));
    if (req.method !== 'POST') return send(405, JSON.stringify({ message: 'use POST' }));
    const dataset = m[1] as string;
    let payload: Payload;
    try {
      payload = (text === '' ? {} : JSON.parse(text)) as Payload;
    } catch {
      return send(400, JSON.stringify({ message: 'body is not JSON' }));
    }
    const asked = this.#answer(dataset, payload).week;
    let outage = this.#outages[0];
    if (outage?.weeks !== undefined && (asked === null || !outage.weeks.includes(asked))) outage = undefined;
    if (outage && outage.before > 0) {
      outage.before--;
      outage = undefined;
    }
    if (outage) {
      outage.left--;
      if (outage.left <= 0) this.#outages.shift();
      const a = this.#answer(dataset, payload);
      this.requests.push({
        dataset,
        tier: a.tier,
        weekEnding: a.week,
        offset: payload.offset ?? 0,
        limit: payload.limit ?? 0,
        status: outage.status,
        rows: 0,
      });
      const headers: Record<string, string> =
        outage.status === 429 ? { 'Retry-After': String(outage.retryAfterSeconds ?? 1) } : {};
      return send(
        outage.status,
        JSON.stringify({ message: outage.status === 429 ? 'Too Many Requests' : 'Service Unavailable' }),
        headers,
      );
    }
    const a = this.#answer(dataset, payload);
    this.requests.push({
      dataset,
      tier: a.tier,
      weekEnding: a.week,
      offset: payload.offset ?? 0,
      limit: payload.limit ?? 0,
      status: a.status,
      rows: a.rows,
    });
    send(a.status, a.body);
  }

  #count(text: string): void {
    try {
      const a = this.#answer('', JSON.parse(text) as Payload);
      if (a.tier !== null && a.week !== null) {
        this.#receivedFor.set(wk(a.tier, a.week), this.receivedFor(a.tier, a.week) + 1);
      }
    } catch {
      // Not a data request: nothing to count.
    }
  }

  /** Listens on `host:port` (port 0: any free port); resolves once bound, with `baseUrl` set. */
  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.#received++;
        const text = Buffer.concat(chunks).toString('utf8');
        this.#count(text);
        const answer = (): void => {
          if (this.#opts.delayMs === undefined) this.#handle(req, res, text);
          else setTimeout(() => this.#handle(req, res, text), this.#opts.delayMs);
        };
        if (this.#held) this.#held.push(answer);
        else answer();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.#server = server;
    const { port: bound } = server.address() as AddressInfo;
    this.#baseUrl = `http://${host}:${bound}`;
    return this.#baseUrl;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  }
}
