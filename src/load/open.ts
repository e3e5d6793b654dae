/**
 * The open model: a paced scheduler that sends request i at its intended instant (start + i / rate at a
 * constant rate; a ramp's or a spike's instants per `openInstants`) whatever the target does, the way
 * real users arrive. Each instant is computed from the start, never accumulated from the previous one. A slow answer does not delay the next send (a
 * closed loop would wait, and so never see the queue it should have caused: coordinated omission), so
 * latency is measured from the intended instant; the service time, from the actual send, is kept
 * apart, and so is the scheduler's own lag (actual send − intended instant), whose tail says when the
 * generator, not the target, was late.
 *
 * Connections are capped per origin (one undici Pool each): a request whose instant comes while every
 * connection is busy is counted as not sent, never queued behind the cap (a queue would hide the very
 * delay the model exists to measure). The run is bounded by a duration and/or a count, and an
 * AbortSignal stops it cleanly (in-flight requests are aborted and reported as such).
 *
 * One run is one phase of a load profile. Consecutive phases share their connections (`OpenPools`) and
 * chain by their intended start (`startAtMs`), so the next phase's arrivals never wait for the previous
 * phase's slow answers; `progress()` gives the counters a progress line reads while a run goes on.
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

/**
 * When a run's instants come (a load profile's phase): a constant rate (warm-up, steady), a rate moving
 * linearly over the run's `durationS` (ramp), or every instant at the start (a spike: the run's `count`
 * released at once, the start of a 秒杀).
 */
export type OpenSchedule =
  | { readonly shape: 'constant'; readonly ratePerS: number }
  | { readonly shape: 'ramp'; readonly fromPerS: number; readonly toPerS: number }
  | { readonly shape: 'burst' };

/** A run's intended instants: how many, and each one's offset from the start. Computed, never accumulated. */
export interface OpenInstants {
  readonly count: number;
  /** Instant `i`'s offset from the first, ms (non-decreasing in i). */
  offsetMs(i: number): number;
  /** Which bound gives `count`. */
  readonly endsBy: 'count' | 'duration';
}

/** The bounds of a run: one of `durationS` and `count` is required; with both, the first reached ends it. */
export interface OpenBounds {
  /** The run's length, seconds: the instants falling before it (a ramp's length, required by a ramp). */
  readonly durationS?: number;
  /** At most this many instants (required by a burst). */
  readonly count?: number;
}

/**
 * The instants of `schedule` within `bounds`. A ramp from f to t per second over D seconds sends instant
 * i at the time solving f·s + (t − f)·s²/(2D) = i (the integral of its rate reaching i), so the count per
 * slice of time follows the rate; f = 0 and t < f are fine, f = t = 0 is not a ramp.
 */
export function openInstants(schedule: OpenSchedule, bounds: OpenBounds): OpenInstants {
  const { durationS, count } = bounds;
  if (durationS === undefined && count === undefined) throw new RangeError('an open run needs durationS or count');
  if (durationS !== undefined && !(durationS >= 0)) throw new RangeError(`durationS must be >= 0, got ${durationS}`);
  if (count !== undefined && !(count >= 0 && Number.isInteger(count))) throw new RangeError(`count must be an integer >= 0, got ${count}`);
  const byCount = count ?? Number.POSITIVE_INFINITY;
  const bounded = (byDuration: number, offsetMs: (i: number) => number): OpenInstants =>
    byDuration <= byCount ? { count: byDuration, offsetMs, endsBy: 'duration' } : { count: byCount, offsetMs, endsBy: 'count' };
  // How many instants fall strictly before the end: ⌈expected − ε⌉, so 100/s over 0.3 s is 30, not 31.
  const before = (expected: number) => (durationS === undefined ? Number.POSITIVE_INFINITY : Math.max(0, Math.ceil(expected - 1e-9)));

  switch (schedule.shape) {
    case 'constant': {
      const rate = schedule.ratePerS;
      if (!(rate > 0 && Number.isFinite(rate))) throw new RangeError(`ratePerS must be > 0, got ${rate}`);
      const intervalMs = 1000 / rate;
      return bounded(before((durationS ?? 0) * rate), (i) => i * intervalMs);
    }
    case 'ramp': {
      const { fromPerS: from, toPerS: to } = schedule;
      if (!(from >= 0 && to >= 0 && from + to > 0)) throw new RangeError(`a ramp's rates must be >= 0 and not both 0, got ${from} → ${to}`);
      if (durationS === undefined || !(durationS > 0)) throw new RangeError('a ramp needs durationS > 0');
      // N(s) = from·s + a·s², a = (to − from)/(2D): instant i at the root of N(s) = i, written
      // 2i / (from + √(from² + 4ai)) so that a = 0 and from = 0 need no case of their own.
      const a = (to - from) / (2 * durationS);
      const offsetMs = (i: number) => (i === 0 ? 0 : (2000 * i) / (from + Math.sqrt(Math.max(0, from * from + 4 * a * i))));
      return bounded(before(((from + to) / 2) * durationS), offsetMs);
    }
    case 'burst':
      if (count === undefined) throw new RangeError('a burst needs count');
      return { count, offsetMs: () => 0, endsBy: 'count' };
  }
}

/**
 * Connections to the target, capped per origin (one undici Pool each, `connections` at most): made by the
 * caller and passed to several runs (the phases of one load run), they are reused from phase to phase,
 * and the cap holds across a phase still draining and the next one starting. Their owner closes them.
 */
export class OpenPools {
  readonly connections: number;
  private readonly byOrigin = new Map<string, { readonly pool: Pool; inFlight: number }>();

  constructor(connections: number) {
    if (!(connections >= 1)) throw new RangeError(`connections must be >= 1, got ${connections}`);
    this.connections = connections;
  }

  /** The pool of `origin` and its count of requests in flight (the runs sharing it keep that count). */
  entry(origin: string): { readonly pool: Pool; inFlight: number } {
    let entry = this.byOrigin.get(origin);
    if (!entry) {
      // pipelining 1: one request per connection at a time, so `connections` is the cap of concurrent requests.
      entry = { pool: new Pool(origin, { connections: this.connections, pipelining: 1 }), inFlight: 0 };
      this.byOrigin.set(origin, entry);
    }
    return entry;
  }

  /** Requests in flight on every origin. */
  get inFlight(): number {
    let n = 0;
    for (const e of this.byOrigin.values()) n += e.inFlight;
    return n;
  }

  /** Closes every connection (requests still in flight fail). */
  async close(): Promise<void> {
    const pools = [...this.byOrigin.values()].map((e) => e.pool);
    this.byOrigin.clear();
    await Promise.all(pools.map((p) => p.destroy()));
  }
}

/** What an open run needs: when its instants come (`schedule`, or `ratePerS` for a constant rate), its bounds, and where it sends. */
export interface OpenRunInput extends OpenBounds {
  /** Arrivals per second (> 0): shorthand for `schedule: { shape: 'constant', ratePerS }`. */
  readonly ratePerS?: number;
  /** When the instants come; give this or `ratePerS`. */
  readonly schedule?: OpenSchedule;
  /** The cap of open connections per origin; an instant finding it reached is counted as not sent. Required without `pools`. */
  readonly connections?: number;
  /** Connections shared with other runs (consecutive phases): their cap applies, and this run leaves them open. */
  readonly pools?: OpenPools;
  /**
   * The first instant, on performance.now()'s clock (default: now). A phase following another starts at
   * the previous one's start + its duration, while the previous one still drains: arrivals do not wait
   * for the slow answers of the phase before.
   */
  readonly startAtMs?: number;
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

/** Where a run stands, read while it runs (a progress line): counters only, cheap to read at any time. */
export interface OpenProgress {
  /** Instants the plan holds. */
  readonly planned: number;
  /** Instants that came so far (sent + not sent). */
  readonly instants: number;
  readonly sent: number;
  readonly notSent: number;
  readonly answered: number;
  readonly failed: number;
  readonly late: number;
  /** This run's requests awaiting their answer. */
  readonly inFlight: number;
  /** Since the first instant (0 before it), ms. */
  readonly elapsedMs: number;
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
  /**
   * Actual send − intended instant. In a burst it is the spread of the release: the last of N requests
   * leaves after the N − 1 before it were built and handed to their connections.
   */
  readonly lagUs: HistogramSummary;
}

/** A run under way: its counters now, and its result when the last sent request has settled. */
export interface OpenRun {
  progress(): OpenProgress;
  readonly done: Promise<OpenRunResult>;
}

const DEFAULT_LATE_AFTER_US = 5_000;

/** Runs the open model (see the module comment). Resolves when the last sent request is settled. */
export async function runOpen(input: OpenRunInput): Promise<OpenRunResult> {
  return startOpen(input).done;
}

/** Starts an open run (see the module comment) and returns at once; throws on an invalid input. */
export function startOpen(input: OpenRunInput): OpenRun {
  const plan = openInstants(scheduleOf(input), input);
  if (input.pools === undefined && input.connections === undefined) throw new RangeError('an open run needs connections or pools');
  const pools = input.pools ?? new OpenPools(input.connections ?? 0);
  const limit = plan.count;
  const offsetMs = plan.offsetMs;
  const lateAfterUs = input.lateAfterUs ?? DEFAULT_LATE_AFTER_US;

  const latency = usHistogram();
  const service = usHistogram();
  const lag = usHistogram();
  const stop = new AbortController();
  const deadlines = new Deadlines(sweepEveryMs(input.timeoutMs));
  let sent = 0;
  let notSent = 0;
  let answered = 0;
  let failed = 0;
  let late = 0;
  let inFlight = 0;
  let next = 0;
  let stoppedBy: OpenRunResult['stoppedBy'] = plan.endsBy;
  let timer: NodeJS.Timeout | undefined;

  const startMs = input.startAtMs ?? performance.now();
  let finish: () => void = () => {};
  let fail: (e: unknown) => void = () => {};
  const settled = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const settleIfDone = () => {
    if (inFlight === 0 && (next >= limit || stop.signal.aborted)) finish();
  };

  const fire = (index: number, intendedMs: number) => {
    const wire = input.request(index);
    const url = new URL(wire.url);
    const entry = pools.entry(url.origin);
    if (entry.inFlight >= pools.connections) {
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
    void exchange(entry.pool, wire, url, input, deadlines).then((outcome) => {
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
    let dueMs = Number.POSITIVE_INFINITY;
    try {
      // Catch up on every instant already due (after a stall of our own loop): each is sent now, late, and its lag says so.
      while (next < limit) {
        const intendedMs = startMs + offsetMs(next);
        if (intendedMs > now) {
          dueMs = intendedMs;
          break;
        }
        fire(next++, intendedMs);
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
    // Node's timers are whole milliseconds (a fraction is a whole one more): wait the whole part, and
    // send what is due when the timer fires. Turning the event loop (setImmediate) for the last fraction
    // would send within ~0.3 ms but cost a core at a thousand requests a second (measured): the run
    // would be judged saturated by its own pacing. Lag is ~1 ms at the timer's grain.
    timer = setTimeout(tick, Math.max(0, Math.floor(dueMs - performance.now())));
  };

  const stopAll = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    stop.abort();
    deadlines.abortAll();
  };
  const onAbort = () => {
    if (next < limit) stoppedBy = 'signal';
    stopAll();
    settleIfDone();
  };
  if (input.signal?.aborted) onAbort();
  else input.signal?.addEventListener('abort', onAbort, { once: true });

  tick();
  const done = (async (): Promise<OpenRunResult> => {
    try {
      await settled;
    } finally {
      input.signal?.removeEventListener('abort', onAbort);
      stopAll();
      if (input.pools === undefined) await pools.close();
    }
    return {
      instants: sent + notSent,
      sent,
      notSent,
      answered,
      failed,
      late,
      stoppedBy,
      elapsedMs: Math.max(0, performance.now() - startMs),
      latencyUs: latency.summary(),
      serviceUs: service.summary(),
      lagUs: lag.summary(),
    };
  })();
  return {
    progress: () => ({
      planned: limit,
      instants: sent + notSent,
      sent,
      notSent,
      answered,
      failed,
      late,
      inFlight,
      elapsedMs: Math.max(0, performance.now() - startMs),
    }),
    done,
  };
}

/** The input's schedule: `schedule`, or a constant `ratePerS`; exactly one of them. */
function scheduleOf(input: OpenRunInput): OpenSchedule {
  if (input.schedule !== undefined && input.ratePerS !== undefined) throw new RangeError('give an open run ratePerS or schedule, not both');
  if (input.schedule !== undefined) return input.schedule;
  if (input.ratePerS === undefined) throw new RangeError('an open run needs ratePerS or schedule');
  return { shape: 'constant', ratePerS: input.ratePerS };
}

/**
 * The deadlines of the requests in flight, swept a few times a second: one timer for the run instead
 * of a timer and a combined signal per request (AbortSignal.timeout + AbortSignal.any cost about a
 * timer and a WeakRef on the run's signal per request, kept until the run ends: tens of MB at a
 * million requests). A request times out between its deadline and one sweep later.
 */
class Deadlines {
  private readonly live = new Set<{ readonly controller: AbortController; readonly deadlineMs: number; timedOut: boolean }>();
  private readonly timer: NodeJS.Timeout;
  constructor(sweepMs: number) {
    this.timer = setInterval(() => this.sweep(), sweepMs);
    this.timer.unref();
  }
  track(timeoutMs: number): { readonly controller: AbortController; readonly deadlineMs: number; timedOut: boolean } {
    const entry = { controller: new AbortController(), deadlineMs: performance.now() + timeoutMs, timedOut: false };
    this.live.add(entry);
    return entry;
  }
  done(entry: { readonly controller: AbortController }): void {
    this.live.delete(entry as never);
  }
  private sweep(): void {
    const now = performance.now();
    for (const e of this.live)
      if (e.deadlineMs <= now) {
        e.timedOut = true;
        this.live.delete(e);
        e.controller.abort();
      }
  }
  /** Aborts every request in flight (the run stopped) and stops sweeping. */
  abortAll(): void {
    clearInterval(this.timer);
    for (const e of this.live) e.controller.abort();
    this.live.clear();
  }
}

/** How often the deadlines are swept: a quarter of the timeout, between 5 and 250 ms. */
function sweepEveryMs(timeoutMs: number): number {
  return Math.min(250, Math.max(5, Math.floor(timeoutMs / 4)));
}

/** One exchange on `pool`: never throws (a failure is an outcome). */
async function exchange(pool: Pool, wire: WireRequest, url: URL, input: OpenRunInput, deadlines: Deadlines): Promise<AnswerOutcome> {
  const entry = deadlines.track(input.timeoutMs);
  try {
    const res = await pool.request({
      path: url.pathname + url.search,
      method: wire.method,
      headers: wire.headers,
      ...(wire.body !== undefined ? { body: wire.body } : {}),
      signal: entry.controller.signal,
    });
    const { body, truncated } = await readBody(res.body, input.maxBodyBytes);
    const contentType = res.headers['content-type'];
    return {
      ok: true,
      status: res.statusCode,
      contentType: (Array.isArray(contentType) ? contentType[0] : contentType) ?? '',
      body,
      truncated,
    };
  } catch (e) {
    if (entry.timedOut) return { ok: false, kind: 'timeout', reason: `no complete answer within ${input.timeoutMs} ms` };
    if (entry.controller.signal.aborted) return { ok: false, kind: 'aborted', reason: 'run stopped' };
    const code = (e as { code?: string }).code;
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, kind: 'network', reason: code ? `${code}: ${message}` : message, unsent: nothingSent({ cause: e }) };
  } finally {
    deadlines.done(entry);
  }
}

/**
 * Reads an answer's body to its end (so the connection stays reusable), keeping at most `max` bytes,
 * with 'data' events rather than an async iterator (one promise per body, not one per chunk).
 */
function readBody(stream: NodeJS.ReadableStream, max: number): Promise<{ body: string; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let truncated = false;
    stream.on('data', (chunk: Buffer) => {
      if (kept >= max) {
        truncated = true;
        return;
      }
      const room = max - kept;
      if (chunk.length > room) truncated = true;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      chunks.push(part);
      kept += part.length;
    });
    stream.on('end', () =>
      resolve({ body: (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)).toString('utf8'), truncated }),
    );
    stream.on('error', reject);
  });
}
