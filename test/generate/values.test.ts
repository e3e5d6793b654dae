import { describe, expect, it } from 'vitest';
import { scalarCases, withFixtureIds } from '../../src/generate/values.js';
import { casesOfBaseline } from '../../src/generate/cases.js';
import { promotionApiCompiled } from '../../src/spec/compile.js';

const pick = (cases: ReturnType<typeof scalarCases>) => cases.map((c) => [c.keyword, c.value, c.valid]);

describe('boundary values derived from a schema', () => {
  it('lengths in characters: n and n+1, ASCII and CJK', () => {
    expect(pick(scalarCases({ type: 'string', minLength: 1, maxLength: 10 }))).toEqual([
      ['maxLength', { $text: { length: 10, char: 'a' } }, true],
      ['maxLength', { $text: { length: 11, char: 'a' } }, false],
      ['maxLength', { $text: { length: 10, char: '促' } }, true],
      ['maxLength', { $text: { length: 11, char: '促' } }, false],
      ['minLength', { $text: { length: 0, char: 'a' } }, false],
    ]);
  });

  it('UTF-8 bytes: n and n+1 with multibyte characters', () => {
    expect(pick(scalarCases({ type: 'string', maxBytes: 200 }))).toEqual([
      ['maxBytes', { $text: { bytes: 200, char: '备' } }, true],
      ['maxBytes', { $text: { bytes: 201, char: '备' } }, false],
      ['maxBytes', { $text: { length: 200, char: 'a' } }, true],
    ]);
  });

  it('enums: every member and one outside', () => {
    expect(pick(scalarCases({ type: 'integer', enum: [50, 56, 110] }))).toEqual([
      ['enum', 50, true],
      ['enum', 56, true],
      ['enum', 110, true],
      ['enum', 111, false],
      ['type', 'abc', false],
    ]);
  });

  it('ranges, exclusive bounds and decimal places', () => {
    const cases = pick(scalarCases({ type: 'number', minimum: 5, exclusiveMaximum: 10, decimalPlaces: 1 }));
    expect(cases).toContainEqual(['minimum', 5, true]);
    expect(cases).toContainEqual(['minimum', 4.9, false]);
    expect(cases).toContainEqual(['exclusiveMaximum', 9.9, true]);
    expect(cases).toContainEqual(['exclusiveMaximum', 10, false]);
    expect(cases).toContainEqual(['decimalPlaces', 7.5, true]);
    expect(cases).toContainEqual(['decimalPlaces', 7.45, false]);
  });

  it('multiples', () => {
    const cases = pick(scalarCases({ type: 'integer', minimum: 10, multipleOf: 10 }));
    expect(cases).toContainEqual(['multipleOf', 10, true]);
    expect(cases).toContainEqual(['multipleOf', 15, false]);
  });

  it('ids of the fixtures: the first accepted case takes a fixture id, further ones go, refused ones stay', () => {
    const cases = withFixtureIds(scalarCases({ type: 'integer', minimum: 1, maximum: 9 }), 'sku', undefined);
    expect(cases.filter((c) => c.valid)).toEqual([
      { label: 'a fixture SKU id, not 1, the minimum', value: '${sku[0]}', valid: true, keyword: 'minimum' },
    ]);
    expect(cases.filter((c) => !c.valid).map((c) => c.value)).toEqual([0, 10, 1.5, 'abc']);
    expect(withFixtureIds(scalarCases({ type: 'integer', minimum: 1 }), 'ware', 42).find((c) => c.valid)?.value).toBe(42);
  });

  it('no length cases under a pattern (filler would break the pattern, not the length)', () => {
    expect(scalarCases({ type: 'string', maxLength: 512, pattern: '^https?://' })).toEqual([]);
  });
});

describe('cases of a baseline', () => {
  const api = promotionApiCompiled();

  it('derive the time relations of add: 59 s / 60 s and 180 days / 180 days + 1 minute', () => {
    const cases = casesOfBaseline(api, {
      operation: 'jingdong.seller.promotion.add',
      params: { name: 'x', type: 1, begin_time: '${now+1d}', end_time: '${now+8d}' },
    });
    const rel = cases.filter((c) => c.target === 'relation').map((c) => [c.kind, c.label, c.expect]);
    expect(rel).toEqual([
      ['minGap', 'end_time = begin_time + 60 s', 'success'],
      ['minGap', 'end_time = begin_time + 59 s', { error: ['promo.endTime.invalid', 'promo.time.invalid'] }],
      ['afterNow', 'end_time = now + 1 h', 'success'],
      // An end in the past needs a begin before it, which a target may refuse too (JDP-REF-02): both codes pass.
      ['afterNow', 'end_time = now − 1 min', { error: ['promo.endTime.invalid', 'promo.beginTime.invalid'] }],
      ['withinFromNow', 'begin_time = now + 180d − 1 min', 'success'],
      ['withinFromNow', 'begin_time = now + 180d + 1 min', { error: 'promo.beginTime.invalid' }],
      ['maxGap', 'end_time = begin_time + 180d', 'success'],
      ['maxGap', 'end_time = begin_time + 180d + 1 min', { error: ['promo.time.invalid', 'promo.endTime.invalid'] }],
    ]);
  });

  it('apply the variant of the baseline: favor mode 6 gets M 3–20 and N ≤ ⌊M/3⌋', () => {
    const cases = casesOfBaseline(api, {
      operation: 'jingdong.seller.promotion.ordermode.add',
      params: { promo_id: 1, favor_mode: 6, quota: [6], rate: [1] },
    });
    const labels = cases.map((c) => `${c.target} ${c.label} ${c.expect === 'success' ? 'ok' : 'err'}`);
    expect(labels).toContain('quota[] one item: 3, the minimum ok');
    expect(labels).toContain('quota[] one item: 21, above the maximum err');
    expect(labels).toContain('relation rate = 2 (1/3 of 6) ok');
    expect(labels).toContain('relation rate = 3 (over 1/3 of 6) err');
  });

  it('take an accepted SKU or ware id from the fixtures, never the schema minimum (an unknown SKU may be refused)', () => {
    const add = casesOfBaseline(api, {
      operation: 'jingdong.seller.promotion.sku.add',
      params: { promo_id: 1, sku_ids: ['${sku[1599]}'], jd_prices: ['${sku[1599].price}'] },
    });
    const items = add.filter((c) => c.target === 'sku_ids[]').map((c) => [c.label, c.params['sku_ids'], c.expect === 'success']);
    // The accepted side is the baseline's own SKU; the refused side (not an id at all) stays as derived.
    expect(items).toContainEqual(['one item: a fixture SKU id, not 1, the minimum', ['${sku[1599]}'], true]);
    expect(items).toContainEqual(['one item: 0, below the minimum', [0], false]);
    expect(add.filter((c) => c.expect === 'success').every((c) => JSON.stringify(c.params['sku_ids']) !== '[1]')).toBe(true);
    // A filter the baseline leaves out gets the first fixture SKU's id (ware id).
    const list = casesOfBaseline(api, { operation: 'jingdong.seller.promotion.sku.list', params: { promo_id: 1 } });
    const accepted = (name: string) => list.filter((c) => c.target === name && c.expect === 'success').map((c) => c.params[name]);
    expect(accepted('ware_id')).toEqual(['${sku[0].ware}']);
    expect(accepted('sku_id')).toEqual(['${sku[0]}']);
  });

  it('grow parallel arrays together for the 100-per-call cap, expecting any error at 101', () => {
    const cases = casesOfBaseline(api, {
      operation: 'jingdong.seller.promotion.sku.add',
      params: { promo_id: 1, sku_ids: [1], jd_prices: ['1.0'] },
      grow: { sku_ids: { $skus: { from: 0, count: '${n}' } }, jd_prices: { $prices: { from: 0, count: '${n}' } } },
    });
    const cap = cases.filter((c) => c.target === 'sku_ids' && c.kind === 'maxItems');
    expect(cap.map((c) => [c.vars, c.expect, Object.keys(c.params).sort()])).toEqual([
      [{ n: 100 }, 'success', ['jd_prices', 'promo_id', 'sku_ids']],
      [{ n: 101 }, { error: 'any' }, ['jd_prices', 'promo_id', 'sku_ids']],
    ]);
    expect(cap[0]!.params['jd_prices']).toEqual({ $prices: { from: 0, count: '${n}' } });
  });
});
