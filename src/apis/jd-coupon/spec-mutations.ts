/**
 * Mutations of the coupon life cycle's spec (`spec:cpn:…`): each parameter limit one step looser and
 * one stricter, dropped, made optional. The reference runs with one patched copy of the spec; the
 * suite should fail against each (the self-test measures it).
 */
import { compiledUnder, paramSpecMutations, type SpecMutation } from '../../reference/spec-mutations.js';
import type { CompiledApi } from '../../spec/compile.js';
import { jdCouponApiCompiled, loadJdCouponSpec } from './spec.js';

export const CPN_MUTATION_PREFIX = 'spec:cpn:';

/** The parameters that name a batch or a coupon: an unknown one is refused whatever its form. */
const ID_PARAMS: ReadonlySet<string> = new Set(['data_source_id', 'batch_id', 'coupon_code']);

let byId: ReadonlyMap<string, SpecMutation> | undefined;

export function couponMutationsById(): ReadonlyMap<string, SpecMutation> {
  byId ??= new Map(
    paramSpecMutations(loadJdCouponSpec(), CPN_MUTATION_PREFIX, (m) => m.replace(/^promoproof\.coupon\./, ''), ID_PARAMS).map((m) => [
      m.id,
      m,
    ]),
  );
  return byId;
}

export function isCouponMutation(id: string | undefined): boolean {
  return id !== undefined && id.startsWith(CPN_MUTATION_PREFIX) && couponMutationsById().has(id);
}

const compiled = new Map<string, CompiledApi>();

/** The spec the reference enforces: the shipped one, or a patched copy under a mutation (compiled once). */
export function jdCouponCompiledFor(fault: string | undefined): CompiledApi {
  return compiledUnder(fault, couponMutationsById(), loadJdCouponSpec, jdCouponApiCompiled, compiled);
}
