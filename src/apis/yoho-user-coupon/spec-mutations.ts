/** Mutations of the user coupon queries' spec (`spec:ucp:…`), as src/apis/jd-coupon/spec-mutations.ts does for its spec. */
import { compiledUnder, paramSpecMutations, type SpecMutation } from '../../reference/spec-mutations.js';
import type { CompiledApi } from '../../spec/compile.js';
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

/** The spec the reference enforces: the shipped one, or a patched copy under a mutation (compiled once). */
export function yohoUserCouponCompiledFor(fault: string | undefined): CompiledApi {
  return compiledUnder(fault, userCouponMutationsById(), loadYohoUserCouponSpec, yohoUserCouponApiCompiled, compiled);
}
