/**
 * A profile's planned phases as Artillery plays them on each of N workers, and the intended instant of
 * every arrival a worker makes. Pure: the export writes the phases into the script, and the processor
 * in every worker rebuilds the same instants from the same plan (setup.json), so latency counts from
 * the instant a user was meant to arrive (as the local open model's does), not from Artillery's send.
 *
 * Every worker runs the whole script (`artillery run-fargate --count N` multiplies the arrival rate by
 * N), so each phase's rate is divided by N here. How Artillery 2.0.34 schedules arrivals
 * (lib/core/phases.ts, the `arrivals` package) fixes the instants:
 * - `arrivalRate` r (mode uniform): arrival k (k ≥ 1) at the phase start + k × ⌊10⁶ / r⌋ µs, while
 *   that is within the duration: ⌊duration / tick⌋ arrivals;
 * - `arrivalCount` n over a duration: the same with the tick ⌊duration / n⌋ µs (a promoproof spike: the
 *   tightest release Artillery allows, spikeDuration; their instant is the spike's start, as the local engine's);
 * - `arrivalRate` → `rampTo`: one period per second, period i makes ⌊r_i⌋ arrivals one
 *   ⌊1000 / ⌊r_i⌋⌋ ms apart from the period's start, r_i rising linearly from the first to the last period.
 * Phases follow each other at their planned lengths, but for the phase after a spike, which Artillery
 * starts as the spike's last arrival fires. The anchor of the instants is a worker's first arrival,
 * taken as on time (the process is idle then), and the spike's last arrival for the phase after it
 * (runtime.ts anchorOf): from there, a worker that falls behind counts its lateness in its latency, as
 * the users waiting on the page would.
 */
import type { PlannedPhase } from '../run-load.js';

/**
 * A spike's phase duration for `arrivals` requests of one worker: the tightest release Artillery 2.0.34
 * allows. Artillery has no instant release: an `arrivalCount` phase is the `arrivals` package's uniform
 * process, a nanotimer interval of ⌊duration / n⌋ µs that fires at most one arrival per event-loop turn
 * (it re-arms with setImmediate) and stops after ⌊duration / tick⌋ arrivals. A tick of 0 never stops, so
 * the tick is 1 µs, the least: a duration of n + ½ µs (the half keeps the tick 1 and the count n through
 * the float round trip of `ms`), written in ms (`ms` reads `0.1005ms`). Each arrival then fires on the next
 * turn of the worker's loop, so the real window is the worker's own work per arrival (building, signing
 * and sending each request) × n: the processor measures it (`pp.<p>.release`) and the import reports it.
 */
export function spikeDuration(arrivals: number): string {
  return `${(Math.max(1, arrivals) + 0.5) / 1000}ms`;
}

/** One phase as an Artillery script writes it (one worker's share). */
export type ArtilleryPhase =
  | { readonly name: string; readonly duration: number | string; readonly arrivalRate: number }
  | { readonly name: string; readonly duration: number | string; readonly arrivalRate: number; readonly rampTo: number }
  | { readonly name: string; readonly duration: number | string; readonly arrivalCount: number };

/** One phase of one worker's plan: what Artillery is told, and the arrivals it will make. */
export interface WorkerPhase {
  /** The profile's phase name (unique: PlannedPhase.name). */
  readonly name: string;
  readonly kind: PlannedPhase['doc']['phase'];
  readonly measured: boolean;
  readonly artillery: ArtilleryPhase;
  /** Its planned start from the worker's first phase start, ms. */
  readonly startMs: number;
  /** Its planned length, ms. */
  readonly durationMs: number;
  /** Arrivals this worker makes in it (Artillery's own count, from the rules above). */
  readonly arrivals: number;
  /** The offset of each arrival from the phase start (µs), by arrival index in the phase; a spike's are all 0 (one instant). */
  readonly offsetUs: (k: number) => number;
  /** A spike of one operation: its index in the mix. */
  readonly only?: number;
  /** The phase's intended rate over every worker, per second (0 for a spike). */
  readonly intendedRatePerS: number;
}

/** Rates below this per worker are refused: Artillery's uniform tick would round them to nothing useful. */
const MIN_RATE_PER_WORKER = 0.01;

/** The phases of one worker of `workers` (every worker's plan is the same: each runs the whole script). */
export function workerPhases(phases: readonly PlannedPhase[], workers: number): WorkerPhase[] {
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a whole number ≥ 1, not ${workers}`);
  let startMs = 0;
  return phases.map((p) => {
    const out = workerPhase(p, workers, startMs);
    startMs += out.durationMs;
    return out;
  });
}

function workerPhase(p: PlannedPhase, workers: number, startMs: number): WorkerPhase {
  const common = {
    name: p.name,
    kind: p.doc.phase,
    measured: p.measured,
    startMs,
    intendedRatePerS: p.intendedRatePerS,
    ...(p.only !== undefined ? { only: p.only } : {}),
  };
  const s = p.schedule;
  let artillery: ArtilleryPhase;
  if (s.shape === 'burst') {
    const arrivalCount = Math.max(1, Math.round(p.intended / workers));
    artillery = { name: p.name, duration: spikeDuration(arrivalCount), arrivalCount };
  } else if (s.shape === 'constant') {
    const rate = s.ratePerS / workers;
    if (rate < MIN_RATE_PER_WORKER)
      throw new RangeError(`phase ${p.name}: ${s.ratePerS}/s over ${workers} workers is below ${MIN_RATE_PER_WORKER}/s each`);
    artillery = { name: p.name, duration: artilleryDuration(p.durationMs), arrivalRate: round6(rate) };
  } else {
    // Artillery paces a ramp in whole one-second periods.
    const periods = Math.max(1, Math.round(p.durationMs / 1000));
    artillery = { name: p.name, duration: periods, arrivalRate: round6(s.fromPerS / workers), rampTo: round6(s.toPerS / workers) };
  }
  return { ...common, artillery, ...specSchedule(artillery, p.doc.phase === 'spike') };
}

/** An Artillery phase as a worker thread runs it (the script's, or its share after Artillery's own local split: `pause` for none). */
export interface ArtillerySpec {
  readonly duration?: number | string;
  readonly pause?: number | string;
  readonly arrivalRate?: number;
  readonly rampTo?: number;
  readonly arrivalCount?: number;
}

/** How long a phase lasts, how many arrivals it makes and when, by Artillery's rules (the module comment). A spike's instants are its start. */
export function specSchedule(spec: ArtillerySpec, spike: boolean): Pick<WorkerPhase, 'durationMs' | 'arrivals' | 'offsetUs'> {
  const none = { arrivals: 0, offsetUs: () => 0 };
  if (spec.pause !== undefined) return { durationMs: durationMsOf(spec.pause), ...none };
  const durationMs = durationMsOf(spec.duration ?? 0);
  if (spec.arrivalCount !== undefined) {
    const tickUs = spec.arrivalCount > 0 ? Math.floor((durationMs * 1000) / spec.arrivalCount) : 0;
    const arrivals = uniformCount(durationMs * 1000, tickUs);
    return { durationMs, arrivals, offsetUs: spike ? () => 0 : (k) => (k + 1) * tickUs };
  }
  const from = spec.arrivalRate ?? 0;
  if (spec.rampTo === undefined) {
    if (from <= 0) return { durationMs, ...none };
    const tickUs = Math.floor(1e6 / from);
    return { durationMs, arrivals: uniformCount(durationMs * 1000, tickUs), offsetUs: (k) => (k + 1) * tickUs };
  }
  const periods = Math.max(1, Math.round(durationMs / 1000));
  const perPeriod = rampArrivals(from, spec.rampTo, periods);
  const firstOf: number[] = [];
  let total = 0;
  for (const n of perPeriod) {
    firstOf.push(total);
    total += n;
  }
  return {
    durationMs: periods * 1000,
    arrivals: total,
    offsetUs: (k) => {
      // The period holding arrival k, then its place in the period.
      let i = perPeriod.length - 1;
      while (i > 0 && (firstOf[i] ?? 0) > k) i--;
      const tickMs = Math.min(Math.floor(1000 / Math.max(1, perPeriod[i] ?? 1)), 1000);
      return i * 1e6 + (k - (firstOf[i] ?? 0) + 1) * tickMs * 1000;
    },
  };
}

/**
 * The phases as one worker thread runs them: Artillery's local `run` splits each phase between its own
 * threads (one per core but one; an `arrivalCount` phase goes to the first, a pause to the others), so a
 * thread's plugin hands its own phases (plugin.ts) and the schedule is rebuilt from them, phase by phase.
 */
export function threadPhases(planned: readonly WorkerPhase[], specs: readonly ArtillerySpec[]): WorkerPhase[] {
  let startMs = 0;
  return planned.map((p, i) => {
    const spec = specs[i];
    const own = spec === undefined ? { durationMs: p.durationMs, arrivals: 0, offsetUs: () => 0 } : specSchedule(spec, p.kind === 'spike');
    const out = { ...p, ...own, startMs };
    startMs += own.durationMs;
    return out;
  });
}

/** Artillery reads an integer as seconds and a string through `ms` (`100ms`, `2m`). */
function durationMsOf(d: number | string): number {
  if (typeof d === 'number') return d * 1000;
  if (/^\d+$/.test(d)) return Number(d) * 1000;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/.exec(d.trim());
  if (m === null) throw new RangeError(`an Artillery duration promoproof cannot read: ${d}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}

/** Artillery reads an integer as seconds and a string through `ms`: whole seconds as a number, else `NNNms`. */
function artilleryDuration(ms: number): number | string {
  return ms % 1000 === 0 ? ms / 1000 : `${Math.round(ms)}ms`;
}

/** The arrivals of Artillery's uniform process: ⌊duration / tick⌋ (both µs). */
function uniformCount(durationUs: number, tickUs: number): number {
  return tickUs <= 0 ? 0 : Math.floor(durationUs / tickUs);
}

/** Artillery's ramp: period i of n makes ⌊(to − from) / (n − 1) × i + from⌋ arrivals (one period: the mean). */
function rampArrivals(from: number, to: number, periods: number): number[] {
  if (periods === 1) return [Math.floor((from + to) / 2)];
  return Array.from({ length: periods }, (_, i) => Math.floor(((to - from) / (periods - 1)) * i + from));
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Where arrival `n` (0-based, over the whole run of one worker) falls: its phase, its index in it, its intended offset from the anchor. */
export interface ArrivalSlot {
  readonly phase: number;
  readonly k: number;
  /** From the worker's first phase start, µs. */
  readonly offsetUs: number;
}

/** The slot of a worker's n-th arrival; undefined beyond the plan (Artillery made more arrivals than planned). */
export function arrivalSlot(phases: readonly WorkerPhase[], n: number): ArrivalSlot | undefined {
  let before = 0;
  for (let i = 0; i < phases.length; i++) {
    const p = phases[i];
    if (p === undefined) break;
    if (n < before + p.arrivals) {
      const k = n - before;
      return { phase: i, k, offsetUs: p.startMs * 1000 + p.offsetUs(k) };
    }
    before += p.arrivals;
  }
  return undefined;
}

/** The arrivals of one worker over every phase, and over `workers` workers. */
export function plannedArrivals(phases: readonly WorkerPhase[], workers: number): { perWorker: number; total: number } {
  const perWorker = phases.reduce((s, p) => s + p.arrivals, 0);
  return { perWorker, total: perWorker * workers };
}
