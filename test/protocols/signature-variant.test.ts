import { describe, expect, it } from 'vitest';
import { isSignatureVariant, signatureVariant } from '../../src/protocols/signature-variant.js';

/** The official vector of PROTOCOLS.md §2b: ends in `d`. */
const OFFICIAL = '6e54c38c7e9c382a5295c3885503fa4a9ee37cabc884350d84973fc1b843126d';

describe('signatureVariant: near misses of a right signature', () => {
  it('last-digit-changed: the last character becomes 0, or 1 when it is 0; the rest is kept', () => {
    expect(signatureVariant(OFFICIAL, 'last-digit-changed')).toBe(`${OFFICIAL.slice(0, 63)}0`);
    expect(signatureVariant('abc0', 'last-digit-changed')).toBe('abc1');
    expect(signatureVariant('ABCF', 'last-digit-changed')).toBe('ABC0');
  });

  it('last-digit-changed differs in more than case from any hex signature, whatever its last digit', () => {
    for (const last of '0123456789abcdefABCDEF') {
      const sig = `${OFFICIAL.slice(0, 63)}${last}`;
      const changed = signatureVariant(sig, 'last-digit-changed');
      expect(changed).toHaveLength(64);
      expect(changed.toLowerCase(), last).not.toBe(sig.toLowerCase());
      expect(changed.slice(0, 63)).toBe(sig.slice(0, 63));
    }
  });

  it('truncated: a prefix one character short; upper-case: A–F for a–f', () => {
    expect(signatureVariant(OFFICIAL, 'truncated')).toBe(OFFICIAL.slice(0, 63));
    expect(OFFICIAL.startsWith(signatureVariant(OFFICIAL, 'truncated'))).toBe(true);
    expect(signatureVariant(OFFICIAL, 'upper-case')).toBe(OFFICIAL.toUpperCase());
    expect(signatureVariant(OFFICIAL, 'upper-case').toLowerCase()).toBe(OFFICIAL);
  });

  it('names the near misses among the transport signature values', () => {
    expect(['last-digit-changed', 'truncated', 'upper-case'].every(isSignatureVariant)).toBe(true);
    expect(['valid', 'wrong', 'stale', 'omit', undefined].some(isSignatureVariant)).toBe(false);
  });
});
