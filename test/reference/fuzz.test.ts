import { describe, expect, it } from 'vitest';
import { promotionApiCompiled } from '../../src/spec/compile.js';
import { createTestClient, sku } from '../helpers/jos.js';
import { rng } from '../helpers/rng.js';

function randomValue(r: () => number, depth = 0): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  switch (Math.floor(r() * 12)) {
    case 0:
      return null;
    case 1:
      return pick([true, false]);
    case 2:
      return Math.floor(r() * 2 ** 31) - 2 ** 30;
    case 3:
      return pick([0, -1, 1.5, 1e21, -0, Number.MAX_SAFE_INTEGER + 2, 0.1 + 0.2]);
    case 4:
      return pick(['', ' ', 'abc', '促销'.repeat(20), '1,2,3', '10.05', '2026-02-30 00:00:00', '\u0000', '🎉', '1e3', '-5', '0x1F']);
    case 5:
      return String(Math.floor(r() * 1e6));
    case 6:
      return sku(Math.floor(r() * 1700));
    case 7:
      return depth > 2 ? [] : Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
    case 8:
      return depth > 2 ? {} : { a: randomValue(r, depth + 1), __proto__x: 1 };
    case 9:
      return Array.from({ length: 101 + Math.floor(r() * 5) }, (_, i) => sku(i));
    case 10:
      return pick([1, 4, 6, 10, 16, 50, 2, 3, 5, 7, 8]);
    default:
      return pick(['2026-11-24 00:00:00', '2027-06-01 00:00:00', '2020-01-01 00:00:00']);
  }
}

describe('fuzzing the reference: every request gets the JOS envelope, never a 500 or an internal error', () => {
  it('answers 3,000 random requests over the 16 methods with HTTP 200 and a documented code', async () => {
    const seed = 20261123;
    const r = rng(seed);
    const c = createTestClient();
    const api = promotionApiCompiled();
    const methods = [...api.operations.keys()];
    const ids = [await c.promotion('single'), await c.draft(), await c.draft({ type: 10, bound: 1 }), await c.promotion('gift')];
    const documented = new Set([...Object.keys(api.spec.errors), '1', '3', '6', '9']);
    const seen = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const method = methods[Math.floor(r() * methods.length)]!;
      const op = api.operations.get(method)!;
      const params: Record<string, unknown> = {};
      for (const p of op.spec.params) {
        const roll = r();
        if (roll < 0.25) continue;
        params[p.name] = p.name === 'promo_id' && roll < 0.7 ? ids[Math.floor(r() * ids.length)] : randomValue(r);
      }
      if (r() < 0.05) params['unexpected'] = randomValue(r);
      const a = await c.call(method.replace('jingdong.seller.promotion.', ''), params);
      const where = `seed ${seed}, request ${i}: ${method} ${JSON.stringify(params).slice(0, 300)}`;
      expect(a.status, where).toBe(200);
      expect(a.kind, `${where} → ${a.raw.slice(0, 200)}`).not.toBe('malformed');
      seen.set(a.kind === 'error' ? a.code : a.kind, (seen.get(a.kind === 'error' ? a.code : a.kind) ?? 0) + 1);
      if (a.kind === 'error') {
        expect(a.code, `${where} → ${a.raw}`).not.toBe('system.exception');
        expect(documented.has(a.code), `${where} → ${a.code}`).toBe(true);
      }
    }
    // Not vacuous: some requests got through, and refusals came from many different rules.
    expect(seen.get('success') ?? 0).toBeGreaterThan(20);
    expect(seen.size).toBeGreaterThan(15);
  }, 120_000);
});
