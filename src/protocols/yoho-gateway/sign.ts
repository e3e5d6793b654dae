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

/** The string that is hashed: the sorted `key=value` pairs, `private_key` (the key of the request's client_type) among them. */
export function yohoSignBase(params: Readonly<Record<string, string>>, keys: YohoPrivateKeys): string {
  return yohoSignBaseWithKey(params, yohoKeyOf(params, keys));
}

/** The key of the request's `client_type`, undefined when it has none or the type has no key (Object.hasOwn: `__proto__` is no client type). */
export function yohoKeyOf(params: Readonly<Record<string, string>>, keys: YohoPrivateKeys): string | undefined {
  const clientType = params['client_type'];
  return clientType !== undefined && Object.hasOwn(keys, clientType) ? keys[clientType] : undefined;
}

/**
 * The sign base with `private_key=<privateKey>` whatever `client_type` says (undefined: `null`, as
 * Java concatenates a missing key). A client holds one key and signs with it (Yoho's PHP client);
 * picking the key by `client_type` is the gateway's part.
 */
export function yohoSignBaseWithKey(params: Readonly<Record<string, string>>, privateKey: string | undefined): string {
  const entries = new Map<string, string>();
  for (const [k, v] of Object.entries(params)) if (!(YOHO_UNSIGNED as readonly string[]).includes(k)) entries.set(k, v);
  entries.set('private_key', privateKey ?? 'null');
  // TreeMap order: String.compareTo, i.e. UTF-16 code units — what JavaScript's default sort compares.
  return [...entries.keys()]
    .sort()
    .map((k) => `${k}=${entries.get(k)}`.trim())
    .join('&');
}

/** The `client_secret` of a request: lower-case hex MD5 of the sign base, as UTF-8. */
export function yohoSign(params: Readonly<Record<string, string>>, keys: YohoPrivateKeys): string {
  return yohoSignWithKey(params, yohoKeyOf(params, keys));
}

/** The `client_secret` signed with `privateKey` whatever `client_type` says (see yohoSignBaseWithKey). */
export function yohoSignWithKey(params: Readonly<Record<string, string>>, privateKey: string | undefined): string {
  return createHash('md5')
    .update(Buffer.from(yohoSignBaseWithKey(params, privateKey), 'utf8'))
    .digest('hex');
}

/** The parameters with `client_secret` set (any earlier one replaced). */
export function signYohoParams(params: Readonly<Record<string, string>>, keys: YohoPrivateKeys): Record<string, string> {
  const { client_secret: _old, ...rest } = params;
  return { ...rest, client_secret: yohoSign(rest, keys) };
}

/** Whether the request's `client_secret` is its signature, compared case-insensitively in constant time. */
export function yohoSignatureMatches(params: Readonly<Record<string, string>>, keys: YohoPrivateKeys): boolean {
  return yohoSignatureMatchesKey(params, yohoKeyOf(params, keys));
}

/** Whether `client_secret` is the signature under `privateKey` (whatever `client_type` says), case-insensitively, in constant time. */
export function yohoSignatureMatchesKey(params: Readonly<Record<string, string>>, privateKey: string | undefined): boolean {
  const given = params['client_secret'];
  if (given === undefined) return false;
  const expected = Buffer.from(yohoSignWithKey(params, privateKey), 'utf8');
  const actual = Buffer.from(given.toLowerCase(), 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
