import type { Json } from '../../src/scenario/types.js';

/**
 * The set-up step of the load tests' profiles: one batch uploaded through the Tencent face
 * (`order/add_coupon` on the target's data source), `coupon` its terms as the upload writes them.
 */
export function uploadStep(coupon: Readonly<Record<string, Json>>) {
  return {
    call: 'order/add_coupon',
    api: 'tencent-coupon-batch',
    params: { dataSourceId: '${target.dataSourceId}', coupons: [coupon] },
  };
}
