/**
 * The coupon life cycle's reference face (jd-coupon): the coupon platform over the batches of the
 * Tencent face, its JOS-style service (on the reference's one JOS router) and its test control.
 */
import type { FastifyInstance } from 'fastify';
import { createClock } from '../../reference/clock.js';
import type { JosService } from '../../protocols/jos/gateway.js';
import { CouponPlatform } from '../coupon-platform/platform.js';
import type { CouponBatchStore } from '../tencent-coupon-batch/store.js';
import { UCP_FAULTS, isUcpFault } from '../yoho-user-coupon/faults.js';
import { CPN_FAULTS, type CouponServiceFaults, isCpnFault } from './faults.js';
import { CouponLifecycleService } from './service.js';
import { jdCouponCompiledFor } from './spec-mutations.js';
import { registerCouponPlatformTestControl } from './test-control.js';

export { CPN_FAULTS, type CpnFaultId, isCpnFault } from './faults.js';
export { CPN, jdCouponApiCompiled, loadJdCouponSpec } from './spec.js';
export { CPN_MUTATION_PREFIX, couponMutationsById, isCouponMutation } from './spec-mutations.js';
export { COUPON_PLATFORM_CONTROL_PATH } from './test-control.js';

export interface MountedCouponPlatform {
  readonly platform: CouponPlatform;
  /** Served by the reference's JOS router beside the promotion service. */
  readonly josService: JosService;
}

export function mountCouponPlatform(
  app: FastifyInstance,
  options: {
    readonly batches: CouponBatchStore;
    readonly now?: () => number;
    readonly fault?: string;
    readonly testControl?: boolean;
    /** Readings the documents allow instead of our own choices; the platform follows its own. */
    readonly readings?: ReadonlySet<string>;
  },
): MountedCouponPlatform {
  const clock = createClock(options.now ?? Date.now);
  const f = options.fault;
  const faults = isCpnFault(f) ? CPN_FAULTS[f].platform : isUcpFault(f) ? ((UCP_FAULTS[f] as { platform?: object }).platform ?? {}) : {};
  const readings = { aboveEligibleRefused: options.readings?.has('coupon-above-eligible-refused') === true };
  const platform = new CouponPlatform({ batches: options.batches, clock, faults, readings });
  if (options.testControl) registerCouponPlatformTestControl(app, { platform, clock });
  const serviceFaults = isCpnFault(f) ? ((CPN_FAULTS[f] as { service?: CouponServiceFaults }).service ?? {}) : {};
  return { platform, josService: new CouponLifecycleService(jdCouponCompiledFor(f), platform, serviceFaults) };
}
