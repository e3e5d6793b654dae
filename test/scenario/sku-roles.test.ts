import { describe, expect, it } from 'vitest';
import { referenceSkus } from '../../src/engine/targets/config.js';
import { bindRoleVars, mergeRanges, resolveRoles, roleProblems, serveCheck } from '../../src/scenario/sku-roles.js';
import type { FixtureSku } from '../../src/scenario/template.js';
import type { SkuRole } from '../../src/scenario/types.js';

/** 1,600 SKUs, three per ware, prices 100.0 … 149.9 yuan from a seeded generator (like test/helpers/independent.ts). */
function foreign(seed = 7): FixtureSku[] {
  let x = seed;
  const next = () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x;
  };
  return Array.from({ length: 1600 }, (_, i) => ({
    id: 300_000_000 + i * 7,
    ware: 7_000_000 + Math.floor(i / 3),
    priceFen: 10_000 + (next() % 500) * 10,
  }));
}

const seeded = referenceSkus();
const sku = (id: number, ware: number, yuan: number): FixtureSku => ({ id, ware, priceFen: Math.round(yuan * 100) });

function picked(
  roles: Record<string, SkuRole>,
  fixtures: readonly FixtureSku[],
  exclude: { from: number; count: number }[] = [],
): Map<string, FixtureSku[]> {
  const r = resolveRoles(roles, fixtures, exclude);
  if (!r.ok) throw new Error(r.reason);
  return r.picked;
}
function refusal(roles: Record<string, SkuRole>, fixtures: readonly FixtureSku[]): { reason: string; add: string } {
  const r = resolveRoles(roles, fixtures);
  if (r.ok) throw new Error(`served: ${JSON.stringify([...r.picked])}`);
  return r;
}
const price = (ks: readonly FixtureSku[]) => ks.map((k) => k.priceFen);
const total = (ks: readonly FixtureSku[], times = 1) => ks.reduce((s, k) => s + k.priceFen, 0) * times;
const allIds = (m: Map<string, FixtureSku[]>) => [...m.values()].flat().map((k) => k.id);

const FIVE_GIFTS: Record<string, SkuRole> = { mains: { count: 2 }, gifts: { count: 5, priceAbove: 1.0, totalBelow: 'mains' } };

describe('SKU roles: picking fixtures by role and relation', () => {
  it('picks five gifts whose total is below the lowest main, from any catalogue that has them', () => {
    for (const fixtures of [
      seeded,
      [...seeded].reverse(),
      [sku(1, 1, 20), sku(2, 2, 3), sku(3, 3, 3.1), sku(4, 4, 30), sku(5, 5, 2), sku(6, 6, 4), sku(7, 7, 5)],
    ]) {
      const m = picked(FIVE_GIFTS, fixtures);
      expect(m.get('mains')).toHaveLength(2);
      expect(m.get('gifts')).toHaveLength(5);
      expect(total(m.get('gifts')!)).toBeLessThan(Math.min(...price(m.get('mains')!)));
      expect(new Set(allIds(m)).size).toBe(7); // roles never share a SKU
    }
  });

  it('says why a narrow catalogue cannot serve five gifts, with the figures, and what to add', () => {
    const r = refusal(FIVE_GIFTS, foreign());
    expect(r.reason).toMatch(
      /^skus\.gifts needs 5 SKUs whose price total is below another SKU's price \(the lowest of skus\.mains\): the 5 cheapest total 50\d\.\d yuan, the lowest of skus\.mains, picked from the dearest, costs 14\d\.\d yuan$/,
    );
    expect(r.add).toMatch(/^add 5 SKUs priced above 1\.0 yuan and at most 2\d\.\d yuan each$/);
  });

  it('counts a gift num times (times), a table column filling it in per check', () => {
    const roles: Record<string, SkuRole> = { main: {}, gift: { totalBelow: 'main', times: '${num}' } };
    const fixtures = [sku(1, 1, 100), sku(2, 2, 40), sku(3, 3, 30)];
    expect(
      picked(bindRoleVars(roles, { num: 2 }), fixtures)
        .get('gift')!
        .map((k) => k.id),
    ).toEqual([3]);
    expect(
      picked(bindRoleVars(roles, { num: 3 }), fixtures)
        .get('gift')!
        .map((k) => k.id),
    ).toEqual([3]);
    const r = refusal(bindRoleVars(roles, { num: 4 }), fixtures);
    expect(r.reason).toContain('needs a SKU whose price × 4 is below');
    expect(r.reason).toContain('the cheapest costs 30.0 yuan (× 4 = 120.0 yuan)');
    expect(r.add).toBe('add 1 SKU priced at most 24.9 yuan');
    expect(refusal(roles, fixtures).reason).toContain('times must be a positive integer, got "${num}"');
  });

  it('keeps the SKUs of one ware together, and the SKUs of distinct wares apart', () => {
    for (const fixtures of [seeded, foreign()]) {
      const m = picked(
        {
          product: { count: 3, wares: 'same', priceAbove: 15.0 },
          others: { count: 6, wares: 'distinct', otherWareThan: ['product'], priceAbove: 15.0 },
        },
        fixtures,
      );
      const product = m.get('product')!;
      const others = m.get('others')!;
      expect(new Set(product.map((k) => k.ware)).size).toBe(1);
      expect(new Set(others.map((k) => k.ware)).size).toBe(6);
      expect(others.some((k) => k.ware === product[0]!.ware)).toBe(false);
      expect([...product, ...others].every((k) => k.priceFen > 1500)).toBe(true);
    }
    const r = refusal({ product: { count: 4, wares: 'same' } }, foreign());
    expect(r.reason).toBe('skus.product needs 4 SKUs of one ware: no ware has 4 such SKUs (at most 3)');
    expect(r.add).toBe('add 4 SKUs of one ware');
    const d = refusal({ products: { count: 3, wares: 'distinct', priceAbove: 15.0 } }, [sku(1, 1, 20), sku(2, 1, 30), sku(3, 2, 10)]);
    expect(d.reason).toBe(
      'skus.products needs 3 SKUs priced above 15.0 yuan, of distinct wares: the fixtures have such SKUs of only 1 ware',
    );
    expect(d.add).toBe('add 2 SKUs priced above 15.0 yuan, of 2 more wares');
  });

  it('sameWareAs and otherWareThan relate wares across roles', () => {
    const fixtures = [sku(1, 1, 10), sku(2, 2, 11), sku(3, 1, 12), sku(4, 3, 13)];
    const m = picked({ a: {}, b: { sameWareAs: 'a' }, c: { otherWareThan: ['a'] } }, fixtures);
    expect(allIds(m)).toEqual([1, 3, 2]);
    expect(refusal({ a: {}, b: { count: 2, sameWareAs: 'a' } }, fixtures).reason).toBe(
      'skus.b needs 2 SKUs of the ware of skus.a: the fixtures have 1 (not counting 1 the check takes by position or for other roles)',
    );
  });

  it('price bounds: a yuan amount or another role, strictly', () => {
    const fixtures = [sku(1, 1, 99), sku(2, 2, 99.1), sku(3, 3, 150), sku(4, 4, 50)];
    expect(
      picked({ x: { priceAbove: 99.0 } }, fixtures)
        .get('x')!
        .map((k) => k.id),
    ).toEqual([2]);
    const m = picked({ high: {}, mid: { priceBelow: 'high' }, low: { priceBelow: 'mid' } }, fixtures);
    expect([m.get('high')![0]!.id, m.get('mid')![0]!.id, m.get('low')![0]!.id]).toEqual([3, 2, 4]);
    const r = refusal({ cheap: { priceBelow: 20 } }, fixtures);
    expect(r.reason).toBe('skus.cheap needs 1 SKU priced below 20.0 yuan: the fixtures have none');
    expect(r.add).toBe('add 1 SKU priced below 20.0 yuan');
    // prefer: the SKU nearest a bound, for boundary rows
    expect(picked({ near: { priceAbove: 60, priceBelow: 1000, prefer: 'dearest' } }, fixtures).get('near')![0]!.id).toBe(3);
    expect(picked({ near: { priceAbove: 60, priceBelow: 1000, prefer: 'cheapest' } }, fixtures).get('near')![0]!.id).toBe(1);
  });

  it('totalEquals finds prices that add up to another SKU, or says there are none', () => {
    const m = picked({ main: {}, gifts: { count: 2, totalEquals: 'main' }, high: { priceAbove: 'main' } }, seeded);
    expect(total(m.get('gifts')!)).toBe(m.get('main')![0]!.priceFen);
    expect(m.get('high')![0]!.priceFen).toBeGreaterThan(m.get('main')![0]!.priceFen);
    const twice = picked({ main: {}, gift: { totalEquals: 'main', times: 2 } }, seeded);
    expect(total(twice.get('gift')!, 2)).toBe(twice.get('main')![0]!.priceFen);
    const r = refusal({ main: {}, gifts: { count: 2, totalEquals: 'main' } }, foreign());
    expect(r.reason).toBe(
      'skus.gifts needs 2 SKUs whose price total equals the price of another SKU (skus.main): the fixtures have no such 3',
    );
    expect(r.add).toBe('add 2 SKUs and one priced at their total, e.g. 10.0, 10.1 and 20.1 yuan');
    // a narrow catalogue may still have two SKUs of one price
    const one = picked({ main: {}, gift: { totalEquals: 'main' } }, foreign());
    expect(one.get('gift')![0]!.priceFen).toBe(one.get('main')![0]!.priceFen);
  });

  it('never picks a position the check names literally', () => {
    const fixtures = [sku(1, 1, 10), sku(2, 2, 11), sku(3, 3, 12)];
    expect(allIds(picked({ a: {}, b: {} }, fixtures, [{ from: 0, count: 1 }]))).toEqual([2, 3]);
    const r = resolveRoles({ a: { count: 3 } }, fixtures, [{ from: 1, count: 1 }]);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toBe(
      'skus.a needs 3 SKUs: the fixtures have 2 (not counting 1 the check takes by position or for other roles)',
    );
  });

  it('is deterministic', () => {
    const roles: Record<string, SkuRole> = { ...FIVE_GIFTS, bundle: { count: 3, wares: 'same' } };
    expect(allIds(picked(roles, seeded))).toEqual(allIds(picked(roles, seeded)));
  });

  it('roleProblems: unknown or self references, cycles, counts, totalEquals limits', () => {
    expect(roleProblems({ a: { priceBelow: 'nope' } })[0]!.message).toBe(
      "skus.a names role 'nope', which neither the scenario nor a fixture it uses declares (known: a)",
    );
    expect(roleProblems({ a: { priceBelow: 'a' } })[0]!.message).toBe('skus.a names itself');
    expect(roleProblems({ a: { priceBelow: 'b' }, b: { totalBelow: 'a' } })[0]!.message).toBe(
      'roles name each other in a cycle: skus.a → skus.b → skus.a',
    );
    expect(roleProblems({ a: { count: 0 } })[0]!.message).toBe('skus.a.count must be a positive integer, got 0');
    expect(roleProblems({ a: { count: '${n}' } }, true)).toEqual([]);
    expect(roleProblems({ m: { count: 2 }, g: { totalEquals: 'm' } })[0]!.message).toContain('must be a single SKU');
    expect(roleProblems({ m: {}, g: { count: 3, totalEquals: 'm' } })[0]!.message).toContain('at most 2 SKUs');
    const r = resolveRoles({ a: { priceBelow: 'b' }, b: { priceBelow: 'a' } }, seeded);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.add).toBe('fix the scenario (no fixture can serve it)');
  });

  it('serveCheck: positions first (sku[N] reach), then roles', () => {
    const fixtures = [sku(1, 1, 10), sku(2, 2, 11)];
    const r = serveCheck({ skuReach: 5, skuIndices: [{ from: 4, count: 1 }] }, fixtures);
    expect(r).toEqual({
      ok: false,
      reason: 'it names sku[4] by position, the fixtures list 2 SKUs',
      add: 'add 3 SKUs (the check names sku[0] … sku[4] by position)',
    });
    expect(serveCheck({}, fixtures)).toEqual({ ok: true, picked: new Map() });
    const s = serveCheck({ skus: { a: {} }, skuIndices: [{ from: 0, count: 1 }], skuReach: 1 }, fixtures);
    expect(s.ok && s.picked.get('a')!.map((k) => k.id)).toEqual([2]);
    expect(
      mergeRanges([
        { from: 5, count: 2 },
        { from: 0, count: 1 },
        { from: 1, count: 4 },
        { from: 9, count: 1 },
      ]),
    ).toEqual([
      { from: 0, count: 7 },
      { from: 9, count: 1 },
    ]);
  });
});
