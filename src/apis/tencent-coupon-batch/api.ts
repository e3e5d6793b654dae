/** The Tencent 有数 coupon batch upload (`POST /data-api/v1/order/add_coupon`, over the data-api): its module of the registry. */
import type { SystemProbe } from '../../protocols/types.js';
import { type FreshPath, freshen } from '../../scenario/freshen.js';
import type { Json } from '../../scenario/types.js';
import { faultRulesIn, listFaults } from '../fault-tables.js';
import type { ApiDef, Face } from '../types.js';
import { couponBatchApiCompiled } from './compiled.js';
import { TENCENT_FAULTS } from './faults.js';
import { type MountedCouponBatch, mountTencentCouponBatch } from './index.js';
import { COUPON_BATCH_READINGS } from './readings.js';
import { bodyMutationsById, TENCENT_MUTATION_PREFIX } from './spec-mutations.js';
import { COUPON_BATCH_CONTROL_PATH } from './test-control.js';
import { loadCouponBatchSpec } from './spec.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The Tencent coupon batch face: its store and service (the coupon platform claims from the store). */
    readonly couponBatch: MountedCouponBatch;
  }
}

const COUPON_FRESH_PATHS: readonly FreshPath[] = [['coupons', '[]', 'external_coupon_id']];

/** The seed's example body, in the target's data source: an add-or-update of one coupon, so harmless to repeat. */
function couponBatchProbe(): SystemProbe {
  const op = loadCouponBatchSpec().operations['order/add_coupon'];
  const params = freshen({ ...(op.example as Record<string, Json>), dataSourceId: '${target.dataSourceId}' }, COUPON_FRESH_PATHS);
  return { operation: 'order/add_coupon', params: params as Record<string, Json> };
}

const couponBatchFace: Face = {
  mount: (app, ctx) =>
    mountTencentCouponBatch(app, {
      now: ctx.now,
      ...(ctx.fault ? { fault: ctx.fault } : {}),
      ...(ctx.testControl ? { testControl: true } : {}),
      ...(ctx.readings.has('coupon-no-effect-fields-validated') ? { noEffectValidated: true } : {}),
      ...(ctx.reshapeSuccess ? { reshapeSuccess: ctx.reshapeSuccess } : {}),
    }),
  decorateAs: 'couponBatch',
};

export const tencentCouponBatchApi: ApiDef = {
  id: 'tencent-coupon-batch',
  title: 'Tencent 有数 coupon batch upload',
  protocol: 'tencent-data-api',
  compiled: couponBatchApiCompiled,
  rulePrefixes: ['TCC-'],
  get systemProbe() {
    return couponBatchProbe();
  },
  freshPaths: COUPON_FRESH_PATHS,
  options: {
    dataSourceId: { description: 'the data source the coupons go to (数据源id, data.dataSource.id of create)', embedded: '101' },
  },
  faults: {
    named: listFaults([TENCENT_FAULTS]),
    rulesOf: faultRulesIn([TENCENT_FAULTS]),
    mutationPrefix: TENCENT_MUTATION_PREFIX,
    mutations: bodyMutationsById,
  },
  readings: COUPON_BATCH_READINGS,
  testControlRoutes: { path: COUPON_BATCH_CONTROL_PATH, what: 'stored coupons, reset' },
  face: couponBatchFace,
};
