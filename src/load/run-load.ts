/**
 * One load run: a profile's setup (src/load/setup.ts), then its phases in order, each request built by
 * the protocols' own `prepare` (src/load/mix.ts) and sent by the open model (src/load/open.ts: at its
 * intended instant, latency from that instant) or the closed one (src/load/closed.ts, autocannon:
 * latency from the send, labelled so), every answer judged by the one classifier and recorded by class
 * (src/load/record.ts), the generator watching itself meanwhile (src/load/watch.ts). Bounded by the
 * phases' durations and the request cap; an abort stops it cleanly and the result says so.
 */
import { classify } from '../engine/answer.js';
import type { Target } from '../engine/target.js';
import { targetUrl } from '../engine/target.js';
import { CHECK_DEFAULTS } from '../core/defaults.js';
import type { LoadAudit } from './audit.js';
import type { AuditCollector } from './audit-log.js';
import { runClosed } from './closed.js';
import { mergeEncoded } from './histograms.js';
import { type BuiltRequest, type CompiledMix, compileMix } from './mix.js';
import { OpenPools, type OpenRunResult, type OpenSchedule, startOpen } from './open.js';
import { parseDuration } from './profile.js';
import { createRecorder, type LoadRecorder, type LoadSnapshot, type ResultMeta } from './record.js';
import { runProfileSetup } from './setup.js';
import type { GeneratorHealth, LoadModel, LoadProfileDoc, LoadResult, PhaseDoc, PhaseResult } from './types.js';
import { unsendableMessage, unsendableOperations } from './unsendable.js';
import { judgeHealth, startWatch } from './watch.js';
import { runClosedWorkers } from './workers.js';

/** The defaults of a load run where neither the profile nor the command line says. */
export const LOAD_DEFAULTS = {
  model: 'open' as LoadModel,
  /** Open: the cap of connections per origin; closed: the connections. */
  connections: 64,
  timeoutMs: 10_000,
  /** The most connections a spike opens to release its requests at once. */
  spikeConnectionsMax: 2_000,
  /** How often the live progress line is refreshed, ms. */
  progressEveryMs: 250,
} as const;

/** What the command line overrides of the profile. */
export interface LoadOverrides {
  readonly model?: LoadModel;
  /** The steady phases' rate; warm-up and ramps scale with it. */
  readonly ratePerS?: number;
  readonly connections?: number;
  /** Each steady phase's length. */
  readonly durationMs?: number;
  readonly requests?: number;
  readonly timeoutMs?: number;
  readonly seed?: number;
  /** Closed model: worker threads sharing the load (src/load/workers.ts); the open model runs in one. */
  readonly workers?: number;
}

export interface LoadRunInput {
  readonly profile: { readonly doc: LoadProfileDoc; readonly file: string };
  readonly target: Target;
  readonly overrides?: LoadOverrides;
  readonly signal?: AbortSignal;
  /** After the setup, with its duration in ms. */
  readonly onSetup?: (ms: number) => void;
  /** The live figures, every LOAD_DEFAULTS.progressEveryMs while phases run. */
  readonly onProgress?: ((snapshot: LoadSnapshot, plannedMs: number) => void) | undefined;
  /** Each phase as it ends. */
  readonly onPhase?: (phase: PhaseResult) => void;
  /** The audit after the run (src/load/audit.ts): begun after the setup, fed every answer of an audited operation. */
  readonly audit?: LoadAudit;
}

/** A phase as this run plays it: the profile's phase with the overrides applied. */
export interface PlannedPhase {
  readonly name: string;
  readonly doc: PhaseDoc;
  readonly measured: boolean;
  /** 0 for a spike (it lasts until its answers are in). */
  readonly durationMs: number;
  readonly schedule: OpenSchedule;
  /** Requests the plan wants (rate × duration, or the spike's count), before the cap. */
  readonly intended: number;
  readonly intendedRatePerS: number;
  /** A spike of one operation: its index in the mix. */
  readonly only?: number;
}

/** The profile's phases with the command line's overrides: `--rate` scales every rate by the first steady phase's, `--duration` sets each steady phase's. */
export function planPhases(doc: LoadProfileDoc, overrides: LoadOverrides = {}): PlannedPhase[] {
  const steadyRate = doc.phases.find((p) => p.phase === 'steady');
  const base = steadyRate?.phase === 'steady' ? steadyRate.rate : undefined;
  const scale = overrides.ratePerS !== undefined && base !== undefined && base > 0 ? overrides.ratePerS / base : 1;
  const seen = new Map<string, number>();
  return doc.phases.map((p) => {
    const n = (seen.get(p.name ?? p.phase) ?? 0) + 1;
    seen.set(p.name ?? p.phase, n);
    const name = n === 1 ? (p.name ?? p.phase) : `${p.name ?? p.phase}-${n}`;
    const measured = p.phase !== 'warm-up';
    if (p.phase === 'spike') {
      const only = p.operation === undefined ? undefined : doc.mix.findIndex((m) => m.name === p.operation);
      return {
        name,
        doc: p,
        measured,
        durationMs: 0,
        schedule: { shape: 'burst' },
        intended: p.requests,
        intendedRatePerS: 0,
        ...(only !== undefined && only >= 0 ? { only } : {}),
      };
    }
    const durationMs = p.phase === 'steady' && overrides.durationMs !== undefined ? overrides.durationMs : (parseDuration(p.duration) ?? 0);
    if (p.phase === 'ramp') {
      const from = p.from * scale;
      const to = p.to * scale;
      return {
        name,
        doc: p,
        measured,
        durationMs,
        schedule: { shape: 'ramp', fromPerS: from, toPerS: to },
        intended: Math.round(((from + to) / 2) * (durationMs / 1000)),
        intendedRatePerS: (from + to) / 2,
      };
    }
    const rate = p.phase === 'steady' && overrides.ratePerS !== undefined ? overrides.ratePerS : p.rate * scale;
    return {
      name,
      doc: p,
      measured,
      durationMs,
      schedule: { shape: 'constant', ratePerS: rate },
      intended: Math.round(rate * (durationMs / 1000)),
      intendedRatePerS: rate,
    };
  });
}

/** Runs a profile against a target (see the module comment). Throws SetupError when the setup fails. */
export async function runLoad(input: LoadRunInput): Promise<LoadResult> {
  const { doc, file } = input.profile;
  const o = input.overrides ?? {};
  const model = o.model ?? doc.run?.model ?? LOAD_DEFAULTS.model;
  const connections = o.connections ?? doc.run?.connections ?? LOAD_DEFAULTS.connections;
  const timeoutMs = o.timeoutMs ?? doc.run?.timeoutMs ?? LOAD_DEFAULTS.timeoutMs;
  const cap = o.requests ?? doc.run?.requests;
  const maxBodyBytes = CHECK_DEFAULTS.maxBodyBytes;
  const startedAt = new Date();

  // A mix the target cannot be sent whole is refused before its setup touches the target (src/load/unsendable.ts).
  const unsendable = unsendableOperations(doc, input.target);
  if (unsendable.length > 0) throw new Error(unsendableMessage(doc.profile, unsendable));
  const setupStart = performance.now();
  let vars: Awaited<ReturnType<typeof runProfileSetup>>;
  try {
    vars = await runProfileSetup(doc, file, input.target, { timeoutMs, maxBodyBytes, ...(input.signal ? { signal: input.signal } : {}) });
  } catch (e) {
    // Stopped during the setup: the run did not start, and its report says so rather than nothing.
    if (input.signal?.aborted) return interruptedResult(input, model, connections, startedAt, performance.now() - setupStart);
    throw e;
  }
  const setupMs = performance.now() - setupStart;
  input.onSetup?.(setupMs);

  const mix = compileMix({ profile: doc, target: input.target, vars, maxBodyBytes, ...(o.seed !== undefined ? { seed: o.seed } : {}) });
  await input.audit?.begin({ vars, userBase: mix.userBase, signal: input.signal });
  const phases = planPhases(doc, o);
  const workers = o.workers ?? doc.run?.workers ?? 1;
  if (model === 'closed' && workers > 1)
    return runClosedWorkers({
      workers,
      profile: input.profile,
      target: input.target,
      vars,
      mix,
      phases,
      connections,
      timeoutMs,
      maxBodyBytes,
      cap,
      seed: o.seed,
      signal: input.signal,
      startedAt,
      setupMs,
      progressEveryMs: LOAD_DEFAULTS.progressEveryMs,
      onProgress: input.onProgress,
      onPhase: input.onPhase,
      audit: input.audit?.collector,
    });
  const recorder = createRecorder({
    model,
    operations: mix.operations.map((op) => ({
      name: op.name,
      ...(op.refusals !== undefined ? { refusals: op.refusals } : {}),
      soldOut: op.soldOut,
      ...(op.stock !== undefined ? { stock: op.stock } : {}),
    })),
    phases: phases.map((p) => ({ name: p.name, phase: p.doc.phase, measured: p.measured })),
  });
  const plannedMs = phases.reduce((s, p) => s + p.durationMs, 0);

  const watch = startWatch();
  recorder.start();
  const progress =
    input.onProgress === undefined
      ? undefined
      : setInterval(() => input.onProgress?.(recorder.snapshot(), plannedMs), LOAD_DEFAULTS.progressEveryMs);
  progress?.unref();
  const engine = model === 'open' ? openEngine : closedEngine;
  const ran = await engine({
    phases,
    mix,
    recorder,
    connections,
    timeoutMs,
    maxBodyBytes,
    cap,
    signal: input.signal,
    onPhase: input.onPhase,
    audit: input.audit?.collector,
  });
  if (progress) clearInterval(progress);
  const health = watch.stop();

  const measured = ran.filter((r) => r.phase.measured);
  const intended = measured.reduce((s, r) => s + r.intended, 0);
  const ratedElapsedS = measured.filter((r) => r.phase.intendedRatePerS > 0).reduce((s, r) => s + r.elapsedMs, 0) / 1000;
  const ratedIntended = measured.filter((r) => r.phase.intendedRatePerS > 0).reduce((s, r) => s + r.intended, 0);
  const ratedSent = measured.filter((r) => r.phase.intendedRatePerS > 0).reduce((s, r) => s + r.sent, 0);
  // A spike's lag is the spread of its release (N requests built and handed out at one instant), not
  // pacing: the pacing of the generator is judged on the phases with a rate.
  const paced = measured.filter((r) => r.phase.schedule.shape !== 'burst');
  const generator = judgeHealth({
    watch: health,
    lag: mergeEncoded(paced.map((r) => r.lagEncoded)),
    lateSends: paced.reduce((s, r) => s + r.late, 0),
    sent: paced.reduce((s, r) => s + r.sent, 0),
    intended,
    notSent: measured.reduce((s, r) => s + r.notSent, 0),
    achievedRatePerS: ratedElapsedS > 0 ? ratedSent / ratedElapsedS : 0,
    intendedRatePerS: ratedElapsedS > 0 && model === 'open' ? ratedIntended / (ratedElapsedS || 1) : 0,
    model,
  });
  const interrupted = input.signal?.aborted === true;
  const capped = cap !== undefined && ran.reduce((s, r) => s + r.sent + r.notSent, 0) >= cap && ran.length <= phases.length;
  return recorder.result(
    resultMeta(input, connections, startedAt, setupMs, interrupted ? 'interrupted' : capped ? 'request-cap' : 'completed', generator),
  );
}

/** What a result says of its run besides the recorded figures: one place for a run and a run stopped before it began. */
function resultMeta(
  input: Pick<LoadRunInput, 'profile' | 'target'>,
  connections: number,
  startedAt: Date,
  setupMs: number,
  stoppedBy: LoadResult['stoppedBy'],
  generator: GeneratorHealth,
): ResultMeta {
  const { doc, file } = input.profile;
  return {
    profile: { name: doc.profile, title: doc.title, file },
    target: { url: targetUrl(input.target), embedded: input.target.embedded },
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(Date.now() - startedAt.getTime()),
    connections,
    stoppedBy,
    setup: { durationMs: Math.round(setupMs), steps: doc.setup?.length ?? 0 },
    generator,
    slo: doc.slo ?? [],
  };
}

/**
 * The result of a run stopped before its first request (during the setup, or while its target started):
 * no phase, `stoppedBy: interrupted`, so that the reports a run promises are written all the same.
 */
export function interruptedResult(
  input: Pick<LoadRunInput, 'profile' | 'target'>,
  model: LoadModel,
  connections: number,
  startedAt: Date,
  setupMs: number,
): LoadResult {
  const { doc } = input.profile;
  const recorder = createRecorder({ model, operations: doc.mix.map((m) => ({ name: m.name })), phases: [] });
  const generator = judgeHealth({
    watch: { cpuPercent: { mean: 0, max: 0 }, eventLoopDelayMs: { p50: 0, p99: 0, max: 0 }, cpuSamplesPercent: [], durationMs: 0 },
    lag: mergeEncoded([]),
    lateSends: 0,
    sent: 0,
    intended: 0,
    notSent: 0,
    achievedRatePerS: 0,
    intendedRatePerS: 0,
    model,
  });
  return recorder.result(resultMeta(input, connections, startedAt, setupMs, 'interrupted', generator));
}

/** What an engine reports of each phase it ran. */
export interface PhaseRun {
  readonly phase: PlannedPhase;
  readonly intended: number;
  readonly sent: number;
  readonly notSent: number;
  readonly late: number;
  readonly elapsedMs: number;
  readonly lagEncoded: string;
}

/** What an engine runs: the planned phases of a compiled mix, answers to a recorder. */
export interface EngineInput {
  readonly phases: readonly PlannedPhase[];
  readonly mix: CompiledMix;
  readonly recorder: LoadRecorder;
  readonly connections: number;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  readonly cap: number | undefined;
  readonly signal: AbortSignal | undefined;
  readonly onPhase: ((phase: PhaseResult) => void) | undefined;
  /** Keeps what the audit after the run needs of each answer; absent: no audit. */
  readonly audit?: AuditCollector | undefined;
}

/** The requests in flight, by index: which operation, and the wire request (for a kept sample's curl line only). */
class InFlight {
  private readonly byIndex = new Map<number, BuiltRequest>();
  constructor(
    private readonly mix: CompiledMix,
    private readonly recorder: LoadRecorder,
    private readonly phase: string,
    private readonly measuredStartMs: () => number,
    private readonly audit?: AuditCollector,
  ) {}
  /** Request `index`: of operation `only`, else drawn by weight (among `among`, else every operation). */
  build(index: number, only: number | undefined, among?: readonly number[]): BuiltRequest {
    const b = only !== undefined ? this.mix.buildOf(only, index) : this.mix.build(index, among);
    this.byIndex.set(index, b);
    return b;
  }
  answer(index: number, outcome: Parameters<typeof classify>[0], latencyUs: number | undefined): void {
    const b = this.byIndex.get(index);
    if (b === undefined) return;
    this.byIndex.delete(index);
    const op = this.mix.operations[b.op];
    if (op === undefined) return;
    const answer = classify(outcome, op.reader);
    this.audit?.answer(b.op, b.app, answer, b.key, b.resend, latencyUs);
    this.recorder.record(
      this.phase,
      op.name,
      answer,
      latencyUs,
      performance.now() - this.measuredStartMs(),
      () => ({ curl: op.adapter.record(b.wire, op.endpoint).curl }),
      b.key,
    );
  }
  notSent(index: number): void {
    this.byIndex.delete(index);
    this.recorder.recordNotSent(this.phase, performance.now() - this.measuredStartMs());
  }
}

/** The phase's result as the recorder holds it, for `onPhase`. */
function phaseResultOf(recorder: LoadRecorder, name: string): PhaseResult | undefined {
  return recorder.phase(name);
}

/**
 * The open model over the phases: one connection pool per origin shared by every phase (a spike gets
 * its own, as wide as its requests, up to spikeConnectionsMax); a phase starts at the previous one's
 * intended end, whether or not that one's slow answers are in; a spike lasts until its answers are in.
 */
async function openEngine(input: EngineInput): Promise<PhaseRun[]> {
  const { phases, mix, recorder, signal } = input;
  const pools = new OpenPools(input.connections);
  const origins = mix.operations.map((o) => o.origin);
  const out: PhaseRun[] = [];
  const draining: Promise<unknown>[] = [];
  let measuredStart = Number.NaN;
  let index = 0;
  let budget = input.cap ?? Number.POSITIVE_INFINITY;
  let nextStart = performance.now();
  try {
    // The connections open before the first instant: their handshakes are the generator's start-up.
    await pools.warm(origins);
    for (const phase of phases) {
      if (signal?.aborted || budget <= 0) break;
      const spike = phase.schedule.shape === 'burst';
      const spikePools = spike ? new OpenPools(Math.min(LOAD_DEFAULTS.spikeConnectionsMax, Math.max(1, phase.intended))) : undefined;
      // A 秒杀's buyers are on the page, connected, when it opens: the release is the requests, not the handshakes.
      if (spikePools) await spikePools.warm(origins);
      const startAt = Math.max(nextStart, performance.now());
      if (phase.measured && Number.isNaN(measuredStart)) measuredStart = startAt;
      const inFlight = new InFlight(mix, recorder, phase.name, () => (Number.isNaN(measuredStart) ? startAt : measuredStart), input.audit);
      const base = index;
      const count = Math.min(budget, spike ? phase.intended : Number.POSITIVE_INFINITY);
      const run = startOpen({
        schedule: phase.schedule,
        ...(spike ? {} : { durationS: phase.durationMs / 1000 }),
        ...(Number.isFinite(count) ? { count } : {}),
        pools: spikePools ?? pools,
        startAtMs: startAt,
        request: (i) => inFlight.build(base + i, phase.only).wire,
        onAnswer: (i, outcome, times) => inFlight.answer(base + i, outcome, times.latencyUs),
        onNotSent: (i) => inFlight.notSent(base + i),
        timeoutMs: input.timeoutMs,
        maxBodyBytes: input.maxBodyBytes,
        ...(signal ? { signal } : {}),
      });
      const finish = (r: OpenRunResult) => {
        recorder.phaseDone(phase.name, {
          intended: phase.intended,
          intendedRatePerS: phase.intendedRatePerS,
          sent: r.sent,
          notSent: r.notSent,
          elapsedMs: r.elapsedMs,
          // A phase that ran its course planned its whole length; one stopped early (a signal, the cap) up to where it stopped.
          plan: {
            startMs: startAt - measuredStart,
            durationMs: phase.durationMs,
            ranMs: r.stoppedBy === 'duration' ? phase.durationMs : Math.min(phase.durationMs, r.elapsedMs),
            schedule: phase.schedule,
          },
        });
        const result = phaseResultOf(recorder, phase.name);
        if (result) input.onPhase?.(result);
        return {
          phase,
          intended: phase.intended,
          sent: r.sent,
          notSent: r.notSent,
          late: r.late,
          elapsedMs: r.elapsedMs,
          lagEncoded: r.lagUs.encoded,
        } satisfies PhaseRun;
      };
      if (spike) {
        // A spike lasts until its answers are in: the next phase starts on the state it left.
        const r = await run.done;
        await spikePools?.close();
        out.push(finish(r));
        index += r.instants;
        budget -= r.instants;
        nextStart = performance.now();
        continue;
      }
      const done = run.done.then((r) => {
        out.push(finish(r));
        return r;
      });
      draining.push(done);
      // The next phase starts at this one's intended end (its arrivals do not wait for this one's slow answers).
      nextStart = startAt + phase.durationMs;
      await Promise.race([done, sleepUntil(nextStart, signal)]);
      // By its intended end every instant of the phase has come (or the run was stopped).
      const planned = run.progress().planned;
      index += planned;
      budget -= planned;
      if (signal?.aborted) break;
    }
    await Promise.all(draining);
  } finally {
    await pools.close();
  }
  return phases.flatMap((p) => out.filter((r) => r.phase === p));
}

/**
 * The closed model over the phases: autocannon, one instance per origin of the mix (its connections
 * shared by the operations' weights), each phase in turn; a rate is a ceiling; a ramp runs at its end
 * rate; a spike is its requests over as many connections (up to spikeConnectionsMax).
 */
export async function closedEngine(input: EngineInput): Promise<PhaseRun[]> {
  const { phases, mix, recorder, signal } = input;
  const out: PhaseRun[] = [];
  const origins = groupByOrigin(mix);
  let measuredStart = Number.NaN;
  let index = 0;
  let budget = input.cap ?? Number.POSITIVE_INFINITY;
  for (const phase of phases) {
    if (signal?.aborted || budget <= 0) break;
    const startAt = performance.now();
    if (phase.measured && Number.isNaN(measuredStart)) measuredStart = startAt;
    const inFlight = new InFlight(mix, recorder, phase.name, () => (Number.isNaN(measuredStart) ? startAt : measuredStart), input.audit);
    const spike = phase.schedule.shape === 'burst';
    const rate =
      phase.schedule.shape === 'constant' ? phase.schedule.ratePerS : phase.schedule.shape === 'ramp' ? phase.schedule.toPerS : undefined;
    const groups = phase.only === undefined ? origins : origins.filter((g) => g.ops.includes(phase.only ?? -1));
    const totalWeight = groups.reduce((s, g) => s + g.weight, 0) || 1;
    let next = index;
    const perGroup = await Promise.all(
      groups.map((g) => {
        const share = g.weight / totalWeight;
        const conns = spike
          ? Math.min(LOAD_DEFAULTS.spikeConnectionsMax, Math.max(1, Math.round(phase.intended * share)))
          : Math.max(1, Math.round(input.connections * share));
        const groupCount = spike ? Math.round(phase.intended * share) : undefined;
        const count = Math.min(
          budget === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : Math.ceil(budget * share),
          groupCount ?? Number.POSITIVE_INFINITY,
        );
        // A group whose share of a small spike or of the last of the budget rounds to nothing sends nothing.
        if (count < 1) return Promise.resolve({ sent: 0, elapsedMs: 0 });
        // One index space across the groups: each request's index is unique over the whole run.
        const ids: number[] = [];
        return runClosed({
          origin: g.origin,
          connections: conns,
          ...(spike ? {} : { durationS: phase.durationMs / 1000 }),
          ...(Number.isFinite(count) ? { count } : {}),
          ...(rate !== undefined && rate >= 1 ? { ratePerS: Math.max(1, Math.round(rate * share)) } : {}),
          request: (i) => {
            const id = next++;
            ids[i] = id;
            // Several origins: each instance draws among its own origin's operations.
            return inFlight.build(id, phase.only, g.ops.length === mix.operations.length ? undefined : g.ops).wire;
          },
          onAnswer: (i, outcome, times) => inFlight.answer(ids[i] ?? -1, outcome, times.serviceUs),
          timeoutMs: input.timeoutMs,
          maxBodyBytes: input.maxBodyBytes,
          ...(signal ? { signal } : {}),
        });
      }),
    );
    index = next;
    const sent = perGroup.reduce((s, r) => s + r.sent, 0);
    const elapsedMs = Math.max(...perGroup.map((r) => r.elapsedMs), 0);
    budget -= sent;
    recorder.phaseDone(phase.name, {
      intended: phase.intended,
      intendedRatePerS: phase.intendedRatePerS,
      sent,
      notSent: 0,
      elapsedMs,
      plan: {
        startMs: startAt - measuredStart,
        durationMs: phase.durationMs,
        ranMs: Math.min(phase.durationMs, elapsedMs),
        schedule: phase.schedule,
      },
    });
    const result = phaseResultOf(recorder, phase.name);
    if (result) input.onPhase?.(result);
    out.push({ phase, intended: phase.intended, sent, notSent: 0, late: 0, elapsedMs, lagEncoded: '' });
  }
  return out;
}

function groupByOrigin(mix: CompiledMix): { origin: string; ops: number[]; weight: number }[] {
  const groups = new Map<string, { origin: string; ops: number[]; weight: number }>();
  mix.operations.forEach((op, i) => {
    const g = groups.get(op.origin) ?? { origin: op.origin, ops: [], weight: 0 };
    g.ops.push(i);
    g.weight += op.weight;
    groups.set(op.origin, g);
  });
  return [...groups.values()];
}

/** Resolves at `atMs` (performance.now() clock) or when `signal` aborts, whichever first. */
function sleepUntil(atMs: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, atMs - performance.now()));
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
