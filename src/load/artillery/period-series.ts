/**
 * An imported Artillery run over time: the LoadResult's series (src/load/types.ts LoadSeries) built from
 * the run files' periods (plugin.ts writes one `period` line per Artillery period, its counters and
 * DDSketches merged over the workers). The buckets are Artillery's own periods, 10 s wide (its ssms.ts
 * normalizeTs: windows of 10 s on the wall clock, the same on every worker, so run files of several lead
 * processes add up period by period), never re-cut: a period's sketches cannot be split. So, unlike a
 * local run's series:
 * - bucket 0 is the period of the first measured send, and `atMs` counts from that period's start (the
 *   first measured instant lies somewhere in it);
 * - `sent` counts a request in the period its send was recorded in, answers in the period they came in;
 * - `intended` places each measured phase's plan from an estimate of its start: a rate's phase began
 *   (its sends in its first period ÷ its rate) before that period's end, a spike at its period's start;
 * - `notSent` is 0: Artillery sends every arrival it makes (arrivals it skips are in the generator's reasons);
 * - each class's p50, p99 and max are read from the period's merged DDSketch, within its relative accuracy.
 */
import { SERIES_MAX_BUCKETS, intendedPerBucket, type SeriesPlan, sketchSeriesClass } from '../series.js';
import { type LoadSeries, OUTCOME_CLASSES, type OutcomeClass, type SeriesBucket, type SeriesClass } from '../types.js';
import { parseMetric } from './metrics.js';
import type { RunLine } from './plugin.js';
import type { ArtillerySetup } from './setup-file.js';
import { mergeSketches, type SketchJson } from './sketch.js';

/** Artillery's metrics period, ms (lib/core/ssms.ts normalizeTs, windowSize 10 s). */
export const ARTILLERY_PERIOD_MS = 10_000;

/** One Artillery period over every run file: its counters summed and its sketches merged. */
export interface PeriodFigures {
  /** The period's start, epoch ms (Artillery's period key). */
  readonly period: number;
  readonly counters: ReadonlyMap<string, number>;
  readonly histograms: ReadonlyMap<string, SketchJson>;
}

/** The periods of `runs` (each a run file's lines), those of the same key added, in time order. */
export function mergePeriods(runs: readonly (readonly RunLine[])[]): PeriodFigures[] {
  const byKey = new Map<number, { counters: Map<string, number>; parts: Map<string, SketchJson[]> }>();
  for (const lines of runs)
    for (const line of lines) {
      if (line.kind !== 'period') continue;
      let at = byKey.get(line.period);
      if (at === undefined) {
        at = { counters: new Map(), parts: new Map() };
        byKey.set(line.period, at);
      }
      for (const [name, v] of Object.entries(line.counters)) at.counters.set(name, (at.counters.get(name) ?? 0) + v);
      for (const [name, h] of Object.entries(line.histograms)) {
        const list = at.parts.get(name);
        if (list === undefined) at.parts.set(name, [h]);
        else list.push(h);
      }
    }
  return [...byKey]
    .sort(([a], [b]) => a - b)
    .map(([period, { counters, parts }]) => {
      const histograms = new Map<string, SketchJson>();
      for (const [name, list] of parts) {
        const merged = mergeSketches(list);
        if (merged !== undefined) histograms.set(name, merged);
      }
      return { period, counters, histograms };
    });
}

/** What one period holds of the measured phases. */
interface PeriodCut {
  readonly period: number;
  /** Sends by phase index (measured phases only). */
  readonly sent: ReadonlyMap<number, number>;
  readonly counts: ReadonlyMap<OutcomeClass, number>;
  readonly sketches: ReadonlyMap<OutcomeClass, readonly SketchJson[]>;
}

/** The series of an imported run (see the module comment); undefined when no measured phase sent or answered. */
export function periodSeries(periods: readonly PeriodFigures[], setup: Pick<ArtillerySetup, 'phases'>): LoadSeries | undefined {
  const measured = new Set(setup.phases.flatMap((p, i) => (p.measured ? [i] : [])));
  const cuts = periods.map((p) => cutOf(p, measured)).filter((c) => c.sent.size > 0 || c.counts.size > 0);
  const first = cuts[0];
  const last = cuts.at(-1);
  if (first === undefined || last === undefined) return undefined;
  const origin = first.period;
  let bucketMs = ARTILLERY_PERIOD_MS;
  // A run longer than the series' bound joins adjacent periods (the width doubling), as a local series widens.
  while (Math.floor((last.period - origin) / bucketMs) + 1 > SERIES_MAX_BUCKETS) bucketMs *= 2;
  const length = Math.floor((last.period - origin) / bucketMs) + 1;
  const sums = Array.from({ length }, () => ({
    sent: 0,
    counts: new Map<OutcomeClass, number>(),
    sketches: new Map<OutcomeClass, SketchJson[]>(),
  }));
  for (const c of cuts) {
    const sum = sums[Math.floor((c.period - origin) / bucketMs)];
    if (sum === undefined) continue;
    for (const n of c.sent.values()) sum.sent += n;
    for (const [cls, n] of c.counts) sum.counts.set(cls, (sum.counts.get(cls) ?? 0) + n);
    for (const [cls, list] of c.sketches) sum.sketches.set(cls, [...(sum.sketches.get(cls) ?? []), ...list]);
  }
  const intended = intendedPerBucket(phasePlans(cuts, setup, origin), bucketMs);
  const buckets: SeriesBucket[] = sums.map((sum, i) => {
    const classes: Partial<Record<OutcomeClass, SeriesClass>> = {};
    for (const cls of OUTCOME_CLASSES) {
      const count = sum.counts.get(cls) ?? 0;
      if (count > 0) classes[cls] = sketchSeriesClass(count, mergeSketches(sum.sketches.get(cls) ?? []));
    }
    return { atMs: i * bucketMs, intended: Math.round((intended[i] ?? 0) * 1000) / 1000, sent: sum.sent, notSent: 0, classes };
  });
  return { bucketMs, buckets };
}

/** A period's figures of the measured phases. */
function cutOf(p: PeriodFigures, measured: ReadonlySet<number>): PeriodCut {
  const sent = new Map<number, number>();
  const counts = new Map<OutcomeClass, number>();
  const sketches = new Map<OutcomeClass, SketchJson[]>();
  for (const [name, v] of p.counters) {
    const m = parseMetric(name);
    if (m === undefined || !('phase' in m) || !measured.has(m.phase) || v <= 0) continue;
    if (m.kind === 'sent') sent.set(m.phase, (sent.get(m.phase) ?? 0) + v);
    if (m.kind === 'answers') counts.set(m.cls, (counts.get(m.cls) ?? 0) + v);
  }
  for (const [name, s] of p.histograms) {
    const m = parseMetric(name);
    if (m === undefined || m.kind !== 'latency' || !measured.has(m.phase)) continue;
    sketches.set(m.cls, [...(sketches.get(m.cls) ?? []), s]);
  }
  return { period: p.period, sent, counts, sketches };
}

/**
 * Each measured phase's plan placed in the series' time (ms from `origin`) from its first period with a
 * send: a spike at that period's start; a rate's phase (sends of that period ÷ its first rate) before
 * the period's end. A phase that sent nothing is not placed (its plan is the phases table's).
 */
function phasePlans(cuts: readonly PeriodCut[], setup: Pick<ArtillerySetup, 'phases'>, origin: number): SeriesPlan[] {
  return setup.phases.flatMap((p, i): SeriesPlan[] => {
    if (!p.measured) return [];
    const firstCut = cuts.find((c) => (c.sent.get(i) ?? 0) > 0);
    if (firstCut === undefined) return [];
    const periodStart = firstCut.period - origin;
    const s = p.schedule;
    const ratePerS = s.shape === 'constant' ? s.ratePerS : s.shape === 'ramp' ? s.fromPerS : 0;
    const inFirst = ((firstCut.sent.get(i) ?? 0) / Math.max(ratePerS, 1e-9)) * 1000;
    const startMs = s.shape === 'burst' ? periodStart : periodStart + Math.max(0, ARTILLERY_PERIOD_MS - inFirst);
    return [{ startMs, durationMs: p.durationMs, ranMs: p.durationMs, schedule: s, intended: p.intended }];
  });
}
