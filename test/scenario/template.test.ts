import { describe, expect, it } from 'vitest';
import { checkTemplates, evaluate, parseExpr, TemplateError, type TemplateContext } from '../../src/scenario/template.js';

const NOW = Date.UTC(2026, 10, 23, 2, 0, 0); // 10:00:00 in UTC+8
const ctx = (vars: TemplateContext['vars'] = {}): TemplateContext => {
  let n = 0;
  return {
    vars,
    nowMs: () => NOW,
    fresh: { name: () => `fresh${++n}`, int: () => 1000 + ++n },
    skus: [
      { id: 10000001, ware: 5001, priceFen: 1000 },
      { id: 10000002, ware: 5001, priceFen: 1010 },
      { id: 10000003, ware: 5002, priceFen: 1895 },
    ],
  };
};

describe('templates', () => {
  it('{$cycle: LIST} picks by the copy of a parallel step: index modulo the length', () => {
    const users = { users: ['u1', 'u2', 'u3', 'u4'] };
    const at = (index: number): TemplateContext => ({ ...ctx(users), index });
    expect([0, 1, 3, 4, 9].map((i) => evaluate({ $cycle: '${users}' }, at(i)))).toEqual(['u1', 'u2', 'u4', 'u1', 'u2']);
    expect(evaluate({ uid: { $cycle: [7, 8] }, n: 1 }, at(3))).toEqual({ uid: 8, n: 1 });
    expect(() => evaluate({ $cycle: '${users}' }, ctx(users))).toThrow(/parallel step/);
    expect(() => evaluate({ $cycle: '${n}' }, { ...ctx({ n: 3 }), index: 0 })).toThrow(/not a non-empty list/);
    expect(checkTemplates({ a: { $cycle: '${users}' }, b: { $cycle: [1] } })).toEqual([]);
    expect(checkTemplates({ a: { $cycle: 'users' }, b: { $cycle: [] } }).map((p) => p.path)).toEqual([['a'], ['b']]);
  });

  it('computes times relative to the target clock in UTC+8', () => {
    expect(evaluate('${now}', ctx())).toBe('2026-11-23 10:00:00');
    expect(evaluate('${now-5m59s}', ctx())).toBe('2026-11-23 09:54:01');
    expect(evaluate('${now+180d+1m}', ctx())).toBe('2027-05-22 10:01:00');
    expect(evaluate('${begin+60s}', ctx({ begin: '2026-12-31 23:59:30' }))).toBe('2027-01-01 00:00:30');
  });

  it('keeps the type of a whole-string expression and interpolates otherwise', () => {
    const c = ctx({ promo: 2300001, list: [1, 2], o: { a: [{ b: 'x' }] } });
    expect(evaluate('${promo}', c)).toBe(2300001);
    expect(evaluate('id-${promo}', c)).toBe('id-2300001');
    expect(evaluate('${list}', c)).toEqual([1, 2]);
    expect(evaluate('${o.a[0].b}', c)).toBe('x');
    expect(evaluate({ nested: ['${promo}', { k: '${now+1d}' }] }, c)).toEqual({ nested: [2300001, { k: '2026-11-24 10:00:00' }] });
  });

  it('answers fresh names and catalogue SKUs', () => {
    const c = ctx();
    expect(evaluate('${fresh.name}', c)).toBe('fresh1');
    expect(evaluate('${fresh.name}', c)).toBe('fresh2');
    expect(evaluate('${sku[2]}', c)).toBe(10000003);
    expect(evaluate('${sku[2].price}', c)).toBe('18.95');
    expect(evaluate('${sku[0].price}', c)).toBe('10.0');
    expect(evaluate('${sku[1].ware}', c)).toBe(5001);
  });

  it("answers SKUs of this run's block of the target pool, and refuses without a pool", () => {
    const c = { ...ctx(), pool: { base: 80_001_000, priceFen: 9900 } };
    expect(evaluate('${pool[0]}', c)).toBe(80_001_000);
    expect(evaluate('${pool[42]}', c)).toBe(80_001_042);
    expect(evaluate('${pool[42].price}', c)).toBe('99.0');
    expect(() => evaluate('${pool[1]}', ctx())).toThrow(/no SKU pool/);
    expect(() => parseExpr('pool[100]')).toThrow(/pool\[0\] … pool\[99\]/);
  });

  it('builds arrays and texts from constructors, counting characters or UTF-8 bytes', () => {
    const c = ctx({ n: 2 });
    expect(evaluate({ $skus: { from: 1, count: '${n}' } }, c)).toEqual([10000002, 10000003]);
    expect(evaluate({ $prices: { from: 0, count: 3 } }, c)).toEqual(['10.0', '10.1', '18.95']);
    expect(evaluate({ $repeat: { value: '0.1', count: 3 } }, c)).toEqual(['0.1', '0.1', '0.1']);
    expect(evaluate({ $text: { length: 11, char: '促' } }, c)).toBe('促'.repeat(11));
    const bytes201 = evaluate({ $text: { bytes: 201, char: '备' } }, c) as string;
    expect(Buffer.byteLength(bytes201, 'utf8')).toBe(201);
    expect([...bytes201].length).toBe(67);
    const bytes200 = evaluate({ $text: { bytes: 200, char: '备' } }, c) as string;
    expect(Buffer.byteLength(bytes200, 'utf8')).toBe(200);
    expect(bytes200.endsWith('aa')).toBe(true);
  });

  it('refuses unknown variables, missing SKUs and bad durations with a clear message', () => {
    expect(() => evaluate('${nope}', ctx({ a: 1 }))).toThrow(TemplateError);
    expect(() => evaluate('${nope}', ctx({ a: 1 }))).toThrow(/no such variable \(known: a\)/);
    expect(() => evaluate('${sku[9]}', ctx())).toThrow(/fixtures list 3 SKUs/);
    expect(() => evaluate({ $skus: { from: 2, count: 5 } }, ctx())).toThrow(/needs SKUs 2…6, the target's fixtures list 3/);
    expect(() => parseExpr('now+5x')).toThrow(/bad duration/);
    expect(() => parseExpr('fresh.name+1d')).toThrow(/no offset/);
  });

  it('finds every malformed template at load time, with its path', () => {
    expect(checkTemplates({ a: ['ok ${now}', '${now+1q}'], b: { $nope: {} }, c: { $text: { bytes: 3, char: 'ab' } } })).toEqual([
      { path: ['a', 1], message: expect.stringContaining('bad duration') },
      { path: ['b'], message: expect.stringContaining('unknown constructor $nope') },
      { path: ['c'], message: expect.stringContaining('single character') },
    ]);
  });
});
