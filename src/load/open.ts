/**
 * The open model: a paced scheduler that sends request i at its intended instant (start + i / rate at a
 * constant rate; a ramp's or a spike's instants per `openInstants`) whatever the target does, the way
 * real users arrive. Each instant is computed from the start, never accumulated from the previous one. A slow answer does not delay the next send (a
 * closed loop would wait, and so never see the queue it should have caused: coordinated omission), so
 * latency is measured from the intended instant; the service time, from the actual send, is kept
 * apart, and so is the scheduler's own lag (its dispatch − its intended instant: see
 * `OpenRunner.started`), whose tail says when the generator, not the target, was late.
 *
 * Connections are capped per origin (one undici Pool each): a request whose instant comes while every
 * connection is busy is counted as not sent, never queued behind the cap (a queue would hide the very
 * delay the model exists to measure) — after one turn of the event loop, so that answers already come
 * but not yet read (our own stall) free their connections first. The connections are opened before the
 * first instant (`OpenPools.warm`): TCP handshakes are the generator's start-up, not the target's. The run is bounded by a duration and/or a count, and an
 * AbortSignal stops it cleanly (in-flight requests are aborted and reported as such).
 *
 * One run is one phase of a load profile. Consecutive phases share their connections (`OpenPools`) and
 * chain by their intended start (`startAtMs`), so the next phase's arrivals never wait for the previous
 * phase's slow answers; `progress()` gives the counters a progress line reads while a run goes on.
 *
 * Pacing: every instant already due is sent whenever the loop wakes, for whatever reason: an answer
 * (at high rates answers come more often than instants, so most sends follow them with no timer), a
 * beat of the metronome thread (src/load/metronome.ts: sub-millisecond, one wake-up per instant the
 * answers did not cover), or the millisecond timer (the backstop, and the pacing when the metronome
 * is off or dead). Each request goes out on undici's `dispatch` with a handler of our own (no body
 * stream, promise or AbortController per request).
 *
 * Order of work in a loop turn: the sends due go first. The answers a read of the sockets settled are
 * counted at once (their connections are free) but handed on (`onAnswer`: classify, record) in the
 * loop's check phase, after the writes undici defers there; the next request is built ahead of its
 * instant once the sends are out, so that a send is a dispatch only.
 */
import type { Socket } from 'node:net';
import { buildConnector, type Dispatcher, Pool } from 'undici';
import { nothingSent } from '../core/http.js';
import type { AnswerOutcome } from '../engine/answer.js';
import type { WireRequest } from '../protocols/types.js';
import { type HistogramSummary, usHistogram } from './histograms.js';
import { Metronome } from './metronome.js';

/** The three times of one sent request, µs. */
export interface SendTimes {
  /** Answer complete − intended instant: what a user arriving on schedule waited. */
  readonly latencyUs: number;
  /** Answer complete − its write: the target's service time as a closed loop would see it. */
  readonly serviceUs: number;
  /** Its dispatch − its intended instant: the scheduler's lag (≥ 0). */
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
  /** undici's own connector (TCP, or TLS for https), used ahead of time by `warm` and on demand by the pools. */
  private readonly connector = buildConnector({});
  /** Connections opened by `warm` and not yet taken by a pool, per origin. */
  private readonly ready = new Map<string, Socket[]>();
  private closed = false;

  constructor(connections: number) {
    if (!(connections >= 1)) throw new RangeError(`connections must be >= 1, got ${connections}`);
    this.connections = connections;
  }

  /** The pool of `origin` and its count of requests in flight (the runs sharing it keep that count). */
  entry(origin: string): { readonly pool: Pool; inFlight: number } {
    let entry = this.byOrigin.get(origin);
    if (!entry) {
      // pipelining 1: one request per connection at a time, so `connections` is the cap of concurrent requests.
      // undici's own header and body timeouts are off: the run's deadlines (`Deadlines`) time a request
      // out. They armed one of undici's timers per request, kept in its list until its next half-second
      // tick, where a scavenge could find it still referenced.
      const pool = new Pool(origin, {
        connections: this.connections,
        pipelining: 1,
        headersTimeout: 0,
        bodyTimeout: 0,
        connect: (options, callback) => this.connect(origin, options, callback),
      });
      entry = { pool, inFlight: 0 };
      this.byOrigin.set(origin, entry);
    }
    return entry;
  }

  /**
   * Opens the connections to each origin before the first instant (up to `connections` each, within
   * `timeoutMs`), as a browser holds its connections when a sale opens: without it, the first instants
   * of a run wait for TCP handshakes and are counted not sent while every connection is still
   * connecting — the generator's start-up, not the target's slowness. A connection that fails or comes
   * late is left to the pool to open when needed (its failure is then the request's). Resolves to the
   * connections opened.
   */
  async warm(origins: Iterable<string>, timeoutMs = 5_000): Promise<number> {
    const opening: Promise<void>[] = [];
    let opened = 0;
    for (const origin of new Set(origins)) {
      const url = new URL(origin);
      const options = {
        hostname: url.hostname,
        host: url.host,
        protocol: url.protocol,
        port: url.port || (url.protocol === 'https:' ? '443' : '80'),
        servername: url.hostname,
      };
      const ready = this.readyOf(origin);
      // The pool's own connections, idle or busy, count: warming tops up to the cap.
      const want = this.connections - ready.length - (this.byOrigin.get(origin)?.pool.stats.connected ?? 0);
      for (let i = 0; i < want; i++)
        opening.push(
          new Promise<void>((resolve) =>
            this.connector(options, (err, socket) => {
              if (err === null && socket !== null) {
                this.keep(origin, socket as Socket);
                opened++;
              }
              resolve();
            }),
          ),
        );
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(opening), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    return opened;
  }

  /** Requests in flight on every origin. */
  get inFlight(): number {
    let n = 0;
    for (const e of this.byOrigin.values()) n += e.inFlight;
    return n;
  }

  /** Closes every connection (requests still in flight fail). */
  async close(): Promise<void> {
    this.closed = true;
    for (const list of this.ready.values()) for (const socket of list.splice(0)) socket.destroy();
    const pools = [...this.byOrigin.values()].map((e) => e.pool);
    this.byOrigin.clear();
    await Promise.all(pools.map((p) => p.destroy()));
  }

  /** A pool's connector: a warm connection of its origin while one is left, else a new one. */
  private connect(origin: string, options: buildConnector.Options, callback: buildConnector.Callback): void {
    const ready = this.ready.get(origin);
    for (let socket = ready?.pop(); socket !== undefined; socket = ready?.pop()) {
      if (socket.destroyed || socket.readyState !== 'open') continue;
      socket.removeListener('error', ignore);
      // Asynchronously, as a connection's 'connect' comes: undici's client resumes from this callback,
      // and a synchronous call re-enters it while it is still dispatching.
      process.nextTick(callback, null, socket);
      return;
    }
    this.connector(options, callback);
  }

  /** Keeps a warm connection until a pool takes it; one closed meanwhile (the server's idle timeout) leaves the list. */
  private keep(origin: string, socket: Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    const ready = this.readyOf(origin);
    // No listener of undici's yet: an idle connection reset must not be an unhandled 'error'.
    socket.on('error', ignore);
    socket.once('close', () => {
      const at = ready.indexOf(socket);
      if (at >= 0) ready.splice(at, 1);
    });
    ready.push(socket);
  }

  private readyOf(origin: string): Socket[] {
    let list = this.ready.get(origin);
    if (list === undefined) {
      list = [];
      this.ready.set(origin, list);
    }
    return list;
  }
}

function ignore(): void {}

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
  /**
   * A send later than this after its instant counts as late, µs (default 5,000). The metronome sends
   * within a few tenths of a millisecond; 5 ms stays the bound of "the generator could not keep its
   * schedule" (a stall of our own loop, a starved process), not of the pacing's grain.
   */
  readonly lateAfterUs?: number;
  /**
   * Pace with the metronome thread (src/load/metronome.ts: sub-millisecond sends; default true); false:
   * with the millisecond timer and the answers' wake-ups only.
   */
  readonly metronome?: boolean;
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
   * The dispatch of each request − its intended instant. In a burst it is the spread of the release: the
   * last of N requests leaves after the N − 1 before it were built and handed to their connections.
   */
  readonly lagUs: HistogramSummary;
}

/** A run under way: its counters now, and its result when the last sent request has settled. */
export interface OpenRun {
  progress(): OpenProgress;
  readonly done: Promise<OpenRunResult>;
}

const DEFAULT_LATE_AFTER_US = 5_000;
/** The body of an answer that had none. */
const EMPTY_BODY = Buffer.alloc(0);
const RESOLVED = Promise.resolve();
/**
 * How near its instant, ms, the next request is built ahead (after the sends due, so that its instant
 * costs only the dispatch). Well under a second: a JOS or Tencent timestamp has second resolution, and
 * their windows are minutes wide, so a request signed this early is as fresh as one signed at its instant.
 */
const PREBUILD_WITHIN_MS = 20;
/** With the metronome beating, the millisecond timer is only a backstop: it fires this much after an instant, ms. */
const BACKSTOP_MS = 2;

/** Runs the open model (see the module comment). Resolves when the last sent request is settled. */
export async function runOpen(input: OpenRunInput): Promise<OpenRunResult> {
  return startOpen(input).done;
}

/** Starts an open run (see the module comment) and returns at once; throws on an invalid input. */
export function startOpen(input: OpenRunInput): OpenRun {
  const plan = openInstants(scheduleOf(input), input);
  if (input.pools === undefined && input.connections === undefined) throw new RangeError('an open run needs connections or pools');
  return new OpenRunner(input, plan).start();
}

/**
 * One open run's state and its pacing. Instants are sent by `pump`, which sends every instant already
 * due; it runs when the millisecond timer fires, when the metronome beats, and after the answers of one
 * read of the sockets were handled (piggyback: at high rates, answers come more often than instants,
 * and the sends due follow them with no timer at all).
 */
class OpenRunner implements ExchangeOwner {
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  private readonly pools: OpenPools;
  private readonly limit: number;
  private readonly offsetMs: (i: number) => number;
  private readonly lateAfterUs: number;
  private readonly startMs: number;
  private readonly latency = usHistogram();
  private readonly service = usHistogram();
  private readonly lag = usHistogram();
  private readonly deadlines: Deadlines;
  private readonly urls = new UrlSplitter();
  private readonly metronome: Metronome | undefined;
  private sent = 0;
  private notSent = 0;
  private answered = 0;
  private failed = 0;
  private late = 0;
  private inFlight = 0;
  private next = 0;
  private stopped = false;
  private stoppedBy: OpenRunResult['stoppedBy'];
  private timer: NodeJS.Timeout | undefined;
  /**
   * An instant that found every connection busy, held for one turn of the event loop (its request
   * already built): after a stall of our own, the answers that freed connections are still unread in
   * their sockets when the catch-up runs, and the instant is not sent only if they did not free one.
   */
  private held: { readonly index: number; readonly wire: WireRequest } | undefined;
  private heldFor: NodeJS.Immediate | undefined;
  /**
   * The next instant's request, built ahead once the sends due are out (see PREBUILD_WITHIN_MS): its
   * instant then costs only the dispatch, and the build's microseconds are not in its lag.
   */
  private ahead: { readonly index: number; readonly wire: WireRequest } | undefined;
  /** The next unsent instant, performance.now() ms (Infinity: none pending). */
  private dueAtMs = Number.POSITIVE_INFINITY;
  /** Exchanges settled whose answers are not yet handed on (`onAnswer`): the sends due go first. */
  private readonly toHandOn: Exchange[] = [];
  /** How many of `toHandOn` were handed on (a send between two answers may end the run and hand on the rest itself). */
  private handedOn = 0;
  /** When the pending timer fires, performance.now() ms. */
  private timerAtMs = Number.POSITIVE_INFINITY;
  private turnQueued = false;
  private handOnQueued = false;
  private finish: () => void = () => {};
  private fail: (e: unknown) => void = () => {};
  private readonly settledAll: Promise<void>;
  private readonly onAbort = () => {
    if (this.next < this.limit) this.stoppedBy = 'signal';
    this.stopAll();
    this.settleIfDone();
  };
  private readonly onTimer = () => {
    this.timer = undefined;
    this.timerAtMs = Number.POSITIVE_INFINITY;
    this.pump();
  };
  /**
   * After a read of the sockets (a microtask, not inside undici's parser): the sends that came due go
   * first; the answers just settled are handed on in the loop's check phase (`handOnLater`), after
   * the writes undici defers there (see `started`), so that no send waits behind their judging.
   */
  private readonly afterAnswers = () => {
    this.turnQueued = false;
    if (!this.stopped && this.next < this.limit) this.pump(false);
    if (!this.handOnQueued) {
      this.handOnQueued = true;
      setImmediate(this.handOnLater);
    }
  };
  /** The check phase: the settled answers handed on, the next request built ahead, the run ended when nothing is left. */
  private readonly handOnLater = () => {
    this.handOnQueued = false;
    this.handOn();
    if (!this.stopped && this.next < this.limit) this.buildAhead();
    this.settleIfDone();
  };

  constructor(
    private readonly input: OpenRunInput,
    plan: OpenInstants,
  ) {
    this.pools = input.pools ?? new OpenPools(input.connections ?? 0);
    this.limit = plan.count;
    this.offsetMs = plan.offsetMs;
    this.stoppedBy = plan.endsBy;
    this.lateAfterUs = input.lateAfterUs ?? DEFAULT_LATE_AFTER_US;
    this.timeoutMs = input.timeoutMs;
    this.maxBodyBytes = input.maxBodyBytes;
    this.deadlines = new Deadlines(sweepEveryMs(input.timeoutMs));
    this.startMs = input.startAtMs ?? performance.now();
    this.settledAll = new Promise<void>((resolve, reject) => {
      this.finish = resolve;
      this.fail = reject;
    });
    // A burst's instants are all at its start, and one instant needs no beat.
    const paced = plan.count > 1 && plan.offsetMs(plan.count - 1) > 0;
    this.metronome =
      paced && (input.metronome ?? true)
        ? new Metronome(
            () => this.pump(),
            () => this.arm(),
          )
        : undefined;
  }

  start(): OpenRun {
    const { signal } = this.input;
    if (signal?.aborted) this.onAbort();
    else signal?.addEventListener('abort', this.onAbort, { once: true });
    this.pump(false);
    const done = this.run();
    return { progress: () => this.progress(), done };
  }

  private async run(): Promise<OpenRunResult> {
    try {
      await this.settledAll;
    } finally {
      this.input.signal?.removeEventListener('abort', this.onAbort);
      this.stopAll();
      if (this.input.pools === undefined) await this.pools.close();
    }
    return {
      instants: this.sent + this.notSent,
      sent: this.sent,
      notSent: this.notSent,
      answered: this.answered,
      failed: this.failed,
      late: this.late,
      stoppedBy: this.stoppedBy,
      elapsedMs: Math.max(0, performance.now() - this.startMs),
      latencyUs: this.latency.summary(),
      serviceUs: this.service.summary(),
      lagUs: this.lag.summary(),
    };
  }

  private progress(): OpenProgress {
    return {
      planned: this.limit,
      instants: this.sent + this.notSent,
      sent: this.sent,
      notSent: this.notSent,
      answered: this.answered,
      failed: this.failed,
      late: this.late,
      inFlight: this.inFlight,
      elapsedMs: Math.max(0, performance.now() - this.startMs),
    };
  }

  /**
   * Sends every instant already due (after a stall of our own loop: each now, late, and its lag says
   * so), then waits for the next, its request built ahead when `ahead` (see buildAhead). The run's
   * first pump builds nothing ahead: its sends may still wait for their connection (undici hands it
   * over on the next tick), and a build now would hold their writes back.
   */
  private pump(ahead = true): void {
    if (this.stopped) return;
    const now = performance.now();
    let dueMs = Number.POSITIVE_INFINITY;
    try {
      while (this.next < this.limit) {
        const intendedMs = this.startMs + this.offsetMs(this.next);
        if (intendedMs > now) {
          dueMs = intendedMs;
          break;
        }
        if (!this.fire(this.next, intendedMs)) {
          // Held: the rest waits behind it until the answers already come are read (one loop turn).
          this.heldFor ??= setImmediate(this.afterHeld);
          return;
        }
        this.next++;
      }
    } catch (e) {
      this.stopAll();
      this.fail(e);
      return;
    }
    if (this.next >= this.limit) {
      this.dueAtMs = Number.POSITIVE_INFINITY;
      this.endPacing();
      this.settleIfDone();
      return;
    }
    this.dueAtMs = dueMs;
    // With the instant after it: the thread aims there by itself after a beat, without a wake-up from here.
    this.metronome?.aim(dueMs, this.next + 1 < this.limit ? this.startMs + this.offsetMs(this.next + 1) : Number.POSITIVE_INFINITY);
    this.arm(dueMs);
    if (ahead) this.buildAhead();
  }

  /**
   * Builds the next instant's request now when its instant is near (within PREBUILD_WITHIN_MS): signed
   * that much early, its timestamp is as valid (JOS and Tencent stamp whole seconds, and every window
   * is minutes wide), and its send is a dispatch only. Built in index order as ever; an instant that
   * comes held or not sent was built all the same.
   */
  private buildAhead(): void {
    const index = this.next;
    if (this.dueAtMs - performance.now() > PREBUILD_WITHIN_MS || this.ahead?.index === index || this.held !== undefined) return;
    try {
      this.ahead = { index, wire: this.input.request(index) };
    } catch (e) {
      this.stopAll();
      this.fail(e);
    }
  }

  /**
   * Arms the millisecond timer for the next instant: at its whole millisecond without the metronome (a
   * fraction is a whole one more), BACKSTOP_MS after it with the metronome beating. A pending timer
   * that fires soon enough is left (one timer object per wait, not per send).
   */
  private arm(dueMs = this.startMs + this.offsetMs(this.next)): void {
    if (this.stopped || this.next >= this.limit) return;
    const wantMs = this.metronome?.alive ? dueMs + BACKSTOP_MS : dueMs;
    if (this.timer !== undefined && this.timerAtMs <= wantMs) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    const now = performance.now();
    const delayMs = Math.max(0, Math.floor(wantMs - now));
    this.timerAtMs = now + delayMs;
    this.timer = setTimeout(this.onTimer, delayMs);
  }

  private readonly afterHeld = () => {
    this.heldFor = undefined;
    this.pump();
  };

  /** Sends instant `index`, or counts it not sent; false when it is held for one loop turn (see `held`). */
  private fire(index: number, intendedMs: number): boolean {
    const wasHeld = this.held?.index === index;
    const wire = wasHeld && this.held ? this.held.wire : this.built(index);
    this.held = undefined;
    const { origin, path } = this.urls.split(wire.url);
    const entry = this.pools.entry(origin);
    if (entry.inFlight >= this.pools.connections) {
      if (!wasHeld) {
        this.held = { index, wire };
        return false;
      }
      this.notSent++;
      this.input.onNotSent?.(index);
      return true;
    }
    entry.inFlight++;
    this.inFlight++;
    this.sent++;
    const sentMs = performance.now();
    const lagUs = (sentMs - intendedMs) * 1000;
    this.lag.record(lagUs);
    if (lagUs > this.lateAfterUs) this.late++;
    const x = new Exchange(this, index, entry, intendedMs, sentMs, lagUs, sentMs + this.timeoutMs);
    this.deadlines.track(x);
    // One options object, no spread (undici reads an absent body as none).
    entry.pool.dispatch({ path, method: wire.method, headers: wire.headers, body: wire.body }, x);
    return true;
  }

  /** Request `index`: the one built ahead for it, else built now. */
  private built(index: number): WireRequest {
    const ahead = this.ahead;
    this.ahead = undefined;
    return ahead?.index === index ? ahead.wire : this.input.request(index);
  }

  /**
   * Request `x` is being written (undici calls its handler's onRequestStart just before it writes the
   * request to its connection): its service time starts here. Not at the dispatch: on a connection
   * used before, undici writes in the next check phase of the loop (it first reads what an idle
   * connection may hold: GHSA-35p6-xmwp-9g52), and that wait is ours, not the target's. The send lag
   * stays the scheduler's (intended instant → its dispatch): with a target serving in this process
   * (the embedded reference of the tests), the rest of that loop turn is the target's own work.
   */
  started(x: Exchange): void {
    x.sentMs = performance.now();
  }

  /**
   * An exchange settled (see ExchangeOwner): its times taken now (the answer is complete now), its
   * connection freed; its outcome is handed on after the sends that came due (`afterAnswers`).
   */
  settled(x: Exchange, outcome: AnswerOutcome): void {
    this.deadlines.done(x);
    x.endMs = performance.now();
    x.outcome = outcome;
    x.entry.inFlight--;
    this.inFlight--;
    if (outcome.ok) {
      this.answered++;
      this.latency.record((x.endMs - x.intendedMs) * 1000);
      this.service.record((x.endMs - x.sentMs) * 1000);
    } else this.failed++;
    this.toHandOn.push(x);
    // Piggyback: once this read of the sockets is handled, send what came due, then judge the answers.
    if (!this.turnQueued) {
      this.turnQueued = true;
      // A promise's reaction, not queueMicrotask: that one makes an AsyncResource per call.
      void RESOLVED.then(this.afterAnswers);
    }
  }

  /**
   * Hands the settled answers on (`onAnswer`: classify, record), oldest first; an instant that comes
   * due meanwhile is sent before the next answer is handed on.
   */
  private handOn(): void {
    const list = this.toHandOn;
    while (this.handedOn < list.length) {
      const x = list[this.handedOn++] as Exchange;
      try {
        this.input.onAnswer?.(x.index, x.outcome as AnswerOutcome, {
          latencyUs: (x.endMs - x.intendedMs) * 1000,
          serviceUs: (x.endMs - x.sentMs) * 1000,
          lagUs: x.lagUs,
        });
      } catch (e) {
        this.stopAll();
        this.fail(e);
      }
      if (this.dueAtMs <= performance.now() && !this.stopped && this.next < this.limit) this.pump(false);
    }
    list.length = 0;
    this.handedOn = 0;
  }

  /** Ends the run once nothing is in flight and no instant is left, every answer handed on first. */
  private settleIfDone(): void {
    if (this.inFlight !== 0 || !(this.next >= this.limit || this.stopped)) return;
    this.handOn();
    this.finish();
  }

  /** No more instants to pace: the timer and the metronome go. */
  private endPacing(): void {
    if (this.heldFor) clearImmediate(this.heldFor);
    this.heldFor = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAtMs = Number.POSITIVE_INFINITY;
    this.metronome?.stop();
  }

  private stopAll(): void {
    this.stopped = true;
    this.endPacing();
    this.deadlines.abortAll();
  }
}

/** The input's schedule: `schedule`, or a constant `ratePerS`; exactly one of them. */
function scheduleOf(input: OpenRunInput): OpenSchedule {
  if (input.schedule !== undefined && input.ratePerS !== undefined) throw new RangeError('give an open run ratePerS or schedule, not both');
  if (input.schedule !== undefined) return input.schedule;
  if (input.ratePerS === undefined) throw new RangeError('an open run needs ratePerS or schedule');
  return { shape: 'constant', ratePerS: input.ratePerS };
}

/**
 * Where a request goes: its origin (the pool) and its path with the query (the dispatch). Built requests
 * mostly repeat one URL (an operation's endpoint), so the last one is remembered instead of parsing
 * each (a `new URL` per request cost about a microsecond and an object graph).
 */
class UrlSplitter {
  private lastUrl = '';
  private last: { readonly origin: string; readonly path: string } = { origin: '', path: '' };
  split(url: string): { readonly origin: string; readonly path: string } {
    if (url !== this.lastUrl) {
      const parsed = new URL(url);
      this.last = { origin: parsed.origin, path: parsed.pathname + parsed.search };
      this.lastUrl = url;
    }
    return this.last;
  }
}

/** What an exchange tells its run when it settles, and the run's state it reads then. */
interface ExchangeOwner {
  started(x: Exchange): void;
  settled(x: Exchange, outcome: AnswerOutcome): void;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
}

/**
 * One request on undici's `Dispatcher.dispatch`, as its handler (the controller-style interface undici 7
 * documents): the body's chunks kept up to maxBodyBytes (the rest read and dropped, so the connection
 * stays reusable), the content type read from the final answer's headers, and one settlement, whichever
 * comes first of the answer's end, its error, its deadline (`expire`) and the run's stop (`abort`). No
 * body stream, no promise and no AbortController per request (each cost microseconds at thousands a
 * second); aborting goes through the controller undici hands over when the request starts.
 */
class Exchange implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private done = false;
  private status = 0;
  private contentType = '';
  /** The body kept: its first chunk, and the ones after it (an array only when there are more: most answers come in one). */
  private first: Buffer | undefined;
  private rest: Buffer[] | undefined;
  private kept = 0;
  private truncated = false;
  /** Set by the owner when it settles: when the answer was complete (performance.now() ms), and its outcome. */
  endMs = 0;
  outcome: AnswerOutcome | undefined;

  constructor(
    private readonly owner: ExchangeOwner,
    readonly index: number,
    readonly entry: { inFlight: number },
    readonly intendedMs: number,
    /** When it was written (set by the owner's `started`; until then, when it was handed to undici). */
    public sentMs: number,
    readonly lagUs: number,
    /** When it times out, on performance.now()'s clock. */
    readonly deadlineMs: number,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    // Settled while still queued behind a connecting socket: let it go no further.
    if (this.done) controller.abort(new Error('settled before it started'));
    else this.owner.started(this);
  }

  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    // Called again after a 1xx: the final answer's status and headers are the last ones.
    this.status = statusCode;
    const type = headers['content-type'];
    this.contentType = (Array.isArray(type) ? type[0] : type) ?? '';
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    const room = this.owner.maxBodyBytes - this.kept;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    if (chunk.length > room) this.truncated = true;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (this.first === undefined) this.first = part;
    else if (this.rest === undefined) this.rest = [part];
    else this.rest.push(part);
    this.kept += part.length;
  }

  onResponseEnd(): void {
    const { first, rest } = this;
    const body = rest !== undefined && first !== undefined ? Buffer.concat([first, ...rest]) : (first ?? EMPTY_BODY);
    this.settle({ ok: true, status: this.status, contentType: this.contentType, body: body.toString('utf8'), truncated: this.truncated });
  }

  onResponseError(_c: Dispatcher.DispatchController | undefined, e: Error): void {
    const code = (e as { code?: string }).code;
    const reason = code ? `${code}: ${e.message}` : e.message;
    this.settle({ ok: false, kind: 'network', reason, unsent: nothingSent({ cause: e }) });
  }

  /** Its deadline passed: a timeout, and the request is aborted (its connection closed). */
  expire(): void {
    this.cut({ ok: false, kind: 'timeout', reason: `no complete answer within ${this.owner.timeoutMs} ms` });
  }

  /** The run stopped: aborted. */
  abort(): void {
    this.cut({ ok: false, kind: 'aborted', reason: 'run stopped' });
  }

  private cut(outcome: AnswerOutcome): void {
    if (this.done) return;
    this.settle(outcome);
    // Settled first: the error undici reports for the abort finds it done and is dropped.
    this.controller?.abort(new Error(outcome.ok ? '' : outcome.reason));
  }

  private settle(outcome: AnswerOutcome): void {
    if (this.done) return;
    this.done = true;
    this.first = undefined;
    this.rest = undefined;
    this.owner.settled(this, outcome);
  }
}

/**
 * The deadlines of the requests in flight, swept a few times a second: one timer for the run instead
 * of a timer and a signal per request (AbortSignal.timeout + AbortSignal.any cost about a timer and a
 * WeakRef on the run's signal per request, kept until the run ends: tens of MB at a million requests).
 * A request times out between its deadline and one sweep later.
 */
class Deadlines {
  private readonly live = new Set<Exchange>();
  private readonly timer: NodeJS.Timeout;
  constructor(sweepMs: number) {
    this.timer = setInterval(() => this.sweep(), sweepMs);
    this.timer.unref();
  }
  track(x: Exchange): void {
    this.live.add(x);
  }
  done(x: Exchange): void {
    this.live.delete(x);
  }
  private sweep(): void {
    const now = performance.now();
    for (const x of this.live) if (x.deadlineMs <= now) x.expire();
  }
  /** Aborts every request in flight (the run stopped) and stops sweeping. */
  abortAll(): void {
    clearInterval(this.timer);
    for (const x of [...this.live]) x.abort();
    this.live.clear();
  }
}

/** How often the deadlines are swept: a quarter of the timeout, between 5 and 250 ms. */
function sweepEveryMs(timeoutMs: number): number {
  return Math.min(250, Math.max(5, Math.floor(timeoutMs / 4)));
}
