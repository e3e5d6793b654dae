/**
 * The promotion spec and the JOS protocol as the reference enforces them under a fault: the shipped
 * ones, or copies patched by a named fault's `spec` / `protocol` edits or by a spec mutation.
 */
import type { MutableProtocol, MutableSpec } from '../../protocols/jos/faults.js';
import { type CompiledApi, compileApi, promotionApiCompiled } from '../../spec/compile.js';
import { loadJosProtocol, loadPromotionSpec } from '../../spec/load.js';
import type { ApiSpec, JosProtocolSpec } from '../../spec/types.js';
import { type FaultDef, FAULTS, isFaultName, specMutationsById } from './fault-table.js';

/** A fault that leaves the promotion spec and the JOS protocol as they are (another API's, or a behavioural one). */
export function leavesPromotionSpec(fault: string | undefined): boolean {
  if (fault === undefined) return true;
  if (isFaultName(fault)) {
    const named: FaultDef = FAULTS[fault];
    return !named.spec && !named.protocol;
  }
  return !(fault.startsWith('spec:') && specMutationsById().has(fault));
}

/** The spec and protocol patched by `fault` (copies); the given ones when the fault leaves them as they are. */
export function applyFault(
  spec: ApiSpec,
  protocol: JosProtocolSpec,
  fault: string | undefined,
): { spec: ApiSpec; protocol: JosProtocolSpec } {
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

const compiledByFault = new Map<string, { api: CompiledApi; protocol: JosProtocolSpec }>();

/** The spec as the reference enforces it: the shared compiled spec, or a patched copy under a fault (compiled once per fault). */
export function enforcedSpec(fault: string | undefined): { api: CompiledApi; protocol: JosProtocolSpec } {
  // Behavioural faults, and other APIs', leave the spec as it is: share the compiled one.
  if (fault === undefined || leavesPromotionSpec(fault)) return { api: promotionApiCompiled(), protocol: loadJosProtocol() };
  let hit = compiledByFault.get(fault);
  if (!hit) {
    const patched = applyFault(loadPromotionSpec(), loadJosProtocol(), fault);
    hit = { api: compileApi(patched.spec), protocol: patched.protocol };
    compiledByFault.set(fault, hit);
  }
  return hit;
}
