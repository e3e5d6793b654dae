/** Mutations of the user coupon queries' spec (`spec:ucp:…`), as src/apis/jd-coupon/spec-mutations.ts does for its spec. */
import { paramSpecMutations, type SpecMutation } from '../../reference/spec-mutations.js';
import { type CompiledApi, compileApi } from '../../spec/compile.js';
import type { ApiSpec } from '../../spec/types.js';
import { loadYohoUserCouponSpec, yohoUserCouponApiCompiled } from './spec.js';

export const UCP_MUTATION_PREFIX = 'spec:ucp:';

let byId: ReadonlyMap<string, SpecMutation> | undefined;

export function userCouponMutationsById(): ReadonlyMap<string, SpecMutation> {
  byId ??= new Map(paramSpecMutations(loadYohoUserCouponSpec(), UCP_MUTATION_PREFIX, (m) => m.replace(/^app\./, '')).map((m) => [m.id, m]));
  return byId;
}

export function isUserCouponMutation(id: string | undefined): boolean {
  return id !== undefined && id.startsWith(UCP_MUTATION_PREFIX) && userCouponMutationsById().has(id);
}

const compiled = new Map<string, CompiledApi>();

export function yohoUserCouponCompiledFor(fault: string | undefined): CompiledApi {
  const m = fault === undefined ? undefined : userCouponMutationsById().get(fault);
  if (!m || fault === undefined) return yohoUserCouponApiCompiled();
  let hit = compiled.get(fault);
  if (!hit) {
    const copy = structuredClone(loadYohoUserCouponSpec()) as unknown as Record<string, unknown>;
    m.apply(copy, {});
    hit = compileApi(copy as unknown as ApiSpec);
    compiled.set(fault, hit);
  }
  return hit;
}
