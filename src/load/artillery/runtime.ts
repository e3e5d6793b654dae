/**
 * promoproof inside an Artillery worker: the functions the exported script's processor hands Artillery
 * (script.ts PROCESSOR_FUNCTIONS). Nothing of promoproof is rewritten for Artillery:
 * - each request is built by the mix (src/load/mix.ts: the protocols' own `prepare`, signed now, the
 *   operation's params with `${user}` and `${requestId}`), Artillery only carries its bytes;
 * - each answer is judged by the one classifier (src/engine/answer.ts) and kept for the audit by the
 *   same collector the local engines feed (src/load/audit-log.ts);
 * - identities: one user space for every worker (setup.json's userBase), and request ids unique across
 *   workers: each worker's run tag is its worker index (PROMOPROOF_WORKER, set by the local commands)
 *   or, without one (`run-fargate`), 3 random bytes, followed by the export's tag; the mix's own
 *   per-process counter makes the rest.
 * Figures go out as Artillery custom metrics (src/load/artillery/metrics.ts), which Artillery merges
 * across workers and periods; the lead process's plugin writes them (plugin.ts). So do what the audit
 * keeps and the samples of answers (records.ts): no worker's file has to come back. Latency counts from
 * the intended instant (schedule.ts), the service time from the send; both are never negative.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { type AnswerOutcome, classify, describeClassified } from '../../engine/answer.js';
import { loadTargetConfig } from '../../engine/targets/config.js';
import type { ClassifiedAnswer } from '../../protocols/types.js';
import { type AuditData, AuditCollector } from '../audit-log.js';
import { type UsHistogram, usHistogram } from '../histograms.js';
import { type BuiltRequest, type CompiledMix, compileMix } from '../mix.js';
import { loadProfile } from '../profile.js';
import { SAMPLES_PER_CLASS } from '../result.js';
import type { LoadSample, OutcomeClass } from '../types.js';
import { metricNames } from './metrics.js';
import { CountsTeller, RecordStream, streamName } from './records.js';
import { type ArrivalSlot, type ArtillerySpec, arrivalSlot, threadPhases, type WorkerPhase, workerPhases } from './schedule.js';
import { type ArtillerySetup, readArtillerySetup } from './setup-file.js';
import { type ThreadClock, watchWorker } from './worker-health.js';

/** A send later than this after its intended instant counts as late, µs (the local open model's bound). */
export const LATE_AFTER_US = 5_000;

/** What Artillery's hooks are handed: the parts promoproof reads and writes. */
export interface ArtilleryRequestParams {
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  body?: string;
  json?: unknown;
}
export interface ArtilleryContext {
  readonly vars: Record<string, unknown>;
  readonly scenario?: { readonly name?: string };
}
export interface ArtilleryEvents {
  emit(event: 'counter' | 'histogram', name: string, value: number): void;
}
export interface ArtilleryResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
}
type Next = (err?: Error | null) => void;

/** One arrival of this worker, kept on its Artillery context between the hooks. */
interface Arrival {
  readonly n: number;
  readonly phase: number;
  /** The intended instant, performance.now() ms of this worker. */
  readonly intendedMs: number;
  built?: BuiltRequest;
  sentMs?: number;
}

/** The processor's functions (named as the script's hooks name them), and what it keeps for the audit. */
export interface ArtilleryProcessor {
  promoproofArrive(context: ArtilleryContext, events: ArtilleryEvents, next: Next): void;
  promoproofRequest(req: ArtilleryRequestParams, context: ArtilleryContext, events: ArtilleryEvents, next: Next): void;
  promoproofAnswer(
    req: ArtilleryRequestParams,
    res: ArtilleryResponse,
    context: ArtilleryContext,
    events: ArtilleryEvents,
    next: Next,
  ): void;
  promoproofError(err: Error, req: ArtilleryRequestParams, context: ArtilleryContext, events: ArtilleryEvents, next: Next): void;
  /**
   * Writes this worker's file next to setup.json (runs/audit-<tag>.json); idempotent. The import reads the
   * audit's records and the samples from the metrics stream (records.ts); the file is kept for its HDR
   * histograms, which a local run compares with the merged sketches (test/scaleout).
   */
  flush(): void;
  /** This worker's run tag (request ids are `<tag>-<index>`). */
  readonly runTag: string;
}

/** What a processor needs besides setup.json: the environment (the target config's secrets, the worker index) and a clock. */
export interface ProcessorOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly now?: () => number;
  /** The wall clock, as Artillery's periods count it (records.ts): Date.now unless a test sets one. */
  readonly wallNow?: () => number;
  /** The bounds of the audit's record frames (records.ts RecordStream): its defaults unless a test sets smaller ones. */
  readonly recordLimits?: ConstructorParameters<typeof RecordStream>[1];
  /** This thread's clock for its own health (worker-health.ts): the real one unless a test sets one. */
  readonly clock?: ThreadClock;
}

const ARRIVAL = '$promoproof';
/** How long after a period starts the last scenario sends the next of its queued records, ms (clear of the boundary). */
const PERIOD_MARGIN_MS = 50;

/**
 * What a worker writes when its plan is done (runs/audit-<tag>.json), where it ran: its own latency
 * histograms, for a local run to compare with the merged sketches. The import takes the audit's data and
 * the samples from the metrics stream instead (records.ts), the one way back from Fargate too.
 */
export interface WorkerFile {
  readonly runTag: string;
  /** Arrivals this worker made. */
  readonly arrivals: number;
  readonly audit: AuditData;
  /** By latency metric name (metrics.ts): hdr-histogram-js compressed base64 of the µs values, as a local run's report holds them. */
  readonly hdr: Readonly<Record<string, string>>;
  /** The first answers of each operation and class that were not a success, as a local run samples them (redacted curl lines). */
  readonly samples: readonly LoadSample[];
}

/** How much of what an answer said a sample keeps, characters (as the local recorder). */
const SAID_CHARS = 500;

/** The processors of this thread (one, unless a test makes more): the plugin flushes them and hands them the thread's phases. */
const live = new Set<{ flush(): void; usePhases(specs: readonly ArtillerySpec[]): void }>();
/** This thread's phases as Artillery will run them, when its plugin saw them before the processor was made. */
let seenSpecs: readonly ArtillerySpec[] | undefined;

/** Called by the plugin in a worker thread with the thread's own phases (Artillery's local split of the script's): the schedule follows them. */
export function useThreadPhases(specs: readonly ArtillerySpec[]): void {
  seenSpecs = specs;
  for (const p of live) p.usePhases(specs);
}

/** Writes every processor's audit data of this thread (the plugin's cleanup, and the thread's exit). */
export function flushProcessors(): void {
  for (const p of live) p.flush();
}

/** The worker's run tag: `w<index>` padded, or 6 random hex digits, then the export's tag (≤ 12 characters). */
export function workerTag(setup: Pick<ArtillerySetup, 'runTag'>, env: Readonly<Record<string, string | undefined>>): string {
  const given = env['PROMOPROOF_WORKER'];
  if (given !== undefined && /^\d{1,6}$/.test(given)) return `w${Number(given).toString(36).padStart(3, '0')}${setup.runTag}`;
  return `${randomBytes(3).toString('hex')}${setup.runTag}`;
}

/** The processor of one worker, from setup.json (see the module comment). */
export function createArtilleryProcessor(setupFile: string, opts: ProcessorOptions = {}): ArtilleryProcessor {
  const env = opts.env ?? process.env;
  const now = opts.now ?? (() => performance.now());
  const setup = readArtillerySetup(setupFile);
  const profile = loadProfile(setup.profile.file);
  const target = loadTargetConfig(setup.targetConfig, env);
  const runTag = workerTag(setup, env);
  /** This thread's own CPU and event-loop delay, sent as metrics named after it (worker-health.ts). */
  const health = watchWorker(`${runTag}-${threadId}`.replace(/[^A-Za-z0-9_-]/g, '_'), opts.clock);
  const mix: CompiledMix = compileMix({
    profile: profile.doc,
    target,
    vars: { ...setup.vars, userBase: setup.userBase },
    maxBodyBytes: setup.maxBodyBytes,
    runTag,
  });
  const planned: WorkerPhase[] = workerPhases(setup.phases, setup.workers);
  let phases = seenSpecs === undefined ? planned : threadPhases(planned, seenSpecs);
  const opIndex = new Map(mix.operations.map((o, i) => [o.name, i]));
  const audit = new AuditCollector(profile.doc);
  const wallNow = opts.wallNow ?? Date.now;
  // What the audit keeps goes back through Artillery's metrics stream, the one way back from every worker.
  const records = new RecordStream(streamName(runTag, threadId), opts.recordLimits);
  const counts = new CountsTeller();
  audit.onKept = (event) => {
    records.push(event);
    counts.kept(event);
  };
  /** Tells the audit's counts that moved and sends the records this period allows (every answer's hook). */
  const ship = (events: ArtilleryEvents, final = false) => {
    const emit = (name: string, value: number) => events.emit('counter', name, value);
    counts.tell(audit.kept(), emit);
    records.drain(wallNow(), emit, final);
  };
  /** promoproof's own HDR histogram of each latency it emits (µs), written with the audit data: a local run can check the merged sketches against it. */
  const own = new Map<string, UsHistogram>();
  const samples: LoadSample[] = [];
  let arrivals = 0;
  /** Arrivals whose answer (or error) is in: when every planned one is, the audit data is written. */
  let settled = 0;
  /** Each phase's anchor: performance.now() ms of the worker's first phase start, as that phase counts it (anchorOf). */
  const anchors: (number | undefined)[] = [];
  /** When a spike phase's last arrival came, by phase: Artillery starts the next phase right then. */
  const spikeEnds: (number | undefined)[] = [];
  /** When this worker sent a spike phase's first request, by phase (its release window counts from there). */
  const spikeFirstSends: (number | undefined)[] = [];
  let flushed = false;
  /**
   * One more planned arrival answered; at the last, the worker's file is written (as soon as the plan is
   * done: Artillery may end a process before its threads hear `stop`) and the records still queued are
   * sent, a period's worth at a time, before the last scenario goes on (`next`): Artillery ends the
   * worker, and sends its last periods, only once no scenario is pending (records.ts).
   */
  const settle = (events: ArtilleryEvents, next: Next) => {
    if (++settled < phases.reduce((s, p) => s + p.arrivals, 0)) return next();
    processor.flush();
    const step = () => {
      ship(events, true);
      if (records.waiting === 0) return next();
      setTimeout(step, RecordStream.msToNextPeriod(wallNow()) + PERIOD_MARGIN_MS);
    };
    step();
  };

  const record = (arrival: Arrival, outcome: AnswerOutcome, events: ArtilleryEvents) => {
    const b = arrival.built;
    const op = b === undefined ? undefined : mix.operations[b.op];
    if (b === undefined || op === undefined) return;
    const at = now();
    const answer = classify(outcome, op.reader);
    const cls = classOf(answer);
    const p = arrival.phase;
    const latencyMs = Math.max(0, at - arrival.intendedMs);
    events.emit('counter', metricNames.answers(p, b.op, cls), 1);
    if (cls !== 'transport') {
      const name = metricNames.latency(p, b.op, cls);
      events.emit('histogram', name, latencyMs);
      let h = own.get(name);
      if (h === undefined) {
        h = usHistogram();
        own.set(name, h);
      }
      h.record(latencyMs * 1000);
    }
    events.emit('histogram', metricNames.service(p, b.op), Math.max(0, at - (arrival.sentMs ?? at)));
    if (answer.kind === 'refusal') events.emit('counter', metricNames.code(p, b.op, answer.code), 1);
    const reason = nonConformantReason(answer);
    if (reason !== undefined) events.emit('counter', metricNames.nonConformant(p, b.op, reason), 1);
    audit.answer(b.op, b.app, answer, b.key, b.resend, Math.round(latencyMs * 1000));
    if (cls !== 'success' && samples.filter((s) => s.operation === op.name && s.class === cls).length < SAMPLES_PER_CLASS) {
      const said = describeClassified(answer);
      const sample: LoadSample = {
        operation: op.name,
        class: cls,
        said: said.length > SAID_CHARS ? `${said.slice(0, SAID_CHARS)}…` : said,
        curl: op.adapter.record(b.wire, op.endpoint).curl,
      };
      samples.push(sample);
      records.push({ kind: 'sample', sample });
    }
    ship(events);
  };

  /**
   * The instant the schedule counts from, ms. The first arrival anchors it (the worker is idle then, so
   * it is taken as on time). A phase after a spike starts when the spike's last arrival came (Artillery
   * starts a phase as the previous one's last arrival fires; the local engine waits for the spike's
   * answers instead): it is anchored there, not at its own first arrival, which the spike's answers may
   * delay. Every other phase follows at its planned start.
   */
  const anchorOf = (slot: ArrivalSlot, t: number): number => {
    let a = anchors[slot.phase];
    if (a === undefined) {
      const previous = phases[slot.phase - 1];
      const spikeEnd = spikeEnds[slot.phase - 1];
      const startMs = phases[slot.phase]?.startMs ?? 0;
      if (slot.phase > 0 && previous?.kind === 'spike' && spikeEnd !== undefined) a = spikeEnd - startMs;
      else if (slot.phase > 0) a = anchors.findLast((x) => x !== undefined) ?? t - slot.offsetUs / 1000;
      else a = t - slot.offsetUs / 1000;
      anchors[slot.phase] = a;
    }
    const phase = phases[slot.phase];
    if (phase?.kind === 'spike' && slot.k === phase.arrivals - 1) spikeEnds[slot.phase] = t;
    return a;
  };

  const arrivalOf = (context: ArtilleryContext): Arrival | undefined => context.vars[ARRIVAL] as Arrival | undefined;

  const processor: ArtilleryProcessor = {
    runTag,
    promoproofArrive(context, events, next) {
      const t = now();
      const n = arrivals++;
      const slot = arrivalSlot(phases, n);
      if (slot === undefined) {
        // Beyond the plan: sent (Artillery will send it) but in no phase of ours.
        events.emit('counter', metricNames.unplanned, 1);
        context.vars[ARRIVAL] = { n, phase: -1, intendedMs: t } satisfies Arrival;
        return next();
      }
      const anchor = anchorOf(slot, t);
      context.vars[ARRIVAL] = { n, phase: slot.phase, intendedMs: anchor + slot.offsetUs / 1000 } satisfies Arrival;
      next();
    },
    promoproofRequest(req, context, events, next) {
      const arrival = arrivalOf(context);
      if (arrival === undefined)
        return next(new Error('promoproof: a request without its arrival (the scenario lacks beforeScenario: promoproofArrive)'));
      const phase = phases[arrival.phase];
      const named = opIndex.get(context.scenario?.name ?? '');
      // A spike of one operation sends it whatever scenario Artillery drew; otherwise the scenario is the operation.
      const op = phase?.only ?? named ?? 0;
      const built = mix.buildOf(op, arrival.n);
      arrival.built = built;
      req.method = built.wire.method;
      req.url = built.wire.url;
      req.headers = { ...built.wire.headers };
      if (built.wire.body !== undefined) req.body = built.wire.body;
      else delete req.body;
      delete req.json;
      const t = now();
      arrival.sentMs = t;
      if (phase !== undefined) {
        events.emit('counter', metricNames.sent(arrival.phase), 1);
        // A spike's instants are one instant: its spread is not pacing (as the local engine judges).
        if (phase.kind !== 'spike') {
          const lagMs = Math.max(0, t - arrival.intendedMs);
          events.emit('histogram', metricNames.lag(arrival.phase), lagMs);
          if (lagMs * 1000 > LATE_AFTER_US) events.emit('counter', metricNames.late(arrival.phase), 1);
        } else {
          // How long this worker took to release its share: the report states the real window (import.ts).
          spikeFirstSends[arrival.phase] ??= t;
          events.emit('histogram', metricNames.release(arrival.phase), Math.max(0, t - (spikeFirstSends[arrival.phase] ?? t)));
        }
      }
      health.report(events);
      next();
    },
    promoproofAnswer(_req, res, context, events, next) {
      health.report(events);
      const arrival = arrivalOf(context);
      if (arrival !== undefined && arrival.phase >= 0) {
        record(arrival, responseOutcome(res), events);
        return settle(events, next);
      }
      next();
    },
    promoproofError(err, _req, context, events, next) {
      const arrival = arrivalOf(context);
      if (arrival !== undefined && arrival.phase >= 0) {
        if (arrival.built !== undefined) record(arrival, errorOutcome(err), events);
        return settle(events, next);
      }
      next();
    },
    flush() {
      // A thread that made no arrival (the lead process loads the processor too) has nothing to write.
      if (flushed || arrivals === 0) return;
      flushed = true;
      health.stop();
      const file = join(dirname(setupFile), 'runs', `audit-${runTag}.json`);
      mkdirSync(dirname(file), { recursive: true });
      const hdr = Object.fromEntries([...own].map(([name, h]) => [name, h.summary().encoded]));
      writeFileSync(file, `${JSON.stringify({ runTag, arrivals, audit: audit.kept(), hdr, samples } satisfies WorkerFile)}\n`);
    },
  };
  live.add({
    flush: () => processor.flush(),
    usePhases: (specs) => {
      // Only before the first arrival: the schedule of a running thread does not change.
      if (arrivals === 0) phases = threadPhases(planned, specs);
    },
  });
  return processor;
}

/** An answer as classify reads it. Artillery's client has read the whole body (its own limit, not ours). */
function responseOutcome(res: ArtilleryResponse): AnswerOutcome {
  const type = res.headers['content-type'];
  const body =
    typeof res.body === 'string' ? res.body : Buffer.isBuffer(res.body) ? res.body.toString('utf8') : JSON.stringify(res.body ?? '');
  return { ok: true, status: res.statusCode, contentType: Array.isArray(type) ? (type[0] ?? '') : (type ?? ''), body, truncated: false };
}

/** A request Artillery's client gave up on: a timeout (the target may have acted), or a network error (refused: nothing was sent). */
function errorOutcome(err: Error): AnswerOutcome {
  const code = (err as { code?: string }).code ?? '';
  if (err.name === 'TimeoutError' || code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT')
    return { ok: false, kind: 'timeout', reason: err.message };
  const unsent = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
  return { ok: false, kind: 'network', reason: `${code || err.name}: ${err.message}`, ...(unsent ? { unsent: true } : {}) };
}

/** The load report's class of an answer (src/load/types.ts OutcomeClass; a success beyond the stock is judged on import). */
export function classOf(answer: ClassifiedAnswer): OutcomeClass {
  switch (answer.kind) {
    case 'success':
      return 'success';
    case 'refusal':
      return 'refusal';
    case 'server-error':
    case 'malformed':
      return 'non-conformant';
    case 'transport':
      return 'transport';
    case 'unknown':
      return 'unknown';
  }
}

/** What was wrong with a non-conformant answer, as the local recorder words it (`HTTP 500`, `schema` …). */
function nonConformantReason(answer: ClassifiedAnswer): string | undefined {
  if (answer.kind === 'server-error') return `HTTP ${answer.status}`;
  if (answer.kind === 'malformed') return answer.problem;
  return undefined;
}
