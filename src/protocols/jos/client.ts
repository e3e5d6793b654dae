import { formBody } from '../form-request.js';
import { josSign, type JosSignMethod } from './sign.js';
import { formatJosTimestamp } from './timestamp.js';

export interface JosClientCredentials {
  readonly appKey: string;
  readonly appSecret: string;
  /** Omitted from the request (and the signature) when empty, as the SDKs do. */
  readonly accessToken?: string;
}

export interface JosRequestInput {
  readonly method: string;
  /** Application parameters, serialised as 360buy_param_json; a string is sent as it is (byte-exact). */
  readonly app?: Readonly<Record<string, unknown>> | string;
  readonly credentials: JosClientCredentials;
  /** Epoch ms of the timestamp; now by default. */
  readonly timestampMs?: number;
  /** A literal timestamp text, overriding timestampMs (for malformed-timestamp cases). */
  readonly timestampText?: string;
  readonly signMethod?: JosSignMethod;
  /** `json` unless null (the old Java SDK sends no format). */
  readonly format?: string | null;
  /** `2.0` unless given; null leaves it out. */
  readonly v?: string | null;
}

/**
 * Every parameter of a signed JOS request, `sign` included. The JSON of the application parameters is
 * produced once and signed byte-exact as it will be sent (PROTOCOLS.md §1c).
 */
export function buildJosParams(input: JosRequestInput): Record<string, string> {
  const params: Record<string, string> = {
    method: input.method,
    app_key: input.credentials.appKey,
    timestamp: input.timestampText ?? formatJosTimestamp(input.timestampMs ?? Date.now()),
  };
  if (input.credentials.accessToken) params['access_token'] = input.credentials.accessToken;
  if (input.format !== null) params['format'] = input.format ?? 'json';
  if (input.v !== null) params['v'] = input.v ?? '2.0';
  if (input.signMethod && input.signMethod !== 'md5') params['sign_method'] = input.signMethod;
  const app = input.app ?? {};
  params['360buy_param_json'] = typeof app === 'string' ? app : JSON.stringify(app);
  params['sign'] = josSign(params, input.credentials.appSecret, input.signMethod ?? 'md5');
  return params;
}

/** Re-signs after a deliberate change (a removed or altered parameter), for negative cases that must still be signed. */
export function resign(params: Readonly<Record<string, string>>, secret: string, method: JosSignMethod = 'md5'): Record<string, string> {
  const out: Record<string, string> = { ...params };
  delete out['sign'];
  out['sign'] = josSign(out, secret, method);
  return out;
}

/** application/x-www-form-urlencoded body of the parameters (URLSearchParams' bytes, without one per request). */
export function toFormBody(params: Readonly<Record<string, string>>): string {
  return formBody(params);
}
