// Writes a synthetic FINRA weekly OTC file (format A: pipe-delimited, FINRA's header), sorted by symbol
// then venue name like the real export. Deterministic for a given seed.
// Standalone: node bench/ingest/generate.mjs OUT_DIR [rows=1000000] [symbols=100000]
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { rng } from '../lib/common.mjs';

export const HEADER =
  'tierDescription|issueSymbolIdentifier|issueName|marketParticipantName|MPID|totalWeeklyShareQuantity|totalWeeklyTradeCount|lastUpdateDate';

/** ~30 venues: MPID and the participant name FINRA prints; popularity is Zipf-like (first = busiest). */
export const VENUES = [
  ['OTCN', 'OTCN OTC LINK NQB IDQS'],
  ['OTCX', 'OTCX OTC LINK ECN ATS'],
  ['ARCA', 'ARCA GLOBAL OTC'],
  ['CDEL', 'CITADEL SECURITIES LLC'],
  ['VIRT', 'VIRTU AMERICAS LLC'],
  ['GTSM', 'GTS SECURITIES LLC'],
  ['JANE', 'JANE STREET CAPITAL, LLC'],
  ['NITE', 'VIRTU AMERICAS LLC (KCG)'],
  ['UBSS', 'UBS SECURITIES LLC'],
  ['GSCO', 'GOLDMAN SACHS & CO. LLC'],
  ['MSCO', 'MORGAN STANLEY & CO. LLC'],
  ['JPMS', 'J.P. MORGAN SECURITIES LLC'],
  ['INCA', 'INSTINET, LLC'],
  ['PPEX', 'PPEX NORTH CAPITAL PRIVATE SECURITIES CORPORATION'],
  ['DBAB', 'DEUTSCHE BANK SECURITIES INC.'],
  ['BARD', 'ROBERT W. BAIRD & CO. INCORPORATED'],
  ['CANT', 'CANTOR FITZGERALD & CO.'],
  ['STFL', 'STIFEL, NICOLAUS & COMPANY, INCORPORATED'],
  ['RBCM', 'RBC CAPITAL MARKETS, LLC'],
  ['HRTF', 'HRT FINANCIAL LP'],
  ['TWOS', 'TWO SIGMA SECURITIES, LLC'],
  ['XTXM', 'XTX MARKETS LLC'],
  ['WABR', 'WALLACHBETH CAPITAL LLC'],
  ['ETRF', 'E*TRADE SECURITIES LLC'],
  ['ALTS', 'ALTS LODAS SECURITIES ALTERNATIVE TRADING SYSTEM'],
  ['PROS', 'PROS TZERO SECURITIES LLC'],
  ['SWCL', 'SWCL INX SECURITIES, LLC'],
  ['STEN', 'STEN STARTENGINE SECONDARY'],
  ['SMKT', 'SMKT SECURITIZE MARKETS ATS'],
  ['MAXM', 'MAXIM GROUP LLC'],
];

const WORDS = (
  'Asia Broadband Global Pacific American Northern Blue Green Golden Silver Quantum Digital Bio Pharma Energy ' +
  'Mining Gold Lithium Resources Capital Holdings Technologies Systems Networks Therapeutics Media Health Water ' +
  'Solar Wind Oil Gas Metals Minerals Royalty Bancorp Financial Realty Foods Brands Aerospace Marine Logistics'
).split(' ');
const SUFFIX = [
  'Inc Common Stock',
  'Corp Common Stock',
  'Ltd Ordinary Shares',
  'Inc Class A Common Stock',
  'Holdings Inc Common Stock',
  'Plc Unsponsored ADR',
  'Ltd Unsponsored ADR (Cayman Islands)',
  'SA Sponsored ADR',
  'AG Namen-Aktien',
  'Corp Ordinary Shares (Canada)',
];
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function makeSymbols(n, rand) {
  const set = new Set();
  while (set.size < n) {
    const r = rand();
    const len = r < 0.1 ? 3 : r < 0.55 ? 4 : 5;
    let s = '';
    for (let i = 0; i < len; i++) {
      // A few symbols carry digits (AB12C-like); most are letters.
      s += i > 1 && i < len - 1 && rand() < 0.08 ? String(Math.floor(rand() * 10)) : LETTERS[Math.floor(rand() * 26)];
    }
    if (len === 5 && rand() < 0.3) s = s.slice(0, 4) + (rand() < 0.6 ? 'F' : 'Y'); // foreign ordinaries, ADRs
    set.add(s);
  }
  return [...set].sort();
}

/** Standard normal via Box–Muller. */
const gauss = (rand) => Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());

/**
 * Writes `rows` data rows over `symbols` symbols to OUT_DIR/finra_otc_weekly_otc_YYYYMMDD.csv.
 * `publication` is the lastUpdateDate (a Monday); the week ending is the Friday before it.
 */
export async function generateFinraWeek(
  outDir,
  { rows = 1_000_000, symbols = 100_000, seed = 7, publication = '2025-12-15' } = {},
) {
  const rand = rng(seed);
  const path = join(outDir, `finra_otc_weekly_otc_${publication.replaceAll('-', '')}.csv`);
  const syms = makeSymbols(symbols, rand);
  // Venue popularity weights (Zipf s≈0.6) and per-symbol venue counts averaging rows/symbols.
  const weights = VENUES.map((_, i) => 1 / Math.pow(i + 1, 0.6));
  const wsum = weights.reduce((a, b) => a + b, 0);
  const mean = rows / symbols;
  const out = createWriteStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const write = (s) => (out.write(s) ? Promise.resolve() : new Promise((r) => out.once('drain', r)));
  await write(`${HEADER}\n`);
  // Venue count per symbol: exponential around the mean, clamped to [1, 30], then nudged so the total is exact.
  const counts = syms.map(() => Math.max(1, Math.min(VENUES.length, Math.round(-Math.log(rand() || 1e-9) * mean))));
  let total = counts.reduce((a, b) => a + b, 0);
  if (rows < syms.length || rows > syms.length * VENUES.length)
    throw new Error('rows must be in [symbols, 30 × symbols]');
  while (total !== rows) {
    const i = Math.floor(rand() * counts.length);
    if (total < rows && counts[i] < VENUES.length) {
      counts[i]++;
      total++;
    } else if (total > rows && counts[i] > 1) {
      counts[i]--;
      total--;
    }
  }
  let written = 0;
  let buf = [];
  for (let si = 0; si < syms.length; si++) {
    const k = counts[si];
    const chosen = new Set();
    while (chosen.size < k) {
      let x = rand() * wsum;
      let v = 0;
      while (x > weights[v] && v < VENUES.length - 1) x -= weights[v++];
      if (chosen.has(v)) v = Math.floor(rand() * VENUES.length);
      chosen.add(v);
    }
    const sym = syms[si];
    const name = `${WORDS[Math.floor(rand() * WORDS.length)]} ${WORDS[Math.floor(rand() * WORDS.length)]} ${SUFFIX[Math.floor(rand() * SUFFIX.length)]}`;
    const popularity = Math.exp(1.8 * gauss(rand));
    const venues = [...chosen].map((v) => VENUES[v]).sort((a, b) => (a[1] < b[1] ? -1 : 1));
    for (const [mpid, vname] of venues) {
      const shares = Math.max(1, Math.round(4000 * popularity * Math.exp(1.2 * gauss(rand))));
      const tradeSize = Math.max(1, 300 * Math.exp(0.9 * gauss(rand)));
      const trades = Math.max(1, Math.min(shares, Math.round(shares / tradeSize)));
      buf.push(`OTC|${sym}|${name}|${vname}|${mpid}|${shares}|${trades}|${publication}`);
      written++;
    }
    if (buf.length >= 20_000) {
      await write(`${buf.join('\n')}\n`);
      buf = [];
    }
  }
  if (buf.length) await write(`${buf.join('\n')}\n`);
  await new Promise((res, rej) => out.end((e) => (e ? rej(e) : res())));
  return { path, rows: written };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir = '.', rows = '1000000', symbols = '100000'] = process.argv.slice(2);
  const t0 = Date.now();
  const r = await generateFinraWeek(dir, { rows: Number(rows), symbols: Number(symbols) });
  console.log(`${r.path}: ${r.rows} rows in ${Date.now() - t0} ms`);
}
