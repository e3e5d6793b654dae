/**
 * The reference's one JOS router (as the platform has one URL for every JOS method): GET and POST
 * `/routerjson`, parameters in the query, the form body or both, each method sent to the service of the
 * API that has it (src/protocols/jos/gateway.ts checks the system parameters and the signature first).
 * It owns the server's root as well: the body parsers every root route shares, and the answers to
 * what no route takes — a 404 and any error inside the JOS envelope with HTTP 200 (JOS-REF-01,
 * JOS-REF-02), except the test-control routes' (JSON errors) and a crash a fault asks for (a bare 500).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TEST_CONTROL_PATH } from '../core/test-control.js';
import type { JosCredentials } from '../protocols/jos/credentials.js';
import { errorEnvelope, type SuccessSuffix } from '../protocols/jos/envelope.js';
import { type GatewayDeps, handleJos, type JosService, josServices, systemError } from '../protocols/jos/gateway.js';
import type { JosProtocolSpec } from '../spec/types.js';
import type { Leniency } from '../spec/validate-request.js';
import type { EnvelopeReshape } from './answer-shapes.js';
import { FaultCrash } from './fault-crash.js';
import { parseFormBody } from './form-body.js';

export interface JosRouterOptions {
  readonly protocol: JosProtocolSpec;
  readonly credentials: JosCredentials;
  /** The services of the JOS APIs, in registry order: a method goes to the first that has it. */
  readonly services: readonly JosService[];
  readonly fault: string | undefined;
  /** The real clock (epoch ms) for the timestamp window. */
  readonly realNow: () => number;
  readonly successSuffix: SuccessSuffix;
  /** Methods whose callers the router lets through unchecked (an API's fault). */
  readonly callerUnchecked: (method: string) => boolean;
  readonly reshapeSuccess?: EnvelopeReshape;
}

/** The body parsers of the root: form bodies and JSON into parameters (an unreadable JSON body marked), any other body ignored. */
export function addJosParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, parseFormBody(body as string));
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
}

/** Registers the router at the protocol's path, and the root's 404 and error handlers. */
export function mountJosRouter(app: FastifyInstance, opts: JosRouterOptions): void {
  const { protocol } = opts;
  const system = (code: string) => systemError(protocol, code);
  const service = josServices(opts.services);
  const deps: GatewayDeps = {
    protocol,
    credentials: opts.credentials,
    service,
    fault: opts.fault,
    realNow: opts.realNow,
    successSuffix: opts.successSuffix,
    callerUnchecked: opts.callerUnchecked,
    ...(opts.reshapeSuccess ? { reshapeSuccess: opts.reshapeSuccess } : {}),
  };
  // Without a logger (fastify's stand-in has no isLevelEnabled) there is nothing to log: the log
  // lines' objects and the leniency callback are not built per request.
  const logging = typeof (app.log as { isLevelEnabled?: unknown }).isLevelEnabled === 'function';
  // Not async: a claim's answer is ready when handleJos returns, and fastify sends a plain value at once
  // (a promise would cost two more turns of the microtask queue per request). A throw reaches the error
  // handler below either way.
  const route = (req: FastifyRequest, reply: FastifyReply) => {
    const params = mergeParams(req.query, req.body);
    reply.header('content-type', 'application/json;charset=utf-8');
    if (params === undefined) return system('1');
    if (!logging) return handleJos(deps, params);
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
    return handleJos({ ...deps, onLeniency }, params);
  };
  app.get(protocol.path, route);
  app.post(protocol.path, route);

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
}

/** Query and form parameters merged (form wins), each a single string; undefined for an unreadable body. */
function mergeParams(query: unknown, body: unknown): Record<string, string> | undefined {
  if (typeof body === 'symbol') return undefined;
  const out: Record<string, string> = {};
  return copyParams(query, out) && copyParams(body, out) ? out : undefined;
}

/**
 * Copies `source`'s own parameters into `out` (an array's first value); false when it is not a set of
 * parameters. By name rather than Object.entries: no pair array per parameter, on every request.
 */
function copyParams(source: unknown, out: Record<string, string>): boolean {
  if (source === undefined || source === null) return true;
  if (typeof source !== 'object' || Array.isArray(source)) return false;
  const from = source as Record<string, unknown>;
  for (const k of Object.keys(from)) {
    const v = from[k];
    const first = Array.isArray(v) ? v[0] : v;
    if (first === undefined || first === null) continue;
    if (typeof first === 'object') return false;
    out[k] = String(first);
  }
  return true;
}
