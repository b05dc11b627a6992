/** Writes a FINRA weekly OTC file of `rows` distinct (symbol, MPID) rows in the real pipe-separated format. */
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';

const HEADER =
  'tierDescription|issueSymbolIdentifier|issueName|marketParticipantName|MPID|totalWeeklyShareQuantity|totalWeeklyTradeCount|lastUpdateDate';
const MPIDS = ['OTCN', 'OTCX', 'ARCA', 'SWCL', 'PPEX', 'NITE', 'VIRT', 'CDEL', 'JNST', 'GTSM'] as const;

export async function writeFinraFile(path: string, rows: number, lastUpdateDate = '2025-12-15'): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${HEADER}\n`);
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const symbol = `S${Math.floor(i / MPIDS.length)
      .toString(36)
      .toUpperCase()
      .padStart(5, '0')}`;
    const mpid = MPIDS[i % MPIDS.length] as string;
    const shares = 1000 + ((i * 7919) % 900_000);
    chunk += `OTC|${symbol}|${symbol} Common Stock|${mpid} Venue|${mpid}|${shares}|${1 + (i % 97)}|${lastUpdateDate}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  out.end(chunk);
  await finished(out);
}
