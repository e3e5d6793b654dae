/** One HTTP exchange with a target, bounded in time and size; a failure is data, never a throw. */

/** The HTTP methods a request may use (the built-in protocols send GET and POST; a binding may declare any). */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  readonly method: HttpMethod;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
  /** Larger answers are cut off and reported (a hostile target must not exhaust memory). */
  readonly maxBodyBytes: number;
  readonly signal?: AbortSignal;
}

export type HttpOutcome =
  | {
      readonly ok: true;
      readonly status: number;
      readonly contentType: string;
      readonly date: string | undefined;
      /** The `Location` header of a redirect (redirects are not followed). */
      readonly location?: string;
      readonly body: string;
      /** True when the body exceeded maxBodyBytes and was cut. */
      readonly truncated: boolean;
      readonly elapsedMs: number;
      readonly sentAtMs: number;
    }
  | {
      readonly ok: false;
      readonly reason: string;
      readonly kind: 'timeout' | 'network' | 'aborted';
      /**
       * A network failure that proves the request never reached the target (connection refused, DNS,
       * connecting timed out, no route, TLS handshake, a port fetch blocks): the call was not made. A
       * reset or a connection closed mid-exchange may come after the target acted on the request, so
       * such a failure (and a timeout) leaves the outcome unknown.
       */
      readonly unsent?: boolean;
      readonly elapsedMs: number;
      readonly sentAtMs: number;
    };

export async function httpExchange(req: HttpRequest): Promise<HttpOutcome> {
  const sentAtMs = Date.now();
  const started = performance.now();
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([timeout, req.signal]) : timeout;
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal, redirect: 'manual' });
    const reader = res.body?.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    let truncated = false;
    if (reader) {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (size + value.byteLength > req.maxBodyBytes) {
          chunks.push(value.subarray(0, req.maxBodyBytes - size));
          size = req.maxBodyBytes;
          truncated = true;
          await reader.cancel().catch(() => undefined);
          break;
        }
        chunks.push(value);
        size += value.byteLength;
      }
    }
    const location = res.headers.get('location');
    return {
      ok: true,
      status: res.status,
      contentType: res.headers.get('content-type') ?? '',
      date: res.headers.get('date') ?? undefined,
      ...(location !== null ? { location } : {}),
      body: Buffer.concat(chunks).toString('utf8'),
      truncated,
      elapsedMs: elapsed(),
      sentAtMs,
    };
  } catch (e) {
    if (timeout.aborted)
      return {
        ok: false,
        kind: 'timeout',
        reason: `no complete answer within ${req.timeoutMs} ms from ${hostOf(req.url)} (timeout)`,
        elapsedMs: elapsed(),
        sentAtMs,
      };
    if (req.signal?.aborted) return { ok: false, kind: 'aborted', reason: 'run stopped', elapsedMs: elapsed(), sentAtMs };
    const ms = elapsed();
    return { ok: false, kind: 'network', reason: describeNetworkError(e, req.url, ms), unsent: nothingSent(e), elapsedMs: ms, sentAtMs };
  }
}

/** `host:port` of a URL, the port spelt out even when it is the scheme's default. */
export function hostOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return url;
  }
}

/**
 * One line for a failed fetch: the cause in words, the address, the error code and how long it tried,
 * e.g. `connection refused by 127.0.0.1:8620 (ECONNREFUSED) after 2 ms`. fetch itself only says
 * "fetch failed"; the reason is in `cause` (undici's, or the socket's).
 */
export function describeNetworkError(e: unknown, url: string, elapsedMs: number): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string; address?: string; hostname?: string } };
  const cause = err.cause;
  const code = cause?.code;
  const host = hostOf(url);
  const resolved = cause?.address !== undefined && cause.address !== safeHostname(url) ? ` (${cause.address})` : '';
  const after = `after ${elapsedMs} ms`;
  const shortMessage = (m: string | undefined) => {
    if (!m) return '';
    // OpenSSL's messages carry a routine trail and a source path: keep only the reason.
    const ssl = /SSL routines:[^:]*:([^:]+)/.exec(m);
    const text = ssl?.[1] ?? m.split('\n')[0] ?? '';
    return text.length > 0 && text.length <= 120 ? `: ${text.trim()}` : '';
  };
  if (code === undefined) {
    // The Fetch standard blocks some ports outright (1, 21, 25, 6000 …): nothing was sent.
    if (cause?.message === 'bad port')
      return `port ${new URL(url).port} of ${host} is blocked by fetch (a "bad port" of the Fetch standard): use another port`;
    return `${err.message ?? String(e)}${cause?.message ? `: ${cause.message}` : ''} (${host}) ${after}`;
  }
  if (code === 'ECONNREFUSED') return `connection refused by ${host}${resolved} (${code}) ${after}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL' || code === 'EAI_NONAME')
    return `DNS lookup of ${cause?.hostname ?? safeHostname(url)} failed (${code}) ${after}`;
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') return `connecting to ${host}${resolved} timed out (${code}) ${after}`;
  if (code === 'ECONNRESET') return `connection reset by ${host}${resolved} (${code}) ${after}`;
  if (code === 'UND_ERR_SOCKET')
    return `connection closed by ${host}${resolved} before a complete answer (${code}${shortMessage(cause?.message)}) ${after}`;
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `no route to ${host}${resolved} (${code}) ${after}`;
  if (/^(CERT_|ERR_TLS_|ERR_SSL_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/.test(code) || /^HOSTNAME_MISMATCH$/.test(code)) {
    return `TLS error with ${host}${resolved} (${code}${shortMessage(cause?.message)}) ${after}`;
  }
  return `${code}${shortMessage(cause?.message)} (${host}${resolved}) ${after}`;
}

const UNSENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** Whether a failed fetch's cause proves that nothing reached the target (see `unsent`). */
export function nothingSent(e: unknown): boolean {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code;
  if (code === undefined) return cause?.message === 'bad port';
  return (
    UNSENT_CODES.has(code) || /^(CERT_|ERR_TLS_|ERR_SSL_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/.test(code) || code === 'HOSTNAME_MISMATCH'
  );
}

function safeHostname(url: string): string {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return url;
  }
}
