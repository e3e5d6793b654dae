import { describe, expect, it } from 'vitest';
import { validateCouponBatchBody } from '../../../src/apis/tencent-coupon-batch/index.js';
import { body, coupon, example } from './call.js';

const problems = (b: unknown) => {
  const r = validateCouponBatchBody(b);
  return r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`);
};
const ok = (...patches: Record<string, unknown>[]) => expect(problems(body(...patches.map((p) => coupon(p))))).toEqual([]);
const refused = (patch: Record<string, unknown>, expected: string) => expect(problems(body(coupon(patch)))).toEqual([expected]);

describe('add_coupon body validation (specs/tencent-coupon-batch/spec.yaml)', () => {
  it('accepts the example and unknown fields (never stricter: no additionalProperties)', () => {
    expect(problems(example())).toEqual([]);
    ok({ coupon_codes: ['00001'], something_new: { deep: [1, 2] } });
    expect(problems({ ...body(coupon()), extra: true })).toEqual([]);
  });

  it('TCC-02: dataSourceId and coupons required, 1..50 coupons', () => {
    expect(problems({ coupons: [coupon()] })).toEqual(['dataSourceId: is required']);
    expect(problems({ dataSourceId: '1' })).toEqual(['coupons: is required']);
    expect(problems({ dataSourceId: '1', coupons: [] })).toEqual(['coupons: must NOT have fewer than 1 items']);
    const many = (n: number) => body(...Array.from({ length: n }, (_, i) => coupon({ external_coupon_id: `C-${i}` })));
    expect(problems(many(50))).toEqual([]);
    expect(problems(many(51))).toEqual(['coupons: must NOT have more than 50 items']);
    expect(problems({ dataSourceId: 101, coupons: [coupon()] })).toEqual(['dataSourceId: must be string']);
    expect(problems([])).toEqual(['(body): must be object']);
  });

  it('TCC-03/04: byte limits count UTF-8 bytes, not characters', () => {
    ok({ external_coupon_id: 'x'.repeat(100) });
    refused({ external_coupon_id: 'x'.repeat(101) }, 'coupons[0].external_coupon_id: must be at most 100 UTF-8 bytes (is 101)');
    refused({ external_coupon_id: '' }, 'coupons[0].external_coupon_id: must be at least 1 UTF-8 bytes (is 0)');
    // 34 CJK characters are 102 bytes
    refused({ coupon_name: '券'.repeat(34) }, 'coupons[0].coupon_name: must be at most 100 UTF-8 bytes (is 102)');
    ok({ coupon_name: '券'.repeat(33) + 'x' });
    ok({ rule_description: 'r'.repeat(1000), brand_name: 'b'.repeat(64), brand_logo: 'l'.repeat(2048), short_description: 's'.repeat(64) });
    refused({ rule_description: 'r'.repeat(1001) }, 'coupons[0].rule_description: must be at most 1000 UTF-8 bytes (is 1001)');
    refused({ coupon_name: undefined }, 'coupons[0].coupon_name: is required');
  });

  it('TCC-05: coupon_type 1|2, coupon_sub_type 1..7, integers', () => {
    ok({ coupon_type: 2, coupon_sub_type: 7 });
    refused({ coupon_type: 3 }, 'coupons[0].coupon_type: must be one of 1, 2');
    refused({ coupon_sub_type: 8, amount_coupon: undefined }, 'coupons[0].coupon_sub_type: must be one of 1, 2, 3, 4, 5, 6, 7');
    expect(problems(body(coupon({ coupon_type: '1' })))).toEqual([
      'coupons[0].coupon_type: must be integer',
      'coupons[0].coupon_type: must be one of 1, 2',
    ]);
  });

  it('TCC-06: amount_coupon with sub type 1, discount_coupon with sub type 2; both discount readings', () => {
    refused({ amount_coupon: undefined }, 'coupons[0].amount_coupon: is required');
    refused({ coupon_sub_type: 2, amount_coupon: undefined }, 'coupons[0].discount_coupon: is required');
    ok({ coupon_sub_type: 2, amount_coupon: undefined, discount_coupon: 0.7 });
    ok({ coupon_sub_type: 2, amount_coupon: undefined, discount_coupon: 99.99 });
    ok({ coupon_sub_type: 3, amount_coupon: undefined });
    refused({ amount_coupon: 10.123 }, 'coupons[0].amount_coupon: must have at most 2 decimal place(s)');
    ok({ amount_coupon: 10.12, price_coupon: 9.99 });
    refused({ coupon_sub_type: 2, amount_coupon: undefined, discount_coupon: 100 }, 'coupons[0].discount_coupon: must be < 100');
    refused({ coupon_sub_type: 2, amount_coupon: undefined, discount_coupon: 0 }, 'coupons[0].discount_coupon: must be > 0');
  });

  it('TCC-REF-16: a field with no effect for the sub type is left out, not validated; the reading validates it', () => {
    // The ShopeX YoushuBundle client's 满减券: discount_coupon 0 (its (int) of a discount the coupon has not).
    const youshu = coupon({ discount_coupon: 0, amount_minimum: 100 });
    const taken = validateCouponBatchBody(body(youshu));
    expect(taken).toEqual({ ok: true, body: body(coupon({ amount_minimum: 100 })) });
    // A 打折券's amount_coupon; sub type 3's amounts and thresholds, of any type; unknown fields stay.
    ok({ coupon_sub_type: 2, amount_coupon: 10.123, discount_coupon: 0.7 });
    ok({
      coupon_sub_type: 3,
      amount_coupon: 'ten',
      discount_coupon: 100,
      amount_minimum: 'x',
      max_discount_amount: [],
      number_minimum: 1.5,
    });
    const three = validateCouponBatchBody(body(coupon({ coupon_sub_type: 3, amount_coupon: 10, number_minimum: 2, coupon_codes: ['1'] })));
    expect(three.ok && three.body.coupons[0]).toEqual({ ...coupon({ coupon_sub_type: 3, amount_coupon: undefined }), coupon_codes: ['1'] });
    // Where the field counts it is checked as before, and a `__proto__` key is kept as a field, not a prototype.
    refused({ discount_coupon: 0, coupon_sub_type: 2, amount_coupon: undefined }, 'coupons[0].discount_coupon: must be > 0');
    const proto = JSON.parse(
      '{"dataSourceId":"1","coupons":[{"external_coupon_id":"p","coupon_name":"n","coupon_type":1,"coupon_sub_type":1,"amount_coupon":1,"__proto__":{"x":1}}]}',
    );
    const kept = validateCouponBatchBody(proto);
    expect(kept.ok && Object.hasOwn(kept.body.coupons[0] ?? {}, '__proto__')).toBe(true);
    // The strict reading (coupon-no-effect-fields-validated): checked as if it counted.
    const strict = validateCouponBatchBody(body(youshu), undefined, { noEffectValidated: true });
    expect(strict.ok ? [] : strict.problems.map((p) => `${p.path}: ${p.message}`)).toEqual(['coupons[0].discount_coupon: must be > 0']);
    // A valid one still has no effect there: taken without it.
    const valid = validateCouponBatchBody(body(coupon({ discount_coupon: 0.7 })), undefined, { noEffectValidated: true });
    expect(valid).toEqual({ ok: true, body: body(coupon()) });
  });

  it('TCC-07: start_time and end_time go together, millisecond digits', () => {
    ok({ start_time: '1572395131732', end_time: '1572395131733' });
    refused({ start_time: '1572395131732' }, 'coupons[0].end_time: is required when start_time is present');
    refused({ end_time: '1572395131732' }, 'coupons[0].start_time: is required when end_time is present');
    refused({ show_start_time: '2025-01-01' }, 'coupons[0].show_start_time: must match pattern "^[0-9]+$"');
    refused({ start_time: 1572395131732, end_time: '1' }, 'coupons[0].start_time: must be string');
  });

  it('TCC-08/09: status enums, integer counters', () => {
    ok({ available_status: 2, stock_status: 2, reminder_overdue: 2, added_status: 1, release_status: 3, is_deleted: 1 });
    refused({ available_status: 3 }, 'coupons[0].available_status: must be one of 1, 2');
    refused({ is_deleted: 2 }, 'coupons[0].is_deleted: must be one of 0, 1');
    refused({ max_coupon_number_per_user: 1.5 }, 'coupons[0].max_coupon_number_per_user: must be integer');
    ok({ plan_count: 1000, store_count: 0, max_coupons_by_day: 3, max_amount_by_day: 1000.5 });
  });

  it('TCC-10: imgs and gift_info at most 10, custom_tag at most 50', () => {
    const imgs = (n: number) => ({ media_info: { imgs: Array.from({ length: n }, () => ({ img_url: 'https://x/1.png' })) } });
    ok(imgs(10));
    refused(imgs(11), 'coupons[0].media_info.imgs: must NOT have more than 10 items');
    const gifts = (n: number) => ({ gift_info: Array.from({ length: n }, () => ({ external_sku_id: 'g' })) });
    ok(gifts(10));
    refused(gifts(11), 'coupons[0].gift_info: must NOT have more than 10 items');
    const tags = (n: number) => ({ tag_info: { custom_tag: Array.from({ length: n }, () => ({ tag_name: 't' })) } });
    ok(tags(50));
    refused(tags(51), 'coupons[0].tag_info.custom_tag: must NOT have more than 50 items');
    refused({ media_info: { imgs: [{ img_url: '' }] } }, 'coupons[0].media_info.imgs[0].img_url: must be at least 1 UTF-8 bytes (is 0)');
    refused({ product: { sku_ids: ['s'.repeat(2049)] } }, 'coupons[0].product.sku_ids[0]: must be at most 2048 UTF-8 bytes (is 2049)');
  });

  it('TCC-11: store pair, mini-program groups', () => {
    ok({ store: { store_info: [{ external_store_id: 'S1', store_name: '店' }] } });
    refused(
      { store: { store_info: [{ external_store_id: 'S1' }] } },
      'coupons[0].store.store_info[0].store_name: is required when external_store_id is present',
    );
    ok({ target_url: { url_miniprogram: 'p', miniprogram_appid: 'wx', miniprogram_username: 'gh' } });
    ok({ target_url: { url_h5: 'https://h5' } });
    refused(
      { target_url: { url_miniprogram_qq: 'p' } },
      'coupons[0].target_url.miniprogram_appid_qq: is required when url_miniprogram_qq is present',
    );
  });

  it('TCC-12: third_promotion_info needs commission_rate and promote_status', () => {
    ok({ third_promotion_info: { commission_rate: 10.0, promote_status: 0 } });
    refused({ third_promotion_info: { commission_rate: 10 } }, 'coupons[0].third_promotion_info.promote_status: is required');
    refused(
      { third_promotion_info: { commission_rate: 10.001, promote_status: 1 } },
      'coupons[0].third_promotion_info.commission_rate: must have at most 2 decimal place(s)',
    );
    refused(
      { third_promotion_info: { commission_rate: 1, promote_status: 2 } },
      'coupons[0].third_promotion_info.promote_status: must be one of 0, 1',
    );
  });

  it('reports every problem of every coupon, with its index (TCC-REF-06)', () => {
    const r = validateCouponBatchBody(body(coupon(), coupon({ coupon_type: 9 }), coupon({ coupon_name: '', amount_coupon: undefined })));
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.problems).toEqual([
      { index: 1, path: 'coupons[1].coupon_type', message: 'must be one of 1, 2' },
      { index: 2, path: 'coupons[2].amount_coupon', message: 'is required' },
      { index: 2, path: 'coupons[2].coupon_name', message: 'must be at least 1 UTF-8 bytes (is 0)' },
    ]);
  });

  it('never throws for odd JSON values', () => {
    for (const v of [null, 0, 'x', true, [], {}, { coupons: null }, { coupons: [null, 1, 'x', []] }, { dataSourceId: {}, coupons: {} }]) {
      expect(() => validateCouponBatchBody(v)).not.toThrow();
      expect(validateCouponBatchBody(v).ok).toBe(false);
    }
  });
});
