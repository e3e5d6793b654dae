import { type CompiledApi, compileApi } from '../../spec/compile.js';
import { loadSpecFile } from '../../spec/load.js';
import type { ApiSpec } from '../../spec/types.js';

export const YOHO_USER_COUPON_SPEC_FILE = 'yoho-user-coupon/spec.yaml';

export function loadYohoUserCouponSpec(): ApiSpec {
  return loadSpecFile<ApiSpec>(YOHO_USER_COUPON_SPEC_FILE, 'api');
}

let compiled: CompiledApi | undefined;

export function yohoUserCouponApiCompiled(): CompiledApi {
  compiled ??= compileApi(loadYohoUserCouponSpec());
  return compiled;
}
