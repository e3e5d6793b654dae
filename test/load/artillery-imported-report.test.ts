import { describe, expect, it } from 'vitest';
import { importedResult, mergeRuns } from '../../src/load/artillery/import.js';
import { metricNames, parseMetric } from '../../src/load/artillery/metrics.js';
import { ARTILLERY_PERIOD_MS } from '../../src/load/artillery/period-series.js';
import { RUN_FORMAT, type RunLine } from '../../src/load/artillery/plugin.js';
import type { ArtilleryEvents } from '../../src/load/artillery/runtime.js';
import { SETUP_FORMAT, type ArtillerySetup } from '../../src/load/artillery/setup-file.js';
import type { SketchJson } from '../../src/load/artillery/sketch.js';
import { judgeWorkers, type ThreadClock, threadClock, watchWorker, workerFigures } from '../../src/load/artillery/worker-health.js';
import { schemaValidator } from '../../src/core/schema-check.js';
import { loadProfile } from '../../src/load/profile.js';
import { createRecorder } from '../../src/load/record.js';
import { renderLoadHtml } from '../../src/load/render-html.js';
import { phaseLine } from '../../src/load/render.js';
import { mergeLoadResults } from '../../src/load/result.js';
import { planPhases } from '../../src/load/run-load.js';
import { meta, PLAN, SUCCESS } from './recorded.js';
import { ALPHA, exact, sketchOf } from './sketch-fixture.js';

const profile = loadProfile('test/fixtures/load/claim-storm-small.yaml');
const setup: ArtillerySetup = {
  format: SETUP_FORMAT,
  exportedAt: '2026-12-07T00:00:00.000Z',
  profile: { name: profile.doc.profile, file: profile.file },
  targetConfig: '/nowhere/target.yaml',
  workers: 2,
  runTag: 'abcde',
  vars: {},
  userBase: 1,
  timeoutMs: 10_000,
  maxBodyBytes: 1 << 20,
  // claim-storm-small: phase 0 a spike of 100 claims, phase 1 40/s for 3 s.
  phases: planPhases(profile.doc, {}),
  operations: ['claim'],
  poolPerWorker: 50,
  setupMs: 12,
  auditBefore: {},
};

/** Artillery's period keys: 10 s windows of the wall clock. */
const T = 1_796_678_610_000;
const slowSpike = Array.from({ length: 50 }, (_, i) => 100 + i);
const fastSpike = Array.from({ length: 50 }, (_, i) => 20 + i / 5);
const steadyLatencies = (n: number, base: number) => Array.from({ length: n }, (_, i) => base + (i % 10) / 10);

/**
 * One lead process's run file (one worker's share): the spike and the first 40 steady sends in period T
 * (the steady phase began 2 s before T + 10 s at 20/s per worker), the last 20 in period T + 10 s.
 */
function runFile(worker: number, extra: Record<string, SketchJson> = {}): RunLine[] {
  const spike = worker === 0 ? slowSpike : fastSpike;
  return [
    { format: RUN_FORMAT, kind: 'start', at: '2026-12-07T00:00:01.000Z', pid: worker + 1 },
    {
      kind: 'period',
      period: T,
      counters: {
        [metricNames.sent(0)]: 50,
        [metricNames.sent(1)]: 40,
        [metricNames.answers(0, 0, 'success')]: 30,
        [metricNames.answers(0, 0, 'refusal')]: 20,
        [metricNames.answers(1, 0, 'refusal')]: 40,
      },
      histograms: {
        [metricNames.latency(0, 0, 'success')]: sketchOf(spike.slice(0, 30)),
        [metricNames.latency(0, 0, 'refusal')]: sketchOf(spike.slice(30)),
        [metricNames.latency(1, 0, 'refusal')]: sketchOf(steadyLatencies(40, 2)),
        ...extra,
      },
    },
    {
      kind: 'period',
      period: T + ARTILLERY_PERIOD_MS,
      counters: { [metricNames.sent(1)]: 20, [metricNames.answers(1, 0, 'refusal')]: 20 },
      histograms: { [metricNames.latency(1, 0, 'refusal')]: sketchOf(steadyLatencies(20, 5)) },
    },
    { kind: 'done', at: '2026-12-07T00:00:29.000Z' },
  ];
}

const imported = (runs: readonly RunLine[][]) =>
  importedResult({ setup, doc: profile.doc, merged: mergeRuns(runs), workers: runs.length, targetUrl: 'http://x/routerjson' });

describe('the imported run over time (period-series.ts)', () => {
  it("has a series in Artillery's 10 s periods: sends and answers per period summed over the lead processes, p99 from the merged sketches", () => {
    const r = imported([runFile(0), runFile(1)]);
    const s = r.series;
    expect(s?.bucketMs).toBe(ARTILLERY_PERIOD_MS);
    expect(s?.buckets.map((b) => b.atMs)).toEqual([0, 10_000]);
    expect(s?.buckets.map((b) => b.sent)).toEqual([180, 40]);
    expect(s?.buckets.map((b) => b.notSent)).toEqual([0, 0]);
    const [first, second] = s?.buckets ?? [];
    expect(first?.classes.success?.count).toBe(60);
    expect(first?.classes.refusal?.count).toBe(120);
    expect(second?.classes.refusal?.count).toBe(40);
    // The first period's successes are both workers' spike: the slow worker's 100…129 ms and the fast one's.
    const successes = [...slowSpike.slice(0, 30), ...fastSpike.slice(0, 30)];
    const p99 = exact(successes, 0.99);
    expect(Math.abs((first?.classes.success?.p99Ms ?? 0) - p99)).toBeLessThanOrEqual(ALPHA * p99 + 0.001);
    expect(first?.classes.success?.maxMs).toBe(129);
    expect(first?.classes.success?.sketch?.count).toBe(60);
    // The plan placed from the sends: the spike's 100 and the steady phase's 120 (2 s before the first period's end).
    expect((first?.intended ?? 0) + (second?.intended ?? 0)).toBeCloseTo(220, 3);
    expect(first?.intended).toBeCloseTo(100 + 80, 3);
    const validate = schemaValidator('load-report.schema.json');
    expect(validate(JSON.parse(JSON.stringify(r))), JSON.stringify(validate.errors)).toBe(true);
  });

  it("draws the imported series' latencies in the HTML report, saying they are Artillery's periods", () => {
    const html = renderLoadHtml(imported([runFile(0), runFile(1)]));
    expect(html).toContain('Latency over time per outcome class');
    expect(html).toContain('answers that arrived in each 10 s, by outcome class (Artillery’s own 10 s periods');
    expect(html).not.toContain('No answer with a latency in the measured phases');
  });

  it('leaves out the periods of phases not measured (warm-up), and has no series when no measured phase sent', () => {
    const warm: ArtillerySetup = { ...setup, phases: setup.phases.map((p) => ({ ...p, measured: false })) };
    const r = importedResult({ setup: warm, doc: profile.doc, merged: mergeRuns([runFile(0)]), workers: 1, targetUrl: '' });
    expect(r.series).toBeUndefined();
  });
});

describe('mergeLoadResults of imported runs', () => {
  it('merges their sketches: two imported halves give the percentiles of one import of both run files', () => {
    const whole = imported([runFile(0), runFile(1)]);
    const merged = mergeLoadResults([imported([runFile(0)]), imported([runFile(1)])]);
    const w = whole.totals.operations['claim']?.classes.success.latency;
    const m = merged.totals.operations['claim']?.classes.success.latency;
    expect(m?.count).toBe(60);
    // Sketches add exactly: every figure is the one-import figure, not an average of the halves' (p50 ~60 vs ~71).
    for (const f of ['p50Ms', 'p90Ms', 'p99Ms', 'p999Ms', 'maxMs', 'minMs'] as const) expect(m?.[f]).toBe(w?.[f]);
    expect(merged.histograms).toEqual(whole.histograms);
    expect(merged.series?.buckets[0]?.classes.success?.p99Ms).toBe(whole.series?.buckets[0]?.classes.success?.p99Ms);
    const validate = schemaValidator('load-report.schema.json');
    expect(validate(JSON.parse(JSON.stringify(merged))), JSON.stringify(validate.errors)).toBe(true);
  });

  it("reads a phase's p99 over its operations and classes from their merged sketches (the console's phase line, an SLO over every operation)", () => {
    const r = imported([runFile(0), runFile(1)]);
    const spike = r.phases[0];
    // The spike's 200 answers: every latency of both workers, successes and refusals together.
    const all = [...slowSpike, ...fastSpike];
    const p99 = exact(all, 0.99);
    const shown = Number(/p99 ([\d.]+) ms/.exec(spike ? phaseLine(spike) : '')?.[1]);
    expect(Math.abs(shown - p99)).toBeLessThanOrEqual(ALPHA * p99 + 0.01);
  });

  it("refuses to merge an imported run's sketches with promoproof's own HDR histograms, saying why", () => {
    const local = createRecorder(PLAN);
    local.record('steady', 'claim', SUCCESS, 1000, 0);
    const hdr = { ...local.result(meta()), profile: { ...imported([runFile(0)]).profile } };
    expect(() => mergeLoadResults([imported([runFile(0)]), hdr])).toThrow(/HDR histograms with an imported Artillery run's DDSketches/);
    expect(() => mergeLoadResults([hdr, imported([runFile(0)])])).toThrow(/their bins do not add up/);
  });
});

/** A thread clock a test drives: utilisation and timer ticks as it says. */
function fakeClock() {
  let ms = 0;
  let busy = 0;
  let tick: ((late: number) => void) | undefined;
  const clock: ThreadClock = {
    now: () => ms,
    utilisation: () => ({ share: busy, mark: ms }),
    every(t) {
      tick = t;
      return () => {
        tick = undefined;
      };
    },
  };
  return {
    clock,
    advance(byMs: number, share: number, lates: readonly number[] = []) {
      ms += byMs;
      busy = share;
      for (const l of lates) tick?.(l);
    },
    ticking: () => tick !== undefined,
  };
}

function recordingEvents() {
  const seen: { kind: string; name: string; value: number }[] = [];
  const events: ArtilleryEvents = { emit: (kind, name, value) => void seen.push({ kind, name, value }) };
  return { events, seen };
}

describe("a spike's real release (schedule.ts spikeDuration, import.ts)", () => {
  it("says over how long the slowest worker sent its share, since the local engine's spike is one instant", () => {
    const release = (maxMs: number) => ({ [metricNames.release(0)]: sketchOf(Array.from({ length: 50 }, (_, k) => (k * maxMs) / 49)) });
    const r = imported([runFile(0, release(12)), runFile(1, release(31.4))]);
    const note = r.generator.reasons.find((x) => x.startsWith('note: spike'));
    expect(note).toMatch(/^note: spike 秒杀 start: each worker sent its 50 requests over up to 31\.4 ms \(the slowest worker's/);
    expect(note).toMatch(/one arrival per turn of a worker's event loop/);
    // A note, not a fault.
    expect(r.generator.valid).toBe(true);
    expect(parseMetric(metricNames.release(3))).toEqual({ kind: 'release', phase: 3 });
  });
});

describe("the workers' generator health (worker-health.ts)", () => {
  it("a worker thread sends its busy share each second and every timer tick's delay, named after itself", () => {
    const f = fakeClock();
    const { events, seen } = recordingEvents();
    const watch = watchWorker('w000abcde-3', f.clock);
    watch.report(events); // starts the watch at the first arrival
    expect(seen).toEqual([]);
    f.advance(400, 0.5, [0.1, 0.2]);
    watch.report(events);
    // Under a second: the delays go out, the busy share waits for its second.
    expect(seen).toEqual([
      { kind: 'histogram', name: 'pp.w.w000abcde-3.delay', value: 0.1 },
      { kind: 'histogram', name: 'pp.w.w000abcde-3.delay', value: 0.2 },
    ]);
    f.advance(700, 0.97);
    watch.report(events);
    expect(seen.at(-1)).toEqual({ kind: 'histogram', name: 'pp.w.w000abcde-3.busy', value: 97 });
    watch.stop();
    expect(f.ticking()).toBe(false);
    expect(parseMetric('pp.w.w000abcde-3.busy')).toEqual({ kind: 'workerBusy', worker: 'w000abcde-3' });
    expect(parseMetric('pp.w.w000abcde-3.other')).toBeUndefined();
  });

  it("reads this thread's real clock: a utilisation share in 0…1 between two marks, and a delay timer that stops", async () => {
    const first = threadClock.utilisation(undefined);
    const lates: number[] = [];
    const stop = threadClock.every((l) => lates.push(l));
    await new Promise((r) => setTimeout(r, 60));
    stop();
    const seen = lates.length;
    await new Promise((r) => setTimeout(r, 30));
    expect(lates.length).toBe(seen);
    expect(lates.every((l) => l >= 0)).toBe(true);
    const d = threadClock.utilisation(first.mark);
    expect(d.share).toBeGreaterThanOrEqual(0);
    expect(d.share).toBeLessThanOrEqual(1);
  });

  it('judges each thread as a local run judges itself: a pinned thread or a late loop makes the run invalid, naming it', () => {
    const calm = Array.from({ length: 20 }, () => 30);
    const pinned = Array.from({ length: 20 }, (_, i) => (i < 14 ? 99 : 40));
    const hist = new Map<string, SketchJson>([
      [metricNames.workerBusy('a-1'), sketchOf(calm)],
      [metricNames.workerDelay('a-1'), sketchOf(Array.from({ length: 2000 }, () => 0.4))],
      [metricNames.workerBusy('b-1'), sketchOf(pinned)],
      [metricNames.workerDelay('b-1'), sketchOf(Array.from({ length: 2000 }, (_, i) => (i % 50 === 0 ? 45 : 0.5)))],
    ]);
    const h = judgeWorkers(workerFigures(hist));
    expect(h.faults).toHaveLength(2);
    expect(h.faults[0]).toMatch(/CPU pinned: worker thread b-1 was busy 95 % of a second or more in 70\.0 % of its 20 seconds/);
    expect(h.faults[1]).toMatch(/event-loop delay p99 4\d(\.\d+)? ms \(max 45 ms\) on worker thread b-1 is above 20 ms/);
    expect(h.cpuPercent.max).toBeCloseTo(99, 0);
    // The mean over threads: (30 + (14 × 99 + 6 × 40) / 20) / 2.
    expect(h.cpuPercent.mean).toBeCloseTo((30 + (14 * 99 + 6 * 40) / 20) / 2, 0);
    expect(h.eventLoopDelayMs.max).toBe(45);
    expect(h.notes[0]).toMatch(/2 worker thread\(s\).*busiest second 99 % \(b-1\).*worst thread's \(b-1\)/);
  });

  it('fills the imported report: figures, the verdict and a note of what they are', () => {
    const healthy = {
      [metricNames.workerBusy('w000abcde-1')]: sketchOf([20, 25, 30]),
      [metricNames.workerDelay('w000abcde-1')]: sketchOf([0.2, 0.3, 1.5]),
    };
    const ok = imported([runFile(0, healthy), runFile(1)]);
    expect(ok.generator.cpuPercent.mean).toBeCloseTo(25, 0);
    expect(ok.generator.cpuPercent.max).toBeCloseTo(30, 0);
    expect(ok.generator.eventLoopDelayMs.max).toBe(1.5);
    expect(ok.generator.valid).toBe(true);
    expect(ok.generator.reasons.join('\n')).toMatch(/^note: generator health of 1 worker thread/m);
    const busy = imported([runFile(0, { ...healthy, [metricNames.workerBusy('w000abcde-1')]: sketchOf([99, 98, 97, 20]) }), runFile(1)]);
    expect(busy.generator.valid).toBe(false);
    expect(busy.generator.reasons[0]).toMatch(/CPU pinned: worker thread w000abcde-1/);
    // A run file without the workers' figures says so, and is not made invalid by it.
    const old = imported([runFile(0), runFile(1)]);
    expect(old.generator.valid).toBe(true);
    expect(old.generator.reasons.join('\n')).toMatch(/did not come back/);
  });
});
