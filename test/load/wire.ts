import type { WireRequest } from '../../src/protocols/types.js';

/** A plain GET as adapter.prepare would build it, for load tests that need no protocol. */
export function getRequest(origin: string, path = '/'): WireRequest {
  return { method: 'GET', url: `${origin}${path}`, headers: {}, timestampMs: 0, operation: 'test.get', params: {} };
}
