/**
 * The generator watches itself: this process's CPU and event-loop delay sampled during a run, and the
 * verdict on whether the generator (not the target) limited it. A generator that cannot keep its own
 * schedule reports its own slowness as the target's latency and its own ceiling as the target's
 * capacity; such a run is marked invalid and says why, instead of being read as the target's figures.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type HistogramSummary, toLatencySummary } from './histograms.js';
import type { GeneratorHealth, LoadModel } from './types.js';

/** What the watcher saw over its life: plain data. */
export interface WatchResult {
  /** This process's CPU (user + system, every thread: worker threads can take it past 100), % of one core: over the whole watch, and the busiest interval. */
  readonly cpuPercent: { readonly mean: number; readonly max: number };
  /** How late the event loop ran a timer (its resolution taken off), ms. */
  readonly eventLoopDelayMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Each interval's CPU, % of one core, in order (how much of the run was pinned, not only its peak). */
  readonly cpuSamplesPercent: readonly number[];
  readonly durationMs: number;
}

/** A watcher under way. */
export interface Watch {
  /** Stops sampling and returns what was seen; idempotent. */
  stop(): WatchResult;
}

export interface WatchOptions {
  /** The CPU sampling interval, ms (default 250: four readings a second, for "most of the run"). */
  readonly intervalMs?: number;
  /** monitorEventLoopDelay's timer resolution, ms (default 10: finer wakes the loop more often for little gain). */
  readonly resolutionMs?: number;
}

/** A last partial interval shorter than this share of the interval is too noisy to be a CPU sample. */
const MIN_PARTIAL_SAMPLE_SHARE = 0.25;

/** Starts watching this process's CPU and event loop. The timer is unref'd: it never keeps the process alive. */
export function startWatch(options: WatchOptions = {}): Watch {
  const intervalMs = options.intervalMs ?? 250;
  const resolutionMs = options.resolutionMs ?? 10;
  const eld = monitorEventLoopDelay({ resolution: resolutionMs });
  eld.enable();
  const startMs = performance.now();
  const startCpu = process.cpuUsage();
  const samples: number[] = [];
  let lastMs = startMs;
  let lastCpu = startCpu;

  // The interval's length is measured, not assumed: a blocked loop runs this timer late, and the
  // CPU it burnt meanwhile belongs to the longer interval.
  const sample = () => {
    const nowMs = performance.now();
    const cpu = process.cpuUsage();
    samples.push(cpuPercent({ user: cpu.user - lastCpu.user, system: cpu.system - lastCpu.system }, nowMs - lastMs));
    lastMs = nowMs;
    lastCpu = cpu;
  };
  const timer = setInterval(sample, intervalMs);
  timer.unref();

  let result: WatchResult | undefined;
  return {
    stop() {
      if (result) return result;
      clearInterval(timer);
      eld.disable();
      const endMs = performance.now();
      if (endMs - lastMs >= intervalMs * MIN_PARTIAL_SAMPLE_SHARE) sample();
      const mean = cpuPercent(process.cpuUsage(startCpu), endMs - startMs);
      // The histogram holds the intervals between timer runs (resolution included, as measured on Node 20): the delay is what exceeds it.
      const delayMs = (ns: number) => (eld.count === 0 ? 0 : round3(Math.max(0, ns / 1e6 - resolutionMs)));
      result = {
        cpuPercent: { mean: round1(mean), max: round1(samples.reduce((m, v) => Math.max(m, v), samples.length > 0 ? 0 : mean)) },
        eventLoopDelayMs: { p50: delayMs(eld.percentile(50)), p99: delayMs(eld.percentile(99)), max: delayMs(eld.max) },
        cpuSamplesPercent: samples.map(round1),
        durationMs: round3(endMs - startMs),
      };
      return result;
    },
  };
}

/** More sends than this share leaving late says the generator could not keep its schedule (1 %: a p99 of lag beyond the late bound). */
export const MAX_LATE_SHARE = 0.01;
/**
 * Fewer late sends than this never make a run invalid, whatever their share: in a short run (a capacity
 * step of 50 sends) one garbage collection or one start-up hiccup is 2 %, and says nothing of whether the
 * generator kept its schedule. Ten is a p99's worth of a 1,000-send run.
 */
export const MIN_LATE_SENDS = 10;
/**
 * A core at or above this, % of one core, is pinned: the generator had no room left to be on time. A
 * generator starved by other processes on a shared machine shows less than this; its late sends and
 * event-loop delay say so instead.
 */
export const CPU_PINNED_PERCENT = 95;
/** Pinned in more than this share of the intervals is "most of the run" (one busy interval is a GC or a start-up, not saturation). */
export const CPU_PINNED_SHARE = 0.5;
/**
 * An event-loop delay p99 above this, ms, makes the measured latencies the generator's as much as the
 * target's: an answer's end is timestamped when the loop gets to it (20 ms: well above a minor GC, and
 * a tenth of a typical 200 ms p99 objective).
 */
export const MAX_EVENT_LOOP_DELAY_P99_MS = 20;
/** An achieved rate below this share of the plan is below plan (1 %: the open model's stated tolerance). */
export const MIN_ACHIEVED_SHARE = 0.99;

/** What the health verdict reads: the watch, and the open model's pacing figures. */
export interface HealthInput {
  readonly watch: WatchResult;
  /** Actual send − intended instant over the judged sends (runOpen's lagUs); empty in the closed model. */
  readonly lag: HistogramSummary;
  readonly lateSends: number;
  readonly sent: number;
  /** Instants the plan wanted. */
  readonly intended: number;
  /** Instants that found every connection busy (the open model). */
  readonly notSent: number;
  readonly achievedRatePerS: number;
  /** 0 when the plan meant no rate (a spike only): then the achieved rate is not judged. */
  readonly intendedRatePerS: number;
  readonly model: LoadModel;
  /** What "late" meant for `lateSends`, ms (runOpen's lateAfterUs / 1000; default 5). */
  readonly lateAfterMs?: number;
}

/**
 * The generator's health: invalid when the generator, not the target, limited the run (late sends
 * beyond MAX_LATE_SHARE, its CPU pinned over most of the run, its event loop too late to timestamp
 * answers, the achieved rate below plan because of any of these). Instants not sent because every
 * connection was busy are the target's slowness: a note, not a fault. The closed model has no intended
 * instants, so it is judged on CPU and event-loop delay only. `reasons` says each finding in words.
 */
export function judgeHealth(input: HealthInput): GeneratorHealth {
  const { watch } = input;
  const open = input.model === 'open';
  const lateShare = input.sent > 0 ? input.lateSends / input.sent : 0;
  const faults: string[] = [];
  const notes: string[] = [];
  const limitedBy = 'the generator, not the target, limited the run';

  const late = open && lateShare > MAX_LATE_SHARE && input.lateSends >= MIN_LATE_SENDS;
  if (late) {
    const lag = toLatencySummary(input.lag);
    faults.push(
      `late sends: ${input.lateSends} of ${input.sent} sends (${pct(lateShare)}) left more than ${input.lateAfterMs ?? 5} ms after their instant ` +
        `(lag p99 ${lag.p99Ms} ms, max ${lag.maxMs} ms): ${limitedBy}`,
    );
  }

  const pinnedShare = shareAtLeast(watch.cpuSamplesPercent, CPU_PINNED_PERCENT);
  const pinned = watch.cpuSamplesPercent.length > 0 ? pinnedShare > CPU_PINNED_SHARE : watch.cpuPercent.mean >= CPU_PINNED_PERCENT;
  if (pinned) {
    faults.push(
      `CPU pinned: this process used ${CPU_PINNED_PERCENT} % of a core or more in ${pct(pinnedShare)} of the run ` +
        `(mean ${watch.cpuPercent.mean} %, max ${watch.cpuPercent.max} %): ${limitedBy}`,
    );
  }

  if (watch.eventLoopDelayMs.p99 > MAX_EVENT_LOOP_DELAY_P99_MS) {
    faults.push(
      `event-loop delay p99 ${watch.eventLoopDelayMs.p99} ms (max ${watch.eventLoopDelayMs.max} ms) is above ${MAX_EVENT_LOOP_DELAY_P99_MS} ms: ` +
        'answers were timestamped late, so the latencies are the generator’s as much as the target’s',
    );
  }

  if (open && input.notSent > 0) {
    notes.push(
      `${input.notSent} of ${input.intended} instants (${pct(input.intended > 0 ? input.notSent / input.intended : 0)}) found every connection busy ` +
        'and were not sent: the target’s slowness, not the generator’s (more connections would measure its queue instead)',
    );
  }

  const short = open && input.intendedRatePerS > 0 && input.achievedRatePerS < MIN_ACHIEVED_SHARE * input.intendedRatePerS;
  if (short) {
    const rate = `achieved ${rate1(input.achievedRatePerS)}/s is ${pct(input.achievedRatePerS / input.intendedRatePerS)} of the intended ${rate1(input.intendedRatePerS)}/s`;
    if (late || pinned) faults.push(`${rate}, because the generator could not keep its schedule (${late ? 'late sends' : 'CPU pinned'})`);
    else if (input.notSent > 0) notes.push(`${rate}: the busy connections above, the target’s`);
    else notes.push(`${rate}, with the sends on time: not the generator’s (the run was stopped early, or its window includes the drain)`);
  }

  return {
    cpuPercent: watch.cpuPercent,
    eventLoopDelayMs: watch.eventLoopDelayMs,
    lag: toLatencySummary(input.lag),
    lateSends: input.lateSends,
    lateShare,
    valid: faults.length === 0,
    reasons: [...faults, ...notes.map((n) => `note: ${n}`)],
  };
}

/** CPU µs over a wall interval, as % of one core. */
function cpuPercent(cpu: NodeJS.CpuUsage, wallMs: number): number {
  return wallMs > 0 ? ((cpu.user + cpu.system) / 1000 / wallMs) * 100 : 0;
}

function shareAtLeast(values: readonly number[], bound: number): number {
  return values.length === 0 ? 0 : values.filter((v) => v >= bound).length / values.length;
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}

function rate1(perS: number): string {
  return perS.toFixed(1);
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
