import { describe, expect, it } from 'vitest';
import { REJECT_CODE_DESCRIPTIONS, REJECT_CODE_LIST, RejectCodes } from '../../../../src/domains/otc/reject-codes.js';

describe('reject codes', () => {
  it('are the sixteen UPPER_SNAKE codes, each its own value', () => {
    expect(REJECT_CODE_LIST).toHaveLength(16);
    for (const [key, value] of Object.entries(RejectCodes)) {
      expect(value).toBe(key);
      expect(value).toMatch(/^[A-Z][A-Z0-9_]*$/);
    }
  });

  it('each have a one-line human description', () => {
    for (const code of REJECT_CODE_LIST) {
      const text = REJECT_CODE_DESCRIPTIONS[code];
      expect(text.length).toBeGreaterThan(10);
      expect(text).not.toContain('\n');
    }
  });
});
