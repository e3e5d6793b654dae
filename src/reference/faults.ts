/**
 * The fault map of the reference, built from the API registry (src/apis/index.ts): each API module
 * lists its named faults (a protocol's gateway faults under an API served over it) and its spec
 * mutations (`spec:…`, each under its API's prefix). `buildServer({ fault })` switches one on; the
 * conformance suite must fail against each (its self-test measures that).
 */
import { APIS, type ApiDef } from '../apis/index.js';
import type { MutationInfo, NamedFault } from '../apis/types.js';

/**
 * A fault the reference can run with: a named fault of an API (or of a protocol, listed under an API
 * served over it) or a mutation of an API's spec (`spec:…`). Any string; isFaultId says which are.
 */
export type FaultId = string;

/** A named fault with the API it is listed under. */
export interface ListedFault extends NamedFault {
  readonly api: string;
}

let named: ReadonlyMap<string, ListedFault> | undefined;

/** Every named fault by id (static tables: no spec is loaded). */
function namedById(): ReadonlyMap<string, ListedFault> {
  named ??= new Map([...APIS.values()].flatMap((api) => api.faults.named.map((f) => [f.id, { ...f, api: api.id }] as const)));
  return named;
}

/** The API whose spec mutations own `id`: the one with the longest mutation prefix `id` starts with. */
function mutationOwner(id: string): ApiDef | undefined {
  let owner: ApiDef | undefined;
  for (const api of APIS.values())
    if (id.startsWith(api.faults.mutationPrefix) && api.faults.mutationPrefix.length > (owner?.faults.mutationPrefix.length ?? -1))
      owner = api;
  return owner;
}

function mutation(id: string): MutationInfo | undefined {
  return mutationOwner(id)?.faults.mutations().get(id);
}

/** Every named fault, by API in registry order: what `serve --list-faults` lists and the self-test runs. */
export function namedFaults(): readonly ListedFault[] {
  return [...namedById().values()];
}

/** The spec mutations of every API, by API (ids as `serve --fault` takes them). */
export function specMutationIds(): readonly { readonly id: FaultId; readonly api: string }[] {
  return [...APIS.values()].flatMap((api) => [...api.faults.mutations().keys()].map((id) => ({ id, api: api.id })));
}

export function isFaultId(s: string): boolean {
  return namedById().has(s) || mutation(s) !== undefined;
}

/** The description of any fault id ('' for an unknown one). */
export function faultDescription(fault: FaultId): string {
  return namedById().get(fault)?.description ?? mutation(fault)?.description ?? '';
}

/** The rules a fault breaks (none for an unknown one). */
export function faultRules(fault: FaultId): readonly string[] {
  const f = namedById().get(fault);
  if (f) return APIS.get(f.api)?.faults.rulesOf(fault) ?? [f.rule];
  return mutation(fault)?.rules ?? [];
}
