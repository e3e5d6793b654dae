import type { FastifyInstance } from 'fastify';
import type { Target } from '../../src/engine/target.js';
import type { Endpoint } from '../../src/protocols/types.js';
import { referenceSkus } from '../../src/engine/targets/config.js';
import { REFERENCE_SKU_POOL } from '../../src/apis/jd-promotion/catalogue.js';
import { DEFAULT_CREDENTIALS } from '../../src/protocols/jos/credentials.js';
import { buildServer, type ServerOptions } from '../../src/reference/server.js';
import { TEST_CONTROL_PATH } from '../../src/core/test-control.js';
import type { Capability } from '../../src/scenario/types.js';

/**
 * The reference listening on a free loopback port and described as a third-party target would be
 * (not embedded): its catalogue given only as fixtures, test control and the SKU pool only when
 * listed in `capabilities`. The caller closes `server`.
 */
export async function referenceAsTarget(
  options: ServerOptions = {},
  capabilities: readonly Capability[] = [],
): Promise<{ server: FastifyInstance; target: Target }> {
  const testControl = capabilities.includes('test-control');
  const server = buildServer({ ...options, testControl });
  const address = await server.listen({ port: 0, host: '127.0.0.1' });
  const skus = options.catalogue
    ? options.catalogue.map((s) => ({ id: s.skuId, ware: s.wareId, priceFen: s.jdPriceFen }))
    : referenceSkus();
  const target: Target = {
    endpoints: { 'jd-promotion': { url: `${address}/routerjson`, credentials: { ...DEFAULT_CREDENTIALS } } },
    embedded: false,
    capabilities: capabilities.filter((c) => c !== 'sku-pool'),
    ...(testControl ? { testControlUrl: `${address}${TEST_CONTROL_PATH}` } : {}),
    skus,
    ...(capabilities.includes('sku-pool') ? { skuPool: REFERENCE_SKU_POOL } : {}),
    clock: { offsetMs: 0, uncertaintyMs: 0, method: 'same process' },
  };
  return { server, target };
}

/** `target` with its JD promotion endpoint changed (another URL, other credentials). */
export function withEndpoint(target: Target, change: Partial<Endpoint>): Target {
  const api = 'jd-promotion';
  const was = target.endpoints[api] ?? { url: '', credentials: {} };
  return { ...target, endpoints: { ...target.endpoints, [api]: { ...was, ...change } } };
}
