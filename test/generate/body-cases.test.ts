import type { ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { type BodyCase, bodyCaseGaps, bodyCases, type Json, type JsonPath } from '../../src/generate/body-cases.js';
import { createAjv } from '../../src/spec/compile.js';
import { addPromoproofKeywords } from '../../src/spec/keywords.js';
import { withoutNoEffectFields } from '../../src/apis/tencent-coupon-batch/validate.js';

type Schema = Record<string, unknown>;

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const chars = (s: string) => [...s].length;

/** The value at `path` of a case body. */
function at(body: Json, path: JsonPath): Json | undefined {
  let cur: Json | undefined = body;
  for (const k of path) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, Json>)[k as never] : undefined;
  return cur;
}

const byId = (cases: readonly BodyCase[], id: string): BodyCase => {
  const c = cases.find((x) => x.id === id);
  if (!c) throw new Error(`no case ${id} among ${cases.map((x) => x.id).join(', ')}`);
  return c;
};

const pointer = (path: JsonPath) => path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/** Keywords whose ajv error sits on the parent object of the case's path. */
const ON_PARENT = new Set(['required', 'dependencies', 'if-then']);

/** Every case judged by ajv as the generator says, and every refusal failing where the case changed the body. */
function expectAjvAgrees(schema: Schema, cases: readonly BodyCase[]): void {
  const validate = createAjv().compile(schema);
  // createAjv stops at the first error; to see that the probed keyword is among the failures, every error.
  const every = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  addPromoproofKeywords(every);
  const validateAll = every.compile(schema);
  for (const c of cases) {
    const ok = validate(c.body);
    const errors: readonly ErrorObject[] = validate.errors ?? [];
    expect(ok, `${c.id}: ${JSON.stringify(errors)}`).toBe(c.expect === 'accepted');
    if (c.expect === 'accepted') continue;
    const want = ON_PARENT.has(c.keyword) ? pointer(c.path.slice(0, -1)) : pointer(c.path);
    for (const e of errors) {
      if (ON_PARENT.has(c.keyword)) expect(e.instancePath, c.id).toBe(want);
      else expect(e.instancePath === want || e.instancePath.startsWith(`${want}/`), `${c.id}: ${e.instancePath}`).toBe(true);
    }
    // The failing keyword is the probed one (a required-when fails as `required` in a `then`, reported with `if`).
    const kw = c.keyword === 'if-then' ? 'required' : c.keyword;
    validateAll(c.body);
    const all = validateAll.errors ?? [];
    expect(
      all.some((e) => e.keyword === kw && e.instancePath === want),
      `${c.id}: ${all.map((e) => `${e.keyword} at ${e.instancePath}`)}`,
    ).toBe(true);
  }
}

// -------------------------------------------------------------------------------------------------
// A body modelled on the Tencent coupon batch upload (TCC-02 … TCC-12).

const bothWays = (a: string, b: string) => ({ [a]: [b], [b]: [a] });

/** A required-when entry of `allOf`; the `then` names its properties too, as ajv's strictRequired demands. */
function requiredWhen(prop: string, value: Json, needs: readonly string[], rules?: readonly string[]): Schema {
  return {
    if: { properties: { [prop]: { const: value } }, required: [prop] },
    // biome-ignore lint/suspicious/noThenProperty: a JSON Schema keyword, never awaited
    then: { properties: Object.fromEntries(needs.map((n) => [n, {}])), required: [...needs] },
    ...(rules ? { rules: [...rules] } : {}),
  };
}

const COUPON: Schema = {
  type: 'object',
  required: ['external_coupon_id', 'coupon_name', 'coupon_type', 'coupon_sub_type'],
  properties: {
    external_coupon_id: { type: 'string', minBytes: 1, maxBytes: 100, rules: ['TCC-03'] },
    coupon_name: { type: 'string', minBytes: 1, maxBytes: 100, rules: ['TCC-04'] },
    coupon_type: { type: 'integer', enum: [1, 2], rules: ['TCC-05'] },
    coupon_sub_type: { type: 'integer', enum: [1, 2, 3, 4, 5, 6, 7], rules: ['TCC-05'] },
    brand_name: { type: 'string', minBytes: 1, maxBytes: 64, rules: ['TCC-04'] },
    amount_coupon: { type: 'number', decimalPlaces: 2, rules: ['TCC-06'], by: { decimalPlaces: { rules: ['TCC-REF-07'] } } },
    discount_coupon: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 100, decimalPlaces: 2, rules: ['TCC-06'] },
    start_time: { type: 'string', pattern: '^[0-9]{13}$', examples: ['1767225600000'], rules: ['TCC-07'] },
    end_time: { type: 'string', pattern: '^[0-9]{13}$', examples: ['1769904000000'], rules: ['TCC-07'] },
    available_status: { type: 'integer', enum: [1, 2], rules: ['TCC-08'] },
    max_coupon_number_per_user: { type: 'integer', minimum: 1, maximum: 100, rules: ['TCC-09'] },
    media_info: {
      type: 'object',
      rules: ['TCC-10'],
      properties: {
        imgs: {
          type: 'array',
          maxItems: 10,
          items: { type: 'object', required: ['img_url'], properties: { img_url: { type: 'string', minBytes: 1, maxBytes: 2048 } } },
        },
      },
    },
    store: {
      type: 'object',
      properties: {
        store_info: {
          type: 'array',
          rules: ['TCC-11'],
          items: {
            type: 'object',
            properties: {
              external_store_id: { type: 'string', minBytes: 1, maxBytes: 100 },
              store_name: { type: 'string', minBytes: 1, maxBytes: 100 },
            },
            dependencies: bothWays('external_store_id', 'store_name'),
          },
        },
      },
    },
    product: {
      type: 'object',
      properties: {
        sku_ids: {
          type: 'array',
          items: { type: 'string', maxBytes: 2048, rules: ['TCC-04'], by: { maxBytes: { acceptRules: ['TCC-REF-09'] } } },
        },
      },
    },
    target_url: {
      type: 'object',
      rules: ['TCC-11'],
      properties: {
        mini_program_appid: { type: 'string', minBytes: 1, maxBytes: 64, examples: ['wx1234567890abcdef'] },
        mini_program_path: { type: 'string', minBytes: 1, maxBytes: 1024, examples: ['pages/coupon/index'] },
      },
      dependencies: bothWays('mini_program_appid', 'mini_program_path'),
    },
    third_promotion_info: {
      type: 'object',
      rules: ['TCC-12'],
      required: ['commission_rate', 'promote_status'],
      properties: {
        commission_rate: { type: 'number', minimum: 0, maximum: 100, decimalPlaces: 2 },
        promote_status: { type: 'integer', enum: [1, 2] },
      },
    },
  },
  dependencies: bothWays('start_time', 'end_time'),
  allOf: [
    requiredWhen('coupon_sub_type', 1, ['amount_coupon'], ['TCC-06']),
    requiredWhen('coupon_sub_type', 2, ['discount_coupon'], ['TCC-06']),
  ],
};

const TENCENT: Schema = {
  type: 'object',
  rules: ['TCC-02'],
  required: ['dataSourceId', 'coupons'],
  properties: {
    dataSourceId: { type: 'string', minBytes: 1 },
    coupons: { type: 'array', minItems: 1, maxItems: 50, items: COUPON },
  },
};

const TENCENT_EXAMPLE: Json = {
  dataSourceId: 'ds-1001',
  coupons: [
    {
      external_coupon_id: 'cpn-0001',
      coupon_name: '满100减10',
      coupon_type: 1,
      coupon_sub_type: 1,
      amount_coupon: 10,
      media_info: { imgs: [{ img_url: 'https://img.example.com/a.png' }] },
    },
  ],
};

describe('body cases of a Tencent-like coupon upload', () => {
  const cases = bodyCases(TENCENT, TENCENT_EXAMPLE);

  it('builds every case it should (no gaps) and ajv judges each one as the case says, failing at its path', () => {
    expect(createAjv().validate(TENCENT, TENCENT_EXAMPLE)).toBe(true);
    expect(bodyCaseGaps(TENCENT, TENCENT_EXAMPLE)).toEqual([]);
    expect(cases.length).toBeGreaterThan(60);
    expectAjvAgrees(TENCENT, cases);
  });

  it('ids are unique slugs, stable between calls', () => {
    const ids = cases.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(bodyCases(TENCENT, TENCENT_EXAMPLE).map((c) => c.id)).toEqual(ids);
  });

  it('no two cases send the same body with the same expectation', () => {
    const keys = cases.map((c) => `${c.expect} ${JSON.stringify(c.body)}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('coupon_name at 100 and 101 UTF-8 bytes, in far fewer characters', () => {
    const ok = byId(cases, 'coupons-0-coupon-name-max-bytes-at');
    const over = byId(cases, 'coupons-0-coupon-name-max-bytes-over');
    const okName = at(ok.body, ['coupons', 0, 'coupon_name']) as string;
    const overName = at(over.body, ['coupons', 0, 'coupon_name']) as string;
    expect([bytes(okName), chars(okName)]).toEqual([100, 34]);
    expect([bytes(overName), chars(overName)]).toEqual([101, 35]);
    expect(okName).toBe(`${'券'.repeat(33)}a`);
    expect(overName).toBe(`${'券'.repeat(33)}ab`);
    expect(over).toMatchObject({ keyword: 'maxBytes', path: ['coupons', 0, 'coupon_name'], expect: 'refused', rules: ['TCC-04'] });
    expect(over.title).toBe('coupons[0].coupon_name of 101 UTF-8 bytes (35 characters) → refused');
    const empty = byId(cases, 'coupons-0-coupon-name-min-bytes-under');
    expect(at(empty.body, ['coupons', 0, 'coupon_name'])).toBe('');
  });

  it('a required property missing, with the property’s own rules', () => {
    const c = byId(cases, 'coupons-0-external-coupon-id-required-missing');
    expect(c).toMatchObject({ keyword: 'required', expect: 'refused', rules: ['TCC-03'] });
    expect(at(c.body, ['coupons', 0, 'external_coupon_id'])).toBeUndefined();
    expect(byId(cases, 'data-source-id-required-missing').rules).toEqual(['TCC-02']);
    expect(byId(cases, 'coupons-required-missing').body).toEqual({ dataSourceId: 'ds-1001' });
  });

  it('enums: smallest and largest member, and one outside', () => {
    // Sub type 1 is the example's own: that body is already sent (by coupons-min-items-at), so it is not repeated.
    expect(cases.some((c) => c.id === 'coupons-0-coupon-sub-type-enum-min')).toBe(false);
    expect(byId(cases, 'coupons-min-items-at').body).toEqual(TENCENT_EXAMPLE);
    expect(at(byId(cases, 'coupons-0-coupon-sub-type-enum-max').body, ['coupons', 0, 'coupon_sub_type'])).toBe(7);
    expect(at(byId(cases, 'coupons-0-coupon-sub-type-enum-outside').body, ['coupons', 0, 'coupon_sub_type'])).toBe(8);
    expect(byId(cases, 'coupons-0-coupon-type-enum-outside').rules).toEqual(['TCC-05']);
  });

  it('decimal places: two accepted, three refused, with the per-keyword rules', () => {
    const ok = byId(cases, 'coupons-0-amount-coupon-decimal-places-at');
    const over = byId(cases, 'coupons-0-amount-coupon-decimal-places-over');
    expect(JSON.stringify(at(ok.body, ['coupons', 0, 'amount_coupon']))).toBe('12.34');
    expect(JSON.stringify(at(over.body, ['coupons', 0, 'amount_coupon']))).toBe('12.345');
    expect(ok.rules).toEqual(['TCC-06']);
    expect(over.rules).toEqual(['TCC-REF-07']);
    // discount_coupon is absent from the example: added, and probed inside (0, 100).
    expect(at(byId(cases, 'coupons-0-discount-coupon-decimal-places-at').body, ['coupons', 0, 'discount_coupon'])).toBe(50.34);
    expect(at(byId(cases, 'coupons-0-discount-coupon-decimal-places-over').body, ['coupons', 0, 'discount_coupon'])).toBe(50.345);
    expect(at(byId(cases, 'coupons-0-discount-coupon-exclusive-minimum-inside').body, ['coupons', 0, 'discount_coupon'])).toBe(0.01);
    expect(at(byId(cases, 'coupons-0-discount-coupon-exclusive-minimum-at').body, ['coupons', 0, 'discount_coupon'])).toBe(0);
    expect(at(byId(cases, 'coupons-0-discount-coupon-exclusive-maximum-inside').body, ['coupons', 0, 'discount_coupon'])).toBe(99.99);
    expect(at(byId(cases, 'coupons-0-discount-coupon-exclusive-maximum-at').body, ['coupons', 0, 'discount_coupon'])).toBe(100);
  });

  it('required-when: sub type 2 without discount_coupon refused, with it accepted', () => {
    const missing = byId(cases, 'coupons-0-if-coupon-sub-type-2-then-discount-coupon-missing');
    expect(missing).toMatchObject({ keyword: 'if-then', expect: 'refused', rules: ['TCC-06'], path: ['coupons', 0, 'discount_coupon'] });
    const coupon = at(missing.body, ['coupons', 0]) as Record<string, Json>;
    expect(coupon['coupon_sub_type']).toBe(2);
    expect('discount_coupon' in coupon).toBe(false);
    const present = byId(cases, 'coupons-0-if-coupon-sub-type-2-then-present');
    expect(present.expect).toBe('accepted');
    expect(at(present.body, ['coupons', 0, 'discount_coupon'])).toBeTypeOf('number');
    const amountMissing = byId(cases, 'coupons-0-if-coupon-sub-type-1-then-amount-coupon-missing');
    expect(at(amountMissing.body, ['coupons', 0, 'amount_coupon'])).toBeUndefined();
  });

  it('start_time and end_time go together (both ways), from their examples', () => {
    const without = byId(cases, 'coupons-0-start-time-dependencies-without-end-time');
    expect(without).toMatchObject({ expect: 'refused', rules: ['TCC-07'], path: ['coupons', 0, 'end_time'] });
    expect(at(without.body, ['coupons', 0, 'start_time'])).toBe('1767225600000');
    expect(at(without.body, ['coupons', 0, 'end_time'])).toBeUndefined();
    const reverse = byId(cases, 'coupons-0-end-time-dependencies-without-start-time');
    expect(at(reverse.body, ['coupons', 0, 'end_time'])).toBe('1769904000000');
    const both = byId(cases, 'coupons-0-start-time-dependencies-with-end-time');
    expect(both.expect).toBe('accepted');
    // "Neither" is the example itself here, already sent once.
    expect(cases.some((c) => c.id === 'coupons-0-start-time-dependencies-neither')).toBe(false);
    expect(byId(cases, 'coupons-0-store-store-info-0-external-store-id-dependencies-neither').expect).toBe('accepted');
  });

  it('store_info items: id and name go together (TCC-11, inherited from the array)', () => {
    const c = byId(cases, 'coupons-0-store-store-info-0-external-store-id-dependencies-without-store-name');
    expect(c.rules).toEqual(['TCC-11']);
    expect(at(c.body, ['coupons', 0, 'store', 'store_info'])).toEqual([{ external_store_id: 'a' }]);
    const name = byId(cases, 'coupons-0-store-store-info-0-store-name-max-bytes-over');
    expect(bytes(at(name.body, ['coupons', 0, 'store', 'store_info', 0, 'store_name']) as string)).toBe(101);
    expect(name.rules).toEqual(['TCC-11']);
  });

  it('sku_ids items: 2048 bytes accepted under acceptRules, 2049 refused under the node’s rules', () => {
    const ok = byId(cases, 'coupons-0-product-sku-ids-0-max-bytes-at');
    const over = byId(cases, 'coupons-0-product-sku-ids-0-max-bytes-over');
    const okSku = at(ok.body, ['coupons', 0, 'product', 'sku_ids', 0]) as string;
    const overSku = at(over.body, ['coupons', 0, 'product', 'sku_ids', 0]) as string;
    expect([bytes(okSku), chars(okSku)]).toEqual([2048, 684]);
    expect([bytes(overSku), chars(overSku)]).toEqual([2049, 683]);
    expect(ok.rules).toEqual(['TCC-REF-09']);
    expect(over.rules).toEqual(['TCC-04']);
  });

  it('50 coupons accepted, 51 refused; the clones have distinct external ids', () => {
    const ok = byId(cases, 'coupons-max-items-at');
    const over = byId(cases, 'coupons-max-items-over');
    const list = at(over.body, ['coupons']) as Record<string, Json>[];
    expect((at(ok.body, ['coupons']) as Json[]).length).toBe(50);
    expect(list.length).toBe(51);
    expect(list.slice(0, 3).map((c) => c['external_coupon_id'])).toEqual(['cpn-0001', 'cpn-0001-2', 'cpn-0001-3']);
    expect(new Set(list.map((c) => c['external_coupon_id'])).size).toBe(51);
    expect(over.rules).toEqual(['TCC-02']);
    expect(byId(cases, 'coupons-min-items-under').body).toEqual({ dataSourceId: 'ds-1001', coupons: [] });
    const imgs = byId(cases, 'coupons-0-media-info-imgs-max-items-over');
    expect((at(imgs.body, ['coupons', 0, 'media_info', 'imgs']) as Json[]).length).toBe(11);
    expect(imgs.rules).toEqual(['TCC-10']);
  });

  it('an absent optional object with required properties is built from them', () => {
    const c = byId(cases, 'coupons-0-third-promotion-info-commission-rate-required-missing');
    expect(at(c.body, ['coupons', 0, 'third_promotion_info'])).toEqual({ promote_status: 1 });
    expect(c.rules).toEqual(['TCC-12']);
    expect(
      at(byId(cases, 'coupons-0-third-promotion-info-commission-rate-maximum-over').body, [
        'coupons',
        0,
        'third_promotion_info',
        'commission_rate',
      ]),
    ).toBe(100.01);
  });
});

// -------------------------------------------------------------------------------------------------
// Focused schemas, one keyword family each

const obj = (properties: Schema, extra: Schema = {}): Schema => ({ type: 'object', properties, ...extra });

describe('body cases per keyword', () => {
  it('minBytes 1 / maxBytes n: n and n+1 bytes with multibyte text, 1 byte and empty', () => {
    const schema = obj({ name: { type: 'string', minBytes: 1, maxBytes: 10 } });
    const cases = bodyCases(schema, { name: 'x' });
    expectAjvAgrees(schema, cases);
    expect(cases.map((c) => [c.id, c.expect, at(c.body, ['name'])])).toEqual([
      ['name-max-bytes-at', 'accepted', '券券券a'],
      ['name-max-bytes-over', 'refused', '券券券ab'],
      ['name-min-bytes-at', 'accepted', 'a'],
      ['name-min-bytes-under', 'refused', ''],
    ]);
    const over = at(cases[1]?.body ?? null, ['name']) as string;
    expect([bytes(over), chars(over)]).toEqual([11, 5]);
  });

  it('minBytes n > 1: n and n−1 bytes', () => {
    const schema = obj({ code: { type: 'string', minBytes: 7 } });
    const cases = bodyCases(schema, { code: 'abcdefgh' });
    expect(cases.map((c) => [c.expect, bytes(at(c.body, ['code']) as string), chars(at(c.body, ['code']) as string)])).toEqual([
      ['accepted', 7, 3],
      ['refused', 6, 2],
    ]);
    expectAjvAgrees(schema, cases);
  });

  it('maxLength / minLength in characters: wide characters on the side a byte count gets wrong', () => {
    const schema = obj({ title: { type: 'string', minLength: 3, maxLength: 5 } });
    const cases = bodyCases(schema, { title: 'abcd' });
    expectAjvAgrees(schema, cases);
    expect(cases.map((c) => [c.id, at(c.body, ['title'])])).toEqual([
      ['title-max-length-at', '券券券券券'],
      ['title-max-length-over', 'aaaaaa'],
      ['title-min-length-at', 'aaa'],
      ['title-min-length-under', '券券'],
    ]);
  });

  it('a byte and a character limit together fall back to ASCII where the wide text breaks the other', () => {
    const schema = obj({ t: { type: 'string', maxLength: 10, maxBytes: 12 } });
    const cases = bodyCases(schema, { t: 'a' });
    expectAjvAgrees(schema, cases);
    expect(bodyCaseGaps(schema, { t: 'a' })).toEqual([]);
    // 10 wide characters are 30 bytes: the at-maxLength case uses ASCII instead.
    expect(at(byId(cases, 't-max-length-at').body, ['t'])).toBe('aaaaaaaaaa');
    expect(at(byId(cases, 't-max-bytes-at').body, ['t'])).toBe('券券券券');
  });

  it('string enums: first and last in order, and a string outside', () => {
    const schema = obj({ mode: { type: 'string', enum: ['b', 'a', 'c'] } });
    const cases = bodyCases(schema, { mode: 'b' });
    expectAjvAgrees(schema, cases);
    expect(cases.map((c) => [c.id, c.expect, at(c.body, ['mode'])])).toEqual([
      ['mode-enum-min', 'accepted', 'a'],
      ['mode-enum-max', 'accepted', 'c'],
      ['mode-enum-outside', 'refused', 'cx'],
    ]);
  });

  it('integer bounds: at the bound accepted, one beyond refused; exclusive bounds one inside', () => {
    const schema = obj({
      n: { type: 'integer', minimum: 1, maximum: 9 },
      x: { type: 'integer', exclusiveMinimum: 0, exclusiveMaximum: 10 },
    });
    const cases = bodyCases(schema, { n: 5, x: 5 });
    expectAjvAgrees(schema, cases);
    expect(cases.map((c) => [c.id, c.expect, at(c.body, c.path)])).toEqual([
      ['n-minimum-at', 'accepted', 1],
      ['n-minimum-under', 'refused', 0],
      ['n-maximum-at', 'accepted', 9],
      ['n-maximum-over', 'refused', 10],
      ['x-exclusive-minimum-inside', 'accepted', 1],
      ['x-exclusive-minimum-at', 'refused', 0],
      ['x-exclusive-maximum-inside', 'accepted', 9],
      ['x-exclusive-maximum-at', 'refused', 10],
    ]);
  });

  it('number bounds without decimalPlaces step by 0.01, printed without float noise', () => {
    const schema = obj({ r: { type: 'number', minimum: 0.1, exclusiveMaximum: 0.3 } });
    const cases = bodyCases(schema, { r: 0.2 });
    expectAjvAgrees(schema, cases);
    expect(cases.map((c) => JSON.stringify(at(c.body, ['r'])))).toEqual(['0.1', '0.09', '0.29', '0.3']);
  });

  it('decimalPlaces 0 and 3, inside the bounds', () => {
    const schema = obj({
      whole: { type: 'number', decimalPlaces: 0, minimum: 1, maximum: 5 },
      fine: { type: 'number', decimalPlaces: 3, maximum: -1 },
    });
    const cases = bodyCases(schema, { whole: 2, fine: -2 });
    expectAjvAgrees(schema, cases);
    expect(at(byId(cases, 'whole-decimal-places-at').body, ['whole'])).toBe(3);
    expect(at(byId(cases, 'whole-decimal-places-over').body, ['whole'])).toBe(3.3);
    expect(JSON.stringify(at(byId(cases, 'fine-decimal-places-at').body, ['fine']))).toBe('-13.345');
    expect(JSON.stringify(at(byId(cases, 'fine-decimal-places-over').body, ['fine']))).toBe('-13.3456');
    expect(at(byId(cases, 'fine-maximum-over').body, ['fine'])).toBe(-0.999);
  });

  it('minItems / maxItems: clones of the first item, `_id` strings made distinct', () => {
    const schema = obj({
      list: {
        type: 'array',
        minItems: 2,
        maxItems: 3,
        items: obj({ sku_id: { type: 'string' }, qty: { type: 'integer' } }),
      },
    });
    const cases = bodyCases(schema, {
      list: [
        { sku_id: 's1', qty: 1 },
        { sku_id: 's9', qty: 2 },
      ],
    });
    expectAjvAgrees(schema, cases);
    expect(at(byId(cases, 'list-max-items-over').body, ['list'])).toEqual([
      { sku_id: 's1', qty: 1 },
      { sku_id: 's9', qty: 2 },
      { sku_id: 's1-3', qty: 1 },
      { sku_id: 's1-4', qty: 1 },
    ]);
    expect(at(byId(cases, 'list-min-items-under').body, ['list'])).toEqual([{ sku_id: 's1', qty: 1 }]);
  });

  it('an empty or absent array gets an item from examples (items first, then the array’s) or built', () => {
    const schema = obj({
      a: { type: 'array', items: { type: 'string', maxBytes: 4, examples: ['ok'] } },
      b: { type: 'array', examples: [[{ k: 'x' }]], items: obj({ k: { type: 'string', maxLength: 2 } }) },
      c: { type: 'array', items: obj({ k: { type: 'string', minLength: 2, maxLength: 3 } }, { required: ['k'] }) },
    });
    const example = { a: [] };
    const cases = bodyCases(schema, example);
    expectAjvAgrees(schema, cases);
    expect(bodyCaseGaps(schema, example)).toEqual([]);
    expect(byId(cases, 'a-0-max-bytes-at').body).toEqual({ a: ['券a'] });
    expect(byId(cases, 'b-0-k-max-length-over').body).toEqual({ a: [], b: [{ k: 'aaa' }] });
    expect(byId(cases, 'c-0-k-required-missing').body).toEqual({ a: [], c: [{}] });
    expect(byId(cases, 'c-0-k-min-length-under').body).toEqual({ a: [], c: [{ k: '券' }] });
  });

  it('dependencies: without refused, both and neither accepted; no neither when one is required', () => {
    const schema = obj(
      { a: { type: 'string' }, b: { type: 'string' }, c: { type: 'string' }, d: { type: 'string' } },
      { required: ['d'], dependencies: { a: ['b'], c: ['d'] }, by: { dependencies: { rules: ['R-1'], acceptRules: ['R-2'] } } },
    );
    const cases = bodyCases(schema, { d: 'x' });
    expectAjvAgrees(schema, cases);
    expect(cases.filter((c) => c.keyword === 'dependencies').map((c) => [c.id, c.expect, c.rules, c.body])).toEqual([
      ['a-dependencies-without-b', 'refused', ['R-1'], { d: 'x', a: '' }],
      ['a-dependencies-with-b', 'accepted', ['R-2'], { d: 'x', a: '', b: '' }],
      ['a-dependencies-neither', 'accepted', ['R-2'], { d: 'x' }],
      // c ⇒ d, and d is required: only "both" (the "without" is the required case).
      ['c-dependencies-with-d', 'accepted', ['R-2'], { d: 'x', c: '' }],
    ]);
  });

  it('required-when: the entry’s own rules, else the inherited ones', () => {
    const schema = obj(
      { kind: { type: 'integer', enum: [1, 2] }, p: { type: 'integer', minimum: 3 }, q: { type: 'string', examples: ['q!'] } },
      {
        rules: ['R-OBJ'],
        required: ['kind'],
        allOf: [requiredWhen('kind', 1, ['p'], ['R-IF']), requiredWhen('kind', 2, ['p', 'q'])],
      },
    );
    const cases = bodyCases(schema, { kind: 1, p: 4 });
    expectAjvAgrees(schema, cases);
    // kind 2 alone would lack q: the enum case adds it (and so repeats the if-kind-2 case, sent once).
    expect(bodyCaseGaps(schema, { kind: 1, p: 4 })).toEqual([]);
    expect(cases.filter((c) => c.keyword === 'if-then').map((c) => [c.id, c.expect, c.rules, c.body])).toEqual([
      ['body-if-kind-1-then-p-missing', 'refused', ['R-IF'], { kind: 1 }],
      ['body-if-kind-1-then-present', 'accepted', ['R-IF'], { kind: 1, p: 4 }],
      ['body-if-kind-2-then-p-missing', 'refused', ['R-OBJ'], { kind: 2, q: 'q!' }],
      ['body-if-kind-2-then-q-missing', 'refused', ['R-OBJ'], { kind: 2, p: 4 }],
      ['body-if-kind-2-then-present', 'accepted', ['R-OBJ'], { kind: 2, p: 4, q: 'q!' }],
    ]);
  });

  it('appliesIf: limits probed where the field has an effect, and a refused value accepted where it has none', () => {
    const kind = { properties: { kind: { const: 2 } }, required: ['kind'] };
    const schema = obj(
      {
        kind: { type: 'integer', enum: [1, 2, 3] },
        rate: { type: 'number', exclusiveMinimum: 0, maximum: 10, rules: ['R-RATE'], appliesIf: kind, noEffectRules: ['R-IGNORED'] },
        // A type alone: nothing refused where it applies, so no no-effect case either (and no gap).
        note: { type: 'string', appliesIf: kind, noEffectRules: ['R-IGNORED'] },
      },
      { required: ['kind'], allOf: [requiredWhen('kind', 2, ['rate'], ['R-IF'])] },
    );
    // The example has kind 1, where rate has no effect: its limits are probed with kind 2.
    const example = { kind: 1 };
    const cases = bodyCases(schema, example);
    expect(bodyCaseGaps(schema, example)).toEqual([]);
    const rate = cases.filter((c) => c.path.join('.') === 'rate' && c.keyword !== 'if-then');
    expect(rate.map((c) => [c.id, c.expect, c.rules, c.body])).toEqual([
      ['rate-maximum-at', 'accepted', ['R-RATE'], { kind: 2, rate: 10 }],
      ['rate-maximum-over', 'refused', ['R-RATE'], { kind: 2, rate: 10.01 }],
      // (rate 0.01 with kind 2, one inside the exclusive minimum, is the body the if-kind-2 case sent already.)
      ['rate-exclusive-minimum-at', 'refused', ['R-RATE'], { kind: 2, rate: 0 }],
      // The first value refused where it counts, sent where it does not: ignored, so accepted.
      ['rate-no-effect', 'accepted', ['R-IGNORED'], { kind: 1, rate: 10.01 }],
    ]);
    expect(byId(cases, 'rate-no-effect').title).toBe('rate = 10.01 while kind 1, where it has no effect → accepted');
    expect(cases.some((c) => c.path.join('.') === 'note' && c.expect === 'refused')).toBe(false);
    // Judged as the reference judges: the fields without effect left out, then the schema.
    const validate = createAjv().compile(schema);
    for (const c of cases) expect(validate(withoutNoEffectFields(schema, c.body)), c.id).toBe(c.expect === 'accepted');

    // Where the example already has the field's effect, the no-effect case moves the holder off it:
    // to the first other member of the condition's own enum that makes a valid object.
    const fromTwo = bodyCases(schema, { kind: 2, rate: 5 });
    expect(byId(fromTwo, 'rate-no-effect').body).toEqual({ kind: 1, rate: 10.01 });
    // Without noEffectRules no rule could carry that case: a gap, never a case under the field's own rules.
    const bare = obj({ kind: { type: 'integer', enum: [1, 2] }, rate: { type: 'number', maximum: 10, appliesIf: kind } });
    expect(bodyCases(bare, { kind: 2, rate: 1 }).map((c) => c.id)).toEqual([
      'kind-enum-min',
      'kind-enum-max',
      'kind-enum-outside',
      'rate-maximum-at',
      'rate-maximum-over',
    ]);
    expect(bodyCaseGaps(bare, { kind: 2, rate: 1 })).toEqual(['rate: appliesIf without noEffectRules: the no-effect case not probed']);
  });

  it('rules: a node’s own replace the inherited ones, by.<keyword> replaces both', () => {
    const schema = obj(
      {
        inner: obj({
          x: { type: 'string', maxBytes: 2, by: { maxBytes: { rules: ['R-X'] } } },
          y: { type: 'string', maxBytes: 2, rules: ['R-Y'] },
          z: { type: 'string', maxBytes: 2 },
        }),
      },
      { rules: ['R-ROOT'] },
    );
    const cases = bodyCases(schema, { inner: { x: 'a', y: 'a', z: 'a' } });
    expect(cases.map((c) => [c.id, c.rules])).toEqual([
      ['inner-x-max-bytes-at', ['R-ROOT']],
      ['inner-x-max-bytes-over', ['R-X']],
      ['inner-y-max-bytes-at', ['R-Y']],
      ['inner-y-max-bytes-over', ['R-Y']],
      ['inner-z-max-bytes-at', ['R-ROOT']],
      ['inner-z-max-bytes-over', ['R-ROOT']],
    ]);
  });

  it('identical bodies with the same expectation once, and clashing ids get -2', () => {
    // minLength 1 at and minBytes 1 at are both "a"; maxBytes 3 at … and a key that slugs like another.
    const schema = obj({
      s: { type: 'string', minLength: 1, minBytes: 1 },
      'a-b': { type: 'string', maxBytes: 1 },
      a_b: { type: 'string', maxBytes: 2 },
    });
    const cases = bodyCases(schema, { s: 'abc', 'a-b': 'x', a_b: 'x' });
    expectAjvAgrees(schema, cases);
    expect(cases.map((c) => c.id)).toEqual([
      's-min-bytes-at',
      's-min-bytes-under',
      'a-b-max-bytes-at',
      'a-b-max-bytes-over',
      'a-b-max-bytes-at-2',
      'a-b-max-bytes-over-2',
    ]);
  });
});

describe('body cases: purity and gaps', () => {
  it('never modifies the schema or the example, and each body is a copy of its own', () => {
    const schema = structuredClone(TENCENT);
    const example = structuredClone(TENCENT_EXAMPLE);
    const cases = bodyCases(deepFreeze(schema), deepFreeze(example));
    expect(schema).toEqual(TENCENT);
    expect(example).toEqual(TENCENT_EXAMPLE);
    const first = cases[0];
    const second = cases[1];
    if (!first || !second) throw new Error('no cases');
    const before = JSON.stringify(second.body);
    (first.body as Record<string, Json>)['dataSourceId'] = 'changed';
    ((first.body as Record<string, Json[]>)['coupons'] as Record<string, Json>[]).push({});
    expect(JSON.stringify(second.body)).toBe(before);
  });

  it('every other case body differs from the example in exactly the probed place', () => {
    const cases = bodyCases(TENCENT, TENCENT_EXAMPLE);
    for (const c of cases.filter((x) => x.keyword === 'maxBytes' && x.path.length === 3)) {
      const coupon = { ...(at(c.body, ['coupons', 0]) as Record<string, Json>) };
      const key = String(c.path[2]);
      delete coupon[key];
      const original = { ...(at(TENCENT_EXAMPLE, ['coupons', 0]) as Record<string, Json>) };
      delete original[key];
      expect(coupon, c.id).toEqual(original);
    }
  });

  it('a limit under a pattern is a gap, not a case; so are keywords it does not understand', () => {
    const schema = obj({ code: { type: 'string', pattern: '^[0-9]+$', maxBytes: 5 }, u: { type: 'array', uniqueItems: true } });
    const example = { code: '12', u: [] };
    expect(bodyCases(schema, example)).toEqual([]);
    expect(bodyCaseGaps(schema, example)).toEqual([
      // Refused for the pattern as well: no proof of the byte limit, so no case.
      'code-max-bytes-at: no body valid could be built (code of 5 UTF-8 bytes (3 characters) → accepted)',
      'code-max-bytes-over: no body refused for maxBytes could be built (code of 6 UTF-8 bytes (2 characters) → refused)',
      'u: keyword uniqueItems is not understood, not probed',
    ]);
  });

  it('an invalid example yields no cases and says why', () => {
    const schema = obj({ n: { type: 'integer', maximum: 3 } }, { required: ['n'] });
    expect(bodyCases(schema, { n: 4 })).toEqual([]);
    expect(bodyCaseGaps(schema, { n: 4 })).toEqual(['the example is invalid (maximum at n): no cases']);
  });

  it('an absent optional property that cannot be built is a gap', () => {
    const schema = obj({ code: { type: 'string', pattern: '^[0-9]+$', maxLength: 3 } });
    expect(bodyCaseGaps(schema, {})).toEqual(['code: absent from the example and no valid value could be built for it, not probed']);
  });
});

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}
