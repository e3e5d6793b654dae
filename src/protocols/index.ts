/**
 * The protocol registry: id → adapter. Adding a protocol is one folder under src/protocols/ with an
 * adapter (src/protocols/types.ts) plus one entry here. Client side only: a reference gateway is mounted
 * by the face of an API served over it (src/apis/<id>/api.ts), on the server src/reference/server.ts builds.
 */
import { josAdapter } from './jos/adapter.js';
import { tencentAdapter } from './tencent-data-api/adapter.js';
import type { Endpoint, ProtocolAdapter } from './types.js';
import { yohoAdapter } from './yoho-gateway/adapter.js';

export const PROTOCOLS: ReadonlyMap<string, ProtocolAdapter> = new Map([
  [josAdapter.id, josAdapter],
  [tencentAdapter.id, tencentAdapter],
  [yohoAdapter.id, yohoAdapter],
]);

/** The adapter of `id`; throws for an id no spec should name (specs are validated on load). */
export function protocolAdapter(id: string): ProtocolAdapter {
  const a = PROTOCOLS.get(id);
  if (!a) throw new Error(`unknown protocol ${id} (known: ${[...PROTOCOLS.keys()].join(', ')})`);
  return a;
}

/**
 * The adapter a call to `endpoint` goes through: the endpoint's own (a binding's, src/protocols/http-json/)
 * when it has one, else its API's protocol `protocol`. Every call site that has an endpoint asks here.
 */
export function adapterFor(protocol: string, endpoint: Endpoint | undefined): ProtocolAdapter {
  return endpoint?.adapter ?? protocolAdapter(protocol);
}

export type { ProtocolAdapter } from './types.js';

/**
 * A declared wire format (a target config's `binding:`, src/protocols/http-json/): compiled against its
 * API's spec, then one adapter per bound endpoint, all of a target's sharing one map of the ids the
 * service assigns. Not in PROTOCOLS: no API spec names it; a binding stands in for its API's protocol.
 */
export { httpJsonAdapter as bindingAdapter } from './http-json/adapter.js';
export { type BindingDoc, compileBinding } from './http-json/binding.js';
export { type IdEntry, IdMap } from './http-json/id-map.js';
export { type PortableEndpoints, portableEndpoints, restoreEndpoints } from './http-json/threads.js';
