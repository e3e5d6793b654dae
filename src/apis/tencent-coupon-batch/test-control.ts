/**
 * Test control of the coupon batch reference (JSON in and out), for scenarios that look behind the API:
 *   GET  /__promoproof/tencent-coupon-batch/coupons/:dataSourceId/:externalCouponId   the stored coupon and its version, or 404
 *   POST /__promoproof/tencent-coupon-batch/reset                                      forget every coupon
 */
import type { FastifyInstance } from 'fastify';
import { TEST_CONTROL_PATH } from '../../core/test-control.js';
import type { CouponBatchStore } from './store.js';

export const COUPON_BATCH_CONTROL_PATH = `${TEST_CONTROL_PATH}/tencent-coupon-batch`;

export interface CouponBatchControlDeps {
  readonly store: CouponBatchStore;
  /** Also forgotten on reset (e.g. the gateway's spent nonces). */
  readonly onReset?: () => void;
}

export function registerCouponBatchTestControl(app: FastifyInstance, deps: CouponBatchControlDeps): void {
  const { store } = deps;
  app.get(`${COUPON_BATCH_CONTROL_PATH}/coupons/:dataSourceId/:externalCouponId`, async (req, reply) => {
    const { dataSourceId, externalCouponId } = req.params as { dataSourceId: string; externalCouponId: string };
    const stored = store.get(dataSourceId, externalCouponId);
    if (!stored) return reply.code(404).send({ error: `no coupon ${externalCouponId} in data source ${dataSourceId}` });
    return stored;
  });
  app.post(`${COUPON_BATCH_CONTROL_PATH}/reset`, async () => {
    const coupons = store.size;
    store.reset();
    deps.onReset?.();
    return { reset: true, coupons };
  });
}
