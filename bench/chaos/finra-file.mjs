// A synthetic FINRA weekly OTC file for bench/chaos: `rows` distinct (symbol, MPID) rows in FINRA's
// pipe-separated format (the shape of tests/helpers/temporal-finra-file.ts, with a tier and a date).
// Every row is valid, so a run of it rejects nothing and publishes exactly `rows` raw rows.
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';

const HEADER =
  'tierDescription|issueSymbolIdentifier|issueName|marketParticipantName|MPID|totalWeeklyShareQuantity|totalWeeklyTradeCount|lastUpdateDate';
const MPIDS = ['OTCN', 'OTCX', 'ARCA', 'SWCL', 'PPEX', 'NITE', 'VIRT', 'CDEL', 'JNST', 'GTSM'];
const DESCRIPTION = { OTC: 'OTC', NMS_TIER_1: 'NMS Tier 1', NMS_TIER_2: 'NMS Tier 2' };

/** Writes the file; `salt` varies the volumes so two partitions never hold identical data. */
export async function writeFinraFile(path, rows, { tier = 'OTC', lastUpdateDate, salt = 0 }) {
  const out = createWriteStream(path);
  out.write(`${HEADER}\n`);
  const desc = DESCRIPTION[tier];
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const symbol = `S${Math.floor(i / MPIDS.length)
      .toString(36)
      .toUpperCase()
      .padStart(5, '0')}`;
    const mpid = MPIDS[i % MPIDS.length];
    const shares = 1000 + ((i * 7919 + salt * 104_729) % 900_000);
    chunk += `${desc}|${symbol}|${symbol} Common Stock|${mpid} Venue|${mpid}|${shares}|${1 + ((i + salt) % 97)}|${lastUpdateDate}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
      chunk = '';
    }
  }
  out.end(chunk);
  await finished(out);
}
