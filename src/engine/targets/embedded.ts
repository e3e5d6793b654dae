import { APIS } from '../../apis/index.js';
import { protocolAdapter } from '../../protocols/index.js';
import type { Endpoint } from '../../protocols/types.js';
import { REFERENCE_SKU_POOL } from '../../apis/jd-promotion/catalogue.js';
import type { FaultId } from '../../reference/faults.js';
import { buildServer } from '../../reference/server.js';
import { TEST_CONTROL_PATH } from '../../apis/jd-promotion/test-control.js';
import type { Target } from '../target.js';
import { LIMITS } from '../defaults.js';
import { referenceSkus } from './config.js';

/** The embedded reference, listening on a free loopback port, and the target that points at it. */
export interface EmbeddedTarget {
  readonly target: Target;
  /** The origin it listens on, e.g. http://127.0.0.1:53124. */
  readonly origin: string;
  readonly close: () => Promise<void>;
}

export interface EmbeddedOptions {
  /** One deliberate fault of the reference. */
  readonly fault?: FaultId;
  /** Register the test-control routes (default true: the embedded target claims the capability). */
  readonly testControl?: boolean;
}

/**
 * Starts the reference (every API of src/apis/index.ts, with the documented test credentials of each
 * protocol) on 127.0.0.1 and a free port: the default target of `check`, and of `load` later.
 */
export async function startEmbedded(opts: EmbeddedOptions = {}): Promise<EmbeddedTarget> {
  const testControl = opts.testControl ?? true;
  const server = buildServer({ testControl, ...(opts.fault ? { fault: opts.fault } : {}) });
  const origin = await server.listen({ port: 0, host: '127.0.0.1', backlog: LIMITS.listenBacklog });
  const endpoints: Record<string, Endpoint> = {};
  for (const api of APIS.values()) {
    const adapter = protocolAdapter(api.protocol);
    const options = Object.fromEntries(Object.entries(api.options ?? {}).map(([k, o]) => [k, o.embedded]));
    endpoints[api.id] = {
      url: `${origin}${adapter.endpointPath}`,
      credentials: { ...adapter.testCredentials },
      ...(Object.keys(options).length > 0 ? { options } : {}),
    };
  }
  const target: Target = {
    endpoints,
    embedded: true,
    capabilities: testControl ? ['test-control'] : [],
    ...(testControl ? { testControlUrl: `${origin}${TEST_CONTROL_PATH}` } : {}),
    skus: referenceSkus(),
    skuPool: REFERENCE_SKU_POOL,
    // Same process, same clock.
    clock: { offsetMs: 0, uncertaintyMs: 0, method: 'embedded reference shares this clock' },
    ...(opts.fault ? { fault: opts.fault } : {}),
  };
  return { target, origin, close: () => server.close() };
}
