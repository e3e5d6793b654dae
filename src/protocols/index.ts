/**
 * The protocol registry: id → adapter. Adding a protocol is one folder under src/protocols/ with an
 * adapter (src/protocols/types.ts) plus one entry here. Client side only: a reference gateway is mounted
 * by the face of an API served over it (src/apis/<id>/api.ts), on the server src/reference/server.ts builds.
 */
import { josAdapter } from './jos/adapter.js';
import { tencentAdapter } from './tencent-data-api/adapter.js';
import type { ProtocolAdapter } from './types.js';
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

export type { ProtocolAdapter } from './types.js';
