/**
 * The registry of the reference's deliberate faults, of every protocol and API: the JOS gateway's
 * (src/protocols/jos/faults.ts), the JD promotion service's (src/apis/jd-promotion/faults.ts), the
 * Tencent coupon batch face's (src/apis/tencent-coupon-batch/faults.ts), and the spec mutations.
 * `buildServer({ fault })` switches one on; the conformance suite must fail against each (its
 * self-test measures that).
 */
import { isTencentFault, isTencentMutation, TENCENT_FAULTS, type TencentFaultId } from '../apis/tencent-coupon-batch/faults.js';
import { bodyMutationsById } from '../apis/tencent-coupon-batch/spec-mutations.js';
import { JDP_FAULTS } from '../apis/jd-promotion/faults.js';
import { type FaultDef, JOS_FAULTS, type MutableProtocol, type MutableSpec } from '../protocols/jos/faults.js';
import { loadJosProtocol, loadPromotionSpec } from '../spec/load.js';
import type { ApiSpec, JosProtocolSpec } from '../spec/types.js';
import { specMutations, type SpecMutation } from './spec-mutations.js';

export type { FaultDef } from '../protocols/jos/faults.js';

/** The faults of the JD promotion service over JOS, in one table (JOS first). */
export const FAULTS = { ...JOS_FAULTS, ...JDP_FAULTS } as const satisfies Record<string, FaultDef>;

export type FaultName = keyof typeof FAULTS;

export function isFaultName(s: string): s is FaultName {
  return Object.hasOwn(FAULTS, s);
}

/**
 * A fault the reference can run with: a named fault of the JD promotion service or of JOS, a fault of
 * the Tencent coupon batch face (`tcc-…`, src/apis/tencent-coupon-batch/faults.ts), or a mutation of
 * the promotion spec (`spec:…`, see spec-mutations.ts).
 */
export type FaultId = FaultName | TencentFaultId | `spec:${string}`;
// (`spec:tcc:…` ids are mutations of the Tencent body schema: src/apis/tencent-coupon-batch/spec-mutations.ts.)

/** Every named fault, by API: what `serve --list-faults` lists and the self-test runs. */
export function namedFaults(): readonly {
  readonly id: FaultName | TencentFaultId;
  readonly api: string;
  readonly rule: string;
  readonly description: string;
}[] {
  return [
    ...(Object.entries(FAULTS) as [FaultName, FaultDef][]).map(([id, f]) => ({
      id,
      api: 'jd-promotion',
      rule: f.rule,
      description: f.description,
    })),
    ...(Object.entries(TENCENT_FAULTS) as [TencentFaultId, { rule: string; description: string }][]).map(([id, f]) => ({
      id,
      api: 'tencent-coupon-batch',
      rule: f.rule,
      description: f.description,
    })),
  ];
}

/** The spec mutations of every API, by API (ids as `serve --fault` takes them). */
export function specMutationIds(): readonly { readonly id: FaultId; readonly api: string }[] {
  return [
    ...[...specMutationsById().keys()].map((id) => ({ id: id as FaultId, api: 'jd-promotion' })),
    ...[...bodyMutationsById().keys()].map((id) => ({ id: id as FaultId, api: 'tencent-coupon-batch' })),
  ];
}

/** The description of any fault id. */
export function faultDescription(fault: FaultId): string {
  if (isFaultName(fault)) return FAULTS[fault].description;
  if (isTencentFault(fault)) return TENCENT_FAULTS[fault].description;
  if (isTencentMutation(fault)) return bodyMutationsById().get(fault)?.description ?? '';
  return specMutationsById().get(fault)?.description ?? '';
}

let mutations: ReadonlyMap<string, SpecMutation> | undefined;

/** The spec mutations of the shipped spec, by id (derived once per process). */
export function specMutationsById(): ReadonlyMap<string, SpecMutation> {
  mutations ??= new Map(specMutations(loadPromotionSpec(), loadJosProtocol()).map((m) => [m.id, m]));
  return mutations;
}

export function isFaultId(s: string): s is FaultId {
  return isFaultName(s) || isTencentFault(s) || isTencentMutation(s) || (s.startsWith('spec:') && specMutationsById().has(s));
}

/** The rules a fault breaks. */
export function faultRules(fault: FaultId): readonly string[] {
  if (isTencentFault(fault)) return [TENCENT_FAULTS[fault].rule];
  if (isTencentMutation(fault)) return bodyMutationsById().get(fault)?.rules ?? [];
  if (!isFaultName(fault)) return specMutationsById().get(fault)?.rules ?? [];
  const def: FaultDef = FAULTS[fault];
  return [...new Set([def.rule, ...(def.alsoBreaks?.(loadPromotionSpec()) ?? [])])];
}

export function applyFault(
  spec: ApiSpec,
  protocol: JosProtocolSpec,
  fault: FaultId | undefined,
): { spec: ApiSpec; protocol: JosProtocolSpec } {
  // Faults of other APIs leave this spec as it is.
  if (fault === undefined || isTencentFault(fault) || isTencentMutation(fault)) return { spec, protocol };
  const s = structuredClone(spec) as MutableSpec;
  const p = structuredClone(protocol) as MutableProtocol;
  if (isFaultName(fault)) {
    const def: FaultDef = FAULTS[fault];
    def.spec?.(s);
    def.protocol?.(p);
  } else {
    const m = specMutationsById().get(fault);
    if (!m) throw new Error(`unknown fault ${fault}`);
    m.apply(s as unknown as Record<string, unknown>, p as unknown as Record<string, unknown>);
  }
  return { spec: s as ApiSpec, protocol: p as JosProtocolSpec };
}
