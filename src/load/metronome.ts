/**
 * The open model's sub-millisecond alarm clock. Node's timers have a grain of one millisecond (a
 * fraction is a whole one more), and spinning the event loop for the last fraction costs a core; a
 * thread blocked in `Atomics.wait` sleeps to a fractional deadline (a futex with a timeout: about a
 * tenth of a millisecond late here) at the cost of one wake-up. So a worker thread sleeps until the
 * next intended instant the main thread published in a SharedArrayBuffer, and when it wakes with that
 * instant still unsent, beats: it counts a beat in the shared words and `Atomics.notify`s the main
 * thread, whose `Atomics.waitAsync` on that word wakes its event loop at once, which then sends what is
 * due. The main thread never blocks; the worker only wakes it. (A beat was a posted message until a
 * profile showed each one allocating about 3 KB on the main thread, a MessageEvent and its clone, at one
 * beat per instant at mid rates: the young generation's scavenges, whose pauses are the send lag's tail.
 * A waitAsync wake-up is a promise.)
 *
 * The main thread publishes (`aim`) without waking the worker when the worker is asleep towards an
 * instant (it re-reads the newest one when it wakes); it wakes it (`Atomics.notify`) only when the
 * worker waits with nothing to aim at. When the worker wakes to find its instant already sent (the
 * main loop, woken by answers, sent it first: at high rates most instants go that way), it aims the
 * next ones `SLACK_MS` late, so that it costs a wake-up only when the answers leave a gap, and on
 * time again as soon as one of its alarms was needed.
 *
 * Both threads read one clock: process.hrtime (CLOCK_MONOTONIC; performance.now()'s origin differs per
 * thread). The worker is unref'd (it never keeps a process alive) and ends with `stop`; a worker that
 * fails or ends early only stops the alarms (`alive` turns false, `onDeath` runs): the run falls back on
 * its millisecond timer and never waits on a dead thread.
 */
import { Worker } from 'node:worker_threads';

/** The shared words: Int32 indexes into the control array. */
const SEQ = 0;
const IDLE = 1;
const STOP = 2;
/** Beats so far: the worker adds one and notifies; the main thread waits (asynchronously) for it to change. */
const BEAT = 3;
/** How late, ms, the worker aims after finding its last instant sent before it woke. */
export const SLACK_MS = 0.4;
/**
 * How late, ms, every beat is aimed: the two threads' readings of the clock differ by the microsecond
 * or so between the two readings that fixed their offset, and a beat must find its instant due.
 */
const MARGIN_MS = 0.01;

/**
 * The worker's code, plain JavaScript run with `eval` (no file to resolve from src/, dist/ or a test
 * runner's transform). `at[0]` is the next unsent instant on the hrtime clock, ms (Infinity: none),
 * `at[1]` the one after it; `SEQ` changes with every `aim`, so a wait that began before an aim returns
 * at once. After a beat the thread aims by itself at the instant after (`at[1]` as it was then), and
 * on by the same step while no aim comes (at 6,000/s an instant comes every 167 µs, sooner than a
 * beat's round trip on a busy machine), reading the main thread's aim whenever it wakes. So it never
 * sleeps with nothing to aim at during a run, and the main thread's aims are stores: a notify (a futex
 * wake-up of this thread, which cost the main thread ten-odd µs a beat when every beat ended in that
 * sleep) only for the first aim, or one after the last instant. Beats without an aim between are one
 * step apart, never a burst, and the main thread hears a run of them as one.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const ctl = new Int32Array(workerData.buffer, 0, 4);
const at = new Float64Array(workerData.buffer, 16, 2);
const { slackMs, marginMs } = workerData;
const hr = () => { const t = process.hrtime(); return t[0] * 1e3 + t[1] / 1e6; };
let beatSeq = -1;
let slack = 0;
let aimedAt = NaN;
// The instant after the one last beaten, aimed at until the main thread aims again (Infinity: none),
// and the step between the two, by which it moves on while the main thread does not aim.
let after = Infinity;
let step = Infinity;
while (Atomics.load(ctl, ${STOP}) === 0) {
  const seq = Atomics.load(ctl, ${SEQ});
  const target = seq === beatSeq ? after : at[0];
  // Nothing to aim at (not even the instant after the last beat): sleep until the main thread aims.
  if (!(target < Infinity)) {
    Atomics.store(ctl, ${IDLE}, 1);
    Atomics.wait(ctl, ${SEQ}, seq);
    Atomics.store(ctl, ${IDLE}, 0);
    continue;
  }
  // Woken towards an instant that is no longer the next one: the main thread sent it first.
  if (aimedAt === aimedAt && target !== aimedAt) slack = slackMs;
  aimedAt = target;
  const waitMs = target + marginMs + slack - hr();
  if (waitMs > 0) {
    Atomics.wait(ctl, ${SEQ}, seq, waitMs);
    continue;
  }
  // Beaten again with no aim between: the main thread is behind (busy, or its wake-up still on its
  // way); the next beat one step on, so that it finds every instant due when it wakes.
  if (seq === beatSeq) after = step > 0 ? after + step : Infinity;
  else {
    after = at[1];
    step = at[1] - target;
  }
  beatSeq = seq;
  aimedAt = NaN;
  slack = 0;
  Atomics.add(ctl, ${BEAT}, 1);
  Atomics.notify(ctl, ${BEAT});
}
`;
/** Atomics.waitAsync (ES2024, in Node since 16), typed here: the project's lib is older. */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(array: Int32Array, index: number, value: number): { async: false; value: string } | { async: true; value: Promise<string> };
  }
).waitAsync;

/** The current time on the clock both threads share (CLOCK_MONOTONIC), ms. */
function hrMs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}

/** A metronome thread (see the module comment): aim it at instants, hear its beats on the main thread. */
export class Metronome {
  /** Metronome threads started and not yet ended, in this process (a run must leave none behind). */
  static running = 0;
  private readonly ctl: Int32Array;
  private readonly at: Float64Array;
  private readonly worker: Worker;
  /** hrtime ms − performance.now() ms: both are the monotonic clock, from different origins. */
  private readonly hrOffsetMs: number;
  private aimedMs = Number.POSITIVE_INFINITY;
  private online = false;
  private exited = false;
  private stopped = false;
  /** The beat count last heard. */
  private beats = 0;
  private readonly onBeat: () => void;

  /**
   * Starts the thread. `onBeat` runs on the main thread when an instant aimed at came unsent; `onDeath`
   * when the thread failed or ended before `stop` (the caller's timer takes over).
   */
  constructor(onBeat: () => void, onDeath: () => void = () => {}) {
    const buffer = new SharedArrayBuffer(32);
    this.ctl = new Int32Array(buffer, 0, 4);
    this.at = new Float64Array(buffer, 16, 2);
    this.at[0] = Number.POSITIVE_INFINITY;
    this.at[1] = Number.POSITIVE_INFINITY;
    this.hrOffsetMs = hrMs() - performance.now();
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { buffer, slackMs: SLACK_MS, marginMs: MARGIN_MS } });
    this.worker.unref();
    Metronome.running++;
    this.worker.on('online', () => {
      this.online = true;
    });
    this.onBeat = onBeat;
    this.listen();
    const died = () => {
      if (this.exited) return;
      this.exited = true;
      Metronome.running--;
      if (!this.stopped) onDeath();
    };
    this.worker.on('error', died);
    this.worker.on('exit', died);
  }

  /** Whether beats come: the thread runs and was not stopped (before it is online, the caller's timer paces). */
  get alive(): boolean {
    return this.online && !this.exited && !this.stopped;
  }

  /**
   * The next unsent instant, on performance.now()'s clock, ms (Infinity: none for now), and the one
   * after it (`thenMs`: the thread's aim after it beats for `atMs`, before the next aim comes).
   * Publishing is a store; the thread is woken only when it waits with nothing to aim at.
   */
  aim(atMs: number, thenMs = Number.POSITIVE_INFINITY): void {
    if (atMs === this.aimedMs) return;
    this.aimedMs = atMs;
    // Aligned 8-byte stores: not torn on the 64-bit platforms Node runs on.
    this.at[0] = atMs + this.hrOffsetMs;
    this.at[1] = thenMs + this.hrOffsetMs;
    Atomics.add(this.ctl, SEQ, 1);
    if (Atomics.load(this.ctl, IDLE) === 1) Atomics.notify(this.ctl, SEQ);
  }

  /**
   * Waits, without blocking, for the next beat. A pending waitAsync does not keep the process alive,
   * and `stop` notifies it so that it settles.
   */
  private listen(): void {
    const wait = waitAsync(this.ctl, BEAT, this.beats);
    if (wait.async) void wait.value.then(this.heard);
    else queueMicrotask(this.heard);
  }

  /** The beat word changed (or the thread was stopped): a beat, then the next wait. */
  private readonly heard = () => {
    if (this.stopped) return;
    const beats = Atomics.load(this.ctl, BEAT);
    if (beats !== this.beats) {
      this.beats = beats;
      // The next aim publishes even when it names the instant of the last one (the thread may have moved past it).
      this.aimedMs = Number.NaN;
      this.onBeat();
    }
    if (!this.stopped) this.listen();
  };

  /** Ends the thread (no more beats); safe to call more than once. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    Atomics.store(this.ctl, STOP, 1);
    Atomics.add(this.ctl, SEQ, 1);
    Atomics.notify(this.ctl, SEQ);
    // The main thread's pending wait settles (and ends there).
    Atomics.notify(this.ctl, BEAT);
    void this.worker.terminate().catch(() => {});
  }
}
