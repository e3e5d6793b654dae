/**
 * The faults the JD promotion service's reference runs with: the JOS gateway's (src/protocols/jos/faults.ts,
 * listed under this API, the first served over JOS) and the service's own (faults.ts) in one table, and
 * the mutations of the promotion spec and the JOS protocol (`spec:…`, src/reference/spec-mutations.ts).
 */
import { type FaultDef, JOS_FAULTS } from '../../protocols/jos/faults.js';
import { type SpecMutation, specMutations } from '../../reference/spec-mutations.js';
import { loadJosProtocol, loadPromotionSpec } from '../../spec/load.js';
import { JDP_FAULTS } from './faults.js';

export type { FaultDef } from '../../protocols/jos/faults.js';

/** The faults of the JD promotion service over JOS, in one table (JOS first). */
export const FAULTS = { ...JOS_FAULTS, ...JDP_FAULTS } as const satisfies Record<string, FaultDef>;

export type FaultName = keyof typeof FAULTS;

export function isFaultName(s: string | undefined): s is FaultName {
  return s !== undefined && Object.hasOwn(FAULTS, s);
}

/** Its mutations' ids start `spec:` and name the method (`spec:add.name.maxLength+1`); other APIs' carry a longer prefix. */
export const PROMOTION_MUTATION_PREFIX = 'spec:';

let mutations: ReadonlyMap<string, SpecMutation> | undefined;

/** The spec mutations of the shipped promotion spec and JOS protocol, by id (derived once per process). */
export function specMutationsById(): ReadonlyMap<string, SpecMutation> {
  mutations ??= new Map(specMutations(loadPromotionSpec(), loadJosProtocol()).map((m) => [m.id, m]));
  return mutations;
}

/** The rules a named fault breaks: its rule and those it also breaks (derived from the spec). */
export function promotionFaultRules(id: string): readonly string[] {
  if (!isFaultName(id)) return [];
  const def: FaultDef = FAULTS[id];
  return [...new Set([def.rule, ...(def.alsoBreaks?.(loadPromotionSpec()) ?? [])])];
}
