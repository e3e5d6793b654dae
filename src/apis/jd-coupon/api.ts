/** The coupon life cycle (`promoproof.coupon.*` in the JOS style: claim, verify, redeem, statistics): its module of the registry. */
import { faultRulesIn, listFaults } from '../fault-tables.js';
import type { MountedCouponBatch } from '../tencent-coupon-batch/index.js';
import type { ApiDef, Face } from '../types.js';
import { jdCouponAudit } from './audit.js';
import { CPN_FAULTS } from './faults.js';
import { type MountedCouponPlatform, mountCouponPlatform } from './index.js';
import { COUPON_LIFECYCLE_READINGS } from './readings.js';
import { CPN_MUTATION_PREFIX, couponMutationsById } from './spec-mutations.js';
import { jdCouponApiCompiled } from './spec.js';
import { COUPON_PLATFORM_CONTROL_PATH } from './test-control.js';

const couponPlatformFace: Face = {
  // The platform claims from the batches the Tencent face stores (mounted before it in the registry).
  mount: (app, ctx) =>
    mountCouponPlatform(app, {
      batches: (ctx.faces['tencent-coupon-batch'] as MountedCouponBatch).store,
      now: ctx.now,
      ...(ctx.fault ? { fault: ctx.fault } : {}),
      testControl: ctx.testControl,
      readings: ctx.readings,
    }),
  josService: (state) => (state as MountedCouponPlatform).josService,
  callerUnchecked: (fault, method) => fault === 'cpn-caller-not-checked' && method.startsWith('promoproof.coupon.'),
};

export const jdCouponApi: ApiDef = {
  id: 'jd-coupon',
  title: 'Coupon life cycle (claim, verify, redeem, statistics)',
  protocol: 'jos',
  compiled: jdCouponApiCompiled,
  rulePrefixes: ['CPN-'],
  // A user's coupons: read-only.
  systemProbe: { operation: 'promoproof.coupon.user.list', params: { uid: 1 } },
  faults: {
    named: listFaults([CPN_FAULTS]),
    rulesOf: faultRulesIn([CPN_FAULTS]),
    mutationPrefix: CPN_MUTATION_PREFIX,
    mutations: couponMutationsById,
  },
  readings: COUPON_LIFECYCLE_READINGS,
  testControlRoutes: { path: COUPON_PLATFORM_CONTROL_PATH, what: 'clock, user profiles, reset' },
  face: couponPlatformFace,
  audit: jdCouponAudit,
};
