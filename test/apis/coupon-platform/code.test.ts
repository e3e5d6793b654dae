import { describe, expect, it } from 'vitest';
import { couponCode, couponIdOf } from '../../../src/apis/coupon-platform/code.js';
import { rng } from '../../helpers/rng.js';

describe('coupon codes', () => {
  it('keep their spelling: pp + 10 base-36 digits of the number mixed modulo 2^48', () => {
    expect(couponCode(1)).toBe(`pp${(0x9e3779b97f4a7c15n & 0xffffffffffffn).toString(36).padStart(10, '0')}`);
    expect(couponCode(1)).toMatch(/^pp[0-9a-z]{10}$/);
  });

  it('read back to the number they were made from, over small, large and random numbers', () => {
    const random = rng(16);
    const ids = [
      1,
      2,
      3,
      999,
      1_000_000,
      2 ** 31,
      2 ** 48 - 1,
      ...Array.from({ length: 2000 }, () => 1 + Math.floor(random() * (2 ** 48 - 2))),
    ];
    for (const id of ids) expect(couponIdOf(couponCode(id))).toBe(id);
    // Distinct numbers, distinct codes (the mixing is a bijection).
    const first = Array.from({ length: 20_000 }, (_, i) => couponCode(i + 1));
    expect(new Set(first).size).toBe(first.length);
  });

  it('a string couponCode does not make reads back to nothing', () => {
    const code = couponCode(42);
    for (const other of ['', 'pp', code.toUpperCase(), `${code}0`, code.slice(0, -1), `qq${code.slice(2)}`, 'ppzzzzzzzzzz', 'pp0000000000'])
      expect(couponIdOf(other)).toBeUndefined();
  });
});
