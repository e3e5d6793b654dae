import type { LoadProfileDoc } from '../../src/load/types.js';
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

/** The batch the load tests' claims name: the setup's `${batch}` on the target's data source. */
export const BATCH = { data_source_id: '${target.dataSourceId}', batch_id: '${batch}' };

/**
 * The load tests' small claim profile: a batch of `stock` uploaded in the setup, `perUser` each, claimed by
 * `users` users in `phases`, sold-out and per-user refusals expected, the batch's limits given to the audit.
 */
export function claimsProfile(o: {
  readonly profile: string;
  readonly title: string;
  readonly stock: number;
  readonly perUser: number;
  readonly users: number;
  readonly phases: LoadProfileDoc['phases'];
}): LoadProfileDoc {
  return {
    profile: o.profile,
    title: o.title,
    description: o.title,
    apis: ['jd-coupon', 'tencent-coupon-batch'],
    vars: { batch: 'pp-${fresh.name}', stock: o.stock },
    setup: [
      uploadStep({
        external_coupon_id: '${batch}',
        coupon_name: '秒杀券',
        coupon_type: 1,
        coupon_sub_type: 1,
        amount_coupon: 10,
        store_count: '${stock}',
        max_coupon_number_per_user: o.perUser,
      }),
    ],
    users: { count: o.users },
    mix: [
      {
        name: 'claim',
        call: 'promoproof.coupon.claim',
        weight: 1,
        params: { ...BATCH, uid: '${user}', request_id: '${requestId}' },
        refusals: ['coupon.stock.empty', 'coupon.user.limit'],
        soldOut: ['coupon.stock.empty'],
        audit: 'claim',
      },
    ],
    phases: o.phases,
    audit: { batches: [{ batch: BATCH, stock: '${stock}', perUser: o.perUser }], sampleUsers: 5 },
  } as LoadProfileDoc;
}
