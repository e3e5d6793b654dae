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

/** The string an HMAC signature covers: the declared parts in order, joined by the separator. */
export function hmacString(parts: readonly HmacPart[], separator: string, req: SignedParts, timestamp: string, nonce: string): string {
  const value: Record<HmacPart, string> = { ...req, method: req.method.toUpperCase(), timestamp, nonce };
  return parts.map((p) => value[p]).join(separator);
}

/** The headers `auth` adds to `req`, signed at `nowMs` with `nonce`. */
export function authHeaders(auth: AuthRule, req: SignedParts, credentials: Scope, nowMs: number, nonce: string, ids: IdMap): AuthHeaders {
  const text = (node: Parameters<typeof evaluate>[0]) => {
    const v = evaluate(node, { credentials }, ids);
    return typeof v === 'string' ? v : '';
  };
  switch (auth.kind) {
    case 'none':
      return { headers: {}, secretHeaders: [] };
    case 'bearer':
      return { headers: { authorization: `Bearer ${text(auth.token)}` }, secretHeaders: ['authorization'] };
    case 'api-key':
      return { headers: { [auth.header]: text(auth.value) }, secretHeaders: [auth.header] };
    case 'hmac-sha256': {
      const timestamp = auth.timestampUnit === 'ms' ? String(Math.floor(nowMs)) : String(Math.floor(nowMs / 1000));
      const signed = hmacString(auth.parts, auth.separator, req, timestamp, nonce);
      const signature = createHmac('sha256', text(auth.secret)).update(signed, 'utf8').digest(auth.encoding);
      return {
        headers: {
          [auth.header]: `${auth.prefix}${signature}`,
          [auth.timestampHeader]: timestamp,
          ...(auth.nonceHeader !== undefined ? { [auth.nonceHeader]: nonce } : {}),
        },
        secretHeaders: [auth.header],
      };
    }
  }
}
