/**
 * Builds and sends one data-api call (PROTOCOLS.md §2): `POST <origin><pathPrefix>/<operation>` with
 * the five query parameters and a JSON body, with the deliberate deviations a step asks for.
 */
import { skewedTimestamp } from '../clock-skew.js';
import { sendPrepared } from '../send-prepared.js';
import { isSignatureVariant, signatureVariant } from '../signature-variant.js';
import type { Endpoint, Exchange, PrepareInput, RecordedCall, SendInput, WireRequest } from '../types.js';
import { isTencentTestCredentials } from './credentials.js';
import { TENCENT_SIGN_ALGORITHM, tencentSign } from './sign.js';
import { formatTencentTimestamp } from './timestamp.js';

/** The credentials of an endpoint (a target config's `apis.<api>.credentials`). */
export function tencentCredentials(c: Readonly<Record<string, string>>): { appId: string; appSecret: string } {
  return { appId: c['appId'] ?? '', appSecret: c['appSecret'] ?? '' };
}

/** Where the protocol spec puts the operations, and its window (which way a skewed timestamp is rounded). */
export interface TencentSendOptions {
  readonly pathPrefix: string;
  readonly skewS: number;
}

/**
 * Builds one call (ProtocolAdapter.prepare). `transport`: `set` replaces query values before signing
 * (the signature covers them), `alter` after signing (it no longer does), `omit` leaves parameters out
 * after signing, `signature: wrong` signs other bytes, `omit` sends none, `last-digit-changed`,
 * `truncated` and `upper-case` send a near miss of the right one (signature-variant.ts); `secret: wrong`
 * signs with another secret; `clockOffsetS` and `timestampForm` (`seconds` by default, `millis`) place
 * the timestamp; `rawBody` and `contentType` replace the body. The body is never signed (PROTOCOLS.md
 * §2b), so `signature: stale` (what is sent changed after signing) is an ordinary request here. Pure:
 * the time is `nowMs`, the nonce `input.nonce` unless `set` gives one.
 */
export function prepareTencent(input: PrepareInput, opts: TencentSendOptions): WireRequest {
  const { endpoint, operation, app, transport } = input;
  const creds = tencentCredentials(endpoint.credentials);
  const secret = transport.secret === 'wrong' ? `${creds.appSecret}-wrong` : creds.appSecret;
  const timestampMs = skewedTimestamp(input.nowMs + input.clockOffsetMs, transport.clockOffsetS ?? 0, opts.skewS);
  const set = transport.set ?? {};
  const signed = {
    app_id: set['app_id'] ?? creds.appId,
    nonce: set['nonce'] ?? input.nonce,
    sign: set['sign'] ?? TENCENT_SIGN_ALGORITHM,
    timestamp: set['timestamp'] ?? (transport.timestampForm === 'millis' ? String(timestampMs) : formatTencentTimestamp(timestampMs)),
  };
  const fields: Record<string, string> = { ...set, ...signed };
  let signature = tencentSign(signed, secret);
  // Other bytes signed: the nonce with one more character.
  if (transport.signature === 'wrong') signature = tencentSign({ ...signed, nonce: `${signed.nonce}x` }, secret);
  // Near misses of the right signature: a prefix, the last digit changed, upper case.
  if (isSignatureVariant(transport.signature)) signature = signatureVariant(signature, transport.signature);
  const query: Record<string, string> = { ...fields, signature, ...(transport.alter ?? {}) };
  if (transport.signature === 'omit') delete query['signature'];
  for (const k of transport.omit ?? []) delete query[k];

  const url = `${pathUrl(endpoint, operation, opts.pathPrefix)}?${new URLSearchParams(query).toString()}`;
  const httpMethod = transport.httpMethod ?? 'POST';
  const common = { url, timestampMs, operation, params: query };
  if (httpMethod !== 'POST') return { method: httpMethod, headers: GET_HEADERS, ...common };
  const contentType = transport.contentType ?? 'application/json';
  return {
    method: 'POST',
    headers: { 'content-type': contentType, accept: 'application/json' },
    body: transport.rawBody ?? JSON.stringify(app),
    ...common,
  };
}

const GET_HEADERS: Readonly<Record<string, string>> = Object.freeze({ accept: 'application/json' });

/** `<origin><pathPrefix>/<operation>`, the origin given with or without a trailing slash. */
function pathUrl(endpoint: Endpoint, operation: string, pathPrefix: string): string {
  return `${endpoint.url.replace(/\/+$/, '')}${pathPrefix}/${operation}`;
}

/**
 * The report's copy of a prepared call (ProtocolAdapter.record). The documented test credentials are
 * public: the signature is shown, so the curl line runs as it is (within the window, once per nonce);
 * any others' signature is `***`. `pathPrefix` as prepare used it.
 */
export function recordTencent(wire: WireRequest, endpoint: Endpoint, pathPrefix: string): RecordedCall {
  const redact = !isTencentTestCredentials(tencentCredentials(endpoint.credentials));
  const shown = Object.fromEntries(Object.entries(wire.params).map(([k, v]) => [k, redact && k === 'signature' ? '***' : v]));
  const url = pathUrl(endpoint, wire.operation, pathPrefix);
  const shownUrl = `${url}?${new URLSearchParams(shown).toString()}`;
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const body = wire.body ?? '';
  const curl =
    wire.method === 'POST'
      ? `curl -sS -X POST ${q(shownUrl)} -H ${q(`content-type: ${wire.headers['content-type'] ?? ''}`)} --data-binary ${q(body)}`
      : `curl -sS ${q(shownUrl)}`;
  return {
    request: {
      httpMethod: wire.method,
      url,
      operation: wire.operation,
      params: shown,
      ...(wire.method === 'POST' ? { body: cutBody(body) } : {}),
    },
    curl,
  };
}

/** Prepares and sends one call (the adapter's `send`, with the protocol spec's path prefix and window). */
export function sendTencent(input: SendInput, opts: TencentSendOptions): Promise<Exchange> {
  return sendPrepared({ prepare: (i) => prepareTencent(i, opts), record: (w, e) => recordTencent(w, e, opts.pathPrefix) }, input);
}

const BODY_SHOWN = 4096;

function cutBody(body: string): string {
  return body.length > BODY_SHOWN ? `${body.slice(0, BODY_SHOWN)}…` : body;
}
