/** One HTTP exchange with a target, bounded in time and size; a failure is data, never a throw. */

export interface HttpRequest {
  readonly method: 'GET' | 'POST';
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
      readonly body: string;
      /** True when the body exceeded maxBodyBytes and was cut. */
      readonly truncated: boolean;
      readonly elapsedMs: number;
      readonly sentAtMs: number;
    }
  | { readonly ok: false; readonly reason: string; readonly kind: 'timeout' | 'network' | 'aborted'; readonly elapsedMs: number; readonly sentAtMs: number };

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
    return {
      ok: true,
      status: res.status,
      contentType: res.headers.get('content-type') ?? '',
      date: res.headers.get('date') ?? undefined,
      body: Buffer.concat(chunks).toString('utf8'),
      truncated,
      elapsedMs: elapsed(),
      sentAtMs,
    };
  } catch (e) {
    if (timeout.aborted) return { ok: false, kind: 'timeout', reason: `no complete answer within ${req.timeoutMs} ms`, elapsedMs: elapsed(), sentAtMs };
    if (req.signal?.aborted) return { ok: false, kind: 'aborted', reason: 'run stopped', elapsedMs: elapsed(), sentAtMs };
    return { ok: false, kind: 'network', reason: describeNetworkError(e), elapsedMs: elapsed(), sentAtMs };
  }
}

function describeNetworkError(e: unknown): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  const cause = err.cause;
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ''}`;
  return err.message ?? String(e);
}
