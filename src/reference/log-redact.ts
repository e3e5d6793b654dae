import type { FastifyServerOptions } from 'fastify';
import pino from 'pino';
import type { JosCredentials } from '../protocols/jos/credentials.js';

/** What replaces a redacted value in a log line. */
export const REDACTED = '***';

/** Parameters whose values are credentials (or derived from one) and never reach a log: JOS's, and Yoho's client_secret, a request signature no timestamp or nonce limits (it replays forever). */
export const SECRET_PARAMS: readonly string[] = ['access_token', 'sign', 'app_secret', 'client_secret'];

/** Where log lines go: anything with `write(line)`; stdout by default. */
export interface LogDestination {
  write(line: string): unknown;
}

/** The secret values to scrub: the app secret and the access token (empty strings are ignored). */
export function secretValues(credentials: JosCredentials): string[] {
  return [credentials.appSecret, credentials.accessToken].filter((s) => s.length > 0);
}

/**
 * A URL (path plus query) with the value of every secret parameter, and of any parameter whose value
 * is a secret, replaced by `***`. The rest of the query is kept as sent.
 */
export function redactUrl(url: string, secrets: readonly string[]): string {
  const q = url.indexOf('?');
  if (q < 0) return redactText(url, secrets);
  const path = url.slice(0, q);
  const query = url.slice(q + 1);
  const parts = query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    if (eq < 0) return pair;
    const rawKey = pair.slice(0, eq);
    const rawValue = pair.slice(eq + 1);
    const key = safeDecode(rawKey);
    const value = safeDecode(rawValue);
    if (SECRET_PARAMS.includes(key) || secrets.some((s) => value === s || value.includes(s))) return `${rawKey}=${REDACTED}`;
    return pair;
  });
  return redactText(`${path}?${parts.join('&')}`, secrets);
}

/**
 * Any text (a message, an error's stack, a whole serialized log line) with secret parameters in
 * query-string form (`sign=…`, `access_token=…`) and the secret values themselves (raw, URL-encoded or
 * JSON-escaped) replaced by `***`.
 */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text.replace(SECRET_PAIR, (_m, lead: string, key: string) => `${lead}${key}=${REDACTED}`);
  for (const s of secrets) {
    for (const form of new Set([s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)])) {
      if (form.length > 0) out = out.split(form).join(REDACTED);
    }
  }
  return out;
}

const SECRET_PAIR = new RegExp(`(^|[?&\\s"'\\\\;,(])(${SECRET_PARAMS.join('|')})=[^&\\s"'\\\\;,)]*`, 'g');

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/**
 * The fastify `logger` options of the reference: pino with serializers that redact the request URL
 * and error messages, `redact` paths for the parameters logged per request, and a last scrub of every
 * serialized line (`hooks.streamWrite`) so that no secret reaches the destination even through a
 * message fastify composes itself (e.g. "Route GET:/x?sign=… not found").
 */
export function referenceLoggerOptions(
  credentials: JosCredentials,
  stream?: LogDestination,
): NonNullable<Exclude<FastifyServerOptions['logger'], boolean>> {
  const secrets = secretValues(credentials);
  const censorPaths = SECRET_PARAMS.flatMap((k) => [`jos.${k}`, `req.query.${k}`, `req.body.${k}`, `query.${k}`, `body.${k}`]);
  return {
    level: 'info',
    ...(stream ? { stream: stream as pino.DestinationStream } : {}),
    redact: { paths: [...censorPaths, 'req.headers.authorization', 'req.headers.cookie'], censor: REDACTED },
    serializers: {
      req(req: { method?: string; url?: string; host?: string; ip?: string; socket?: { remotePort?: number } }) {
        return {
          method: req.method,
          url: req.url === undefined ? undefined : redactUrl(req.url, secrets),
          host: req.host,
          remoteAddress: req.ip,
          remotePort: req.socket?.remotePort,
        };
      },
      err(err: Error) {
        const out = pino.stdSerializers.err(err);
        return { ...out, message: redactText(String(out.message), secrets), stack: redactText(String(out.stack), secrets) };
      },
    },
    hooks: {
      streamWrite: (line: string) => redactText(line, secrets),
    },
  };
}
