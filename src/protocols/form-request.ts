import type { WireRequest } from './types.js';

const POST_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
  accept: 'application/json',
});
const GET_HEADERS: Readonly<Record<string, string>> = Object.freeze({ accept: 'application/json' });

/**
 * The wire form of a call that sends flat parameters as a form (JOS, the Yoho gateway): POST with the
 * URL-encoded form as the body, or GET with it appended to the URL's query.
 */
export function formRequest(req: {
  readonly url: string;
  readonly httpMethod: 'GET' | 'POST';
  /** The URL-encoded parameters. */
  readonly form: string;
}): Pick<WireRequest, 'method' | 'url' | 'headers' | 'body'> {
  if (req.httpMethod === 'POST') return { method: 'POST', url: req.url, headers: POST_HEADERS, body: req.form };
  return { method: 'GET', url: `${req.url}${req.url.includes('?') ? '&' : '?'}${req.form}`, headers: GET_HEADERS };
}

/**
 * The whole prepared request of a form call: formRequest's method, URL, headers and body, and what the
 * adapter adds. Written out as one of two object literals, never `{ ...formRequest(…), timestampMs, … }`:
 * in V8 (Node 20) an object spread and then extended gets a hidden class of its own, a map and its
 * descriptors per request, freed only by a full GC; a load run prepares every request here, and those
 * were most of what survived its young generation's scavenges.
 */
export function formWireRequest(req: {
  readonly url: string;
  readonly httpMethod: 'GET' | 'POST';
  /** The URL-encoded parameters. */
  readonly form: string;
  readonly timestampMs: number;
  readonly operation: string;
  readonly params: Readonly<Record<string, string>>;
}): WireRequest {
  const { method, url, headers, body } = formRequest(req);
  const { timestampMs, operation, params } = req;
  return body === undefined
    ? { method, url, headers, timestampMs, operation, params }
    : { method, url, headers, body, timestampMs, operation, params };
}

/** Characters the form serializer leaves as they are: a value made of these alone is its own encoding. */
const FORM_SAFE = /^[\w.*-]*$/;
/** What encodeURIComponent writes differently from the form serializer: `%20` (a `+` there) and `!'()~` (escaped there). */
const URI_NOT_FORM = /%20|[!'()~]/g;
const FORM_OF: Readonly<Record<string, string>> = { '%20': '+', '!': '%21', "'": '%27', '(': '%28', ')': '%29', '~': '%7E' };

/**
 * One name or value as `application/x-www-form-urlencoded` writes it (URLSearchParams' serializer,
 * byte for byte: UTF-8, `*-._` and alphanumerics kept, a space as `+`, the rest `%XX`). Most parameters
 * (keys, ids, hex signatures) need nothing, and the rest go through encodeURIComponent's native pass:
 * a signed request is built for every send of a load run, and a URLSearchParams per request was its
 * largest allocation.
 */
export function formEncode(text: string): string {
  if (FORM_SAFE.test(text)) return text;
  let uri: string;
  try {
    uri = encodeURIComponent(text);
  } catch {
    // A lone surrogate: the serializer writes U+FFFD in its place, encodeURIComponent throws.
    return new URLSearchParams([['', text]]).toString().slice(1);
  }
  return uri.replace(URI_NOT_FORM, (s) => FORM_OF[s] ?? s);
}

/** The form body of `params` in their own order, as `new URLSearchParams(params).toString()` writes it. */
export function formBody(params: Readonly<Record<string, string>>): string {
  let out = '';
  for (const key in params) {
    if (!Object.hasOwn(params, key)) continue;
    if (out.length > 0) out += '&';
    out += `${formEncode(key)}=${formEncode(String(params[key]))}`;
  }
  return out;
}
