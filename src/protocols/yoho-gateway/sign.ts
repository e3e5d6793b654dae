/**
 * Request signing of the Yoho gateway (`yoho-gateway`), PROTOCOLS.md §3a: the `client_secret` parameter.
 *
 *     client_secret = lower-case hex( MD5( k1=v1&k2=v2&… ) )
 *
 * over every request parameter (query and form, URL-decoded) except `/api`, `client_secret`, `q` and
 * `debug_data`, plus `private_key=<the key of the request's client_type>`, keys sorted as Java's
 * TreeMap sorts them (UTF-16 code units), each `key=value` pair trimmed, joined by `&`. The key is
 * inside the sorted list, not appended. A verifier compares case-insensitively (`equalsIgnoreCase`).
 * No timestamp or nonce is signed. An unknown or missing `client_type` signs `private_key=null`, as
 * the Java gateway concatenates a null key.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** Parameters the signature never covers (SecurityInterceptor's ImmutableList). */
export const YOHO_UNSIGNED = ['/api', 'client_secret', 'q', 'debug_data'] as const;

/** A private key per `client_type` (iphone, ipad, android, h5, wechat, web, yoho …): configuration, never shipped but our test keys. */
export type YohoPrivateKeys = Readonly<Record<string, string>>;

/** The string that is hashed: the sorted `key=value` pairs, `private_key` among them. */
export function yohoSignBase(params: Readonly<Record<string, string>>, keys: YohoPrivateKeys): string {
  const entries = new Map<string, string>();
  for (const [k, v] of Object.entries(params)) if (!(YOHO_UNSIGNED as readonly string[]).includes(k)) entries.set(k, v);
  const clientType = params['client_type'];
  entries.set('private_key', (clientType !== undefined ? keys[clientType] : undefined) ?? 'null');
  // TreeMap order: String.compareTo, i.e. UTF-16 code units — what JavaScript's default sort compares.
  return [...entries.keys()]
    .sort()
    .map((k) => `${k}=${entries.get(k)}`.trim())
    .join('&');
}

/** The `client_secret` of a request: lower-case hex MD5 of the sign base, as UTF-8. */
export function yohoSign(params: Readonly<Record<string, string>>, keys: YohoPrivateKeys): string {
  return createHash('md5')
    .update(Buffer.from(yohoSignBase(params, keys), 'utf8'))
    .digest('hex');
}

/** The parameters with `client_secret` set (any earlier one replaced). */
export function signYohoParams(params: Readonly<Record<string, string>>, keys: YohoPrivateKeys): Record<string, string> {
  const { client_secret: _old, ...rest } = params;
  return { ...rest, client_secret: yohoSign(rest, keys) };
}

/** Whether the request's `client_secret` is its signature, compared case-insensitively in constant time. */
export function yohoSignatureMatches(params: Readonly<Record<string, string>>, keys: YohoPrivateKeys): boolean {
  const given = params['client_secret'];
  if (given === undefined) return false;
  const expected = Buffer.from(yohoSign(params, keys), 'utf8');
  const actual = Buffer.from(given.toLowerCase(), 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
