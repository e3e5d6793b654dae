/**
 * The reference's Tencent data-api gateway: `POST <pathPrefix>/order/add_coupon?app_id&nonce&sign&timestamp&signature`
 * with a JSON body (PROTOCOLS.md §2). Every answer is HTTP 200 with `{retcode, errmsg, data}`, refusals
 * included (TCC-REF-04): unknown paths under the prefix's first segment (`/data-api/`), other methods,
 * unreadable bodies, internal faults.
 *
 * The query is verified in this order, the first failure answering: the five parameters present, once,
 * non-blank (40001); `sign` a supported algorithm (40002); `app_id` known (40003); the nonce at most
 * nonceMaxLength characters (40008); `timestamp` ASCII digits (40007); within skewS of now, in whole
 * seconds (40005); the signature, compared exactly, case included (TCC-REF-15), in constant time
 * (40004); the nonce not spent by this app_id within the window (40006). Then the body (not signed)
 * goes to the service.
 *
 * The faults of the gateway layer (src/apis/tencent-coupon-batch/faults.ts) are branches here, each
 * named where it acts; those of a protocol choice (the window, the nonce length) come as a patched
 * `protocol` instead.
 *
 * Everything is registered inside an encapsulated scope, so its JSON body parser, 404 and error
 * handlers leave the other routes of the server (the JOS router and its form bodies) alone.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TencentCredentials } from './credentials.js';
import { SUCCESS_RETCODE, type TencentEnvelope } from './envelope.js';
import { tencentError, type TencentRetcodeName } from './retcodes.js';
import { type TencentIncomingQuery, tencentSign, tencentSignatureMatches, tencentSignBase } from './sign.js';
import { ADD_COUPON_OPERATION, type TencentProtocolSpec } from './spec.js';
import { parseTencentTimestamp } from './timestamp.js';

/** What the gateway calls with a verified request's body: the service of the API behind it (src/apis/tencent-coupon-batch/). */
export interface DataApiService {
  /** `body` is any parsed JSON object; never throws for one. */
  addCoupons(appId: string, body: unknown): TencentEnvelope;
}

export interface TencentGatewayOptions {
  readonly service: DataApiService;
  readonly credentials: TencentCredentials;
  /** The real clock, epoch ms, for the timestamp window and the nonce memory. */
  readonly now: () => number;
  readonly protocol: TencentProtocolSpec;
  /** A fault id (src/apis/tencent-coupon-batch/faults.ts); the gateway acts on its own (`layer: gateway`), ignores others. */
  readonly fault?: string;
  /** Register GET /__promoproof/tencent-data-api/info and POST …/reset (forgets spent nonces). */
  readonly testControl?: boolean;
  /** Rewrites a success (retcode 0) into another shape the documents allow (the reference's answer-shape readings); none by default. */
  readonly reshapeSuccess?: (operation: string, answer: TencentEnvelope) => TencentEnvelope;
}

/** Base path of the gateway's test-control routes. */
export const TENCENT_GATEWAY_CONTROL_PATH = '/__promoproof/tencent-data-api';

/** The most nonces remembered at once; beyond it the oldest are forgotten (memory stays bounded under a flood). */
export const MAX_REMEMBERED_NONCES = 200_000;

/** What the scope's body parser hands the handler: the raw JSON text, or the content type it refused. */
type ParsedBody = { readonly kind: 'json'; readonly raw: string } | { readonly kind: 'other'; readonly contentType: string };

type Verified = { readonly ok: true; readonly appId: string } | { readonly ok: false; readonly answer: TencentEnvelope };

/**
 * Spent nonces per app_id, each until `max(now, timestamp) + skew`: a replay of the same signed request
 * is refused until the window refuses it anyway (TCC-REF-02). Expired entries are swept at most once a
 * second and whenever the memory is full; past MAX_REMEMBERED_NONCES the oldest go first.
 */
export class NonceMemory {
  readonly #until = new Map<string, number>();
  #nextSweepMs = 0;

  constructor(
    readonly skewMs: number,
    readonly max: number = MAX_REMEMBERED_NONCES,
  ) {}

  /** Spends a nonce: false when this app_id has spent it and it has not expired. */
  spend(appId: string, nonce: string, timestampMs: number, nowMs: number): boolean {
    this.#sweep(nowMs);
    const key = `${appId.length}:${appId}${nonce}`;
    const until = this.#until.get(key);
    if (until !== undefined && until >= nowMs) return false;
    this.#until.delete(key);
    this.#until.set(key, Math.max(nowMs, timestampMs) + this.skewMs);
    while (this.#until.size > this.max) {
      const oldest = this.#until.keys().next().value as string;
      this.#until.delete(oldest);
    }
    return true;
  }

  get size(): number {
    return this.#until.size;
  }

  clear(): void {
    this.#until.clear();
  }

  #sweep(nowMs: number): void {
    if (nowMs < this.#nextSweepMs && this.#until.size < this.max) return;
    this.#nextSweepMs = nowMs + 1000;
    for (const [key, until] of this.#until) if (until < nowMs) this.#until.delete(key);
  }
}

const DIGITS = /^[0-9]+$/;

/**
 * The signature comparisons of the gateway's faults, (right signature, given signature) → accepted;
 * the right comparison is tencentSignatureMatches (sign.ts): exact, in constant time.
 */
const FAULTY_SIGNATURE_COMPARISONS: ReadonlyMap<string, (expected: string, given: string) => boolean> = new Map([
  // tcc-signature-prefix: `startsWith` the wrong way round: any prefix of the right signature passes (TCC-01).
  ['tcc-signature-prefix', (expected: string, given: string) => expected.startsWith(given)],
  // tcc-signature-first-32: the first 32 characters compared (a column as wide as an MD5): the rest may be anything (TCC-01).
  ['tcc-signature-first-32', (expected: string, given: string) => given.slice(0, 32) === expected.slice(0, 32)],
  // tcc-signature-case-insensitive: lower-cased before comparing: upper-case hex passes (TCC-REF-15, ours; conformant for the seed).
  ['tcc-signature-case-insensitive', (expected: string, given: string) => given.toLowerCase() === expected],
]);

/** The query verifier of the gateway (exported for tests): the checks of the head comment, in order. */
export function createQueryVerifier(opts: Omit<TencentGatewayOptions, 'service' | 'testControl'>, nonces: NonceMemory) {
  const { protocol, credentials, fault } = opts;
  const refuse = (name: TencentRetcodeName, detail?: string): Verified => ({ ok: false, answer: tencentError(protocol, name, detail) });
  const faultyComparison = fault === undefined ? undefined : FAULTY_SIGNATURE_COMPARISONS.get(fault);
  return (query: TencentIncomingQuery, rawBody: string): Verified => {
    // tcc-auth-off: the verification forgotten, the app_id taken as sent (TCC-01 broken on purpose).
    if (fault === 'tcc-auth-off') return { ok: true, appId: typeof query['app_id'] === 'string' ? query['app_id'] : '' };
    const values: Record<string, string> = {};
    for (const p of protocol.queryParams) {
      const v = query[p.name];
      if (v === undefined) {
        if (p.required) return refuse('missingParam', `${p.name} is missing`);
        continue;
      }
      if (typeof v !== 'string') return refuse('missingParam', `${p.name} is repeated`);
      if (v.trim() === '') return refuse('missingParam', `${p.name} is blank`);
      values[p.name] = v;
    }
    const app_id = values['app_id'] ?? '';
    const nonce = values['nonce'] ?? '';
    const sign = values['sign'] ?? '';
    const timestamp = values['timestamp'] ?? '';
    const signature = values['signature'] ?? '';
    if (!protocol.signAlgorithms.includes(sign) && fault !== 'tcc-sign-algorithm-unchecked') {
      return refuse('signAlgorithm', `sign is ${JSON.stringify(clip(sign))}, not ${protocol.signAlgorithms.join(' or ')}`);
    }
    // tcc-app-id-unchecked: one secret for whoever claims an app_id.
    if (app_id !== credentials.appId && fault !== 'tcc-app-id-unchecked') return refuse('unknownAppId');
    const nonceChars = [...nonce].length;
    if (nonceChars > protocol.nonceMaxLength) {
      return refuse('nonceTooLong', `nonce has ${nonceChars} characters, at most ${protocol.nonceMaxLength}`);
    }
    if (!DIGITS.test(timestamp)) return refuse('timestampForm', `timestamp ${JSON.stringify(clip(timestamp))} is not whole seconds`);
    // tcc-timestamp-millis-accepted: 13 digits taken for milliseconds instead of seconds far ahead (TCC-REF-10).
    const tsMs =
      fault === 'tcc-timestamp-millis-accepted' && timestamp.length === 13 ? Number(timestamp) : parseTencentTimestamp(timestamp);
    const nowMs = opts.now();
    // Whole seconds on both sides: a timestamp is seconds, and 300 s off is accepted whatever the milliseconds.
    const offS = tsMs === undefined ? Number.POSITIVE_INFINITY : Math.abs(Math.floor(nowMs / 1000) - tsMs / 1000);
    if (offS > protocol.skewS) {
      return refuse('timestampWindow', `timestamp is ${Number.isFinite(offS) ? `${offS} s` : 'far'} from now, at most ${protocol.skewS} s`);
    }
    const fields = { app_id, nonce, sign, timestamp };
    if (fault !== 'tcc-signature-unchecked') {
      const good =
        fault === 'tcc-body-signed'
          ? sameText(
              createHmac('sha256', credentials.appSecret)
                .update(tencentSignBase(fields) + rawBody, 'utf8')
                .digest('hex'),
              signature,
            )
          : faultyComparison
            ? faultyComparison(tencentSign(fields, credentials.appSecret), signature)
            : tencentSignatureMatches(fields, credentials.appSecret, signature);
      // tcc-retcodes-shifted: the unknown app_id's code answers a wrong signature (TCC-REF-05).
      if (!good) return refuse(fault === 'tcc-retcodes-shifted' ? 'unknownAppId' : 'badSignature');
    }
    if (fault !== 'tcc-nonce-replay-accepted' && !nonces.spend(app_id, nonce, tsMs ?? nowMs, nowMs))
      return refuse('nonceReused', `nonce ${JSON.stringify(nonce)} was used within ${protocol.skewS} s`);
    return { ok: true, appId: app_id };
  };
}

/**
 * Registers the data-api routes on `app` (plugin-style; they exist once the server is ready):
 * POST <pathPrefix>/order/add_coupon; any other method there 40500; any other path under the prefix's
 * first segment 40400; with `testControl`, the gateway's own control routes.
 */
export function registerTencentGateway(app: FastifyInstance, opts: TencentGatewayOptions): void {
  const { protocol, service, fault } = opts;
  const nonces = new NonceMemory(protocol.skewS * 1000);
  const verify = createQueryVerifier(opts, nonces);
  const scopePrefix = `/${protocol.pathPrefix.split('/')[1] ?? ''}`;
  const path = `${protocol.pathPrefix.slice(scopePrefix.length)}/${ADD_COUPON_OPERATION}`;
  const bodyLimit = protocol.maxBodyBytes;

  // tcc-refusal-retcode-zero: a refusal reads as success, its errmsg kept (TCC-13 broken on purpose).
  const finish = (answer: TencentEnvelope): TencentEnvelope => {
    const out =
      fault === 'tcc-refusal-retcode-zero' && answer.retcode !== SUCCESS_RETCODE ? { ...answer, retcode: SUCCESS_RETCODE } : answer;
    return opts.reshapeSuccess && out.retcode === SUCCESS_RETCODE ? opts.reshapeSuccess(ADD_COUPON_OPERATION, out) : out;
  };
  const send = (reply: FastifyReply, answer: TencentEnvelope) =>
    reply.code(200).header('content-type', 'application/json; charset=utf-8').send(finish(answer));
  const refusal = (name: TencentRetcodeName, detail?: string) => tencentError(protocol, name, detail);

  app.register(
    async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (_req, body, done) => {
        done(null, { kind: 'json', raw: body as string } satisfies ParsedBody);
      });
      scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (req, _body, done) => {
        done(null, { kind: 'other', contentType: String(req.headers['content-type'] ?? 'none') } satisfies ParsedBody);
      });

      scope.post(path, { bodyLimit }, async (req, reply) => {
        const body = req.body as ParsedBody | undefined;
        // tcc-content-type-415: the framework's own refusal of a content type, left as it is (TCC-REF-04 broken on purpose).
        if (body?.kind === 'other' && fault === 'tcc-content-type-415') {
          return reply
            .code(415)
            .header('content-type', 'application/json; charset=utf-8')
            .send({
              statusCode: 415,
              code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
              error: 'Unsupported Media Type',
              message: `Unsupported Media Type: ${clip(body.contentType)}`,
            });
        }
        const checked = verify(req.query as TencentIncomingQuery, body?.kind === 'json' ? body.raw : '');
        if (!checked.ok) return send(reply, checked.answer);
        if (body === undefined) return send(reply, refusal('bodyUnreadable', 'no body'));
        if (body.kind === 'other')
          return send(reply, refusal('bodyUnreadable', `content type ${clip(body.contentType)} is not application/json`));
        let parsed: unknown;
        try {
          parsed = JSON.parse(body.raw);
        } catch {
          return send(reply, refusal('bodyUnreadable', 'body is not JSON'));
        }
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
          return send(reply, refusal('bodyUnreadable', 'body is not a JSON object'));
        }
        return send(reply, service.addCoupons(checked.appId, parsed));
      });
      scope.route({
        method: ['GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
        url: path,
        handler: async (req, reply) =>
          send(reply, refusal('methodNotAllowed', `${req.method}; ${protocol.pathPrefix}/${ADD_COUPON_OPERATION} takes POST`)),
      });

      scope.setNotFoundHandler((req, reply) => {
        void send(reply, refusal('unknownPath', `${req.method} ${clip(req.url.split('?')[0] ?? '')}`));
      });
      // Nothing leaves as a 5xx: an unreadable or oversized body is 41001, anything unexpected 50000.
      scope.setErrorHandler((error, req, reply) => {
        const e = error as { code?: string; statusCode?: number };
        if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
          return send(reply, refusal('bodyUnreadable', `body is larger than ${bodyLimit} bytes`));
        if ((e.code ?? '').startsWith('FST_') || (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500)) {
          return send(reply, refusal('bodyUnreadable', 'body could not be read'));
        }
        req.log.error(error);
        return send(reply, refusal('internal'));
      });
    },
    { prefix: scopePrefix },
  );

  if (opts.testControl) {
    app.get(`${TENCENT_GATEWAY_CONTROL_PATH}/info`, async () => ({
      protocol: protocol.id,
      pathPrefix: protocol.pathPrefix,
      skewS: protocol.skewS,
      fault: fault ?? null,
      nonces: nonces.size,
    }));
    app.post(`${TENCENT_GATEWAY_CONTROL_PATH}/reset`, async () => {
      nonces.clear();
      return { reset: true };
    });
  }
}

/** Constant-time comparison of two texts (for the faulty body-signed check; the right one is in sign.ts). */
function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A value as it goes into errmsg: at most 64 characters. */
function clip(s: string): string {
  return s.length > 64 ? `${s.slice(0, 64)}…` : s;
}
