/** The Yoho user coupon queries (`app.coupons.*`, `app.promotion.*` over the Yoho gateway): its module of the registry. */
import { YOHO_FAULTS } from '../../protocols/yoho-gateway/faults.js';
import { faultRulesIn, listFaults } from '../fault-tables.js';
import type { MountedCouponPlatform } from '../jd-coupon/index.js';
import type { ApiDef, Face } from '../types.js';
import { yohoUserCouponAudit } from './audit.js';
import { UCP_FAULTS } from './faults.js';
import { mountUserCouponQueries } from './index.js';
import { USER_COUPON_READINGS } from './readings.js';
import { UCP_MUTATION_PREFIX, userCouponMutationsById } from './spec-mutations.js';
import { yohoUserCouponApiCompiled } from './spec.js';

const userCouponFace: Face = {
  // The queries read the coupon platform of the life cycle's face (mounted before it in the registry).
  mount: (app, ctx) =>
    mountUserCouponQueries(app, {
      platform: (ctx.faces['jd-coupon'] as MountedCouponPlatform).platform,
      ...(ctx.fault ? { fault: ctx.fault } : {}),
      ...(ctx.reshapeSuccess ? { reshapeSuccess: ctx.reshapeSuccess } : {}),
    }),
};

export const yohoUserCouponApi: ApiDef = {
  id: 'yoho-user-coupon',
  title: 'Yoho user coupon queries',
  protocol: 'yoho-gateway',
  compiled: yohoUserCouponApiCompiled,
  rulePrefixes: ['UCP-'],
  systemProbe: { operation: 'app.coupons.total', params: { uid: 1, type: 'notuse' } },
  faults: {
    // The Yoho gateway's faults are listed here, under the one API served over it.
    named: listFaults([UCP_FAULTS, YOHO_FAULTS]),
    rulesOf: faultRulesIn([UCP_FAULTS, YOHO_FAULTS]),
    mutationPrefix: UCP_MUTATION_PREFIX,
    mutations: userCouponMutationsById,
  },
  readings: USER_COUPON_READINGS,
  face: userCouponFace,
  audit: yohoUserCouponAudit,
};
