/**
 * Builds and sends one data-api call (PROTOCOLS.md §2): `POST <origin><pathPrefix>/<operation>` with
 * the five query parameters and a JSON body, with the deliberate deviations a step asks for.
 */
import { randomBytes } from 'node:crypto';
import { httpExchange } from '../../engine/http.js';
import { skewedTimestamp } from '../clock-skew.js';
import { isSignatureVariant, signatureVariant } from '../signature-variant.js';
import type { Exchange, SendInput } from '../types.js';
import { isTencentTestCredentials } from './credentials.js';
import { TENCENT_SIGN_ALGORITHM, tencentSign } from './sign.js';
import { formatTencentTimestamp } from './timestamp.js';

/** The credentials of an endpoint (a target config's `apis.<api>.credentials`). */
export function tencentCredentials(c: Readonly<Record<string, string>>): { appId: string; appSecret: string } {
  return { appId: c['appId'] ?? '', appSecret: c['appSecret'] ?? '' };
}

/**
 * Signs and sends one call. `transport`: `set` replaces query values before signing (the signature
 * covers them), `alter` after signing (it no longer does), `omit` leaves parameters out after signing,
 * `signature: wrong` signs other bytes, `omit` sends none, `last-digit-changed`, `truncated` and
 * `upper-case` send a near miss of the right one (signature-variant.ts); `secret: wrong` signs with another secret;
 * `clockOffsetS` and `timestampForm` (`seconds` by default, `millis`) place the timestamp; `rawBody`
 * and `contentType` replace the body. The body is never signed (PROTOCOLS.md §2b), so `signature:
 * stale` (what is sent changed after signing) is an ordinary request here.
 */
export async function sendTencent(input: SendInput, opts: { readonly pathPrefix: string; readonly skewS: number }): Promise<Exchange> {
  const { endpoint, operation, app, transport } = input;
  const creds = tencentCredentials(endpoint.credentials);
  const secret = transport.secret === 'wrong' ? `${creds.appSecret}-wrong` : creds.appSecret;
  const timestampMs = skewedTimestamp(Date.now() + input.clockOffsetMs, transport.clockOffsetS ?? 0, opts.skewS);
  const set = transport.set ?? {};
  const signed = {
    app_id: set['app_id'] ?? creds.appId,
    nonce: set['nonce'] ?? randomBytes(16).toString('hex'),
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

  const base = endpoint.url.replace(/\/+$/, '');
  const path = `${opts.pathPrefix}/${operation}`;
  const url = `${base}${path}?${new URLSearchParams(query).toString()}`;
  const body = transport.rawBody ?? JSON.stringify(app);
  const httpMethod = transport.httpMethod ?? 'POST';
  const contentType = transport.contentType ?? 'application/json';
  const outcome = await httpExchange({
    method: httpMethod,
    url,
    headers: httpMethod === 'POST' ? { 'content-type': contentType, accept: 'application/json' } : { accept: 'application/json' },
    body: httpMethod === 'POST' ? body : undefined,
    timeoutMs: input.timeoutMs,
    maxBodyBytes: input.maxBodyBytes,
    signal: input.signal,
  });
  // The documented test credentials are public: show the signature, so the curl line runs as it is (within the window, once per nonce).
  const redact = !isTencentTestCredentials(creds);
  const shown = Object.fromEntries(Object.entries(query).map(([k, v]) => [k, redact && k === 'signature' ? '***' : v]));
  const shownUrl = `${base}${path}?${new URLSearchParams(shown).toString()}`;
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const curl =
    httpMethod === 'POST'
      ? `curl -sS -X POST ${q(shownUrl)} -H ${q(`content-type: ${contentType}`)} --data-binary ${q(body)}`
      : `curl -sS ${q(shownUrl)}`;
  return {
    request: { httpMethod, url: `${base}${path}`, operation, params: shown, ...(httpMethod === 'POST' ? { body: cutBody(body) } : {}) },
    curl,
    outcome,
    timestampMs,
  };
}

const BODY_SHOWN = 4096;

function cutBody(body: string): string {
  return body.length > BODY_SHOWN ? `${body.slice(0, BODY_SHOWN)}…` : body;
}
