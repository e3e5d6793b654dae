/**
 * The closed model over worker threads (`--workers N`), for when one core cannot produce the load:
 * after the setup (done once, here), N threads each run the closed engine on their share of the plan —
 * connections, rate ceilings, spike requests and the request cap split between them — with a mix of
 * their own compiled from plain data, and post back their result; the results merge into one
 * (mergeLoadResults). autocannon's own `workers` cannot serve (src/load/closed.ts says why): each thread
 * here runs our closedEngine, autocannon in one thread each.
 *
 * What stays one run across the threads:
 * - users: one `userBase` (the main mix's), so user k is the same uid in every thread;
 * - request indices: thread k of n builds indices k, k + n, k + 2n …, so `${index}` is unique over the
 *   run and a pool picked by index is covered as one thread would cover it; every thread has its own
 *   `runTag`, so `${requestId}` and `${fresh.name}` are distinct too;
 * - the stock: one counter per operation in shared memory (Atomics), so a success beyond the stock is
 *   judged against every thread's successes, as it would be in one thread, with its latency in its class;
 * - the start: every thread compiles its mix first, then all start at one signal;
 * - a bound service's ids (src/protocols/http-json/threads.ts): the setup here created the batches and
 *   filled the target's id map; each thread gets the bindings and the map's entries and rebuilds its
 *   adapters around a copy, so its requests carry the service's ids. A thread's calls create no id: a
 *   bound create call in a mix is refused before the run (src/load/unsendable.ts), in one thread as in
 *   many, so the main thread's map is whole for the audit.
 * The open model stays in one thread: its pacing is one scheduler's.
 *
 * The generator's health is the main thread's watch of the process (process.cpuUsage counts every
 * thread) judged per thread (the process's CPU over N), with the worst thread's event-loop delay.
 */
import type { Worker } from 'node:worker_threads';
import { randomBytes } from 'node:crypto';
import { startModuleWorker } from '../core/module-worker.js';
import type { AuditCollector, AuditData } from './audit-log.js';
import type { Target } from '../engine/target.js';
import { type PortableEndpoints, portableEndpoints } from '../protocols/index.js';
import type { Json } from '../scenario/types.js';
import { mergeEncoded } from './histograms.js';
import type { CompiledMix } from './mix.js';
import type { LoadSnapshot } from './record.js';
import { mergeLoadResults, mergePhases } from './result.js';
import type { PlannedPhase } from './run-load.js';
import { type LoadProfileDoc, type LoadResult, OUTCOME_CLASSES, type OutcomeClass, type PhaseResult } from './types.js';
import { judgeHealth, startWatch, type WatchResult } from './watch.js';

/** The bounds of a run over threads. */
export const WORKERS_DEFAULTS = {
  /** Every thread must have compiled its mix within this, ms (through tsx a thread takes a second or two to load). */
  startTimeoutMs: 30_000,
  /** After its result (or a stop), a thread that has not exited within this is terminated, ms. */
  exitTimeoutMs: 5_000,
  /** The most threads a run may ask for. */
  max: 64,
} as const;

/** What a run over threads needs: the main thread's setup done, its mix compiled and its phases planned. */
export interface WorkersInput {
  /** Threads asked for (the plan may use fewer: usableWorkers). */
  readonly workers: number;
  readonly profile: { readonly doc: LoadProfileDoc; readonly file: string };
  /** With its credentials: handed to the threads, never logged. */
  readonly target: Target;
  /** The setup's variables. */
  readonly vars: Readonly<Record<string, Json>>;
  /** The main thread's mix: its userBase and its operations (their stocks). */
  readonly mix: CompiledMix;
  readonly phases: readonly PlannedPhase[];
  readonly connections: number;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  readonly cap: number | undefined;
  /** Thread k's seed is derived from it (default: random per thread). */
  readonly seed?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** The run's start (before its setup) and the setup's length, ms. */
  readonly startedAt: Date;
  readonly setupMs: number;
  readonly progressEveryMs: number;
  /** Merged from the threads' figures: rates and counts summed, the interval p99 the highest thread's. */
  readonly onProgress?: ((snapshot: LoadSnapshot, plannedMs: number) => void) | undefined;
  /** Each phase once every thread has ended it (merged). */
  readonly onPhase?: ((phase: PhaseResult) => void) | undefined;
  /** The run's audit collector: each thread keeps its own and posts it back with its result, absorbed here. */
  readonly audit?: AuditCollector | undefined;
}

/** What thread k receives (plain data: structured-cloned, the stock counters shared). */
export interface WorkerPlan {
  /** Marks a load worker's data (src/load/worker-thread.ts runs only on it). */
  readonly kind: typeof PLAN_KIND;
  readonly index: number;
  readonly workers: number;
  readonly profile: WorkersInput['profile'];
  /** The target without its bound adapters (functions do not cross to a thread): `bound` rebuilds them. */
  readonly target: Target;
  /** The bound endpoints' bindings and the ids learnt so far; absent: no API of the target is bound. */
  readonly bound?: PortableEndpoints;
  /** The setup's variables with the run's `userBase`. */
  readonly vars: Readonly<Record<string, Json>>;
  readonly runTag: string;
  readonly seed?: number;
  readonly phases: readonly PlannedPhase[];
  readonly connections: number;
  readonly cap?: number;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  /** One Int32 per mix operation: the run's successes of each operation that has a stock. */
  readonly stock: SharedArrayBuffer;
  /** Post a snapshot this often, ms; absent: no progress. */
  readonly progressEveryMs?: number;
  /** Keep what the audit after the run needs (src/load/audit-log.ts) and post it back with the result. */
  readonly audit?: boolean;
  readonly meta: { readonly startedAt: string; readonly setupMs: number };
}

/** Main thread → thread. */
export type ToWorker = { readonly type: 'go' } | { readonly type: 'stop' };

/** Thread → main thread. */
export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'progress'; readonly snapshot: LoadSnapshot }
  | { readonly type: 'phase'; readonly phase: PhaseResult }
  | {
      readonly type: 'result';
      readonly result: LoadResult;
      readonly eventLoopDelayMs: WatchResult['eventLoopDelayMs'];
      /** What the thread kept for the audit (when its plan asked). */
      readonly audit?: AuditData;
    }
  | { readonly type: 'failed'; readonly message: string };

const PLAN_KIND = 'promoproof-load-worker';

/** Whether a thread's workerData is a load worker's plan. */
export function isWorkerPlan(data: unknown): data is WorkerPlan {
  return typeof data === 'object' && data !== null && (data as { kind?: unknown }).kind === PLAN_KIND;
}

/**
 * The mix with thread k of n building indices k, k + n, k + 2n … of the run: `${index}` (and a pool
 * picked by it) stays unique over the run, whatever the thread.
 */
export function interleaved(mix: CompiledMix, k: number, n: number): CompiledMix {
  return {
    operations: mix.operations,
    userBase: mix.userBase,
    runTag: mix.runTag,
    build: (index, only) => mix.build(index * n + k, only),
    buildOf: (op, index) => mix.buildOf(op, index * n + k),
  };
}

/** Part k (0-based) of n of a whole number: the first `total mod n` parts get one more. */
export function shareOf(total: number, k: number, n: number): number {
  return Math.floor(total / n) + (k < total % n ? 1 : 0);
}

/** The rate ceiling the closed engine applies to a phase (a ramp runs at its end rate); undefined: none (a spike, or under 1/s). */
function ceilingOf(phase: PlannedPhase): number | undefined {
  const s = phase.schedule;
  const rate = s.shape === 'constant' ? s.ratePerS : s.shape === 'ramp' ? s.toPerS : undefined;
  return rate !== undefined && rate >= 1 ? rate : undefined;
}

/**
 * How many threads the plan can use of those asked for: every thread needs a connection, a request of
 * the cap, and a whole request/s of each rate ceiling (the closed engine's ceiling is a whole number ≥ 1;
 * a share under 1/s would lift it).
 */
export function usableWorkers(
  asked: number,
  plan: { connections: number; cap: number | undefined; phases: readonly PlannedPhase[] },
): number {
  const ceilings = plan.phases.flatMap((p) => {
    const c = ceilingOf(p);
    return c === undefined ? [] : [Math.floor(c)];
  });
  return Math.max(1, Math.min(asked, WORKERS_DEFAULTS.max, plan.connections, plan.cap ?? Number.POSITIVE_INFINITY, ...ceilings));
}

/**
 * Thread k's share of the phases: the planned requests and the rates split (summing to the plan), a
 * rate ceiling as a whole number (the shares of its rounded value), a spike's requests split.
 */
export function phasesShare(phases: readonly PlannedPhase[], k: number, n: number): PlannedPhase[] {
  return phases.map((p) => {
    const s = p.schedule;
    const schedule: PlannedPhase['schedule'] =
      s.shape === 'constant'
        ? { shape: 'constant', ratePerS: s.ratePerS >= 1 ? shareOf(Math.round(s.ratePerS), k, n) : s.ratePerS / n }
        : s.shape === 'ramp'
          ? { shape: 'ramp', fromPerS: s.fromPerS / n, toPerS: s.toPerS >= 1 ? shareOf(Math.round(s.toPerS), k, n) : s.toPerS / n }
          : s;
    return { ...p, schedule, intended: shareOf(p.intended, k, n), intendedRatePerS: p.intendedRatePerS / n };
  });
}

/**
 * `n` run tags of 8 hex digits (the length a single process's tag has), distinct in their first 4: a
 * thread's `${fresh.name}` (10 characters at most) carries only that head (mix.ts).
 */
export function distinctTags(n: number): string[] {
  const tags = new Map<string, string>();
  while (tags.size < n) {
    const tag = randomBytes(4).toString('hex');
    tags.set(tag.slice(0, 4), tag);
  }
  return [...tags.values()];
}

/** The plans of the threads (see the module comment). */
export function workerPlans(input: WorkersInput, n: number, stock: SharedArrayBuffer): WorkerPlan[] {
  const tags = distinctTags(n);
  // One user space for every thread: the main mix's base (the profile's `userBase`, or the run's fresh one).
  const vars = { ...input.vars, userBase: input.mix.userBase };
  const portable = portableEndpoints(input.target.endpoints);
  const target: Target = { ...input.target, endpoints: portable.endpoints };
  return tags.map((runTag, k) => ({
    kind: PLAN_KIND,
    index: k,
    workers: n,
    profile: input.profile,
    target,
    ...(portable.bindings !== undefined ? { bound: portable } : {}),
    vars,
    runTag,
    // Distinct streams of choices per thread, reproducible for a seed (the golden-ratio step of a Weyl sequence).
    ...(input.seed !== undefined ? { seed: (input.seed + Math.imul(k, 0x9e3779b9)) >>> 0 } : {}),
    phases: phasesShare(input.phases, k, n),
    connections: shareOf(input.connections, k, n),
    ...(input.cap !== undefined ? { cap: shareOf(input.cap, k, n) } : {}),
    timeoutMs: input.timeoutMs,
    maxBodyBytes: input.maxBodyBytes,
    stock,
    ...(input.onProgress !== undefined ? { progressEveryMs: input.progressEveryMs } : {}),
    ...(input.audit?.active ? { audit: true } : {}),
    meta: { startedAt: input.startedAt.toISOString(), setupMs: input.setupMs },
  }));
}

/** One thread as the main thread follows it. */
interface Thread {
  readonly index: number;
  readonly worker: Worker;
  ready: boolean;
  result: Extract<FromWorker, { type: 'result' }> | undefined;
  /** Resolved when the thread has exited. */
  readonly exited: Promise<number>;
}

/** Runs the closed model over threads (see the module comment). Rejects when a thread fails (every thread is stopped first). */
export async function runClosedWorkers(input: WorkersInput): Promise<LoadResult> {
  const n = usableWorkers(input.workers, input);
  const stock = new SharedArrayBuffer(4 * Math.max(1, input.mix.operations.length));
  const plans = workerPlans(input, n, stock);
  return new WorkersRun(input, plans).run();
}

/** One run over threads: their messages, the start signal, the stop, the progress and phase lines, the merge. */
class WorkersRun {
  private readonly threads: Thread[] = [];
  private failure: Error | undefined;
  private readonly settled: Promise<void>;
  private settle: () => void = () => {};
  private readonly allReady: Promise<void>;
  private ready: () => void = () => {};
  private goMs = 0;
  private readonly progress = new ProgressMerge();
  private readonly phases = new Map<string, PhaseResult[]>();
  private readonly phasesShown = new Set<string>();

  constructor(
    private readonly input: WorkersInput,
    private readonly plans: readonly WorkerPlan[],
  ) {
    this.settled = new Promise((resolve) => {
      this.settle = resolve;
    });
    this.allReady = new Promise((resolve) => {
      this.ready = resolve;
    });
  }

  async run(): Promise<LoadResult> {
    const { input } = this;
    const onAbort = () => this.stopAll();
    input.signal?.addEventListener('abort', onAbort, { once: true });
    let watch: ReturnType<typeof startWatch> | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      for (const plan of this.plans) this.threads.push(this.start(plan));
      if (input.signal?.aborted) this.stopAll();
      const started = await this.startedInTime();
      watch = startWatch();
      this.goMs = performance.now();
      if (started) for (const t of this.threads) t.worker.postMessage({ type: 'go' } satisfies ToWorker);
      if (input.onProgress) {
        const plannedMs = input.phases.reduce((s, p) => s + p.durationMs, 0);
        timer = setInterval(() => input.onProgress?.(this.progress.snapshot(this.goMs), plannedMs), input.progressEveryMs);
        timer.unref();
      }
      await this.settled;
    } finally {
      clearInterval(timer);
      input.signal?.removeEventListener('abort', onAbort);
      await Promise.all(this.threads.map((t) => this.exit(t)));
    }
    const health = watch?.stop();
    if (this.failure) throw this.failure;
    this.showPendingPhases();
    return this.merge(health);
  }

  private start(plan: WorkerPlan): Thread {
    const worker = startModuleWorker(import.meta.url, './worker-thread', { workerData: plan });
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    const thread: Thread = { index: plan.index, worker, ready: false, result: undefined, exited };
    worker.on('message', (m: FromWorker) => this.onMessage(thread, m));
    worker.on('error', (e) => this.fail(thread, e instanceof Error ? e.message : String(e)));
    void exited.then((code) => {
      if (thread.result === undefined) this.fail(thread, `it exited (code ${code}) without its result`);
    });
    return thread;
  }

  /** Whether every thread compiled its mix before the bound (false: stopped or failed meanwhile). */
  private async startedInTime(): Promise<boolean> {
    let bound: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      bound = setTimeout(() => resolve('late'), WORKERS_DEFAULTS.startTimeoutMs);
    });
    const first = await Promise.race([this.allReady.then(() => 'ready' as const), this.settled.then(() => 'settled' as const), late]);
    clearTimeout(bound);
    if (first === 'late') this.fail(undefined, `the worker threads did not start within ${WORKERS_DEFAULTS.startTimeoutMs} ms`);
    return first === 'ready' && this.failure === undefined && this.input.signal?.aborted !== true;
  }

  private onMessage(thread: Thread, m: FromWorker): void {
    switch (m.type) {
      case 'ready':
        thread.ready = true;
        if (this.threads.length === this.plans.length && this.threads.every((t) => t.ready)) this.ready();
        break;
      case 'progress':
        this.progress.add(thread.index, m.snapshot);
        break;
      case 'phase':
        this.onPhase(m.phase);
        break;
      case 'result':
        thread.result = m;
        if (this.threads.every((t) => t.result !== undefined)) this.settle();
        break;
      case 'failed':
        this.fail(thread, m.message);
        break;
    }
  }

  /** A phase line once every thread has ended the phase. */
  private onPhase(phase: PhaseResult): void {
    const parts = this.phases.get(phase.name) ?? [];
    parts.push(phase);
    this.phases.set(phase.name, parts);
    if (parts.length === this.plans.length) this.showPhase(phase.name);
  }

  private showPhase(name: string): void {
    const parts = this.phases.get(name);
    if (parts === undefined || this.phasesShown.has(name)) return;
    this.phasesShown.add(name);
    const [merged] = mergePhases(parts.map((p) => [p]));
    if (merged) this.input.onPhase?.(merged);
  }

  /** Phases some threads never ended (their share of the cap was spent), in the plan's order. */
  private showPendingPhases(): void {
    for (const p of this.input.phases) this.showPhase(p.name);
  }

  /** The first failure stops every thread; the run then rejects with it. */
  private fail(thread: Thread | undefined, message: string): void {
    if (this.failure !== undefined) return;
    this.failure = new Error(thread === undefined ? message : `load worker thread ${thread.index + 1} of ${this.plans.length}: ${message}`);
    this.stopAll();
    this.settle();
  }

  private stopAll(): void {
    for (const t of this.threads) t.worker.postMessage({ type: 'stop' } satisfies ToWorker);
  }

  /** Waits for a thread to exit, terminating it after the bound. */
  private async exit(thread: Thread): Promise<void> {
    let bound: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      bound = setTimeout(() => resolve('late'), WORKERS_DEFAULTS.exitTimeoutMs);
    });
    const how = await Promise.race([thread.exited, late]);
    clearTimeout(bound);
    if (how === 'late') await thread.worker.terminate();
  }

  /** One result of the threads' (mergeLoadResults), with the run's own start, duration, stop and generator health. */
  private merge(health: WatchResult | undefined): LoadResult {
    const { input } = this;
    const parts = this.threads.flatMap((t) => (t.result ? [t.result] : []));
    for (const p of parts) if (p.audit) input.audit?.absorb(p.audit);
    const merged = mergeLoadResults(parts.map((p) => p.result));
    const sentAll = merged.phases.reduce((s, p) => s + p.sent + p.notSent, 0);
    const stoppedBy: LoadResult['stoppedBy'] = input.signal?.aborted
      ? 'interrupted'
      : input.cap !== undefined && sentAll >= input.cap
        ? 'request-cap'
        : 'completed';
    return {
      ...merged,
      startedAt: input.startedAt.toISOString(),
      durationMs: Math.round(Date.now() - input.startedAt.getTime()),
      stoppedBy,
      generator: this.generator(
        merged,
        health,
        parts.map((p) => p.eventLoopDelayMs),
      ),
    };
  }

  /**
   * The process's CPU judged per thread (the threads share the load evenly), the worst thread's
   * event-loop delay; the report keeps the process's CPU as measured and says how it was judged.
   */
  private generator(
    merged: LoadResult,
    health: WatchResult | undefined,
    delays: readonly WatchResult['eventLoopDelayMs'][],
  ): LoadResult['generator'] {
    const n = this.plans.length;
    const watch: WatchResult = health ?? {
      cpuPercent: { mean: 0, max: 0 },
      eventLoopDelayMs: { p50: 0, p99: 0, max: 0 },
      cpuSamplesPercent: [],
      durationMs: 0,
    };
    const all = [watch.eventLoopDelayMs, ...delays];
    const perThread: WatchResult = {
      ...watch,
      cpuPercent: { mean: round1(watch.cpuPercent.mean / n), max: round1(watch.cpuPercent.max / n) },
      cpuSamplesPercent: watch.cpuSamplesPercent.map((v) => v / n),
      eventLoopDelayMs: {
        p50: Math.max(...all.map((d) => d.p50)),
        p99: Math.max(...all.map((d) => d.p99)),
        max: Math.max(...all.map((d) => d.max)),
      },
    };
    const measured = merged.phases.filter((p) => p.measured);
    const judged = judgeHealth({
      watch: perThread,
      lag: mergeEncoded([]),
      lateSends: 0,
      sent: measured.reduce((s, p) => s + p.sent, 0),
      intended: measured.reduce((s, p) => s + p.intended, 0),
      notSent: 0,
      achievedRatePerS: merged.totals.achievedRatePerS,
      intendedRatePerS: 0,
      model: 'closed',
    });
    return {
      ...judged,
      cpuPercent: watch.cpuPercent,
      eventLoopDelayMs: perThread.eventLoopDelayMs,
      reasons: [
        ...judged.reasons,
        `note: ${n} worker threads: the CPU is this process's over all of them (mean ${watch.cpuPercent.mean} % of one core), ` +
          `judged per thread (${perThread.cpuPercent.mean} %); the event-loop delay is the worst thread's`,
      ],
    };
  }
}

/** The threads' live figures as one progress line: counts summed, rates summed, the interval p99 the highest thread's. */
class ProgressMerge {
  private readonly latest = new Map<number, LoadSnapshot>();
  private intervalAnswers = 0;
  private intervalP99Ms: number | undefined;
  private lastMs = performance.now();

  add(thread: number, snapshot: LoadSnapshot): void {
    this.latest.set(thread, snapshot);
    this.intervalAnswers += snapshot.interval.answers;
    const p99 = snapshot.interval.p99Ms;
    if (p99 !== undefined) this.intervalP99Ms = Math.max(this.intervalP99Ms ?? 0, p99);
  }

  /** The merged figures since the run's start (`goMs`), the interval since the previous call. */
  snapshot(goMs: number): LoadSnapshot {
    const now = performance.now();
    const ms = now - Math.max(this.lastMs, goMs);
    const all = [...this.latest.values()];
    const sum = (f: (s: LoadSnapshot) => number) => all.reduce((a, s) => a + f(s), 0);
    const answers = {} as Record<OutcomeClass, number>;
    for (const c of OUTCOME_CLASSES) answers[c] = sum((s) => s.answers[c]);
    const snap: LoadSnapshot = {
      elapsedMs: now - goMs,
      answers,
      notSent: sum((s) => s.notSent),
      interval: {
        ms,
        answers: this.intervalAnswers,
        ratePerS: ms > 0 ? (this.intervalAnswers * 1000) / ms : 0,
        p99Ms: this.intervalP99Ms,
      },
      errors: {
        'non-conformant': sum((s) => s.errors['non-conformant']),
        transport: sum((s) => s.errors.transport),
        unknown: sum((s) => s.errors.unknown),
        unexpectedRefusals: sum((s) => s.errors.unexpectedRefusals),
      },
    };
    this.lastMs = now;
    this.intervalAnswers = 0;
    this.intervalP99Ms = undefined;
    return snap;
  }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
