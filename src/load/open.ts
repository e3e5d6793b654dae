/**
 * The open model: a paced scheduler that sends request i at its intended instant (start + i / rate)
 * whatever the target does, the way real users arrive. A slow answer does not delay the next send (a
 * closed loop would wait, and so never see the queue it should have caused: coordinated omission), so
 * latency is measured from the intended instant; the service time, from the actual send, is kept
 * apart, and so is the scheduler's own lag (actual send − intended instant), whose tail says when the
 * generator, not the target, was late.
 *
 * Connections are capped per origin (one undici Pool each): a request whose instant comes while every
 * connection is busy is counted as not sent, never queued behind the cap (a queue would hide the very
 * delay the model exists to measure). The run is bounded by a duration and/or a count, and an
 * AbortSignal stops it cleanly (in-flight requests are aborted and reported as such).
 */
import { Pool } from 'undici';
import { nothingSent } from '../core/http.js';
import type { AnswerOutcome } from '../engine/answer.js';
import type { WireRequest } from '../protocols/types.js';
import { type HistogramSummary, usHistogram } from './histograms.js';

/** The three times of one sent request, µs. */
export interface SendTimes {
  /** Answer complete − intended instant: what a user arriving on schedule waited. */
  readonly latencyUs: number;
  /** Answer complete − actual send: the target's service time as a closed loop would see it. */
  readonly serviceUs: number;
  /** Actual send − intended instant: the scheduler's lag (≥ 0). */
  readonly lagUs: number;
}

/** What an open run needs. One of `durationS` and `count` is required; with both, the first reached ends it. */
export interface OpenRunInput {
  /** Arrivals per second (> 0). */
  readonly ratePerS: number;
  /** The run's length, seconds: instants at start + i / rate for i / rate < durationS. */
  readonly durationS?: number;
  /** At most this many instants. */
  readonly count?: number;
  /** The cap of open connections per origin; an instant finding it reached is counted as not sent. */
  readonly connections: number;
  /** Builds request `index` (adapter.prepare's WireRequest), synchronously at its instant (before the cap check: its URL names the origin). */
  readonly request: (index: number) => WireRequest;
  /** Each sent request's answer (or its failure), shaped for `classify`, with its times. */
  readonly onAnswer?: (index: number, outcome: AnswerOutcome, times: SendTimes) => void;
  /** Each instant not sent because the connection cap was reached. */
  readonly onNotSent?: (index: number) => void;
  /** A request without a complete answer within this is a timeout, ms. */
  readonly timeoutMs: number;
  /** Bytes of an answer kept; more is read and dropped, and the outcome says `truncated`. */
  readonly maxBodyBytes: number;
  /** A send later than this after its instant counts as late, µs (default 5,000: timers are ms-grained). */
  readonly lateAfterUs?: number;
  /** Aborting ends the run: no more sends, in-flight requests aborted. */
  readonly signal?: AbortSignal;
}

/** What an open run measured: plain data. Latency and service histograms hold answered requests only. */
export interface OpenRunResult {
  /** Instants that came (sent + not sent). */
  readonly instants: number;
  readonly sent: number;
  /** Instants that found the connection cap reached. */
  readonly notSent: number;
  /** Sent requests that got an HTTP answer (any status). */
  readonly answered: number;
  /** Sent requests without one (timeout, network, aborted). */
  readonly failed: number;
  /** Sends whose lag passed `lateAfterUs`. */
  readonly late: number;
  /** What ended the run. */
  readonly stoppedBy: 'count' | 'duration' | 'signal';
  /** From the first instant to the end of the run (the last request settled), ms. */
  readonly elapsedMs: number;
  readonly latencyUs: HistogramSummary;
  readonly serviceUs: HistogramSummary;
  readonly lagUs: HistogramSummary;
}

const DEFAULT_LATE_AFTER_US = 5_000;

/** Runs the open model (see the module comment). Resolves when the last sent request is settled. */
export async function runOpen(input: OpenRunInput): Promise<OpenRunResult> {
  if (!(input.ratePerS > 0)) throw new RangeError(`ratePerS must be > 0, got ${input.ratePerS}`);
  if (input.durationS === undefined && input.count === undefined) throw new RangeError('an open run needs durationS or count');
  if (!(input.connections >= 1)) throw new RangeError(`connections must be >= 1, got ${input.connections}`);
  const intervalMs = 1000 / input.ratePerS;
  const byDuration = input.durationS === undefined ? Number.POSITIVE_INFINITY : Math.ceil(input.durationS * input.ratePerS - 1e-9);
  const limit = Math.min(byDuration, input.count ?? Number.POSITIVE_INFINITY);
  const lateAfterUs = input.lateAfterUs ?? DEFAULT_LATE_AFTER_US;

  const latency = usHistogram();
  const service = usHistogram();
  const lag = usHistogram();
  const pools = new Map<string, { pool: Pool; inFlight: number }>();
  const stop = new AbortController();
  let sent = 0;
  let notSent = 0;
  let answered = 0;
  let failed = 0;
  let late = 0;
  let inFlight = 0;
  let next = 0;
  let stoppedBy: OpenRunResult['stoppedBy'] = byDuration <= (input.count ?? Number.POSITIVE_INFINITY) ? 'duration' : 'count';
  let timer: NodeJS.Timeout | undefined;

  const poolFor = (origin: string) => {
    let entry = pools.get(origin);
    if (!entry) {
      // pipelining 1: one request per connection at a time, so `connections` is the cap of concurrent requests.
      entry = { pool: new Pool(origin, { connections: input.connections, pipelining: 1 }), inFlight: 0 };
      pools.set(origin, entry);
    }
    return entry;
  };

  const startMs = performance.now();
  let finish: () => void = () => {};
  let fail: (e: unknown) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const settleIfDone = () => {
    if (inFlight === 0 && (next >= limit || stop.signal.aborted)) finish();
  };

  const fire = (index: number, intendedMs: number) => {
    const wire = input.request(index);
    const url = new URL(wire.url);
    const entry = poolFor(url.origin);
    if (entry.inFlight >= input.connections) {
      notSent++;
      input.onNotSent?.(index);
      return;
    }
    entry.inFlight++;
    inFlight++;
    sent++;
    const sentMs = performance.now();
    const lagUs = (sentMs - intendedMs) * 1000;
    lag.record(lagUs);
    if (lagUs > lateAfterUs) late++;
    void exchange(entry.pool, wire, url, input, stop.signal).then((outcome) => {
      const endMs = performance.now();
      entry.inFlight--;
      inFlight--;
      const times: SendTimes = { latencyUs: (endMs - intendedMs) * 1000, serviceUs: (endMs - sentMs) * 1000, lagUs };
      if (outcome.ok) {
        answered++;
        latency.record(times.latencyUs);
        service.record(times.serviceUs);
      } else failed++;
      try {
        input.onAnswer?.(index, outcome, times);
      } catch (e) {
        stopAll();
        fail(e);
      }
      settleIfDone();
    });
  };

  const tick = () => {
    timer = undefined;
    if (stop.signal.aborted) return;
    const now = performance.now();
    try {
      // Catch up on every instant already due (after a stall of our own loop): each is sent now, late, and its lag says so.
      while (next < limit && startMs + next * intervalMs <= now) {
        const index = next++;
        fire(index, startMs + index * intervalMs);
      }
    } catch (e) {
      stopAll();
      fail(e);
      return;
    }
    if (next >= limit) {
      settleIfDone();
      return;
    }
    timer = setTimeout(tick, Math.max(0, startMs + next * intervalMs - performance.now()));
  };

  const stopAll = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    stop.abort();
  };
  const onAbort = () => {
    if (next < limit) stoppedBy = 'signal';
    stopAll();
    settleIfDone();
  };
  if (input.signal?.aborted) onAbort();
  else input.signal?.addEventListener('abort', onAbort, { once: true });

  tick();
  try {
    await done;
  } finally {
    input.signal?.removeEventListener('abort', onAbort);
    stopAll();
    await Promise.all([...pools.values()].map((e) => e.pool.destroy()));
  }
  return {
    instants: sent + notSent,
    sent,
    notSent,
    answered,
    failed,
    late,
    stoppedBy,
    elapsedMs: performance.now() - startMs,
    latencyUs: latency.summary(),
    serviceUs: service.summary(),
    lagUs: lag.summary(),
  };
}

/** One exchange on `pool`: never throws (a failure is an outcome). */
async function exchange(pool: Pool, wire: WireRequest, url: URL, input: OpenRunInput, stopped: AbortSignal): Promise<AnswerOutcome> {
  const timeout = AbortSignal.timeout(input.timeoutMs);
  const signal = AbortSignal.any([stopped, timeout]);
  try {
    const res = await pool.request({
      path: url.pathname + url.search,
      method: wire.method,
      headers: wire.headers,
      ...(wire.body !== undefined ? { body: wire.body } : {}),
      signal,
    });
    const chunks: Buffer[] = [];
    let kept = 0;
    let truncated = false;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      // Read to the end whatever the limit, so the connection stays reusable; keep only the limit.
      if (kept >= input.maxBodyBytes) {
        truncated = true;
        continue;
      }
      const room = input.maxBodyBytes - kept;
      if (chunk.length > room) truncated = true;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      chunks.push(part);
      kept += part.length;
    }
    const contentType = res.headers['content-type'];
    return {
      ok: true,
      status: res.statusCode,
      contentType: (Array.isArray(contentType) ? contentType[0] : contentType) ?? '',
      body: Buffer.concat(chunks).toString('utf8'),
      truncated,
    };
  } catch (e) {
    if (timeout.aborted) return { ok: false, kind: 'timeout', reason: `no complete answer within ${input.timeoutMs} ms` };
    if (stopped.aborted) return { ok: false, kind: 'aborted', reason: 'run stopped' };
    const code = (e as { code?: string }).code;
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, kind: 'network', reason: code ? `${code}: ${message}` : message, unsent: nothingSent({ cause: e }) };
  }
}
