import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { recordHash, sha256Hex32 } from '../../../src/core/record-hash.js';

describe('record hash (domain-spec §6.3)', () => {
  it('matches the golden value for 2025-12-19|NMS Tier 1|AAPL|NITE|1000|10', () => {
    expect(recordHash('2025-12-19', 'NMS Tier 1', 'AAPL', 'NITE', 1000, 10)).toBe('1aefc07523b2b54b696d3f884c991a4d');
  });

  it('is 32 lowercase hex characters and deterministic', () => {
    const a = recordHash('2025-12-12', 'OTC', 'AABB', 'OTCN', 6753871, 171);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(recordHash('2025-12-12', 'OTC', 'AABB', 'OTCN', 6753871, 171)).toBe(a);
  });

  it('changes when any part changes', () => {
    const base = recordHash('2025-12-12', 'OTC', 'AABB', 'OTCN', 6753871, 171);
    expect(recordHash('2025-12-19', 'OTC', 'AABB', 'OTCN', 6753871, 171)).not.toBe(base);
    expect(recordHash('2025-12-12', 'OTC', 'AABB', 'OTCN', 6753871, 172)).not.toBe(base);
    expect(recordHash('2025-12-12', 'NMS Tier 1', 'AABB', 'OTCN', 6753871, 171)).not.toBe(base);
  });

  it('hashes big counts by their exact decimal digits', () => {
    const expected = createHash('sha256')
      .update('2025-12-19|OTC|BIG|OTCN|99999999999999999999|1')
      .digest('hex')
      .slice(0, 32);
    expect(recordHash('2025-12-19', 'OTC', 'BIG', 'OTCN', 99999999999999999999n, 1)).toBe(expected);
  });

  it('agrees with createHash for non-ASCII text', () => {
    const text = 'Société – 株式会社';
    expect(sha256Hex32(text)).toBe(createHash('sha256').update(text).digest('hex').slice(0, 32));
  });
});
