import { LIMITS } from './defaults.js';
import { httpExchange } from './http.js';

/** The clock of a target relative to ours: its now ≈ our now + offsetMs, within ± uncertaintyMs. */
export interface ClockEstimate {
  readonly offsetMs: number;
  readonly uncertaintyMs: number;
  /** How it was obtained, for reports. */
  readonly method: string;
}

/**
 * Estimates a target's clock from its HTTP `Date` headers. Each sample bounds the offset:
 * the server's time lay in [Date, Date + 1 s) while we were between sending and receiving, so
 * offset ∈ [Date − received, Date + 1000 − sent]. Intersecting samples spread across a second
 * narrows the interval to about the round trip plus the spacing.
 */
export async function estimateClockOffset(
  url: string,
  opts: { samples?: number; spacingMs?: number; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<ClockEstimate | undefined> {
  const samples = opts.samples ?? 7;
  const spacingMs = opts.spacingMs ?? 157;
  let lo = -Infinity;
  let hi = Infinity;
  let seen = 0;
  for (let i = 0; i < samples; i++) {
    const out = await httpExchange({
      method: 'GET',
      url,
      timeoutMs: opts.timeoutMs ?? LIMITS.clockProbeTimeoutMs,
      maxBodyBytes: LIMITS.controlAnswerMaxBytes,
      signal: opts.signal,
    });
    if (!out.ok) return undefined;
    const bounds = dateOffsetBounds(out.date, out.sentAtMs, out.elapsedMs);
    if (bounds) {
      lo = Math.max(lo, bounds.lo);
      hi = Math.min(hi, bounds.hi);
      seen++;
    }
    if (i < samples - 1) await new Promise((r) => setTimeout(r, spacingMs));
  }
  if (seen === 0 || lo > hi) return undefined;
  return { offsetMs: Math.round((lo + hi) / 2), uncertaintyMs: Math.ceil((hi - lo) / 2), method: `HTTP Date header, ${seen} samples` };
}

/**
 * What one answer's `Date` header says of the offset (target now − our now, ms): its time lay in
 * [Date, Date + 1 s) while we were between sending and receiving. Undefined without a readable Date.
 */
export function dateOffsetBounds(date: string | undefined, sentAtMs: number, elapsedMs: number): { lo: number; hi: number } | undefined {
  const dateMs = date === undefined ? NaN : Date.parse(date);
  if (Number.isNaN(dateMs)) return undefined;
  return { lo: dateMs - (sentAtMs + elapsedMs), hi: dateMs + 1000 - sentAtMs };
}
