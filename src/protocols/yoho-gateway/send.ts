/**
 * Builds and sends one Yoho gateway call (PROTOCOLS.md §3a): every parameter flat — `method`, the
 * operation's application parameters as strings, `client_type`, `app_version` and the `client_secret`
 * over all of them — POSTed as a form body to the gateway URL (or sent as the query with
 * `httpMethod: GET`), with the deliberate deviations a step asks for. Nothing is timed: the signature
 * covers no timestamp, so the exchange's `timestampMs` is the build time.
 */
import { formBody, formWireRequest } from '../form-request.js';
import type { Transport } from '../../scenario/types.js';
import { sendPrepared } from '../send-prepared.js';
import { signatureVariant } from '../signature-variant.js';
import type { Endpoint, Exchange, PrepareInput, RecordedCall, SendInput, WireRequest } from '../types.js';
import { isYohoTestCredentials, type YohoCredentials, yohoCredentials } from './credentials.js';
import { yohoSignWithKey } from './sign.js';

/** The `app_version` sent unless a step sets another (the worked example's, PROTOCOLS.md §3a). */
export const YOHO_APP_VERSION = '5.0.0';

/** The parameters the gateway adds to the application's: what `omit`, `set` and `alter` are usually about. */
export const YOHO_SYSTEM_PARAMS = ['method', 'client_type', 'app_version', 'client_secret'] as const;

/**
 * `signature` as a Yoho call reads it: the shared values, and `upper-case` (the right signature in
 * upper case, which a gateway comparing case-insensitively accepts; UCP-REF-01).
 */
export type YohoSignatureMode = NonNullable<Transport['signature']> | 'upper-case';
export type YohoTransport = Omit<Transport, 'signature'> & { readonly signature?: YohoSignatureMode };

/**
 * The application parameters as the strings that travel: a string as it is, a number or boolean
 * written (`20`, `true`), an array its elements joined by `,`, an object its JSON; null and absent
 * values are left out (a form cannot send null).
 */
export function yohoAppParams(app: Readonly<Record<string, unknown>>): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(app)) {
    if (v === null || v === undefined) continue;
    out.push([k, Array.isArray(v) ? v.map((x: unknown) => (x === null || x === undefined ? '' : scalarText(x))).join(',') : scalarText(v)]);
  }
  return out;
}

function scalarText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/**
 * The parameters of one call, in the order they travel: `method`, the application's, `client_type`,
 * `app_version`, `client_secret`. `set` replaces (or adds) parameters before signing, `omit` leaves
 * them out before signing (`client_secret` in `omit`: none is sent), `alter` replaces them after
 * signing (the signature no longer covers them). `signature`: `wrong` signs other bytes, `stale` signs
 * without the application parameters (added afterwards), `omit` sends none, `upper-case` sends the
 * right one in upper case, `last-digit-changed` and `truncated` a near miss of it (signature-variant.ts).
 * `secret: wrong` signs with another key. The key is the credentials' own, whatever `client_type` the
 * call sends or omits: picking a key by client type is the gateway's part.
 */
export function buildYohoParams(
  operation: string,
  app: Readonly<Record<string, unknown>>,
  transport: YohoTransport,
  creds: YohoCredentials,
): Record<string, string> {
  const system = new Set<string>(YOHO_SYSTEM_PARAMS);
  const appEntries = yohoAppParams(app).filter(([k]) => !system.has(k));
  const appKeys = new Set(appEntries.map(([k]) => k));
  const params = new Map<string, string>([['method', operation], ...appEntries]);
  params.set('client_type', creds.clientType);
  params.set('app_version', YOHO_APP_VERSION);
  for (const [k, v] of Object.entries(transport.set ?? {})) params.set(k, v);
  const omit = new Set(transport.omit ?? []);
  for (const k of omit) params.delete(k);
  params.delete('client_secret');

  const key = transport.secret === 'wrong' ? `${creds.privateKey}-wrong` : creds.privateKey;
  const sign = (entries: Iterable<[string, string]>) => yohoSignWithKey(Object.fromEntries(entries), key);
  const mode = transport.signature ?? 'valid';
  let secret: string;
  switch (mode) {
    case 'wrong':
      // Other bytes signed: one parameter more than is sent.
      secret = sign([...params, ['promoproof_other', '1']]);
      break;
    case 'stale':
      secret = sign([...params].filter(([k]) => !appKeys.has(k)));
      break;
    case 'upper-case':
    case 'last-digit-changed':
    case 'truncated':
      secret = signatureVariant(sign(params), mode);
      break;
    default:
      secret = sign(params);
  }
  if (mode !== 'omit' && !omit.has('client_secret')) params.set('client_secret', secret);
  for (const [k, v] of Object.entries(transport.alter ?? {})) params.set(k, v);
  // fromEntries defines own properties: a `__proto__` parameter stays a parameter.
  return Object.fromEntries(params);
}

/** Builds one call (ProtocolAdapter.prepare); pure: the time is `nowMs` (only reported, nothing is timed). */
export function prepareYoho(input: PrepareInput): WireRequest {
  const { endpoint, operation, app } = input;
  const transport: YohoTransport = input.transport;
  const params = buildYohoParams(operation, app, transport, yohoCredentials(endpoint.credentials));
  const form = formBody(params);
  return formWireRequest({
    url: endpoint.url,
    httpMethod: transport.httpMethod ?? 'POST',
    form,
    timestampMs: input.nowMs,
    operation,
    params,
  });
}

/**
 * The report's copy of a prepared call (ProtocolAdapter.record). No timestamp, no nonce: a
 * client_secret replays forever, so it is shown only for the public test credentials, else `***`.
 */
export function recordYoho(wire: WireRequest, endpoint: Endpoint): RecordedCall {
  const redact = !isYohoTestCredentials(yohoCredentials(endpoint.credentials));
  const shown = Object.fromEntries(Object.entries(wire.params).map(([k, v]) => [k, redact && k === 'client_secret' ? '***' : v]));
  return {
    request: { httpMethod: wire.method, url: endpoint.url, operation: wire.operation, params: shown },
    curl: yohoCurl(wire.method, endpoint.url, shown),
  };
}

const YOHO_BUILDER = { prepare: prepareYoho, record: recordYoho };

/** Prepares and sends one call (ProtocolAdapter.send); a transport failure is the outcome, never a throw. */
export function sendYoho(input: SendInput): Promise<Exchange> {
  return sendPrepared(YOHO_BUILDER, input);
}

/** A curl command reproducing the request (a redacted `client_secret` is `***`: re-sign it to replay). */
export function yohoCurl(httpMethod: string, url: string, params: Readonly<Record<string, string>>): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const parts = Object.entries(params).map(([k, v]) => ` --data-urlencode ${q(`${k}=${v}`)}`);
  return `${httpMethod === 'GET' ? `curl -sS -G ${q(url)}` : `curl -sS -X POST ${q(url)}`}${parts.join('')}`;
}
