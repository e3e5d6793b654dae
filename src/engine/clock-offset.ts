import { httpExchange } from './http.js';
import type { ClockEstimate } from './target.js';

/**
 * Estimates a target's clock from its HTTP `Date` headers. Each sample bounds the offset:
 * the server's time lay in [Date, Date + 1 s) while we were between sending and receiving, so
 * offset ∈ [Date − received, Date + 1000 − sent]. Intersecting samples spread across a second
 * narrows the interval to about the round trip plus the spacing.
 */
export async function estimateClockOffset(url: string, opts: { samples?: number; spacingMs?: number; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ClockEstimate | undefined> {
  const samples = opts.samples ?? 7;
  const spacingMs = opts.spacingMs ?? 157;
  let lo = -Infinity;
  let hi = Infinity;
  let seen = 0;
  for (let i = 0; i < samples; i++) {
    const out = await httpExchange({ method: 'GET', url, timeoutMs: opts.timeoutMs ?? 5000, maxBodyBytes: 64 * 1024, signal: opts.signal });
    if (!out.ok) return undefined;
    const receivedMs = out.sentAtMs + out.elapsedMs;
    const dateMs = out.date === undefined ? NaN : Date.parse(out.date);
    if (!Number.isNaN(dateMs)) {
      lo = Math.max(lo, dateMs - receivedMs);
      hi = Math.min(hi, dateMs + 1000 - out.sentAtMs);
      seen++;
    }
    if (i < samples - 1) await new Promise((r) => setTimeout(r, spacingMs));
  }
  if (seen === 0 || lo > hi) return undefined;
  return { offsetMs: Math.round((lo + hi) / 2), uncertaintyMs: Math.ceil((hi - lo) / 2), method: `HTTP Date header, ${seen} samples` };
}
