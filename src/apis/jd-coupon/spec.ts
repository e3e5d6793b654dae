import { type CompiledApi, compileApi } from '../../spec/compile.js';
import { loadSpecFile } from '../../spec/load.js';
import type { ApiSpec } from '../../spec/types.js';

export const JD_COUPON_SPEC_FILE = 'jd-coupon/spec.yaml';

/** The coupon life cycle's spec (specs/jd-coupon/spec.yaml), validated on load. */
export function loadJdCouponSpec(): ApiSpec {
  return loadSpecFile<ApiSpec>(JD_COUPON_SPEC_FILE, 'api');
}

let compiled: CompiledApi | undefined;

/** Compiled once per process. */
export function jdCouponApiCompiled(): CompiledApi {
  compiled ??= compileApi(loadJdCouponSpec());
  return compiled;
}

/** The methods, by what they do: a target config maps these names to its own. */
export const CPN = {
  claim: 'promoproof.coupon.claim',
  issue: 'promoproof.coupon.issue',
  list: 'promoproof.coupon.user.list',
  verify: 'promoproof.coupon.verify',
  redeem: 'promoproof.coupon.redeem',
  revoke: 'promoproof.coupon.revoke',
  statistics: 'promoproof.coupon.statistics',
} as const;
