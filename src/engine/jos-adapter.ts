import { buildJosParams, toFormBody } from '../protocol/jos/client.js';
import { isTestCredentials } from '../reference/credentials.js';
import { josSign } from '../protocol/jos/sign.js';
import { formatJosTimestamp, formatJosTimestampWithOffset } from '../protocol/jos/timestamp.js';
import type { RecordedRequest } from '../report/types.js';
import type { Transport } from '../scenario/types.js';
import { httpExchange, type HttpOutcome } from './http.js';
import type { Target } from './target.js';

export interface JosSendOptions {
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  readonly signal?: AbortSignal;
  /** The protocol's accepted clock difference, seconds: sets which way a skewed timestamp is rounded. */
  readonly skewS: number;
}

export interface JosExchange {
  readonly request: RecordedRequest;
  readonly curl: string;
  readonly outcome: HttpOutcome;
  /** The timestamp sent, epoch ms (for clock-skew judgements). */
  readonly timestampMs: number;
}

const PARAM_JSON = '360buy_param_json';
const REDACTED = new Set(['access_token', 'sign']);

/**
 * Builds and sends one JOS request: signed byte-exact, with the deliberate deviations a step asks
 * for (missing or altered system parameters, a wrong or stale signature, a skewed timestamp).
 */
export async function sendJos(
  target: Target,
  method: string,
  app: Readonly<Record<string, unknown>>,
  transport: Transport,
  opts: JosSendOptions,
): Promise<JosExchange> {
  const clockOffset = target.clock?.offsetMs ?? 0;
  const timestampMs = skewedTimestamp(Date.now() + clockOffset, transport.clockOffsetS ?? 0, opts.skewS);
  const timestampText = timestampIn(transport.timestampForm ?? 'plain', timestampMs);
  const paramJson = transport.rawParamJson ?? JSON.stringify(app);
  const secret = transport.secret === 'wrong' ? `${target.jos.appSecret}-wrong` : target.jos.appSecret;
  const signMethod = transport.signMethod ?? 'md5';

  let params = buildJosParams({
    method,
    app: transport.signature === 'stale' ? '' : paramJson,
    credentials: { appKey: target.jos.appKey, appSecret: secret, accessToken: target.jos.accessToken },
    timestampText,
    signMethod,
  });
  const needsResign = (transport.omit?.length ?? 0) > 0 || Object.keys(transport.set ?? {}).length > 0;
  if (needsResign) {
    const next: Record<string, string> = { ...params, ...(transport.set ?? {}) };
    for (const k of transport.omit ?? []) delete next[k];
    delete next['sign'];
    next['sign'] = josSign(next, secret, signMethod);
    params = next;
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
      break;
  }
  if ((transport.omit ?? []).includes('sign') && params['sign'] !== undefined) {
    const { sign: _sign, ...rest } = params;
    params = rest;
  }

  const httpMethod = transport.httpMethod ?? 'POST';
  const form = toFormBody(params);
  const url = httpMethod === 'GET' ? `${target.url}${target.url.includes('?') ? '&' : '?'}${form}` : target.url;
  const outcome = await httpExchange({
    method: httpMethod,
    url,
    headers:
      httpMethod === 'POST'
        ? { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' }
        : { accept: 'application/json' },
    body: httpMethod === 'POST' ? form : undefined,
    timeoutMs: opts.timeoutMs,
    maxBodyBytes: opts.maxBodyBytes,
    signal: opts.signal,
  });
  // The documented test credentials are public: show token and signature, so the curl line runs as it is.
  const redact = !isTestCredentials(target.jos);
  const shown = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, redact && REDACTED.has(k) ? '***' : v]));
  return {
    request: { httpMethod, url: target.url, operation: method, params: shown },
    curl: curlLine(httpMethod, target.url, shown),
    outcome,
    timestampMs,
  };
}

/** The instant in the form a step asks for; iso, epoch and slashes are malformed for JOS (JOS-02). */
function timestampIn(form: NonNullable<Transport['timestampForm']>, ms: number): string {
  const plain = formatJosTimestamp(ms);
  switch (form) {
    case 'plain':
      return plain;
    case 'offset':
      return formatJosTimestampWithOffset(ms);
    case 'iso':
      return plain.replace(' ', 'T');
    case 'epoch':
      return String(Math.floor(ms / 1000));
    case 'slashes':
      return plain.replace(/-/g, '/');
  }
}

/**
 * The timestamp `offsetS` seconds off the target's now, in whole seconds (the plain form has no
 * milliseconds). Rounded so the realised difference never crosses toward the window's edge: a case
 * inside the window stays at most |offsetS| away, a case outside at least |offsetS| away.
 */
export function skewedTimestamp(targetNowMs: number, offsetS: number, skewS: number): number {
  const exact = targetNowMs + offsetS * 1000;
  if (offsetS === 0) return Math.round(exact / 1000) * 1000;
  const outward = Math.abs(offsetS) > skewS;
  const up = offsetS > 0 === outward;
  return (up ? Math.ceil(exact / 1000) : Math.floor(exact / 1000)) * 1000;
}

/** A curl command reproducing the request; a redacted (`***`) token and signature must be filled in by the user. */
export function curlLine(httpMethod: string, url: string, params: Readonly<Record<string, string>>): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const parts = Object.entries(params).map(([k, v]) => `--data-urlencode ${q(`${k}=${v}`)}`);
  return httpMethod === 'GET' ? `curl -sS -G ${q(url)} ${parts.join(' ')}` : `curl -sS -X POST ${q(url)} ${parts.join(' ')}`;
}
