import { APIS, referenceFixtures } from '../../apis/index.js';
import { protocolAdapter } from '../../protocols/index.js';
import type { Endpoint } from '../../protocols/types.js';
import type { FaultId } from '../../reference/faults.js';
import type { ReadingId } from '../../apis/readings.js';
import { buildServer } from '../../reference/server.js';
import { TEST_CONTROL_PATH } from '../../core/test-control.js';
import type { Target } from '../target.js';
import { LIMITS } from '../../core/defaults.js';

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
  /** Readings the documents allow instead of our own choices (a stand-in for another correct implementation); none by default. */
  readonly readings?: readonly ReadingId[];
}

/**
 * Starts the reference (every API of src/apis/index.ts, with the documented test credentials of each
 * protocol) on 127.0.0.1 and a free port: the default target of `check`, and of `load` later.
 */
export async function startEmbedded(opts: EmbeddedOptions = {}): Promise<EmbeddedTarget> {
  const testControl = opts.testControl ?? true;
  const server = buildServer({
    testControl,
    ...(opts.fault ? { fault: opts.fault } : {}),
    ...(opts.readings ? { readings: opts.readings } : {}),
  });
  const origin = await server.listen({ port: 0, host: '127.0.0.1', backlog: LIMITS.listenBacklog });
  // Same process, same clock.
  const target = referenceTarget(origin, { testControl, fault: opts.fault, clockMethod: 'embedded reference shares this clock' });
  return { target, origin, close: () => server.close() };
}

/** How the reference listening at an origin runs, as its target describes it. */
export interface ReferenceTargetOptions {
  /** Whether its test-control routes are registered (the target then claims `test-control`). */
  readonly testControl: boolean;
  readonly fault?: FaultId | undefined;
  /** Why its clock is known to be ours (the reference runs on this machine), for reports. */
  readonly clockMethod: string;
}

/**
 * The target of the reference listening at `origin` (in this process or a child of it): every API of
 * the registry at its protocol's path, with the protocol's documented test credentials and the
 * embedded values of the API's options, the reference's catalogue fixtures (every API's that has any), and a
 * clock known to be ours.
 */
export function referenceTarget(origin: string, opts: ReferenceTargetOptions): Target {
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
  const fixtures = referenceFixtures();
  return {
    endpoints,
    embedded: true,
    capabilities: opts.testControl ? ['test-control'] : [],
    ...(opts.testControl ? { testControlUrl: `${origin}${TEST_CONTROL_PATH}` } : {}),
    skus: fixtures.skus,
    ...(fixtures.skuPool ? { skuPool: fixtures.skuPool } : {}),
    clock: { offsetMs: 0, uncertaintyMs: 0, method: opts.clockMethod },
    ...(opts.fault ? { fault: opts.fault } : {}),
  };
}
