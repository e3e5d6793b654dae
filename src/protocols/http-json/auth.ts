/**
 * The authentication a binding declares, added to a built request: none, a bearer token, an API key
 * header, or an HMAC-SHA256 signature header over declared parts of the request. Pure: the time and
 * the nonce come from PrepareInput.
 */
import { createHmac } from 'node:crypto';
import type { AuthRule, HmacPart } from './binding.js';
import { evaluate, type Scope } from './evaluate.js';
import type { IdMap } from './id-map.js';

/** The parts of a request a signature may cover, as sent. */
export interface SignedParts {
  readonly method: string;
  /** The path alone, no query. */
  readonly path: string;
  /** The query string as sent, without `?` (`` when none). */
  readonly query: string;
  /** The body as sent (`` when none). */
  readonly body: string;
}

/** What the auth adds to the headers (lower-case names), and the header values that are secrets (for `record`). */
export interface AuthHeaders {
  readonly headers: Readonly<Record<string, string>>;
  /** Header names whose value is a secret or a signature: a report shows `***`. */
  readonly secretHeaders: readonly string[];
}

/**
 * A deliberate authorisation fault a check asks for (the coupon suite's CPN-06 cases), in the binding's
 * own terms: `wrong-signature` (bearer, api-key: a wrong token or key; hmac: a signature that is not the
 * request's), `omitted` (no Authorization, key or signature header), `wrong-secret` (bearer, api-key: a
 * wrong token or key; hmac: the request signed with a wrong secret).
 */
export type AuthDeviation = 'wrong-signature' | 'omitted' | 'wrong-secret';

/** A credential no service was given: sent in place of the right one (never derived from it, so never a secret). */
export const WRONG_CREDENTIAL = 'promoproof-wrong-credential-0000';

/** The string an HMAC signature covers: the declared parts in order, joined by the separator. */
export function hmacString(parts: readonly HmacPart[], separator: string, req: SignedParts, timestamp: string, nonce: string): string {
  const value: Record<HmacPart, string> = { ...req, method: req.method.toUpperCase(), timestamp, nonce };
  return parts.map((p) => value[p]).join(separator);
}

/** The headers `auth` adds to `req`, signed at `nowMs` with `nonce`; with `deviation`, that fault instead of the right credential. */
export function authHeaders(
  auth: AuthRule,
  req: SignedParts,
  credentials: Scope,
  nowMs: number,
  nonce: string,
  ids: IdMap,
  deviation?: AuthDeviation,
): AuthHeaders {
  const text = (node: Parameters<typeof evaluate>[0]) => {
    const v = evaluate(node, { credentials }, ids);
    return typeof v === 'string' ? v : '';
  };
  // A token or key has no signature of its own: a wrong signature and a wrong secret are both a wrong credential.
  const credential = (node: Parameters<typeof evaluate>[0]) => (deviation === undefined ? text(node) : wrongOf(text(node)));
  switch (auth.kind) {
    case 'none':
      return { headers: {}, secretHeaders: [] };
    case 'bearer':
      return {
        headers: deviation === 'omitted' ? {} : { authorization: `Bearer ${credential(auth.token)}` },
        secretHeaders: ['authorization'],
      };
    case 'api-key':
      return { headers: deviation === 'omitted' ? {} : { [auth.header]: credential(auth.value) }, secretHeaders: [auth.header] };
    case 'hmac-sha256': {
      const timestamp = auth.timestampUnit === 'ms' ? String(Math.floor(nowMs)) : String(Math.floor(nowMs / 1000));
      const signed = hmacString(auth.parts, auth.separator, req, timestamp, nonce);
      const secret = deviation === 'wrong-secret' ? wrongOf(text(auth.secret)) : text(auth.secret);
      const digest = createHmac('sha256', secret).update(signed, 'utf8').digest();
      // A wrong signature: the right one with its first byte inverted (right length and encoding, not the request's).
      if (deviation === 'wrong-signature') digest[0] = (digest[0] ?? 0) ^ 0xff;
      const signature = digest.toString(auth.encoding);
      return {
        headers: {
          ...(deviation === 'omitted' ? {} : { [auth.header]: `${auth.prefix}${signature}` }),
          [auth.timestampHeader]: timestamp,
          ...(auth.nonceHeader !== undefined ? { [auth.nonceHeader]: nonce } : {}),
        },
        secretHeaders: [auth.header],
      };
    }
  }
}

/** A credential that is not `right` (in the unlikely case the right one is WRONG_CREDENTIAL itself, another). */
function wrongOf(right: string): string {
  return right === WRONG_CREDENTIAL ? `${WRONG_CREDENTIAL}-1` : WRONG_CREDENTIAL;
}
