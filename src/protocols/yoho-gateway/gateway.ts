/**
 * The reference's Yoho gateway core (PROTOCOLS.md §3), free of any HTTP framework: the mounting code
 * hands it the request's parameters (query and form body merged, URL-decoded) and writes back what it
 * returns. Dispatch is by the `method` parameter, as Yoho's controllers map `params = "method=…"`.
 *
 * Checked in this order, the first failure answering (every answer HTTP 200, UCP-REF-03):
 * 1. `method` missing or empty → 404 `method not found` (ours: no handler maps it);
 * 2. `client_secret` missing or empty → 500 `缺少client_secret` (RequestHeaderInvalidateException);
 * 3. `client_type` missing or without a configured key → 500 `数据验证错误.` (ours, UCP-REF-02: where
 *    Java would verify against `private_key=null`, a client type without a key never verifies);
 * 4. `client_secret` not the signature, compared case-insensitively → 500 `数据验证错误.`
 *    (SecurityNotMatchException, UCP-REF-01);
 * 5. `method` unknown to the service → 404 `method not found: <method>` (ours);
 * then the service. A success is `yohoSuccessText(data, message, 200, salt)`; an error
 * `{"code":…,"message":…}` without alg or md5. Nothing throws: an exception anywhere is 500
 * `system exception`.
 */
import { YOHO_GATEWAY_ERRORS } from './codes.js';
import { YOHO_ALG, YOHO_DEV_SALT, YOHO_MASTER_SALT, yohoDataMd5, yohoErrorText, yohoSuccessText } from './envelope.js';
import { isYohoFault, type YohoFaultName } from './faults.js';
import { createHash } from 'node:crypto';
import { type YohoPrivateKeys, yohoKeyOf, yohoSignatureMatchesKey, yohoSignBaseWithKey, yohoSignWithKey } from './sign.js';

export { YOHO_GATEWAY_ERRORS } from './codes.js';

/** What a service answers: data for a success (null is written as `[]`), or a code other than 200. */
export type YohoServiceResult =
  | { readonly ok: true; readonly data: unknown; readonly message?: string }
  | { readonly ok: false; readonly code: number; readonly message: string };

/** The API behind the gateway: its methods, called with every parameter of the request (system ones included). */
export interface YohoService {
  has(method: string): boolean;
  call(method: string, params: Readonly<Record<string, string>>): YohoServiceResult;
}

export interface YohoGatewayDeps {
  /** A private key per client_type; a client type not listed is refused. */
  readonly privateKeys: YohoPrivateKeys;
  /** The SALT_MD5 salt of success answers. */
  readonly salt: string;
  readonly service: YohoService;
  /** A fault id (faults.ts); one the gateway does not know is ignored. */
  readonly fault?: string;
  /**
   * Rewrites a success, as `{code, data, message}`, into another shape the documents allow (the
   * reference's answer-shape readings); the md5 is then taken over `data` as written. None by default.
   */
  readonly reshapeSuccess?: (method: string, answer: Readonly<Record<string, unknown>>) => Record<string, unknown>;
}

/** How the request came (GET query or POST form): the same call to the gateway, but for a fault. */
export type YohoHttpMethod = 'GET' | 'POST';

/** What goes back: always HTTP 200 with a JSON body. */
export interface YohoGatewayAnswer {
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
}

/** Parameters as a framework may hand them over: a repeated one as an array (its first value is read, as a servlet's getParameter does). */
export type YohoIncomingParams = Readonly<Record<string, string | readonly string[] | undefined>>;

export const YOHO_CONTENT_TYPE = 'application/json;charset=UTF-8';

/** The client type whose key the `yoho-client-type-ignored` fault checks every request with. */
const FAULT_CLIENT_TYPE = 'android';

/** Handles one gateway request. Never throws. */
export function handleYoho(deps: YohoGatewayDeps, incoming: YohoIncomingParams, httpMethod: YohoHttpMethod = 'POST'): YohoGatewayAnswer {
  const fault: YohoFaultName | undefined = isYohoFault(deps.fault) ? deps.fault : undefined;
  const refuse = (code: number, message: string): YohoGatewayAnswer =>
    // yoho-error-code-200: a refusal that reads as a success code (UCP-REF-03 broken on purpose).
    answer(yohoErrorText(fault === 'yoho-error-code-200' ? 200 : code, message));
  try {
    const params = normalise(incoming);
    // yoho-get-refused: a gateway mapped to POST only (UCP-REF-04 broken on purpose).
    if (fault === 'yoho-get-refused' && httpMethod === 'GET') return refuse(YOHO_GATEWAY_ERRORS.unknownMethod.code, 'GET not supported');
    const method = params['method'] ?? '';
    if (method === '') return refuse(YOHO_GATEWAY_ERRORS.missingMethod.code, YOHO_GATEWAY_ERRORS.missingMethod.message);
    // yoho-sign-not-checked: the security interceptor forgotten (UCP-REF-01 broken on purpose).
    if (fault !== 'yoho-sign-not-checked') {
      if ((params['client_secret'] ?? '') === '')
        return refuse(YOHO_GATEWAY_ERRORS.missingSecret.code, YOHO_GATEWAY_ERRORS.missingSecret.message);
      // yoho-client-type-ignored: one key for whatever client_type claims (UCP-REF-02 broken on purpose).
      const key =
        fault === 'yoho-client-type-ignored'
          ? yohoKeyOf({ client_type: FAULT_CLIENT_TYPE }, deps.privateKeys)
          : yohoKeyOf(params, deps.privateKeys);
      if (key === undefined || !signatureMatches(params, key, fault)) {
        return refuse(YOHO_GATEWAY_ERRORS.notVerified.code, YOHO_GATEWAY_ERRORS.notVerified.message);
      }
    }
    if (!deps.service.has(method))
      return refuse(YOHO_GATEWAY_ERRORS.unknownMethod.code, `${YOHO_GATEWAY_ERRORS.unknownMethod.message}: ${clip(method)}`);
    const result = deps.service.call(method, params);
    if (!result.ok) {
      // A service refusal must read as one: code 200, or no integer, is the service's bug, not an answer.
      if (!Number.isSafeInteger(result.code) || result.code === 200) throw new Error(`service refused with code ${result.code}`);
      return refuse(result.code, String(result.message));
    }
    const message = typeof result.message === 'string' && result.message !== '' ? result.message : undefined;
    // A fault of the envelope writes its own text instead.
    if (deps.reshapeSuccess && !ENVELOPE_FAULTS.has(fault))
      return answer(
        reshapedSuccessText(deps.reshapeSuccess(method, { code: 200, data: result.data ?? [], message: message ?? '操作成功' }), deps.salt),
      );
    return answer(successText(result.data, message, deps.salt, fault));
  } catch {
    return refuse(YOHO_GATEWAY_ERRORS.internal.code, YOHO_GATEWAY_ERRORS.internal.message);
  }
}

/** The signature check, or the one a fault of it makes instead. */
function signatureMatches(params: Readonly<Record<string, string>>, key: string, fault: YohoFaultName | undefined): boolean {
  const given = params['client_secret'] ?? '';
  if (fault === 'yoho-signature-case-sensitive') return yohoSignWithKey(params, key) === given;
  if (fault === 'yoho-key-appended') {
    const { private_key: _none, ...rest } = params;
    const base = yohoSignBaseWithKey(rest, undefined).replace(/&?private_key=null/, '');
    return createHash('md5').update(`${base}&${key}`, 'utf8').digest('hex') === given.toLowerCase();
  }
  return yohoSignatureMatchesKey(params, key);
}

function answer(body: string): YohoGatewayAnswer {
  return { status: 200, body, contentType: YOHO_CONTENT_TYPE };
}

/** The faults that write the success text another way (successText). */
const ENVELOPE_FAULTS: ReadonlySet<YohoFaultName | undefined> = new Set<YohoFaultName>([
  'yoho-md5-wrong-salt',
  'yoho-md5-reserialised',
  'yoho-md5-missing',
]);

/** The success text, or the one a fault of the envelope writes instead. Throws for data JSON cannot write (a function, a BigInt, a cycle). */
function successText(data: unknown, message: string | undefined, salt: string, fault: YohoFaultName | undefined): string {
  const compact = JSON.stringify(data ?? []) as string | undefined;
  if (compact === undefined) throw new Error('data is not JSON');
  const msg = JSON.stringify(message ?? '操作成功');
  switch (fault) {
    case 'yoho-md5-wrong-salt': {
      // The dev branch's salt; were it the configured one, the master's (another branch's salt all the same).
      const other = salt === YOHO_DEV_SALT ? YOHO_MASTER_SALT : YOHO_DEV_SALT;
      return yohoSuccessText(data, message, 200, other);
    }
    case 'yoho-md5-reserialised': {
      // Written pretty, hashed compact: a converter that re-serialises after the md5 was taken.
      const emitted = JSON.stringify(data ?? [], null, 1);
      return `{"alg":"SALT_MD5","code":200,"data":${emitted},"md5":"${yohoDataMd5(compact, salt)}","message":${msg}}`;
    }
    case 'yoho-md5-missing':
      return `{"code":200,"data":${compact},"message":${msg}}`;
    default:
      return yohoSuccessText(data, message, 200, salt);
  }
}

/**
 * A reshaped success as text: its fields and `alg` and `md5` in fastjson's (alphabetical) order, `data`
 * written compact once and the md5 taken over exactly those bytes (UCP-01).
 */
function reshapedSuccessText(shaped: Readonly<Record<string, unknown>>, salt: string): string {
  const dataText = JSON.stringify(shaped['data'] ?? []);
  const fields: Record<string, unknown> = { ...shaped, alg: YOHO_ALG, md5: yohoDataMd5(dataText, salt) };
  const parts = Object.keys(fields)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${k === 'data' ? dataText : JSON.stringify(fields[k])}`);
  return `{${parts.join(',')}}`;
}

/** The parameters as strings: a repeated one's first value, anything else left out. */
function normalise(incoming: YohoIncomingParams): Readonly<Record<string, string>> {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(incoming ?? {})) {
    if (typeof v === 'string') out.push([k, v]);
    else if (Array.isArray(v) && typeof v[0] === 'string') out.push([k, v[0]]);
  }
  // fromEntries defines own properties: a `__proto__` parameter stays a parameter.
  return Object.fromEntries(out);
}

/** A value as it goes into a message: at most 64 characters. */
function clip(s: string): string {
  return s.length > 64 ? `${s.slice(0, 64)}…` : s;
}
