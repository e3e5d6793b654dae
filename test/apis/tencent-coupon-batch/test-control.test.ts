import { describe, expect, it } from 'vitest';
import { addCoupons, body, buildFace, coupon } from './call.js';

describe('coupon batch test control', () => {
  it('shows a stored coupon with its version, 404 for an unknown one, and resets', async () => {
    const face = buildFace({ testControl: true });
    expect((await addCoupons(face, body(coupon({ external_coupon_id: 'id/1' })))).json.retcode).toBe(0);
    await addCoupons(face, body(coupon({ external_coupon_id: 'id/1', coupon_name: 'v2' })));
    const url = `/__promoproof/tencent-coupon-batch/coupons/101/${encodeURIComponent('id/1')}`;
    const got = await face.app.inject({ method: 'GET', url });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toMatchObject({ dataSourceId: '101', externalCouponId: 'id/1', version: 2, coupon: { coupon_name: 'v2' } });
    const missing = await face.app.inject({ method: 'GET', url: '/__promoproof/tencent-coupon-batch/coupons/101/nope' });
    expect([missing.statusCode, missing.json()]).toEqual([404, { error: 'no coupon nope in data source 101' }]);
    const reset = await face.app.inject({ method: 'POST', url: '/__promoproof/tencent-coupon-batch/reset' });
    expect(reset.json()).toEqual({ reset: true, coupons: 1 });
    expect((await face.app.inject({ method: 'GET', url })).statusCode).toBe(404);
    const info = await face.app.inject({ method: 'GET', url: '/__promoproof/tencent-data-api/info' });
    expect(info.json()).toMatchObject({ protocol: 'tencent-data-api', skewS: 300, fault: null, nonces: 2 });
    await face.app.inject({ method: 'POST', url: '/__promoproof/tencent-data-api/reset' });
    expect((await face.app.inject({ method: 'GET', url: '/__promoproof/tencent-data-api/info' })).json()).toMatchObject({ nonces: 0 });
  });

  it('is absent unless asked for', async () => {
    const face = buildFace();
    const res = await face.app.inject({ method: 'POST', url: '/__promoproof/tencent-coupon-batch/reset' });
    expect(res.statusCode).toBe(404);
  });
});
