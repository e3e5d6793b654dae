import { buildJosParams, resign, toFormBody } from './client.js';
import { isTestCredentials, type JosCredentials } from './credentials.js';
import { josSign } from './sign.js';
import { formatJosTimestamp, formatJosTimestampWithOffset } from './timestamp.js';
import type { Transport } from '../../scenario/types.js';
import { formWireRequest } from '../form-request.js';
import { skewedTimestamp } from '../clock-skew.js';
import { sendPrepared } from '../send-prepared.js';
import { isSignatureVariant, signatureVariant } from '../signature-variant.js';
import type { Endpoint, Exchange, PrepareInput, RecordedCall, SendInput, WireRequest } from '../types.js';

export { skewedTimestamp } from '../clock-skew.js';

const PARAM_JSON = '360buy_param_json';
const REDACTED = new Set(['access_token', 'sign']);

/** The JOS credentials of an endpoint (a target config's `credentials.jos`). */
export function josCredentials(endpoint: Endpoint): JosCredentials {
  const c = endpoint.credentials;
  return { appKey: c['appKey'] ?? '', appSecret: c['appSecret'] ?? '', accessToken: c['accessToken'] ?? '' };
}

/**
 * Builds one JOS request (ProtocolAdapter.prepare): signed byte-exact, with the deliberate deviations a
 * step asks for (missing or altered system parameters, a wrong or stale signature, a skewed timestamp).
 * `skewS` (the protocol's window) sets which way a skewed timestamp is rounded. Pure: the time is `nowMs`.
 */
export function prepareJos(input: PrepareInput, skewS: number): WireRequest {
  const { endpoint, operation: method, app, transport } = input;
  const creds = josCredentials(endpoint);
  const timestampMs = skewedTimestamp(input.nowMs + input.clockOffsetMs, transport.clockOffsetS ?? 0, skewS);
  const timestampText = timestampIn(transport.timestampForm ?? 'plain', timestampMs);
  const paramJson = transport.rawParamJson ?? JSON.stringify(app);
  const secret = transport.secret === 'wrong' ? `${creds.appSecret}-wrong` : creds.appSecret;
  const signMethod = transport.signMethod ?? 'md5';

  let params = buildJosParams({
    method,
    app: transport.signature === 'stale' ? '' : paramJson,
    credentials: { appKey: creds.appKey, appSecret: secret, accessToken: creds.accessToken },
    timestampText,
    signMethod,
  });
  // Without a key list per call: a load run prepares every request through here.
  const needsResign = (transport.omit?.length ?? 0) > 0 || hasKeys(transport.set);
  if (needsResign) {
    const next: Record<string, string> = { ...params, ...(transport.set ?? {}) };
    for (const k of transport.omit ?? []) delete next[k];
    params = resign(next, secret, signMethod);
  }
  switch (transport.signature) {
    case 'stale':
      // Signed without the application parameters, which are added afterwards: a request altered after signing.
      params = { ...params, [PARAM_JSON]: paramJson };
      break;
    case 'wrong':
      params = { ...params, sign: josSign({ ...params, method: `${method}.other` }, secret, signMethod) };
      break;
    case 'omit': {
      const { sign: _sign, ...rest } = params;
      params = rest;
      break;
    }
    default:
      // A near miss of the right signature (signature-variant.ts); `upper-case` is the JOS signature itself.
      if (isSignatureVariant(transport.signature) && params['sign'] !== undefined)
        params = { ...params, sign: signatureVariant(params['sign'], transport.signature) };
      break;
  }
  if (transport.omit?.includes('sign') === true && params['sign'] !== undefined) {
    const { sign: _sign, ...rest } = params;
    params = rest;
  }
  const httpMethod = transport.httpMethod ?? 'POST';
  return formWireRequest({ url: endpoint.url, httpMethod, form: toFormBody(params), timestampMs, operation: method, params });
}

/**
 * The report's copy of a prepared JOS request (ProtocolAdapter.record). The documented test
 * credentials are public: token and signature are shown, so the curl line runs as it is; any others
 * are `***`. The app secret is never in a request.
 */
export function recordJos(wire: WireRequest, endpoint: Endpoint): RecordedCall {
  const redact = !isTestCredentials(josCredentials(endpoint));
  const shown = Object.fromEntries(Object.entries(wire.params).map(([k, v]) => [k, redact && REDACTED.has(k) ? '***' : v]));
  return {
    request: { httpMethod: wire.method, url: endpoint.url, operation: wire.operation, params: shown },
    curl: curlLine(wire.method, endpoint.url, shown),
  };
}

/** Prepares and sends one JOS request (the adapter's `send`, with the window `skewS`). */
export function sendJos(input: SendInput, skewS: number): Promise<Exchange> {
  return sendPrepared({ prepare: (i) => prepareJos(i, skewS), record: recordJos }, input);
}

/** Whether `record` has an own enumerable key (undefined has none). */
function hasKeys(record: Readonly<Record<string, unknown>> | undefined): boolean {
  if (record === undefined) return false;
  for (const key in record) if (Object.hasOwn(record, key)) return true;
  return false;
}

/** The instant in the form a step asks for; iso, epoch and slashes are malformed for JOS (JOS-02). */
function timestampIn(form: NonNullable<Transport['timestampForm']>, ms: number): string {
  const plain = formatJosTimestamp(ms);
  switch (form) {
    case 'plain':
      return plain;
    case 'millis':
      return String(ms);
    case 'offset':
      return formatJosTimestampWithOffset(ms);
    case 'iso':
      return plain.replace(' ', 'T');
    case 'epoch':
    case 'seconds':
      return String(Math.floor(ms / 1000));
    case 'slashes':
      return plain.replace(/-/g, '/');
  }
}

/** A curl command reproducing the request; a redacted (`***`) token and signature must be filled in by the user. */
export function curlLine(httpMethod: string, url: string, params: Readonly<Record<string, string>>): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const parts = Object.entries(params).map(([k, v]) => `--data-urlencode ${q(`${k}=${v}`)}`);
  return httpMethod === 'GET' ? `curl -sS -G ${q(url)} ${parts.join(' ')}` : `curl -sS -X POST ${q(url)} ${parts.join(' ')}`;
}
