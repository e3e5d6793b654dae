import { errorEnvelope, LIVE_SUCCESS_SUFFIX, successEnvelope, type SuccessSuffix } from './envelope.js';
import { type JosSignMethod, josSign, parseSignMethod } from './sign.js';
import { parseJosTimestamp } from './timestamp.js';
import type { JosProtocolSpec } from '../../spec/types.js';
import type { Leniency } from '../../spec/validate-request.js';
import type { JosCredentials } from './credentials.js';
import type { JosFaultName } from './faults.js';

/** What one method of an API answers through JOS: its inner object, or a business error code. */
export type JosServiceResult = (
  | { readonly ok: true; readonly body: Record<string, unknown> }
  | { readonly ok: false; readonly code: string; readonly message?: string }
) & {
  /** What the request sent that was left out (undeclared, or optional `""`): for the log (JOS-REF-04). */
  readonly notes?: Leniency;
};

/**
 * What the JOS gateway needs of an API's reference service: the gateway calls this interface, never a
 * concrete class (src/apis/jd-promotion/service.ts implements it).
 */
export interface JosService {
  /** Whether the API has this method. */
  has(method: string): boolean;
  /** Validates the application parameters and runs the method (a method that waits on nothing answers synchronously). */
  call(method: string, app: Readonly<Record<string, unknown>>): JosServiceResult | Promise<JosServiceResult>;
  /** The document's description of a business error code (错误描述, and ours in English), for the envelope. */
  describeError(code: string): { readonly zh: string; readonly en: string } | undefined;
}

export interface GatewayDeps {
  readonly protocol: JosProtocolSpec;
  readonly credentials: JosCredentials;
  readonly service: JosService;
  /** A fault of the reference; only JOS faults (src/protocols/jos/faults.ts) change the gateway. */
  readonly fault: string | undefined;
  /** The real clock (epoch ms) for the timestamp window; never the test-control clock. */
  readonly realNow: () => number;
  /** How success keys are spelt; the live gateway's `_responce` by default (JOS-REF-01). */
  readonly successSuffix?: SuccessSuffix;
  /** Told what a request sent that was left out (undeclared, optional `""`), for the log (JOS-REF-04). */
  readonly onLeniency?: (method: string, notes: Leniency) => void;
  /**
   * Methods whose callers are not checked (no app key, token or signature check): a fault of an API
   * served by this router (the coupon life cycle's `cpn-caller-not-checked`), never of JOS itself.
   */
  readonly callerUnchecked?: (method: string) => boolean;
  /** Rewrites a success answer into another shape the documents allow (the reference's answer-shape readings); none by default. */
  readonly reshapeSuccess?: (method: string, answer: GatewayAnswer) => GatewayAnswer;
}

/**
 * Several APIs behind one JOS router (the platform serves every method at one URL): each method goes to
 * the service that has it; an error code is described by the first service that knows it.
 */
export function josServices(services: readonly JosService[]): JosService {
  // The services' methods are fixed once mounted: each method's owner is looked up once (a claim asked
  // every service twice per request). Only methods some service has are kept, so the map stays bounded.
  const owners = new Map<string, JosService>();
  const owner = (method: string) => {
    let s = owners.get(method);
    if (s === undefined) {
      s = services.find((x) => x.has(method));
      if (s !== undefined) owners.set(method, s);
    }
    return s;
  };
  return {
    has: (method) => owner(method) !== undefined,
    call: (method, app) => {
      const s = owner(method);
      return s ? s.call(method, app) : { ok: false, code: 'system.exception', message: `no service has ${method}` };
    },
    describeError: (code) => {
      for (const s of services) {
        const d = s.describeError(code);
        if (d) return d;
      }
      return undefined;
    },
  };
}

/** A JOS answer: always HTTP 200 with a JSON body (JOS-REF-01). */
export type GatewayAnswer = Record<string, unknown>;

const PARAM_JSON = '360buy_param_json';

/** The error envelope of a JOS system code, with the protocol spec's descriptions. */
export function systemError(protocol: JosProtocolSpec, code: string): GatewayAnswer {
  const e = protocol.systemErrors[code];
  return errorEnvelope(code, e?.zh ?? code, e?.en ?? code);
}

/**
 * Handles one /routerjson request whose query and form parameters are already merged into `params`:
 * system parameters in the protocol spec's order (JOS-REF-03), the signature, then the method. The
 * answer is synchronous when the service's is (every claim's): no promise, and no closure, per request.
 */
export function handleJos(deps: GatewayDeps, params: Readonly<Record<string, string>>): GatewayAnswer | Promise<GatewayAnswer> {
  const { protocol, credentials, service, fault } = deps;
  const unchecked = deps.callerUnchecked?.(params['method'] ?? '') === true;
  // Read once: the signature check (first under sign-checked-first) and the sign_method check both need it.
  const signMethod = parseSignMethod(params['sign_method']);
  const signFirst = faultIs(fault, unchecked, 'sign-checked-first');
  if (signFirst) {
    const refused = checkSign(deps, params, signMethod, unchecked);
    if (refused) return refused;
  }

  let method = params['method'] ?? '';
  if (!present(params, 'method')) {
    if (!faultIs(fault, unchecked, 'missing-method-defaults-to-list')) return systemError(protocol, '14');
    method = 'jingdong.seller.promotion.list';
  }
  const known = service.has(method);
  if (!known && !faultIs(fault, unchecked, 'unknown-method-accepted')) return systemError(protocol, '15');

  if (!faultIs(fault, unchecked, 'app-key-not-checked')) {
    if (!present(params, 'app_key')) return systemError(protocol, '20');
    if (params['app_key'] !== credentials.appKey) return systemError(protocol, '21');
  }

  if (!faultIs(fault, unchecked, 'token-not-checked')) {
    if (!present(params, 'access_token')) return systemError(protocol, required(protocol, 'access_token') ? '18' : '19');
    if (params['access_token'] !== credentials.accessToken) return systemError(protocol, '19');
  }

  if (!present(params, 'v')) {
    if (required(protocol, 'v')) return systemError(protocol, '4');
  } else if (!protocol.versions.includes(params['v'] ?? '') && !faultIs(fault, unchecked, 'version-not-checked'))
    return systemError(protocol, '5');

  if (
    present(params, 'format') &&
    !protocol.formats.includes((params['format'] ?? '').toLowerCase()) &&
    !faultIs(fault, unchecked, 'format-not-checked')
  )
    return systemError(protocol, '6');

  if (!present(params, 'timestamp')) {
    if (!faultIs(fault, unchecked, 'timestamp-optional')) return systemError(protocol, '7');
  } else {
    const ts = readTimestamp(params['timestamp'] ?? '', fault);
    if (ts === undefined || Math.abs(deps.realNow() - ts) > protocol.skewS * 1000) return systemError(protocol, '8');
  }

  if (signMethod === undefined) return systemError(protocol, '9');

  if (!signFirst) {
    const refused = checkSign(deps, params, signMethod, unchecked);
    if (refused) return refused;
  }

  let app: Record<string, unknown> = {};
  if (present(params, PARAM_JSON)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(params[PARAM_JSON] ?? '');
    } catch {
      parsed = undefined;
    }
    const isObject = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
    if (!isObject && !faultIs(fault, unchecked, 'param-json-lenient')) return systemError(protocol, '3');
    app = isObject ? (parsed as Record<string, unknown>) : {};
    if (faultIs(fault, unchecked, 'param-json-empty-refused') && Object.keys(app).length === 0) return systemError(protocol, '3');
  }

  if (!known) return successEnvelope(method, {}, deps.successSuffix ?? LIVE_SUCCESS_SUFFIX);
  const result = service.call(method, app);
  return result instanceof Promise ? result.then((r) => answerOf(deps, method, r)) : answerOf(deps, method, result);
}

/** Whether the gateway behaves as under JOS fault `name`: the reference's fault, or a caller check an API's fault lets through. */
function faultIs(fault: string | undefined, unchecked: boolean, name: JosFaultName): boolean {
  return fault === name || (unchecked && (name === 'sign-not-checked' || name === 'app-key-not-checked' || name === 'token-not-checked'));
}

/** A parameter is present when sent with something other than whitespace. */
function present(params: Readonly<Record<string, string>>, name: string): boolean {
  return (params[name] ?? '').trim() !== '';
}

/** Whether the protocol spec declares system parameter `name` required. */
function required(protocol: JosProtocolSpec, name: string): boolean {
  return protocol.systemParams.find((p) => p.name === name)?.required ?? false;
}

/** The signature check (JOS-06): the refusal, or undefined when the request passes. */
function checkSign(
  deps: GatewayDeps,
  params: Readonly<Record<string, string>>,
  signMethod: JosSignMethod | undefined,
  unchecked: boolean,
): GatewayAnswer | undefined {
  const { fault } = deps;
  if (!present(params, 'sign')) return faultIs(fault, unchecked, 'sign-optional') ? undefined : systemError(deps.protocol, '11');
  if (faultIs(fault, unchecked, 'sign-not-checked')) return undefined;
  const sign = (params['sign'] ?? '').toUpperCase();
  const secret = deps.credentials.appSecret;
  // Under sign-ignores-param-json a signature over the other parameters alone passes too; correctly signed requests still do.
  const ignoring =
    faultIs(fault, unchecked, 'sign-ignores-param-json') &&
    sameText(josSign({ ...params, [PARAM_JSON]: undefined }, secret, signMethod ?? 'md5'), sign);
  return !ignoring && !sameText(josSign(params, secret, signMethod ?? 'md5'), sign) ? systemError(deps.protocol, '12') : undefined;
}

/** The envelope of what the service answered: its success (reshaped by a reading), or its error described. */
function answerOf(deps: GatewayDeps, method: string, result: JosServiceResult): GatewayAnswer {
  const { fault } = deps;
  if (result.notes) deps.onLeniency?.(method, result.notes);
  if (!result.ok) {
    const e = deps.service.describeError(result.code);
    // zh_desc is the document's 错误描述 (JOS-REF-01); en_desc adds what was wrong. Both name what was
    // left out: a client reading either one learns that its `#promo_id` never counted.
    const ignored = result.notes?.ignored ?? [];
    const en = e?.en ?? result.code;
    const zh = e?.zh ?? result.code;
    // Nothing ignored (every refusal of a storm): the message alone, without the arrays of the list below.
    if (ignored.length === 0) return errorEnvelope(result.code, zh, result.message ? `${en}: ${result.message}` : en);
    const detail = [result.message, `ignored undeclared ${ignored.join(', ')}`].filter(Boolean).join('; ');
    return errorEnvelope(result.code, `${zh}（已忽略未声明的参数：${ignored.join('、')}）`, `${en}: ${detail}`);
  }
  if (fault === 'envelope-unwrapped' || (fault === 'reads-unwrapped' && /\.(get|list)$/.test(method))) return { code: '0', ...result.body };
  const answer = successEnvelope(method, result.body, deps.successSuffix ?? LIVE_SUCCESS_SUFFIX);
  return deps.reshapeSuccess ? deps.reshapeSuccess(method, answer) : answer;
}

function readTimestamp(text: string, fault: string | undefined): number | undefined {
  const allowOffset = fault !== 'timestamp-offset-form-refused';
  const ms = parseJosTimestamp(text, allowOffset);
  if (ms !== undefined || fault !== 'timestamp-any-form') return ms;
  if (/^\d{10}$/.test(text)) return Number(text) * 1000;
  if (/^\d{4}\/\d{2}\/\d{2} /.test(text)) return parseJosTimestamp(text.replace(/\//g, '-'), false);
  const iso = Date.parse(text.includes('T') && !/[Z+-]\d{0,4}:?\d{0,2}$/.test(text.slice(19)) ? `${text}+08:00` : text);
  return Number.isNaN(iso) ? undefined : iso;
}

/**
 * Constant-time comparison, so the signature check leaks no timing (but the length): every code unit
 * is compared whatever the first difference. Without the two buffers timingSafeEqual needs, which cost
 * a claim more than the comparison itself.
 */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
