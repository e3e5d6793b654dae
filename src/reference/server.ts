import Fastify, { type FastifyInstance } from 'fastify';
import { APIS } from '../apis/index.js';
import type { CatalogueSku } from '../apis/jd-promotion/catalogue.js';
import type { ReadingId } from '../apis/readings.js';
import { acceptedCredentials, type JosCredentials } from '../protocols/jos/credentials.js';
import { LIVE_SUCCESS_SUFFIX, type SuccessSuffix } from '../protocols/jos/envelope.js';
import type { JosService } from '../protocols/jos/gateway.js';
import { loadJosProtocol } from '../spec/load.js';
import { reshapeFor } from './answer-shapes.js';
import { type FaultId, isFaultId } from './faults.js';
import { addJosParsers, mountJosRouter } from './jos-router.js';
import { type LogDestination, referenceLoggerOptions } from './log-redact.js';

export interface ServerOptions {
  /** Credentials the JOS router accepts; each defaults to the fixed test value in DEFAULT_CREDENTIALS. */
  readonly credentials?: Partial<JosCredentials>;
  /** One deliberate rule violation of any API (see `serve --list-faults`); none by default. */
  readonly fault?: FaultId;
  /** Readings the documents allow instead of our own choices (see READINGS); none by default. */
  readonly readings?: readonly ReadingId[];
  /** Refuse undeclared parameters and read an optional `""` as a value (the `strict-params` reading, JOS-REF-04). */
  readonly strictParams?: boolean;
  /** How success keys are spelt: the live gateway's `_responce` by default, `_response` as the document shows (JOS-REF-01). */
  readonly successSuffix?: SuccessSuffix;
  /** Register the /__promoproof/ test-control routes of every API (JDP-REF-08). Off by default. */
  readonly testControl?: boolean;
  /** The JD promotion service's catalogue; its seeded test catalogue by default. */
  readonly catalogue?: readonly CatalogueSku[];
  /** Real clock in epoch ms, injectable for tests; Date.now by default. */
  readonly now?: () => number;
  /** Log requests (pino JSON lines), secrets redacted (see log-redact.ts). Off by default. */
  readonly logger?: boolean;
  /** Where log lines go when `logger` is on; stdout by default. */
  readonly logStream?: LogDestination;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The state each API's face returned, by API id (src/apis/<id>/api.ts). */
    readonly faces: Readonly<Record<string, unknown>>;
  }
}

/**
 * Builds the reference without listening: `inject()` it in tests, or `listen({ port: 0, host:
 * '127.0.0.1' })` it. Every API of the registry (src/apis/index.ts) is mounted by its face, in registry
 * order: a JOS API's service on the one JOS router (GET and POST /routerjson), the others' gateways at
 * their paths (POST /data-api/v1/order/add_coupon, /gateway).
 */
export function buildServer(options: ServerOptions = {}): FastifyInstance {
  const fault = options.fault;
  if (fault !== undefined && !isFaultId(fault)) throw new Error(`unknown fault ${fault}`);
  const realNow = options.now ?? Date.now;
  const readings: ReadonlySet<string> = new Set([...(options.readings ?? []), ...(options.strictParams ? ['strict-params'] : [])]);
  const apis = [...APIS.values()];
  // The JOS protocol as the API it is listed under enforces it under the fault (its window, its body limit …).
  const josProtocol = apis.map((a) => a.face.josProtocol?.(fault)).find((p) => p !== undefined) ?? loadJosProtocol();
  const credentials = acceptedCredentials(options.credentials);
  const logger = options.logger ? referenceLoggerOptions(credentials, options.logStream) : false;
  const app = Fastify({ logger, bodyLimit: josProtocol.maxBodyBytes, return503OnClosing: false });
  addJosParsers(app);

  // Each API's compiled specs over a protocol, for the answer-shape readings of its gateway.
  const compiledOver = (protocol: string) => () => apis.filter((a) => a.protocol === protocol).map((a) => a.compiled());
  const faces: Record<string, unknown> = {};
  const josServices: JosService[] = [];
  for (const api of apis) {
    // A face with a gateway of its own writes its successes so; a JOS API's are the router's to write.
    const reshapeSuccess = reshapeFor(api.protocol, readings, compiledOver(api.protocol));
    const state = api.face.mount(app, {
      now: realNow,
      testControl: options.testControl === true,
      faces,
      readings,
      server: options,
      ...(fault ? { fault } : {}),
      ...(reshapeSuccess ? { reshapeSuccess } : {}),
    });
    faces[api.id] = state;
    if (api.face.decorateAs) app.decorate(api.face.decorateAs, state);
    if (api.face.josService) josServices.push(api.face.josService(state));
  }
  app.decorate('faces', faces);

  const reshapeSuccess = reshapeFor('jos', readings, compiledOver('jos'));
  mountJosRouter(app, {
    protocol: josProtocol,
    credentials,
    services: josServices,
    fault,
    realNow,
    successSuffix: options.successSuffix ?? LIVE_SUCCESS_SUFFIX,
    // A face's fault that lets its methods' callers through (the coupon life cycle's cpn-caller-not-checked).
    callerUnchecked: (method) => apis.some((a) => a.face.callerUnchecked?.(fault, method) === true),
    ...(reshapeSuccess ? { reshapeSuccess } : {}),
  });
  return app;
}
