/**
 * What a load run records: every answer's outcome class (the one classifier's verdict read the
 * profile's way), its latency in a histogram of its own per phase, operation and class, a bounded
 * sample per operation and class, the time the stock sold out, and the live figures of the progress
 * line. It sits on the hot path: a record is a few map reads, counters and one histogram write (plus a
 * second and third for the live interval and the sold-out pair); histograms are made on first use, and
 * a sample's text and curl line are built only for the few samples kept.
 */
import { describeClassified } from '../engine/answer.js';
import { type ClassifiedAnswer, isUnmappedCode } from '../protocols/types.js';
import { type UsHistogram, toLatencySummary, usHistogram } from './histograms.js';
import { LOAD_RESULT_FORMAT, SAMPLES_PER_CLASS, mergeOperations } from './result.js';
import { createSeries, type SeriesPlan } from './series.js';
import {
  type ClassResult,
  type GeneratorHealth,
  type LatencySummary,
  type LoadModel,
  type LoadResult,
  type LoadSample,
  OUTCOME_CLASSES,
  type OperationResult,
  type OutcomeClass,
  type PhaseDoc,
  type PhaseResult,
} from './types.js';

/** One operation of the mix as the recorder reads it (LoadOperationDoc with its stock resolved to a number). */
export interface RecorderOperation {
  readonly name: string;
  /** Refusal codes that are business as usual (`any`, or a list); sold-out codes are too. Absent: none. */
  readonly refusals?: 'any' | readonly string[];
  /** The codes that say the stock is gone: the first one marks the sold-out instant. */
  readonly soldOut?: readonly string[];
  /** At most this many successes over the whole run (warm-up included): every success beyond is non-conformant. */
  readonly stock?: number;
  /**
   * A stock shared with the other recorders of one run (the worker threads of `--workers`): counts one
   * success and answers how many the run had counted before it. Absent: this recorder's own count.
   */
  readonly countSuccess?: () => number;
}

/** One phase of the plan, named uniquely (the runner names unnamed phases). */
export interface RecorderPhase {
  readonly name: string;
  readonly phase: PhaseDoc['phase'];
  /** False for warm-up: in no total. */
  readonly measured: boolean;
}

export interface RecorderInput {
  readonly model: LoadModel;
  readonly operations: readonly RecorderOperation[];
  readonly phases: readonly RecorderPhase[];
  /** The clock of `snapshot`, ms (default performance.now; a test passes its own). */
  readonly clock?: () => number;
}

/** What the runner knows of a phase once it ended (or was stopped). */
export interface PhaseBookkeeping {
  /** Requests the plan wanted in the phase. */
  readonly intended: number;
  /** The rate the plan meant, per second (0 for a spike). */
  readonly intendedRatePerS: number;
  /** Requests sent (default: the answers recorded in the phase, transport failures included). */
  readonly sent?: number;
  /** Instants not sent (default: the recordNotSent calls of the phase). */
  readonly notSent?: number;
  readonly elapsedMs: number;
  /** A measured phase's plan for the time series' intended sends: its first instant (ms from the first measured instant), planned length, how long it applied, shape. */
  readonly plan?: Omit<SeriesPlan, 'intended'>;
}

/** The figures of the live progress line. */
export interface LoadSnapshot {
  /** Since the recorder's start (`start()`, else its creation), ms. */
  readonly elapsedMs: number;
  /** Answers so far (every phase), by class. */
  readonly answers: Readonly<Record<OutcomeClass, number>>;
  readonly notSent: number;
  /** Since the previous snapshot (or the start). */
  readonly interval: {
    readonly ms: number;
    readonly answers: number;
    readonly ratePerS: number;
    /** The p99 of the interval's latencies, ms (µs precision); undefined when none was recorded. */
    readonly p99Ms: number | undefined;
  };
  /** Answers that count as errors so far: the error classes, and refusals with a code not expected. */
  readonly errors: {
    readonly 'non-conformant': number;
    readonly transport: number;
    readonly unknown: number;
    readonly unexpectedRefusals: number;
  };
}

/** What `result` needs besides the recorded figures. */
export interface ResultMeta {
  readonly profile: LoadResult['profile'];
  readonly target: LoadResult['target'];
  readonly startedAt: string;
  readonly durationMs: number;
  readonly connections: number;
  readonly stoppedBy: LoadResult['stoppedBy'];
  readonly setup: LoadResult['setup'];
  /** The generator's health over the run (src/load/watch.ts). */
  readonly generator: GeneratorHealth;
  readonly slo: readonly string[];
}

export interface LoadRecorder {
  /**
   * One answer: `phase` and `op` by name; `latencyUs` as the model measures it (undefined when there
   * is none; a transport error's is ignored); `atMs` since the first measured instant (negative during
   * warm-up). `sample` builds the redacted curl line, called only when this answer is kept as a sample.
   * `key` (an operation with deliberate re-sends: BuiltRequest.key) names the request a re-send repeats:
   * a second success of one key is the same claim answered again, a success but not another one against
   * the stock.
   */
  record(
    phase: string,
    op: string,
    answer: ClassifiedAnswer,
    latencyUs: number | undefined,
    atMs: number,
    sample?: () => { readonly curl?: string },
    key?: number,
  ): void;
  /** One instant of `phase` not sent (the connection cap was reached); `atMs` as record's, for the time series. */
  recordNotSent(phase: string, atMs?: number): void;
  /** The runner's figures of a phase that ended (or was stopped); a phase never closed reports what was recorded. */
  phaseDone(phase: string, done: PhaseBookkeeping): void;
  /** Restarts the elapsed time and the live interval (default: from the recorder's creation). */
  start(): void;
  /** The live figures; starts a new interval. */
  snapshot(): LoadSnapshot;
  /** One phase as the report will hold it (undefined for an unknown name): what a phase line prints as it ends. */
  phase(name: string): PhaseResult | undefined;
  /** The run as its JSON report writes it. */
  result(meta: ResultMeta): LoadResult;
}

const SUCCESS = 0;
const REFUSAL = 1;
const NON_CONFORMANT = 2;
const TRANSPORT = 3;
const UNKNOWN = 4;

/** Distinct refusal codes counted per phase and operation; more are counted under OTHER_CODES (a server may invent codes). */
const MAX_CODES = 100;
const OTHER_CODES = '(other codes)';
/** How much of what an answer said a sample keeps, characters. */
const SAID_CHARS = 500;
const BEYOND_STOCK = 'beyond stock';
/** Successful request keys remembered per operation (a correct target's successes are bounded by its stock): beyond, a re-send's success counts again. */
const MAX_SUCCESS_KEYS = 1_000_000;

/** `HTTP 503`, made once per status (a reason string per answer would allocate on the hot path). */
const statusReasons = new Map<number, string>();
function statusReason(status: number): string {
  let r = statusReasons.get(status);
  if (r === undefined) {
    r = `HTTP ${status}`;
    statusReasons.set(status, r);
  }
  return r;
}

interface OpState {
  readonly name: string;
  readonly refusals: 'any' | ReadonlySet<string>;
  readonly soldOutCodes: ReadonlySet<string> | undefined;
  readonly stock: number | undefined;
  /** Conformant successes over the run (the stock's count). */
  successes: number;
  readonly countSuccess: (() => number) | undefined;
  /** The successes counted before the last success judged against the stock (for its sample's words). */
  counted: number;
  /** Keys of re-sent requests that succeeded (bounded by MAX_SUCCESS_KEYS): their re-sends' successes are not counted again. */
  readonly succeededKeys: Set<number>;
  /** Samples kept, by class index. */
  readonly sampled: number[];
  soldOutAtMs: number | undefined;
  /** Latencies of measured phases before and after the sold-out instant (soldOut operations only). */
  readonly before: UsHistogram | undefined;
  readonly after: UsHistogram | undefined;
}

/** One (phase, operation). */
interface Cell {
  readonly op: OpState;
  readonly counts: number[];
  readonly latency: (UsHistogram | undefined)[];
  readonly refusals: Map<string, number>;
  readonly nonConformant: Map<string, number>;
}

interface PhaseState {
  readonly def: RecorderPhase;
  readonly cells: ReadonlyMap<string, Cell>;
  recorded: number;
  notSent: number;
  done: PhaseBookkeeping | undefined;
}

/** A recorder for one run of `input`'s plan (see the module comment). */
export function createRecorder(input: RecorderInput): LoadRecorder {
  const clock = input.clock ?? (() => performance.now());
  const ops = new Map<string, OpState>();
  for (const o of input.operations) {
    if (ops.has(o.name)) throw new Error(`createRecorder: operation ${o.name} named twice`);
    ops.set(o.name, opState(o));
  }
  const phases = new Map<string, PhaseState>();
  for (const p of input.phases) {
    if (phases.has(p.name)) throw new Error(`createRecorder: phase ${p.name} named twice`);
    const cells = new Map<string, Cell>();
    for (const o of ops.values())
      cells.set(o.name, { op: o, counts: [0, 0, 0, 0, 0], latency: [], refusals: new Map(), nonConformant: new Map() });
    phases.set(p.name, { def: p, cells, recorded: 0, notSent: 0, done: undefined });
  }

  const answers = [0, 0, 0, 0, 0];
  let unexpectedRefusals = 0;
  let notSent = 0;
  const samples: LoadSample[] = [];
  const series = createSeries();
  const interval = usHistogram();
  let intervalAnswers = 0;
  let startMs = clock();
  let intervalStartMs = startMs;

  const phaseOf = (name: string): PhaseState => {
    const p = phases.get(name);
    if (p === undefined) throw new Error(`load recorder: no phase ${name}`);
    return p;
  };

  return {
    record(phase, op, answer, latencyUs, atMs, sample, key) {
      const p = phaseOf(phase);
      const cell = p.cells.get(op);
      if (cell === undefined) throw new Error(`load recorder: no operation ${op}`);
      const o = cell.op;
      let cls: number;
      let reason: string | undefined;
      switch (answer.kind) {
        case 'success':
          // A request answered a success again (a re-send of one that succeeded): the same claim, not one more.
          if (key !== undefined && o.succeededKeys.has(key)) {
            cls = SUCCESS;
            break;
          }
          if (key !== undefined && o.succeededKeys.size < MAX_SUCCESS_KEYS) o.succeededKeys.add(key);
          // The successes before this one: this recorder's own, or the run's when worker threads share the stock.
          if (o.stock !== undefined) o.counted = o.countSuccess?.() ?? o.successes;
          if (o.stock !== undefined && o.counted >= o.stock) {
            cls = NON_CONFORMANT;
            reason = BEYOND_STOCK;
          } else {
            cls = SUCCESS;
            o.successes++;
          }
          break;
        case 'refusal': {
          cls = REFUSAL;
          const code = answer.code;
          const counted = cell.refusals.size < MAX_CODES || cell.refusals.has(code) ? code : OTHER_CODES;
          cell.refusals.set(counted, (cell.refusals.get(counted) ?? 0) + 1);
          const soldOut = o.soldOutCodes?.has(code) === true;
          if (soldOut && o.soldOutAtMs === undefined) o.soldOutAtMs = atMs;
          // A code the binding does not map (`service:X`) is counted apart: the user's binding, not the target, is incomplete.
          if (!soldOut && !(o.refusals === 'any' || o.refusals.has(code)) && !isUnmappedCode(code)) unexpectedRefusals++;
          break;
        }
        case 'server-error':
          cls = NON_CONFORMANT;
          reason = statusReason(answer.status);
          break;
        case 'malformed':
          cls = NON_CONFORMANT;
          reason = answer.problem;
          break;
        case 'transport':
          cls = TRANSPORT;
          break;
        case 'unknown':
          cls = UNKNOWN;
          break;
      }
      cell.counts[cls] = (cell.counts[cls] ?? 0) + 1;
      if (reason !== undefined) cell.nonConformant.set(reason, (cell.nonConformant.get(reason) ?? 0) + 1);
      answers[cls] = (answers[cls] ?? 0) + 1;
      if (p.def.measured) series.answer(cls, latencyUs, atMs);
      p.recorded++;
      intervalAnswers++;
      if (latencyUs !== undefined && cls !== TRANSPORT) {
        let h = cell.latency[cls];
        if (h === undefined) {
          h = usHistogram();
          cell.latency[cls] = h;
        }
        h.record(latencyUs);
        interval.record(latencyUs);
        if (p.def.measured) (o.soldOutAtMs === undefined ? o.before : o.after)?.record(latencyUs);
      }
      if ((o.sampled[cls] ?? 0) < SAMPLES_PER_CLASS) {
        o.sampled[cls] = (o.sampled[cls] ?? 0) + 1;
        samples.push(sampleOf(o, cls, answer, sample));
      }
    },

    recordNotSent(phase, atMs) {
      const p = phaseOf(phase);
      p.notSent++;
      notSent++;
      if (atMs !== undefined && p.def.measured) series.notSent(atMs);
    },

    phaseDone(phase, done) {
      const p = phaseOf(phase);
      p.done = done;
      if (done.plan !== undefined && p.def.measured) series.plan({ ...done.plan, intended: done.intended });
    },

    start() {
      startMs = clock();
      intervalStartMs = startMs;
      intervalAnswers = 0;
      interval.reset();
    },

    snapshot() {
      const now = clock();
      const ms = now - intervalStartMs;
      const p99 = interval.summary();
      const snap: LoadSnapshot = {
        elapsedMs: now - startMs,
        answers: byClass(answers),
        notSent,
        interval: {
          ms,
          answers: intervalAnswers,
          ratePerS: ms > 0 ? (intervalAnswers * 1000) / ms : 0,
          p99Ms: p99.count > 0 ? Math.round(p99.p99Us) / 1000 : undefined,
        },
        errors: {
          'non-conformant': answers[NON_CONFORMANT] ?? 0,
          transport: answers[TRANSPORT] ?? 0,
          unknown: answers[UNKNOWN] ?? 0,
          unexpectedRefusals,
        },
      };
      intervalStartMs = now;
      intervalAnswers = 0;
      interval.reset();
      return snap;
    },

    phase(name) {
      const p = phases.get(name);
      return p === undefined ? undefined : phaseResult(p);
    },

    result(meta) {
      const phaseResults = [...phases.values()].filter((p) => p.done !== undefined || p.recorded > 0 || p.notSent > 0).map(phaseResult);
      const measured = phaseResults.filter((p) => p.measured);
      const elapsedS = measured.reduce((s, p) => s + p.elapsedMs, 0) / 1000;
      const intended = measured.reduce((s, p) => s + p.intended, 0);
      const sent = measured.reduce((s, p) => s + p.sent, 0);
      const soldOut = soldOutOf([...ops.values()]);
      const overTime = series.result();
      return {
        format: LOAD_RESULT_FORMAT,
        profile: meta.profile,
        model: input.model,
        latencyFrom: input.model === 'open' ? 'intended-send' : 'actual-send',
        target: meta.target,
        startedAt: meta.startedAt,
        durationMs: meta.durationMs,
        connections: meta.connections,
        stoppedBy: meta.stoppedBy,
        setup: meta.setup,
        phases: phaseResults,
        totals: {
          intended,
          sent,
          notSent: measured.reduce((s, p) => s + p.notSent, 0),
          intendedRatePerS: rate(intended, elapsedS),
          achievedRatePerS: rate(sent, elapsedS),
          operations: mergeOperations(measured.map((p) => p.operations)),
        },
        ...(soldOut ? { soldOut } : {}),
        generator: meta.generator,
        samples: [...samples],
        slo: [...meta.slo],
        processes: 1,
        ...(overTime ? { series: overTime } : {}),
      };
    },
  };
}

function opState(o: RecorderOperation): OpState {
  const soldOut = o.soldOut !== undefined && o.soldOut.length > 0;
  return {
    name: o.name,
    refusals: o.refusals === 'any' ? 'any' : new Set(o.refusals ?? []),
    soldOutCodes: soldOut ? new Set(o.soldOut) : undefined,
    stock: o.stock,
    successes: 0,
    succeededKeys: new Set(),
    countSuccess: o.countSuccess,
    counted: 0,
    sampled: [0, 0, 0, 0, 0],
    soldOutAtMs: undefined,
    before: soldOut ? usHistogram() : undefined,
    after: soldOut ? usHistogram() : undefined,
  };
}

/** A kept sample: what the answer said, in words, and the curl line the runner builds for it now. */
function sampleOf(o: OpState, cls: number, answer: ClassifiedAnswer, build: (() => { readonly curl?: string }) | undefined): LoadSample {
  const said =
    cls === NON_CONFORMANT && answer.kind === 'success'
      ? `a success beyond the stock of ${o.stock ?? 0}: ${o.counted} successes were already counted`
      : describeClassified(answer);
  const curl = build?.().curl;
  return {
    operation: o.name,
    class: OUTCOME_CLASSES[cls] ?? 'unknown',
    said: said.length > SAID_CHARS ? `${said.slice(0, SAID_CHARS)}…` : said,
    ...(curl !== undefined ? { curl } : {}),
  };
}

function phaseResult(p: PhaseState): PhaseResult {
  const sent = p.done?.sent ?? p.recorded;
  const elapsedMs = p.done?.elapsedMs ?? 0;
  const operations: Record<string, OperationResult> = {};
  for (const [name, cell] of p.cells) operations[name] = operationResult(cell);
  return {
    name: p.def.name,
    phase: p.def.phase,
    measured: p.def.measured,
    intended: p.done?.intended ?? 0,
    intendedRatePerS: p.done?.intendedRatePerS ?? 0,
    sent,
    notSent: p.done?.notSent ?? p.notSent,
    achievedRatePerS: rate(sent, elapsedMs / 1000),
    elapsedMs,
    operations,
  };
}

function operationResult(cell: Cell): OperationResult {
  const classes = {} as Record<OutcomeClass, ClassResult>;
  OUTCOME_CLASSES.forEach((c, i) => {
    classes[c] = { count: cell.counts[i] ?? 0, latency: summaryOf(cell.latency[i]) };
  });
  const refusalCodes: Record<string, { count: number; expected: boolean; unmapped?: true }> = {};
  for (const [code, count] of cell.refusals)
    refusalCodes[code] = {
      count,
      expected:
        code !== OTHER_CODES && (cell.op.refusals === 'any' || cell.op.refusals.has(code) || cell.op.soldOutCodes?.has(code) === true),
      ...(isUnmappedCode(code) ? { unmapped: true as const } : {}),
    };
  return {
    count: cell.counts.reduce((s, n) => s + n, 0),
    classes,
    refusalCodes,
    nonConformant: Object.fromEntries(cell.nonConformant),
  };
}

/** The operation that sold out first, with its latencies (of measured phases) before and after. */
function soldOutOf(ops: readonly OpState[]): LoadResult['soldOut'] {
  let first: OpState | undefined;
  for (const o of ops)
    if (o.soldOutAtMs !== undefined && (first?.soldOutAtMs === undefined || o.soldOutAtMs < first.soldOutAtMs)) first = o;
  if (first?.soldOutAtMs === undefined) return undefined;
  return { operation: first.name, atMs: first.soldOutAtMs, before: summaryOf(first.before), after: summaryOf(first.after) };
}

function summaryOf(h: UsHistogram | undefined): LatencySummary {
  return h ? toLatencySummary(h.summary()) : EMPTY_LATENCY;
}

const EMPTY_LATENCY: LatencySummary = { count: 0, minMs: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0, hdr: '' };

function byClass(counts: readonly number[]): Record<OutcomeClass, number> {
  const out = {} as Record<OutcomeClass, number>;
  OUTCOME_CLASSES.forEach((c, i) => {
    out[c] = counts[i] ?? 0;
  });
  return out;
}

function rate(count: number, seconds: number): number {
  return seconds > 0 ? count / seconds : 0;
}
