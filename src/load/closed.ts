/**
 * The closed model on autocannon ("how much can it take"): `connections` loops, each sending its next
 * request only when the previous one is settled. The one module of the project that imports autocannon.
 * Its interface mirrors runOpen (./open.ts): requests come from `request(index)` (the protocol
 * adapters' prepare), answers go to `onAnswer` shaped for the one `classify`, and a run is bounded by a
 * duration and/or a count and stopped early by an AbortSignal.
 *
 * Closed-loop figures hide stalls: while the target stalls, every connection waits, so almost no sample
 * is taken during the stall (coordinated omission). Report them as closed-loop figures; the open model
 * is the one that measures latency at a rate.
 *
 * How autocannon 9 is driven (lib/run.js, lib/httpClient.js, lib/requestIterator.js):
 * - `requests` has one entry whose `setupRequest` builds each request: autocannon calls it once per
 *   request, the first one eagerly in each client's constructor, before the client exists for us
 *   (`setupClient` comes after); every later one right after the client's `request` event. Its context
 *   is reset per request (one entry: every request is a new round), and carries the request's record to
 *   `onResponse`; pipelining is 1, so a client has one request in flight and an answer is its own.
 * - Every sent request settles exactly once: its answer (`onResponse`, with the body bytes as the
 *   client's `body` events gave them: autocannon's own body string decodes each TCP chunk apart and
 *   would mangle a character split across two), a connection error (the client's `connError`; refused
 *   before anything was sent: transport), a timeout (the client's `timeout`, emitted after autocannon
 *   has already built the next request), a connection closed or a client ended before the answer
 *   (unknown), or the run stopped by the signal or by a failure (aborted).
 * - The end is ours, not autocannon's (whose duration ends with every in-flight request dropped, and
 *   only at its next sample tick): at the count or the duration each client stops after its in-flight
 *   request (`responseMax`), idle ones are ended at once; an abort ends every client at once.
 * - `ignoreCoordinatedOmission: true` whenever a rate is set: autocannon's correction records with an
 *   expected interval of ceil(1 / rate) = 1 ms whatever the rate and invents samples. Without a rate
 *   autocannon corrects nothing (and refuses the option). Its own latency histogram (integer ms) is not
 *   used: the result holds ours, µs, from just before the write to the complete answer.
 *
 * Beyond autocannon's documented API this module uses a client's `request`, `done`, `timeout` and
 * `connError` events and its `responseMax`, `timeout` and `destroy()` (ClientInternals): each is pinned
 * by test/load/closed.test.ts. autocannon does not verify TLS certificates (rejectUnauthorized: false).
 *
 * autocannon's `workers` (threads that `require` the hooks by file path) is not offered: its manager
 * drops every worker's result on stop() (the worker closes its port before its result goes out), an
 * answer could reach `onAnswer` only through a channel of our own, and `request` would have to be
 * rebuilt in each thread from plain data (the load plan and the credentials).
 */
import autocannon from 'autocannon';
import { nothingSent } from '../core/http.js';
import type { AnswerOutcome } from '../engine/answer.js';
import type { WireRequest } from '../protocols/types.js';
import { type HistogramSummary, usHistogram } from './histograms.js';

/** What a closed run needs. One of `durationS` and `count` is required; with both, the first reached ends it. */
export interface ClosedRunInput {
  /**
   * The one origin every request goes to (`http://127.0.0.1:8620`): autocannon takes one URL, so a
   * caller whose operations span several origins groups them by origin and runs one closed run each. A
   * request to another origin fails the run.
   */
  readonly origin: string;
  /** Connections, each with one request in flight at a time (clipped to `count`, and to `ratePerS` as autocannon does). */
  readonly connections: number;
  /** No request is built after this many seconds; in-flight requests still get their answer. */
  readonly durationS?: number;
  /** At most this many requests (indices 0 … count − 1). */
  readonly count?: number;
  /**
   * A ceiling, not a pace (autocannon's `overallRate`, a whole number ≥ 1): each connection may send its
   * share of it per second, and does so in a burst at the start of each second, then idles. The open
   * model is the one that sends at a rate.
   */
  readonly ratePerS?: number;
  /**
   * Builds request `index` (adapter.prepare's WireRequest), synchronously, just before it is written:
   * every index once, unique across connections. Its method, path and query, headers and body go on
   * the wire as they are (autocannon adds `Host` unless given, `Connection: keep-alive`, and computes
   * `Content-Length`). An index may be built and never sent when the run stops.
   */
  readonly request: (index: number) => WireRequest;
  /** Each sent request's answer (or its failure), shaped for `classify`, with its time. Called once per sent request. */
  readonly onAnswer?: (index: number, outcome: AnswerOutcome, times: ClosedTimes) => void;
  /** A request without a complete answer within this is a timeout, ms (from its write). */
  readonly timeoutMs: number;
  /** Bytes of an answer kept; more is dropped, and the outcome says `truncated`. */
  readonly maxBodyBytes: number;
  /** Aborting ends the run at once: no more sends, in-flight requests settled as aborted. */
  readonly signal?: AbortSignal;
}

/** The time of one sent request, µs. */
export interface ClosedTimes {
  /** Answer complete (or failure) − just before the write: the service time a closed loop sees. */
  readonly serviceUs: number;
}

/** What a closed run measured: plain data. */
export interface ClosedRunResult {
  /** Requests written to a connection. sent = answered + failed. */
  readonly sent: number;
  /** Sent requests that got a complete HTTP answer (any status). */
  readonly answered: number;
  /** Sent requests without one: timeouts + errors + aborted. */
  readonly failed: number;
  readonly timeouts: number;
  /** Connection errors (refused, reset) and connections closed before the answer. */
  readonly errors: number;
  /** In flight when the run was stopped by its signal or a failure. */
  readonly aborted: number;
  /** What ended the run. */
  readonly stoppedBy: 'count' | 'duration' | 'signal';
  /** From the start to the last connection ended, ms. */
  readonly elapsedMs: number;
  /** Answered requests' service times (ours, µs, not autocannon's integer-ms histogram). */
  readonly serviceUs: HistogramSummary;
}

/** The autocannon 9 Client as this module uses it, its typed API and beyond (lib/httpClient.js). */
interface ClientInternals {
  /** The request timeout, ms, read when the client arms its timer (after setupClient). */
  timeout: number;
  /** The client ends before its next request once it has made this many (0: no limit). */
  responseMax: number;
  /** Ends the client at once: timers cleared, connection destroyed, `done` emitted. */
  destroy(): void;
  /** `request`: about to write one; `timeout`: the one in flight timed out; `done`: ended; `headers`: an answer's head parsed. */
  on(event: 'request' | 'timeout' | 'done' | 'headers', listener: () => void): unknown;
  /** A piece of an answer's body, exactly as parsed. */
  on(event: 'body', listener: (chunk: Buffer) => void): unknown;
  /** The connection failed (refused, reset): autocannon reconnects and sends the next request. */
  on(event: 'connError', listener: (error: unknown) => void): unknown;
}

/** One request built by setupRequest, until it is settled. */
interface InFlight {
  readonly index: number;
  /** Written to the connection (the first request of a client is built before it is). */
  sent: boolean;
  settled: boolean;
  /** performance.now() just before the write. */
  sentMs: number;
  chunks: Buffer[];
  kept: number;
  truncated: boolean;
}

/** One autocannon client (one connection) as this run follows it. */
interface Connection {
  readonly client: ClientInternals;
  /** The request it built last (in flight unless settled). */
  current?: InFlight;
  /** A request replaced or left before its answer: a timeout if the client says so right after, else closed. */
  lost?: InFlight;
  done: boolean;
}

/** What setupRequest's context carries to onResponse. */
interface RequestContext {
  record?: InFlight;
}

/** autocannon's sample interval, ms: it ends a run at its next sample after the last client ends. */
const SAMPLE_INT_MS = 50;
/** autocannon's own duration when ours is absent (its timer must not end the run): about 23 days. */
const NO_DURATION_S = 2_000_000;
/** Headers autocannon writes itself: a WireRequest's own would go out twice. */
const OWN_HEADERS = new Set(['content-length', 'connection']);

/** Runs the closed model (see the module comment). Resolves when every connection has ended. */
export async function runClosed(input: ClosedRunInput): Promise<ClosedRunResult> {
  validate(input);
  return new ClosedRun(input).run();
}

function validate(input: ClosedRunInput): void {
  if (input.durationS === undefined && input.count === undefined) throw new RangeError('a closed run needs durationS or count');
  if (!(Number.isInteger(input.connections) && input.connections >= 1))
    throw new RangeError(`connections must be a whole number >= 1, got ${input.connections}`);
  if (input.count !== undefined && !(Number.isInteger(input.count) && input.count >= 1))
    throw new RangeError(`count must be a whole number >= 1, got ${input.count}`);
  if (input.durationS !== undefined && !(input.durationS > 0)) throw new RangeError(`durationS must be > 0, got ${input.durationS}`);
  if (input.ratePerS !== undefined && !(Number.isInteger(input.ratePerS) && input.ratePerS >= 1))
    throw new RangeError(`ratePerS must be a whole number >= 1 (autocannon's overallRate), got ${input.ratePerS}`);
  if (!(input.timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${input.timeoutMs}`);
  const url = new URL(input.origin);
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '')
    throw new RangeError(`origin must be scheme://host[:port] alone, got ${input.origin}`);
}

/** One closed run's state: autocannon's hooks and the client events, bound to one input. */
class ClosedRun {
  private readonly input: ClosedRunInput;
  /** The input's origin as URL.origin spells it (`http://h:80` is `http://h`): what each request's URL must have. */
  private readonly origin: string;
  private readonly limit: number;
  private readonly service = usHistogram();
  private readonly conns: Connection[] = [];
  private next = 0;
  private sent = 0;
  private answered = 0;
  private timeouts = 0;
  private errors = 0;
  private aborted = 0;
  /** The connection whose `request` event announced the next setupRequest call. */
  private building: Connection | undefined;
  /** A first request built in a client's constructor, claimed by that client's setupClient. */
  private constructed: InFlight | undefined;
  private draining = false;
  private halted = false;
  private stoppedBy: ClosedRunResult['stoppedBy'] | undefined;
  private failure: { readonly error: unknown } | undefined;
  private instance: autocannon.Instance | undefined;
  private timer: NodeJS.Timeout | undefined;
  private startMs = 0;
  private endMs: number | undefined;

  constructor(input: ClosedRunInput) {
    this.input = input;
    this.origin = new URL(input.origin).origin;
    this.limit = input.count ?? Number.POSITIVE_INFINITY;
  }

  async run(): Promise<ClosedRunResult> {
    const { input } = this;
    this.startMs = performance.now();
    const onAbort = () => {
      if (!this.draining) this.stoppedBy = 'signal';
      this.halt();
    };
    if (input.signal?.aborted) {
      this.stoppedBy = 'signal';
      return this.result();
    }
    input.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await new Promise<void>((resolve, reject) => {
        try {
          this.instance = autocannon(this.options(), (err: unknown) => (err ? reject(err) : resolve()));
        } catch (e) {
          // A first request that could not be built (in a client's constructor, inside autocannon()):
          // the clients made so far are running and must end.
          this.fail(e);
          reject(e);
          return;
        }
        if (this.halted) this.halt(true);
        if (input.durationS !== undefined) this.timer = setTimeout(() => this.drain('duration'), input.durationS * 1000);
      });
    } finally {
      input.signal?.removeEventListener('abort', onAbort);
      clearTimeout(this.timer);
    }
    if (this.failure) throw this.failure.error;
    return this.result();
  }

  private options(): autocannon.Options {
    const { input } = this;
    // A duration autocannon would end by itself, dropping in-flight requests: ours ends first, then the timeouts.
    const safetyS = input.durationS === undefined ? NO_DURATION_S : input.durationS + input.timeoutMs / 1000 + 5;
    return {
      url: this.origin,
      connections: Math.min(input.connections, input.count ?? input.connections),
      pipelining: 1,
      duration: safetyS,
      // autocannon refuses a timeout under 1 s: the real one is set per client (setupClient).
      timeout: Math.max(1, input.timeoutMs / 1000),
      sampleInt: SAMPLE_INT_MS,
      ...(input.ratePerS !== undefined ? { overallRate: input.ratePerS, ignoreCoordinatedOmission: true } : {}),
      setupClient: (client) => this.setupClient(client as unknown as ClientInternals),
      requests: [
        {
          setupRequest: (req, context) => this.setupRequest(req, context as RequestContext),
          onResponse: (status, _body, context, headers) => this.onResponse(status, context as RequestContext, headers),
        },
      ],
    };
  }

  // ---------------------------------------------------------------- autocannon's hooks

  /** Called once per request: builds it (the record rides in the context to onResponse). Never throws after the first. */
  private setupRequest(req: autocannon.Request, context: RequestContext): autocannon.Request {
    const conn = this.building;
    this.building = undefined;
    // A client ended by halt() still writes what this returns, to its destroyed socket: nothing goes out.
    if (this.halted) return req;
    if (this.next >= this.limit && conn) {
      // Cannot happen (the cap drains every client first); if it did, the request is not sent.
      conn.client.destroy();
      return req;
    }
    const index = this.next++;
    let wire: WireRequest;
    let path: string;
    try {
      wire = this.input.request(index);
      path = this.pathOf(wire.url, index);
    } catch (e) {
      // In a constructor the throw leaves autocannon() (run() catches it); later it would crash a socket handler.
      if (!conn) throw e;
      this.fail(e);
      return req;
    }
    const record: InFlight = {
      index,
      sent: conn !== undefined,
      settled: false,
      sentMs: performance.now(),
      chunks: [],
      kept: 0,
      truncated: false,
    };
    context.record = record;
    if (conn) {
      conn.current = record;
      this.sent++;
    } else this.constructed = record;
    if (this.next >= this.limit) queueMicrotask(() => this.drain('count'));
    return { ...req, method: wire.method, path, headers: wireHeaders(wire), body: wire.body };
  }

  /** The path and query of `url`, as written (no URL parse when it begins with the origin as spelt); it must go to this run's origin. */
  private pathOf(url: string, index: number): string {
    if (url.startsWith(this.origin) && url.charAt(this.origin.length) === '/') return url.slice(this.origin.length);
    const parsed = new URL(url);
    if (parsed.origin !== this.origin)
      throw new Error(`request ${index} goes to ${parsed.origin}, not to this run's origin ${this.origin}`);
    return parsed.pathname + parsed.search;
  }

  private onResponse(status: number, context: RequestContext, headers: autocannon.Request['headers']): void {
    const record = context.record;
    if (!record || record.settled) return;
    const body = Buffer.concat(record.chunks, record.kept).toString('utf8');
    this.settle(record, { ok: true, status, contentType: headerValue(headers, 'content-type'), body, truncated: record.truncated });
  }

  private setupClient(client: ClientInternals): void {
    client.timeout = this.input.timeoutMs;
    const conn: Connection = { client, done: false };
    if (this.constructed) conn.current = this.constructed;
    this.constructed = undefined;
    this.conns.push(conn);
    client.on('request', () => this.onRequest(conn));
    client.on('headers', () => this.resetBody(conn.current));
    client.on('body', (chunk: Buffer) => this.keepBody(conn.current, chunk));
    client.on('connError', (error: unknown) => this.onConnError(conn, error));
    client.on('timeout', () => this.onTimeout(conn));
    client.on('done', () => this.onDone(conn));
  }

  // ---------------------------------------------------------------- the client's events

  /** A request is about to be written: the eagerly built first one, or the next one, built right after this. */
  private onRequest(conn: Connection): void {
    if (this.halted) return;
    const current = conn.current;
    if (current && !current.sent) {
      current.sent = true;
      current.sentMs = performance.now();
      this.sent++;
      return;
    }
    if (current && !current.settled) this.lose(conn, current);
    this.building = conn;
  }

  private onConnError(conn: Connection, error: unknown): void {
    const current = conn.current;
    if (!current?.sent || current.settled) return;
    const code = (error as { code?: string }).code;
    const message = error instanceof Error ? error.message : String(error);
    this.settle(current, {
      ok: false,
      kind: 'network',
      reason: code && !message.includes(code) ? `${code}: ${message}` : message,
      unsent: nothingSent({ cause: error }),
    });
  }

  /** autocannon says a request timed out after it has built the next one (or ended the client): the lost one is it. */
  private onTimeout(conn: Connection): void {
    const current = conn.current;
    const victim = conn.lost ?? (current?.sent && !current.settled ? current : undefined);
    if (!victim || victim.settled) return;
    this.settle(victim, { ok: false, kind: 'timeout', reason: `no complete answer within ${this.input.timeoutMs} ms` });
  }

  private onDone(conn: Connection): void {
    conn.done = true;
    const current = conn.current;
    if (current?.sent && !current.settled) {
      if (this.halted) this.settle(current, { ok: false, kind: 'aborted', reason: 'run stopped' });
      else this.lose(conn, current);
    }
    if (this.conns.every((c) => c.done)) this.endMs ??= performance.now();
  }

  /** A request left without its answer: a timeout if the client's `timeout` follows at once, else the connection closed. */
  private lose(conn: Connection, record: InFlight): void {
    conn.lost = record;
    queueMicrotask(() => {
      if (conn.lost === record) conn.lost = undefined;
      if (!record.settled)
        this.settle(record, { ok: false, kind: 'network', reason: 'the connection closed before the answer', unsent: false });
    });
  }

  private resetBody(record: InFlight | undefined): void {
    if (!record || record.settled) return;
    record.chunks = [];
    record.kept = 0;
    record.truncated = false;
  }

  private keepBody(record: InFlight | undefined, chunk: Buffer): void {
    if (!record || record.settled) return;
    const room = this.input.maxBodyBytes - record.kept;
    if (chunk.length > room) record.truncated = true;
    if (room <= 0) return;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    record.chunks.push(part);
    record.kept += part.length;
  }

  // ---------------------------------------------------------------- settling and ending

  private settle(record: InFlight, outcome: AnswerOutcome): void {
    if (record.settled) return;
    record.settled = true;
    record.chunks = [];
    const serviceUs = (performance.now() - record.sentMs) * 1000;
    if (outcome.ok) {
      this.answered++;
      this.service.record(serviceUs);
    } else if (outcome.kind === 'timeout') this.timeouts++;
    else if (outcome.kind === 'aborted') this.aborted++;
    else this.errors++;
    try {
      this.input.onAnswer?.(record.index, outcome, { serviceUs });
    } catch (e) {
      this.fail(e);
    }
  }

  /** No new request: each client ends after its in-flight one (idle ones at once). */
  private drain(reason: 'count' | 'duration'): void {
    if (this.draining || this.halted) return;
    this.draining = true;
    this.stoppedBy ??= reason;
    clearTimeout(this.timer);
    for (const conn of this.conns) {
      if (conn.done) continue;
      if (conn.current?.sent && !conn.current.settled) conn.client.responseMax = 1;
      else conn.client.destroy();
    }
  }

  /** Ends every client at once (abort, failure): in-flight requests settle as aborted. */
  private halt(again = false): void {
    if (this.halted && !again) return;
    this.halted = true;
    clearTimeout(this.timer);
    for (const conn of this.conns) if (!conn.done) conn.client.destroy();
    this.instance?.stop();
  }

  private fail(error: unknown): void {
    this.failure ??= { error };
    this.halt();
  }

  private result(): ClosedRunResult {
    // Whatever autocannon left unsettled (it ended a client we did not end) is aborted, so the counts add up.
    for (const conn of this.conns)
      for (const record of [conn.lost, conn.current])
        if (record?.sent && !record.settled) this.settle(record, { ok: false, kind: 'aborted', reason: 'run ended' });
    const failed = this.timeouts + this.errors + this.aborted;
    return {
      sent: this.sent,
      answered: this.answered,
      failed,
      timeouts: this.timeouts,
      errors: this.errors,
      aborted: this.aborted,
      stoppedBy: this.stoppedBy ?? 'duration',
      elapsedMs: (this.endMs ?? performance.now()) - this.startMs,
      serviceUs: this.service.summary(),
    };
  }
}

/** The WireRequest's headers in a fresh object (autocannon adds Content-Length to it), minus those autocannon writes itself. */
function wireHeaders(wire: WireRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(wire.headers)) if (!OWN_HEADERS.has(name.toLowerCase())) headers[name] = value;
  return headers;
}

/** A header of an answer, by any case (autocannon keeps the names as the server wrote them). */
function headerValue(headers: autocannon.Request['headers'], name: string): string {
  for (const [key, value] of Object.entries(headers ?? {}))
    if (key.toLowerCase() === name) return Array.isArray(value) ? (value[0] ?? '') : String(value ?? '');
  return '';
}
