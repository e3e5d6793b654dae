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
import { CPN_FAULTS, type CpnFaultId, isCpnFault } from '../apis/jd-coupon/faults.js';
import { isUcpFault, UCP_FAULTS, type UcpFaultId } from '../apis/yoho-user-coupon/faults.js';
import { isYohoFault, YOHO_FAULTS, type YohoFaultName } from '../protocols/yoho-gateway/faults.js';
import { couponMutationsById, isCouponMutation } from '../apis/jd-coupon/spec-mutations.js';
import { isUserCouponMutation, userCouponMutationsById } from '../apis/yoho-user-coupon/spec-mutations.js';
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
export type FaultId = FaultName | TencentFaultId | PlatformFaultId | `spec:${string}`;

/** The faults of the coupon platform's faces: the life cycle's (`cpn-…`), the user queries' (`ucp-…`) and the Yoho gateway's (`yoho-…`). */
export type PlatformFaultId = CpnFaultId | UcpFaultId | YohoFaultName;

/** The coupon platform's named faults, by API. */
const PLATFORM_FAULTS: readonly {
  readonly api: string;
  readonly table: Readonly<Record<string, { readonly rule: string; readonly description: string }>>;
}[] = [
  { api: 'jd-coupon', table: CPN_FAULTS },
  { api: 'yoho-user-coupon', table: UCP_FAULTS },
  { api: 'yoho-user-coupon', table: YOHO_FAULTS },
];

export function isPlatformFault(id: string | undefined): id is PlatformFaultId {
  return isCpnFault(id) || isUcpFault(id) || isYohoFault(id);
}

/** A mutation of the coupon platform's specs: the life cycle's (`spec:cpn:…`) or the user queries' (`spec:ucp:…`). */
export function isPlatformMutation(id: string | undefined): boolean {
  return isCouponMutation(id) || isUserCouponMutation(id);
}

function platformMutation(id: string) {
  return couponMutationsById().get(id) ?? userCouponMutationsById().get(id);
}

function platformFault(id: string): { readonly rule: string; readonly description: string } | undefined {
  for (const { table } of PLATFORM_FAULTS) if (Object.hasOwn(table, id)) return table[id];
  return undefined;
}

/** A fault that leaves the JD promotion spec and the JOS protocol spec as they are (another API's, or a behavioural one). */
export function leavesPromotionSpec(fault: FaultId | undefined): boolean {
  if (fault === undefined || isTencentFault(fault) || isTencentMutation(fault) || isPlatformFault(fault) || isPlatformMutation(fault))
    return true;
  const named: FaultDef | undefined = isFaultName(fault) ? FAULTS[fault] : undefined;
  return named !== undefined && !named.spec && !named.protocol;
}
// (`spec:tcc:…` ids are mutations of the Tencent body schema: src/apis/tencent-coupon-batch/spec-mutations.ts.)

/** Every named fault, by API: what `serve --list-faults` lists and the self-test runs. */
export function namedFaults(): readonly {
  readonly id: FaultName | TencentFaultId | PlatformFaultId;
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
    ...PLATFORM_FAULTS.flatMap(({ api, table }) =>
      Object.entries(table).map(([id, f]) => ({ id: id as PlatformFaultId, api, rule: f.rule, description: f.description })),
    ),
  ];
}

/** The spec mutations of every API, by API (ids as `serve --fault` takes them). */
export function specMutationIds(): readonly { readonly id: FaultId; readonly api: string }[] {
  return [
    ...[...specMutationsById().keys()].map((id) => ({ id: id as FaultId, api: 'jd-promotion' })),
    ...[...bodyMutationsById().keys()].map((id) => ({ id: id as FaultId, api: 'tencent-coupon-batch' })),
    ...[...couponMutationsById().keys()].map((id) => ({ id: id as FaultId, api: 'jd-coupon' })),
    ...[...userCouponMutationsById().keys()].map((id) => ({ id: id as FaultId, api: 'yoho-user-coupon' })),
  ];
}

/** The description of any fault id. */
export function faultDescription(fault: FaultId): string {
  if (isFaultName(fault)) return FAULTS[fault].description;
  if (isTencentFault(fault)) return TENCENT_FAULTS[fault].description;
  if (isPlatformFault(fault)) return platformFault(fault)?.description ?? '';
  if (isPlatformMutation(fault)) return platformMutation(fault)?.description ?? '';
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
  return (
    isFaultName(s) ||
    isTencentFault(s) ||
    isPlatformFault(s) ||
    isPlatformMutation(s) ||
    isTencentMutation(s) ||
    (s.startsWith('spec:') && specMutationsById().has(s))
  );
}

/** The rules a fault breaks. */
export function faultRules(fault: FaultId): readonly string[] {
  if (isTencentFault(fault)) return [TENCENT_FAULTS[fault].rule];
  if (isPlatformFault(fault)) {
    const f = platformFault(fault) as { rule: string; alsoBreaks?: readonly string[] } | undefined;
    return f ? [f.rule, ...(f.alsoBreaks ?? [])] : [];
  }
  if (isPlatformMutation(fault)) return platformMutation(fault)?.rules ?? [];
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
  if (fault === undefined || leavesPromotionSpec(fault)) return { spec, protocol };
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
