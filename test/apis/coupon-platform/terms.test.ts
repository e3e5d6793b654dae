import { describe, expect, it } from 'vitest';
import { batchTerms, decimalToFen, paidShareBp } from '../../../src/apis/coupon-platform/terms.js';
import { createCouponBatchStore } from '../../../src/apis/tencent-coupon-batch/store.js';

describe('money from the upload, exactly', () => {
  it('reads yuan with at most two decimals as integer fen from its decimal text', () => {
    expect(decimalToFen(20)).toBe(2000);
    expect(decimalToFen(0.1)).toBe(10);
    expect(decimalToFen(0.29)).toBe(29); // 0.29 * 100 is 28.999999999999996 in floating point
    expect(decimalToFen(1.005)).toBeUndefined(); // three decimals: not a fen amount
    expect(decimalToFen('99.99')).toBe(9999);
    expect(decimalToFen(-1)).toBeUndefined();
    expect(decimalToFen(Number.NaN)).toBeUndefined();
    expect(decimalToFen('1e3')).toBeUndefined();
  });

  it('reads discount_coupon in both readings as the share paid (CPN-REF-04)', () => {
    expect(paidShareBp(0.7)).toBe(7000); // 7 折, the document's example
    expect(paidShareBp(99.99)).toBe(9999); // 99.99 %, the document's table
    expect(paidShareBp(70)).toBe(7000);
    expect(paidShareBp(1)).toBe(10_000);
    expect(paidShareBp(0)).toBeUndefined();
    expect(paidShareBp(100.01)).toBeUndefined();
  });
});

describe('batch terms', () => {
  const stored = (coupon: Record<string, unknown>) =>
    createCouponBatchStore(() => 0).upsert({ appId: 'a', dataSourceId: '101', coupon: { external_coupon_id: 'B', ...coupon } }).stored;

  it('reads limits, scope, validity, stacking and the birthday tag', () => {
    const t = batchTerms(
      stored({
        coupon_name: 'x',
        coupon_sub_type: 1,
        amount_coupon: 20,
        amount_minimum: 100,
        max_discount_amount: 15.5,
        store_count: 40,
        max_coupon_number_per_user: 2,
        max_coupon_number_per_user_daily: 1,
        max_coupons_by_day: 10,
        max_amount_by_day: 200,
        product: { sku_ids: ['A'], spu_ids: ['S'] },
        fixed_valid_time: '86400',
        fixed_valid_start_time: '3600',
        added_status: 1,
        tag_info: { custom_tag: [{ tag_name: '生日券', tag_value: ['VIP'] }] },
      }),
    );
    expect(t).toMatchObject({
      amountFen: 2000,
      minimumFen: 10000,
      maxDiscountFen: 1550,
      stock: 40,
      perUser: 2,
      perUserDaily: 1,
      perDayCount: 10,
      perDayAmountFen: 20000,
      validity: { kind: 'relative', startOffsetS: 3600, durationS: 86400 },
      stackable: true,
      available: true,
      birthday: true,
    });
    expect(t.scope).toEqual({ all: false, skuIds: new Set(['A']), spuIds: new Set(['S']) });
  });

  it('a fixed window wins over a relative one; no lists (or is_all) is every product; off shelf, frozen or deleted is unavailable', () => {
    const t = batchTerms(
      stored({ start_time: '1000', end_time: '2000', fixed_valid_time: '86400', product: { is_all: true, sku_ids: ['A'] } }),
    );
    expect(t.validity).toEqual({ kind: 'fixed', startMs: 1000, endMs: 2000 });
    expect(t.scope).toEqual({ all: true });
    expect(t.stackable).toBe(false);
    for (const off of [{ available_status: 2 }, { release_status: 3 }, { release_status: 2 }, { is_deleted: 1 }])
      expect(batchTerms(stored(off)).available, JSON.stringify(off)).toBe(false);
    expect(batchTerms(stored({ release_status: 1, available_status: 1, is_deleted: 0 })).available).toBe(true);
  });
});
