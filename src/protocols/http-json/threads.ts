/**
 * Bound endpoints across worker threads (`load --workers N`): an endpoint's adapter is functions and
 * cannot be structured-cloned, but what it is built from is plain data — the compiled binding and the
 * id map's entries. The main thread hands those over (portableEndpoints) after its setup has created
 * the batches and filled the map; each thread rebuilds its adapters around a copy of the map
 * (restoreEndpoints), so its requests carry the service's ids. A load run's calls learn no id (it
 * refuses a bound create call up front: ProtocolAdapter.unexpressed), so nothing comes back.
 */
import type { Endpoint } from '../types.js';
import { boundPartsOf, httpJsonAdapter } from './adapter.js';
import type { Binding } from './binding.js';
import { type IdEntry, IdMap } from './id-map.js';

/** A target's endpoints as a thread receives them: no adapters, the bound ones' bindings and the ids learnt so far. */
export interface PortableEndpoints {
  readonly endpoints: Readonly<Record<string, Endpoint>>;
  /** The binding of each bound API (absent: none is bound). */
  readonly bindings?: Readonly<Record<string, Binding>>;
  /** The target's id map's entries when handed over. */
  readonly ids?: readonly IdEntry[];
}

/** `endpoints` as plain data for a worker thread (see the module comment). */
export function portableEndpoints(endpoints: Readonly<Record<string, Endpoint>>): PortableEndpoints {
  const plain: Record<string, Endpoint> = {};
  const bindings: Record<string, Binding> = {};
  let ids: IdMap | undefined;
  for (const [api, e] of Object.entries(endpoints)) {
    const { adapter, ...rest } = e;
    plain[api] = rest;
    const parts = adapter === undefined ? undefined : boundPartsOf(adapter);
    if (adapter !== undefined && parts === undefined)
      throw new Error(`the endpoint of ${api} has an adapter (${adapter.id}) that cannot be handed to a worker thread`);
    if (parts === undefined) continue;
    bindings[api] = parts.binding;
    ids = parts.ids;
  }
  if (ids === undefined) return { endpoints: plain };
  return { endpoints: plain, bindings, ids: ids.entries() };
}

/** The endpoints a thread calls: the bound ones' adapters rebuilt around one map of their own, seeded with the ids handed over. */
export function restoreEndpoints(portable: PortableEndpoints): { endpoints: Record<string, Endpoint>; ids: IdMap | undefined } {
  if (portable.bindings === undefined) return { endpoints: { ...portable.endpoints }, ids: undefined };
  const ids = new IdMap();
  ids.learnAll(portable.ids ?? []);
  const endpoints: Record<string, Endpoint> = {};
  for (const [api, e] of Object.entries(portable.endpoints)) {
    const binding = portable.bindings[api];
    endpoints[api] = binding === undefined ? e : { ...e, adapter: httpJsonAdapter(binding, ids) };
  }
  return { endpoints, ids };
}
