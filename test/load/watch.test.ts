/**
 * The generator watching itself: the watcher's CPU and event-loop readings, the health verdict on
 * synthetic figures (each reason on its own), and one real open run whose own event loop is blocked
 * on purpose, judged invalid for its late sends. Bounds are qualitative: the machine is shared.
 */
import { describe, expect, it } from 'vitest';
import { type HistogramSummary, usHistogram } from '../../src/load/histograms.js';
import { runOpen } from '../../src/load/open.js';
import { type HealthInput, type WatchResult, judgeHealth, startWatch } from '../../src/load/watch.js';
import { startHttpServer } from '../helpers/http-server.js';
import { getRequest } from './wire.js';

/** Busy-waits `ms` on this thread: neither timers nor I/O run meanwhile. */
function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

/** A lag histogram of `n` sends, `late` of them `lateUs` after their instant and the rest 100 µs. */
function lagOf(n: number, late = 0, lateUs = 50_000): HistogramSummary {
  const h = usHistogram();
  for (let i = 0; i < n; i++) h.record(i < late ? lateUs : 100);
  return h.summary();
}

const calmWatch: WatchResult = {
  cpuPercent: { mean: 30, max: 45 },
  eventLoopDelayMs: { p50: 0.2, p99: 1.5, max: 4 },
  cpuSamplesPercent: [20, 30, 45, 25],
  durationMs: 1000,
};

/** A healthy open run of 1,000 sends at 1,000/s; each test changes what it judges. */
function healthy(over: Partial<HealthInput> = {}): HealthInput {
  return {
    watch: calmWatch,
    lag: lagOf(1000),
    lateSends: 0,
    sent: 1000,
    intended: 1000,
    notSent: 0,
    achievedRatePerS: 1000,
    intendedRatePerS: 1000,
    model: 'open',
    ...over,
  };
}

describe('judgeHealth', () => {
  it('a generator that kept its schedule with room to spare is valid, with no reasons', () => {
    const health = judgeHealth(healthy());
    expect(health).toMatchObject({ valid: true, reasons: [], lateSends: 0, lateShare: 0, cpuPercent: calmWatch.cpuPercent });
    expect(health.eventLoopDelayMs).toEqual(calmWatch.eventLoopDelayMs);
    // The lag as the report holds it: ms with µs precision.
    expect(health.lag).toMatchObject({ count: 1000, p50Ms: 0.1 });
    // 1 % late is the bound itself, not beyond it.
    expect(judgeHealth(healthy({ lateSends: 10, lag: lagOf(1000, 10) })).valid).toBe(true);
  });

  it('a short run is not judged on a handful of late sends: fewer than ten never make it invalid', () => {
    // 50 sends, 9 of them late (18 %): one hiccup of a short capacity step, not a generator out of breath.
    const short = { sent: 50, intended: 50, achievedRatePerS: 50, intendedRatePerS: 50 };
    expect(judgeHealth(healthy({ ...short, lateSends: 9, lag: lagOf(50, 9) })).valid).toBe(true);
    // Ten late of 50 are: the share and the count both say the schedule was not kept.
    const ten = judgeHealth(healthy({ ...short, lateSends: 10, lag: lagOf(50, 10) }));
    expect(ten.valid).toBe(false);
    expect(ten.reasons[0]).toMatch(/^late sends: 10 of 50 sends \(20\.0 %\)/);
  });

  it('late sends beyond 1 %, and the rate short because of them: invalid, saying so', () => {
    const health = judgeHealth(healthy({ lateSends: 120, lag: lagOf(1000, 120), achievedRatePerS: 900 }));
    expect(health.valid).toBe(false);
    expect(health.lateShare).toBeCloseTo(0.12, 9);
    expect(health.reasons[0]).toMatch(
      /^late sends: 120 of 1000 sends \(12\.0 %\) left more than 5 ms after their instant \(lag p99 50(\.\d+)? ms/,
    );
    expect(health.reasons[0]).toMatch(/the generator, not the target, limited the run/);
    expect(health.reasons).toContainEqual(
      expect.stringMatching(/achieved 900\.0\/s is 90\.0 % of the intended 1000\.0\/s, because the generator/),
    );
  });

  it('the CPU pinned over most of the run: invalid; one busy interval is not', () => {
    const pinned = judgeHealth(
      healthy({ watch: { ...calmWatch, cpuPercent: { mean: 96, max: 100 }, cpuSamplesPercent: [90, 97, 99, 100] } }),
    );
    expect(pinned.valid).toBe(false);
    expect(pinned.reasons).toEqual([expect.stringMatching(/^CPU pinned: .* in 75\.0 % of the run \(mean 96 %, max 100 %\)/)]);
    const once = judgeHealth(
      healthy({ watch: { ...calmWatch, cpuPercent: { mean: 50, max: 100 }, cpuSamplesPercent: [30, 100, 40, 30] } }),
    );
    expect(once.valid).toBe(true);
  });

  it('an event loop too late to timestamp answers: invalid', () => {
    const health = judgeHealth(healthy({ watch: { ...calmWatch, eventLoopDelayMs: { p50: 1, p99: 45, max: 300 } } }));
    expect(health.valid).toBe(false);
    expect(health.reasons).toEqual([expect.stringMatching(/^event-loop delay p99 45 ms \(max 300 ms\) is above 20 ms/)]);
  });

  it('instants not sent because every connection was busy: the target’s slowness, valid with a note', () => {
    const health = judgeHealth(healthy({ sent: 700, notSent: 300, lag: lagOf(700), achievedRatePerS: 700 }));
    expect(health.valid).toBe(true);
    expect(health.reasons).toEqual([
      expect.stringMatching(
        /^note: 300 of 1000 instants \(30\.0 %\) found every connection busy and were not sent: the target’s slowness, not the generator’s/,
      ),
      expect.stringMatching(/^note: achieved 700\.0\/s is 70\.0 % of the intended 1000\.0\/s: the busy connections above/),
    ]);
  });

  it('a short rate with the sends on time is not the generator’s', () => {
    const health = judgeHealth(healthy({ achievedRatePerS: 950 }));
    expect(health.valid).toBe(true);
    expect(health.reasons).toEqual([expect.stringMatching(/^note: achieved 950\.0\/s .* with the sends on time: not the generator’s/)]);
  });

  it('the closed model: no intended instants, judged on CPU and event-loop delay only', () => {
    const closed = { model: 'closed' as const, lag: lagOf(0), sent: 5000, intended: 0, achievedRatePerS: 400, intendedRatePerS: 1000 };
    expect(judgeHealth(healthy(closed))).toMatchObject({ valid: true, reasons: [], lateShare: 0 });
    const pinned = judgeHealth(
      healthy({ ...closed, watch: { ...calmWatch, cpuPercent: { mean: 99, max: 100 }, cpuSamplesPercent: [99, 99, 100] } }),
    );
    expect(pinned.valid).toBe(false);
    expect(pinned.reasons).toEqual([expect.stringMatching(/^CPU pinned/)]);
  });
});

describe('startWatch', () => {
  it('sees this process busy and its event loop delayed while it blocks itself', async () => {
    const watch = startWatch({ intervalMs: 100 });
    await new Promise((r) => setTimeout(r, 250));
    block(300);
    await new Promise((r) => setTimeout(r, 250));
    const seen = watch.stop();
    expect(watch.stop()).toBe(seen);
    expect(seen.durationMs).toBeGreaterThanOrEqual(750);
    expect(seen.cpuSamplesPercent.length).toBeGreaterThanOrEqual(2);
    // The blocked interval burnt all the core it was given (on a shared machine, less than a whole
    // one): far more than the idle intervals around it.
    const idlest = Math.min(...seen.cpuSamplesPercent);
    expect(seen.cpuPercent.max).toBeGreaterThan(10);
    expect(seen.cpuPercent.max).toBeGreaterThan(2 * idlest);
    expect(seen.cpuPercent.mean).toBeLessThan(seen.cpuPercent.max);
    expect(seen.eventLoopDelayMs.max).toBeGreaterThanOrEqual(200);
    expect(seen.eventLoopDelayMs.p50).toBeLessThan(seen.eventLoopDelayMs.max);
  });
});

describe('a saturated generator, for real', () => {
  it('an open run whose own event loop is blocked 300 ms of every 500 ms is judged invalid for its late sends', async () => {
    const server = await startHttpServer((_req, res) => res.end('{}'));
    const watch = startWatch();
    const blocker = setInterval(() => block(300), 500);
    try {
      const result = await runOpen({
        ratePerS: 200,
        durationS: 2,
        connections: 128,
        request: () => getRequest(server.origin),
        timeoutMs: 5000,
        maxBodyBytes: 64,
      });
      clearInterval(blocker);
      const health = judgeHealth({
        watch: watch.stop(),
        lag: result.lagUs,
        lateSends: result.late,
        sent: result.sent,
        intended: result.instants,
        notSent: result.notSent,
        achievedRatePerS: result.sent / (result.elapsedMs / 1000),
        intendedRatePerS: 200,
        model: 'open',
      });
      expect(health.valid).toBe(false);
      // Most instants came while the loop was blocked: far more than 1 % left late.
      expect(health.lateShare).toBeGreaterThan(0.2);
      expect(health.reasons[0]).toMatch(/^late sends: .*the generator, not the target, limited the run/);
      expect(health.lag.maxMs).toBeGreaterThanOrEqual(150);
    } finally {
      clearInterval(blocker);
      watch.stop();
      await server.close();
    }
  });
});
