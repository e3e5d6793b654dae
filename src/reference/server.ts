import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { errorEnvelope, LIVE_SUCCESS_SUFFIX, type SuccessSuffix } from '../protocols/jos/envelope.js';
import { compileApi, promotionApiCompiled, type CompiledApi } from '../spec/compile.js';
import { loadJosProtocol, loadPromotionSpec } from '../spec/load.js';
import type { JosProtocolSpec } from '../spec/types.js';
import type { Leniency } from '../spec/validate-request.js';
import { createCatalogue, type CatalogueSku } from '../apis/jd-promotion/catalogue.js';
import { createClock } from './clock.js';
import { DEFAULT_CREDENTIALS, type JosCredentials } from '../protocols/jos/credentials.js';
import { applyFault, type FaultId, leavesPromotionSpec } from './faults.js';
import { handleJos, type JosService, josServices, systemError } from '../protocols/jos/gateway.js';
import { FaultCrash, PromotionService } from '../apis/jd-promotion/service.js';
import type { ReadingId } from '../apis/jd-promotion/readings.js';
import { createStore } from '../apis/jd-promotion/store.js';
import { registerTestControl, TEST_CONTROL_PATH } from '../apis/jd-promotion/test-control.js';
import { referenceLoggerOptions, type LogDestination } from './log-redact.js';
import type { ReferenceState } from './state.js';
import type { MountedCouponBatch } from '../apis/tencent-coupon-batch/index.js';
import { FACES } from './faces.js';
import { josReshape } from './answer-shapes.js';

export interface ServerOptions {
  /** Credentials accepted; each defaults to the fixed test value in DEFAULT_CREDENTIALS. */
  readonly credentials?: Partial<JosCredentials>;
  /** One deliberate rule violation (see FAULTS); none by default. */
  readonly fault?: FaultId;
  /** Readings the documents allow instead of our own choices (see READINGS); none by default. */
  readonly readings?: readonly ReadingId[];
  /** Refuse undeclared parameters and read an optional `""` as a value (the `strict-params` reading, JOS-REF-04). */
  readonly strictParams?: boolean;
  /** How success keys are spelt: the live gateway's `_responce` by default, `_response` as the document shows (JOS-REF-01). */
  readonly successSuffix?: SuccessSuffix;
  /** Register the /__promoproof/ test-control routes (JDP-REF-08). Off by default. */
  readonly testControl?: boolean;
  /** The seller's catalogue; the seeded test catalogue by default. */
  readonly catalogue?: readonly CatalogueSku[];
  /** Real clock in epoch ms, injectable for tests; Date.now by default. */
  readonly now?: () => number;
  /** Log requests (pino JSON lines), secrets redacted (see log-redact.ts). Off by default. */
  readonly logger?: boolean;
  /** Where log lines go when `logger` is on; stdout by default. */
  readonly logStream?: LogDestination;
}

export type { ReferenceState } from './state.js';

declare module 'fastify' {
  interface FastifyInstance {
    readonly promoproof: ReferenceState;
    /** The Tencent coupon batch face: its store and service (the coupon platform will claim from the store). */
    readonly couponBatch: MountedCouponBatch;
    /** The state each face of src/reference/faces.ts returned, by API id. */
    readonly faces: Readonly<Record<string, unknown>>;
  }
}

const compiledByFault = new Map<string, { api: CompiledApi; protocol: JosProtocolSpec }>();

/** The spec as the server enforces it: the shared compiled spec, or a patched copy under a fault (cached). */
function enforcedSpec(fault: FaultId | undefined): { api: CompiledApi; protocol: JosProtocolSpec } {
  // Behavioural faults leave the spec as it is: share the compiled one.
  if (fault === undefined || leavesPromotionSpec(fault)) return { api: promotionApiCompiled(), protocol: loadJosProtocol() };
  let hit = compiledByFault.get(fault);
  if (!hit) {
    const patched = applyFault(loadPromotionSpec(), loadJosProtocol(), fault);
    hit = { api: compileApi(patched.spec), protocol: patched.protocol };
    compiledByFault.set(fault, hit);
  }
  return hit;
}

/**
 * Builds the reference without listening: `inject()` it in tests, or `listen({ port: 0, host:
 * '127.0.0.1' })` it. Routes: GET and POST /routerjson (the JD promotion service over JOS), and each
 * face of src/reference/faces.ts in its own scope (POST /data-api/v1/order/add_coupon, the Tencent
 * coupon batch upload).
 */
export function buildServer(options: ServerOptions = {}): FastifyInstance {
  const { api, protocol } = enforcedSpec(options.fault);
  const realNow = options.now ?? Date.now;
  const successSuffix = options.successSuffix ?? LIVE_SUCCESS_SUFFIX;
  const credentials: JosCredentials = { ...DEFAULT_CREDENTIALS, ...stripUndefined(options.credentials ?? {}) };
  const clock = createClock(realNow);
  const store = createStore();
  const readings: ReadonlySet<ReadingId> = new Set([
    ...(options.readings ?? []),
    ...(options.strictParams ? (['strict-params'] as const) : []),
  ]);
  const service = new PromotionService({
    api,
    store,
    catalogue: createCatalogue(options.catalogue),
    clock,
    fault: options.fault,
    readings,
  });
  const state: ReferenceState = { service, store, clock, credentials, protocol, fault: options.fault };

  const logger = options.logger ? referenceLoggerOptions(credentials, options.logStream) : false;
  const app = Fastify({ logger, bodyLimit: protocol.maxBodyBytes, return503OnClosing: false });
  app.decorate('promoproof', state);

  const system = (code: string) => systemError(protocol, code);
  // JOS successes in another shape the documents allow (the jos-answers-reshaped reading), for every JOS API.
  const reshapeSuccess = josReshape(readings);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(null, Symbol.for('promoproof.unreadable'));
    }
  });
  // Any other body is read and ignored: parameters then come from the query alone.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, _body, done) => done(null, undefined));

  const route = async (req: FastifyRequest, reply: FastifyReply) => {
    const params = mergeParams(req.query, req.body);
    reply.header('content-type', 'application/json;charset=utf-8');
    if (params === undefined) return system('1');
    // Which JOS method was asked for (the form body is not in the URL); credentials censored by `redact`.
    req.log.info(
      { jos: { method: params['method'], app_key: params['app_key'], access_token: params['access_token'], sign: params['sign'] } },
      'jos request',
    );
    const onLeniency = (method: string, notes: Leniency) => {
      // Names only, never values: a client developer sees what the reference left out (JOS-REF-04).
      req.log.info(
        { jos: { method, ignored: notes.ignored, blank: notes.blank } },
        'parameters left out: undeclared ones ignored, optional "" read as absent',
      );
    };
    return handleJos(
      {
        protocol,
        credentials,
        service: jos,
        fault: options.fault,
        realNow,
        successSuffix,
        onLeniency,
        callerUnchecked,
        ...(reshapeSuccess ? { reshapeSuccess } : {}),
      },
      params,
    );
  };
  if (options.testControl) registerTestControl(app, state);
  // The other APIs' faces (the Tencent coupon batch under /data-api, the coupon platform, the Yoho gateway).
  const faces: Record<string, unknown> = {};
  const josApis = [service as JosService];
  for (const face of FACES) {
    faces[face.api] = face.mount(app, {
      now: realNow,
      testControl: options.testControl === true,
      faces,
      readings,
      ...(options.fault ? { fault: options.fault } : {}),
    });
    if (face.josService) josApis.push(face.josService(faces[face.api]));
  }
  const jos = josServices(josApis);
  // A face's fault that lets its methods' callers through (the coupon life cycle's cpn-caller-not-checked).
  const callerUnchecked = (method: string) => FACES.some((f) => f.callerUnchecked?.(options.fault, method) === true);
  app.get(protocol.path, route);
  app.post(protocol.path, route);
  app.decorate('faces', faces);
  app.decorate('couponBatch', faces['tencent-coupon-batch'] as MountedCouponBatch);

  app.setNotFoundHandler((req, reply) => {
    void reply
      .code(404)
      .send(errorEnvelope('1', '请求无法解析', `Not Found: ${req.method} ${req.url.split('?')[0]}; JOS requests go to ${protocol.path}`));
  });
  // Nothing reaches the client as a 500: oversized or unreadable bodies are system error 1, anything
  // unexpected is system.exception, all inside the JOS envelope with HTTP 200 (JOS-REF-01, JOS-REF-02).
  app.setErrorHandler((error, req, reply) => {
    if (req.url.startsWith(TEST_CONTROL_PATH)) {
      const status = (error as { statusCode?: number }).statusCode ?? 500;
      void reply.code(status >= 400 && status < 500 ? status : 400).send({ error: error instanceof Error ? error.message : String(error) });
      return;
    }
    if (error instanceof FaultCrash) {
      void reply.code(500).type('text/plain').send('Internal Server Error');
      return;
    }
    const fastifyCode = (error as { code?: string }).code ?? '';
    if (fastifyCode.startsWith('FST_') || (error as { statusCode?: number }).statusCode === 400) {
      void reply.code(200).send(system('1'));
      return;
    }
    req.log.error(error);
    void reply.code(200).send(errorEnvelope('system.exception', '系统异常', 'System exception'));
  });
  return app;
}

/** Query and form parameters merged (form wins), each a single string; undefined for an unreadable body. */
function mergeParams(query: unknown, body: unknown): Record<string, string> | undefined {
  if (typeof body === 'symbol') return undefined;
  const out: Record<string, string> = {};
  for (const source of [query, body]) {
    if (source === undefined || source === null) continue;
    if (typeof source !== 'object' || Array.isArray(source)) return undefined;
    for (const [k, v] of Object.entries(source as Record<string, unknown>)) {
      const first = Array.isArray(v) ? v[0] : v;
      if (first === undefined || first === null) continue;
      if (typeof first === 'object') return undefined;
      out[k] = String(first);
    }
  }
  return out;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
