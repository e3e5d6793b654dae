import { afterEach, describe, expect, it } from 'vitest';
import { LoadError, type LoadProblem } from '../../src/core/errors.js';
import { loadSuite } from '../../src/scenario/load-suite.js';
import { planSuite } from '../../src/scenario/plan.js';
import { checkTemplates, evaluate, TemplateError, type FixtureSku, type TemplateContext } from '../../src/scenario/template.js';
import { tmpSuite } from '../helpers/tmp-suite.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

function load(files: Record<string, string>) {
  const s = tmpSuite(files);
  cleanup = s.cleanup;
  return loadSuite('jd-promotion', s.root, s.root);
}
function problemsOf(files: Record<string, string>): LoadProblem[] {
  try {
    load(files);
  } catch (e) {
    if (e instanceof LoadError) return [...e.problems];
    throw e;
  }
  return [];
}

const FIXTURES = `suite: jd-promotion
fixtures:
  gift-pair:
    skus:
      gift_main: {}
      gift_item: { totalBelow: gift_main }
    steps:
      - call: jingdong.seller.promotion.sku.add
        params: { promo_id: 1, sku_ids: ["\${sku.gift_main}", "\${sku.gift_item}"], jd_prices: ["\${sku.gift_main.price}", "\${sku.gift_item.price}"] }
`;

const scenario = (head: string, steps: string) => `suite: jd-promotion
scenarios:
  - id: s
    title: s
    covers: [JDP-SKU-05]
    level: must
${head}    steps:
${steps}`;

describe('SKU role templates', () => {
  const skus: FixtureSku[] = [
    { id: 11, ware: 1, priceFen: 1000 },
    { id: 12, ware: 1, priceFen: 2050 },
  ];
  const ctx: TemplateContext = {
    vars: {},
    nowMs: () => 0,
    fresh: { name: () => 'n', int: () => 1 },
    skus,
    roles: new Map([['gifts', skus]]),
  };

  it('names a role SKU by position in the role, with its price and ware; constructors take the whole role', () => {
    expect(evaluate('${sku.gifts}', ctx)).toBe(11);
    expect(evaluate('${sku.gifts[1]}', ctx)).toBe(12);
    expect(evaluate('${sku.gifts.price}', ctx)).toBe('10.0');
    expect(evaluate('${sku.gifts[1].price}', ctx)).toBe('20.5');
    expect(evaluate('${sku.gifts.ware}', ctx)).toBe(1);
    expect(evaluate({ $skus: { role: 'gifts' } }, ctx)).toEqual([11, 12]);
    expect(evaluate({ $prices: { role: 'gifts' } }, ctx)).toEqual(['10.0', '20.5']);
    expect(evaluate('${sku[1].price}', ctx)).toBe('20.5'); // positions still work
  });

  it('refuses an unpicked role, an index beyond it, and malformed forms', () => {
    expect(() => evaluate('${sku.mains}', ctx)).toThrow(TemplateError);
    expect(() => evaluate('${sku.gifts[2]}', ctx)).toThrow(/the role has 2 SKU/);
    expect(checkTemplates('${sku.gifts.cost}')[0]!.message).toContain('expected sku.ROLE');
    expect(checkTemplates({ $skus: { role: 'gifts', count: 2 } })[0]!.message).toContain('{role: NAME} alone');
    expect(checkTemplates({ $prices: { role: 'gifts' } })).toEqual([]);
  });
});

describe('SKU roles at load time: problems name file, line and column', () => {
  it('loads roles declared by the scenario or by a fixture it uses', () => {
    const text = scenario(
      '    skus:\n      other: { priceAbove: gift_main }\n',
      '      - use: gift-pair\n      - call: jingdong.seller.promotion.list\n        params: { sku_id: "${sku.other}", page: "${sku.gift_item[0].ware}" }\n',
    );
    expect(problemsOf({ '_fixtures.yaml': FIXTURES, 'a.yaml': text })).toEqual([]);
  });

  it('a template naming an undeclared role is an error at the template', () => {
    const text = scenario('', '      - call: jingdong.seller.promotion.list\n        params: { sku_id: "${sku.gift}" }\n');
    const [p] = problemsOf({ 'a.yaml': text });
    expect(p).toMatchObject({ code: 'PP_SKU_ROLE', pos: { file: 'jd-promotion/a.yaml', line: 9, column: 27 } });
    expect(p!.message).toBe("SKU role 'gift' is not declared by scenario 's' or a fixture it uses (declare it under 'skus:')");
    const ctor = scenario(
      '    skus: { a: {} }\n',
      '      - call: jingdong.seller.promotion.list\n        params: { sku_id: { $skus: { role: b } } }\n',
    );
    const [q] = problemsOf({ 'a.yaml': ctor });
    expect(q).toMatchObject({ code: 'PP_SKU_ROLE', pos: { line: 10 } });
    expect(q!.message).toContain("SKU role 'b' is not declared");
    expect(q!.message).toContain('known: a');
  });

  it('a role naming an unknown role, a cycle, and a schema error are reported at the role', () => {
    const unknown = scenario('    skus:\n      a: { priceBelow: nope }\n', '      - call: jingdong.seller.promotion.list\n');
    expect(problemsOf({ 'a.yaml': unknown })[0]).toMatchObject({ code: 'PP_SKU_ROLE', pos: { line: 8, column: 10 } });
    const cycle = scenario(
      '    skus:\n      a: { priceBelow: b }\n      b: { totalBelow: a }\n',
      '      - call: jingdong.seller.promotion.list\n',
    );
    expect(problemsOf({ 'a.yaml': cycle })[0]!.message).toContain('cycle');
    const bad = scenario('    skus:\n      a: { wares: several }\n', '      - call: jingdong.seller.promotion.list\n');
    expect(problemsOf({ 'a.yaml': bad })[0]).toMatchObject({ code: 'PP_SCHEMA', pos: { line: 8 } });
  });

  it('a role declared by the scenario and a fixture with other requirements is an error; alike, it is one role', () => {
    const clash = scenario('    skus:\n      gift_main: { priceAbove: 10 }\n', '      - use: gift-pair\n');
    const [p] = problemsOf({ '_fixtures.yaml': FIXTURES, 'a.yaml': clash });
    expect(p).toMatchObject({ code: 'PP_SKU_ROLE', pos: { file: 'jd-promotion/a.yaml', line: 8 } });
    expect(p!.message).toContain("SKU role 'gift_main' of fixture 'gift-pair' differs from the one of scenario 's'");
    const alike = scenario('    skus:\n      gift_main: {}\n', '      - use: gift-pair\n');
    expect(problemsOf({ '_fixtures.yaml': FIXTURES, 'a.yaml': alike })).toEqual([]);
  });
});

describe('SKU roles in the plan', () => {
  it('a check carries its roles (the fixtures’ inlined, table columns bound) and the positions it names', () => {
    const text = scenario(
      '    skus:\n      gift: { times: "${num}" }\n    table:\n      - { name: one, num: 1, extra: "${sku[7]}" }\n      - { name: two, num: 2 }\n',
      '      - use: gift-pair\n      - call: jingdong.seller.promotion.sku.add\n        params: { promo_id: 1, sku_ids: { $skus: { from: 100, count: 3 } }, jd_prices: ["${sku[2].price}"] }\n',
    );
    const checks = planSuite(load({ '_fixtures.yaml': FIXTURES, 'a.yaml': text }));
    const one = checks.find((c) => c.id === 's[one]')!;
    const two = checks.find((c) => c.id === 's[two]')!;
    expect(one.skus).toEqual({ gift: { times: 1 }, gift_main: {}, gift_item: { totalBelow: 'gift_main' } });
    expect(two.skus!['gift']).toEqual({ times: 2 });
    expect(one.skuIndices).toEqual([
      { from: 2, count: 1 },
      { from: 7, count: 1 },
      { from: 100, count: 3 },
    ]);
    expect(one.skuReach).toBe(103);
    expect(two.skuIndices).toEqual([
      { from: 2, count: 1 },
      { from: 100, count: 3 },
    ]);
  });
});
