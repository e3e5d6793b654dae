/**
 * The generator's health when the generator is Artillery's workers: each worker thread watches itself,
 * as a local run's watcher does (src/load/watch.ts), and sends what it saw through Artillery's metrics
 * stream, which is all that comes back from workers elsewhere (Fargate). Artillery sums counters and
 * merges histograms of one name across workers, so a per-worker figure must have a name of its own:
 * every metric here is named after its worker thread (metrics.ts `pp.w.<worker>.…`), and merging only
 * joins that thread's periods. Per thread:
 * - `busy`: each second's event-loop utilisation (perf_hooks eventLoopUtilization), % of one core — the
 *   thread's share of the second spent running JavaScript and native work, not waiting: Node 22 has no
 *   per-thread CPU clock (process.cpuUsage counts every thread of the process), and a load generator's
 *   thread that is busy all the time is pinned whichever it is;
 * - `delay`: how late a 10 ms timer ran, one value per tick, ms (monitorEventLoopDelay's measure: the
 *   interval beyond its resolution), so that the merged sketch is the thread's whole distribution of delays.
 * The values are kept between the processor's hooks and emitted at its next hook (a timer has no
 * Artillery `events` to emit on); a thread with no traffic emits nothing, and is not judged.
 *
 * The import judges every thread by watch.ts's own bounds: CPU pinned (≥ CPU_PINNED_PERCENT in more than
 * CPU_PINNED_SHARE of its seconds) or event-loop delay p99 above MAX_EVENT_LOOP_DELAY_P99_MS makes the run
 * invalid, naming the thread; the report's figures are the workers' mean, the busiest second, and the
 * worst thread's delays.
 */
import { performance } from 'node:perf_hooks';
import type { GeneratorHealth } from '../types.js';
import { CPU_PINNED_PERCENT, CPU_PINNED_SHARE, MAX_EVENT_LOOP_DELAY_P99_MS } from '../watch.js';
import { metricNames, parseMetric } from './metrics.js';
import type { ArtilleryEvents } from './runtime.js';
import { type SketchJson, sketchPercentileMs, sketchShareAtLeast } from './sketch.js';

/** How often a thread reports its utilisation, ms (watch.ts samples every 250 ms; a second keeps the metric stream small). */
export const BUSY_INTERVAL_MS = 1000;
/** The event-loop delay timer's period, ms (watch.ts's monitorEventLoopDelay resolution). */
export const DELAY_RESOLUTION_MS = 10;

/** What a thread measures of itself; swapped for a fake in tests. */
export interface ThreadClock {
  /** Monotonic ms. */
  now(): number;
  /** Event-loop utilisation since `since` (the value returned before), and the mark for the next call. */
  utilisation(since: unknown): { readonly share: number; readonly mark: unknown };
  /** Calls `tick(lateMs)` every DELAY_RESOLUTION_MS with how late it ran; returns a stop function. The timer never keeps the process alive. */
  every(tick: (lateMs: number) => void): () => void;
}

/** The real clock of this thread. */
export const threadClock: ThreadClock = {
  now: () => performance.now(),
  utilisation(since) {
    const mark = performance.eventLoopUtilization();
    const d =
      since === undefined ? mark : performance.eventLoopUtilization(mark, since as ReturnType<typeof performance.eventLoopUtilization>);
    return { share: d.utilization, mark };
  },
  every(tick) {
    let last = performance.now();
    const timer = setInterval(() => {
      const t = performance.now();
      tick(Math.max(0, t - last - DELAY_RESOLUTION_MS));
      last = t;
    }, DELAY_RESOLUTION_MS);
    timer.unref();
    return () => clearInterval(timer);
  },
};

/** A thread's self-watch, started at its first arrival (an idle thread waiting for its phase is not judged). */
export interface WorkerWatch {
  /** Emits what was measured since the last call (its busy seconds, its delays) on `events`; starts the watch on first call. */
  report(events: ArtilleryEvents): void;
  /** Stops the timer. */
  stop(): void;
}

/** The watch of worker thread `worker` (a metric-name-safe id: `[A-Za-z0-9_-]+`). */
export function watchWorker(worker: string, clock: ThreadClock = threadClock): WorkerWatch {
  const busyName = metricNames.workerBusy(worker);
  const delayName = metricNames.workerDelay(worker);
  let delays: number[] = [];
  let stopTimer: (() => void) | undefined;
  let lastMs = 0;
  let mark: unknown;
  return {
    report(events) {
      if (stopTimer === undefined) {
        stopTimer = clock.every((late) => delays.push(late));
        lastMs = clock.now();
        mark = clock.utilisation(undefined).mark;
        return;
      }
      if (delays.length > 0) {
        for (const d of delays) events.emit('histogram', delayName, d);
        delays = [];
      }
      const t = clock.now();
      if (t - lastMs < BUSY_INTERVAL_MS) return;
      const u = clock.utilisation(mark);
      events.emit('histogram', busyName, Math.round(u.share * 1000) / 10);
      mark = u.mark;
      lastMs = t;
    },
    stop() {
      stopTimer?.();
    },
  };
}

/** Each worker thread's merged figures, by its id. */
export interface WorkerFigures {
  readonly worker: string;
  readonly busy?: SketchJson;
  readonly delay?: SketchJson;
}

/** The workers' own figures in a run's merged histograms (the import's). */
export function workerFigures(histograms: ReadonlyMap<string, SketchJson>): WorkerFigures[] {
  const by = new Map<string, { busy?: SketchJson; delay?: SketchJson }>();
  for (const [name, s] of histograms) {
    const m = parseMetric(name);
    if (m === undefined || (m.kind !== 'workerBusy' && m.kind !== 'workerDelay')) continue;
    const w = by.get(m.worker) ?? {};
    if (m.kind === 'workerBusy') w.busy = s;
    else w.delay = s;
    by.set(m.worker, w);
  }
  return [...by].sort(([a], [b]) => a.localeCompare(b)).map(([worker, f]) => ({ worker, ...f }));
}

/** The workers' health as the report holds it, and what was wrong (faults make the run invalid) or worth saying (notes). */
export interface WorkersHealth {
  readonly cpuPercent: GeneratorHealth['cpuPercent'];
  readonly eventLoopDelayMs: GeneratorHealth['eventLoopDelayMs'];
  readonly faults: readonly string[];
  readonly notes: readonly string[];
}

/** Judges each worker thread by watch.ts's bounds (see the module comment). */
export function judgeWorkers(workers: readonly WorkerFigures[]): WorkersHealth {
  const faults: string[] = [];
  const busy = workers.flatMap((w) => (w.busy !== undefined && w.busy.count > 0 ? [{ worker: w.worker, s: w.busy }] : []));
  const delay = workers.flatMap((w) => (w.delay !== undefined && w.delay.count > 0 ? [{ worker: w.worker, s: w.delay }] : []));
  if (busy.length === 0 && delay.length === 0)
    return {
      cpuPercent: { mean: 0, max: 0 },
      eventLoopDelayMs: { p50: 0, p99: 0, max: 0 },
      faults,
      notes: [
        "the workers' CPU and event-loop delay did not come back (no worker reported them: an export made before they were sent): shown as 0",
      ],
    };
  const limitedBy = 'the generator, not the target, limited the run';
  for (const { worker, s } of busy) {
    const share = sketchShareAtLeast(s, CPU_PINNED_PERCENT);
    if (share > CPU_PINNED_SHARE)
      faults.push(
        `CPU pinned: worker thread ${worker} was busy ${CPU_PINNED_PERCENT} % of a second or more in ${pct(share)} of its ${s.count} seconds ` +
          `(mean ${round1(s.sum / s.count)} %, max ${round1(s.max)} %): ${limitedBy}`,
      );
  }
  for (const { worker, s } of delay) {
    const p99 = sketchPercentileMs(s, 0.99);
    if (p99 > MAX_EVENT_LOOP_DELAY_P99_MS)
      faults.push(
        `event-loop delay p99 ${p99} ms (max ${round3(s.max)} ms) on worker thread ${worker} is above ${MAX_EVENT_LOOP_DELAY_P99_MS} ms: ` +
          'answers were timestamped late, so the latencies are the generator’s as much as the target’s',
      );
  }
  const means = busy.map((b) => b.s.sum / b.s.count);
  const busiest = busy.reduce<(typeof busy)[number] | undefined>((a, b) => (a === undefined || b.s.max > a.s.max ? b : a), undefined);
  const worst = delay.reduce<(typeof delay)[number] | undefined>(
    (a, b) => (a === undefined || sketchPercentileMs(b.s, 0.99) > sketchPercentileMs(a.s, 0.99) ? b : a),
    undefined,
  );
  const cpuPercent = { mean: round1(means.reduce((x, y) => x + y, 0) / Math.max(1, means.length)), max: round1(busiest?.s.max ?? 0) };
  const eventLoopDelayMs = worst
    ? { p50: sketchPercentileMs(worst.s, 0.5), p99: sketchPercentileMs(worst.s, 0.99), max: round3(worst.s.max) }
    : { p50: 0, p99: 0, max: 0 };
  const notes = [
    `generator health of ${workers.length} worker thread(s), each judged as a local run judges itself: CPU is a thread's event-loop utilisation ` +
      `per second (% of one core), mean ${cpuPercent.mean} % over the threads, busiest second ${cpuPercent.max} %${busiest ? ` (${busiest.worker})` : ''}; ` +
      `event-loop delay is the worst thread's${worst ? ` (${worst.worker})` : ''}`,
  ];
  return { cpuPercent, eventLoopDelayMs, faults, notes };
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
