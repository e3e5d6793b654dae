import { describe, expect, it } from 'vitest';
import { createCouponBatchService, createCouponBatchStore } from '../../../src/apis/tencent-coupon-batch/index.js';
import { body, coupon } from './call.js';

function setup() {
  let now = 1_000;
  const store = createCouponBatchStore(() => now);
  const service = createCouponBatchService({ store });
  return { store, service, tick: () => (now += 1) };
}

describe('coupon batch store', () => {
  it('adds, then updates by (dataSourceId, external_coupon_id), counting versions and replacing the coupon whole', () => {
    const store = createCouponBatchStore(() => 5);
    expect(
      store.upsert({ appId: 'a', dataSourceId: 'd', coupon: { external_coupon_id: 'x', coupon_name: 'one', brand_name: 'b' } }).action,
    ).toBe('added');
    const second = store.upsert({ appId: 'a', dataSourceId: 'd', coupon: { external_coupon_id: 'x', coupon_name: 'two' } });
    expect(second.action).toBe('updated');
    expect(store.get('d', 'x')).toEqual({
      dataSourceId: 'd',
      externalCouponId: 'x',
      version: 2,
      appId: 'a',
      updatedAtMs: 5,
      coupon: { external_coupon_id: 'x', coupon_name: 'two' },
    });
    expect(Object.isFrozen(store.get('d', 'x')?.coupon)).toBe(true);
    store.upsert({ appId: 'a', dataSourceId: 'other', coupon: { external_coupon_id: 'x' } });
    expect([store.size, store.list('d').length, store.list().length, store.has('other', 'x'), store.has('nope', 'x')]).toEqual([
      2,
      1,
      2,
      true,
      false,
    ]);
    store.reset();
    expect([store.size, store.get('d', 'x'), store.list()]).toEqual([0, undefined, []]);
  });

  it('keeps its own copy of what was sent', () => {
    const store = createCouponBatchStore();
    const c = { external_coupon_id: 'x', tags: ['a'] };
    store.upsert({ appId: 'a', dataSourceId: 'd', coupon: c });
    c.tags.push('b');
    expect(store.get('d', 'x')?.coupon).toEqual({ external_coupon_id: 'x', tags: ['a'] });
  });
});

describe('coupon batch service', () => {
  it('stores a coupon without the fields that have no effect for its sub type (TCC-REF-16), and refuses them under the reading', () => {
    const { service, store } = setup();
    expect(service.addCoupons('app', body(coupon({ discount_coupon: 0 }))).retcode).toBe(0);
    expect(store.get('101', 'C-1')?.coupon).toEqual(coupon());
    const strict = createCouponBatchService({ store: createCouponBatchStore(), noEffectValidated: true });
    expect(strict.addCoupons('app', body(coupon({ discount_coupon: 0 })))).toMatchObject({
      retcode: 41002,
      errmsg: 'Body is invalid: coupons[0].discount_coupon: must be > 0',
    });
  });

  it('answers added / updated per coupon in order; the later of a repeated id wins (TCC-REF-09, TCC-REF-13)', () => {
    const { service, store } = setup();
    expect(service.addCoupons('app', body(coupon()))).toEqual({
      retcode: 0,
      errmsg: '',
      data: { coupons: [{ external_coupon_id: 'C-1', action: 'added' }] },
    });
    const answer = service.addCoupons(
      'app',
      body(coupon({ coupon_name: 'a' }), coupon({ external_coupon_id: 'C-2' }), coupon({ coupon_name: 'b' })),
    );
    expect(answer.data).toEqual({
      coupons: [
        { external_coupon_id: 'C-1', action: 'updated' },
        { external_coupon_id: 'C-2', action: 'added' },
        { external_coupon_id: 'C-1', action: 'updated' },
      ],
    });
    expect(store.get('101', 'C-1')).toMatchObject({ version: 3, coupon: { coupon_name: 'b' } });
  });

  it('refuses a call with any invalid coupon whole: nothing stored, errmsg names up to 5 problems (TCC-REF-06)', () => {
    const { service, store } = setup();
    const coupons = [
      coupon({ external_coupon_id: 'ok' }),
      ...Array.from({ length: 7 }, (_, i) => coupon({ external_coupon_id: `bad${i}`, coupon_type: 9 })),
    ];
    const answer = service.addCoupons('app', body(...coupons));
    expect(answer.retcode).toBe(41002);
    expect(answer.errmsg).toBe(
      'Body is invalid: ' + [1, 2, 3, 4, 5].map((i) => `coupons[${i}].coupon_type: must be one of 1, 2`).join('; ') + ' (and 2 more)',
    );
    expect((answer.data['errors'] as unknown[]).length).toBe(7);
    expect((answer.data['errors'] as unknown[])[0]).toEqual({ index: 1, path: 'coupons[1].coupon_type', message: 'must be one of 1, 2' });
    expect(store.size).toBe(0);
    expect(service.addCoupons('app', { coupons: [] })).toMatchObject({
      retcode: 41002,
      data: {
        errors: [
          { path: 'dataSourceId', message: 'is required' },
          { path: 'coupons', message: 'must NOT have fewer than 1 items' },
        ],
      },
    });
  });
});
