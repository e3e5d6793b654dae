/**
 * A load run over time (LoadResult.series): per bucket of the measured phases (a second; wider for a
 * long run), the sends against the plan, the instants not sent, and the answers by class with a small
 * latency summary. Recording sits on the recorder's hot path, so an answer costs a few counter writes:
 * its latency goes to a log-linear bin (`binOf`: exact below 64 µs, 32 bins per power of two above, each
 * under 3.2 % wide) of the live bucket; the live bucket's bins become a sparse list when the next one
 * starts (about once a second), and HDR encodings (mergeable like every histogram of a report) are made
 * only with the result. A run longer than SERIES_MAX_BUCKETS buckets merges adjacent buckets, the width
 * doubling, so hours of run stay a few hundred buckets: a merge only joins the pairs' lists (a
 * widening on the hot path must not stall the sends), their counts add up with the result.
 */
import { type SketchJson, sketchPercentileMs } from './artillery/sketch.js';
import { type HistogramSummary, mergeEncoded, summaryOfCounts } from './histograms.js';
import { mergePartSketches } from './latency-merge.js';
import type { OpenSchedule } from './open.js';
import { type LoadSeries, OUTCOME_CLASSES, type OutcomeClass, type SeriesBucket, type SeriesClass } from './types.js';

/** A bucket's width until a long run widens it, ms. */
export const SERIES_BUCKET_MS = 1000;
/** The most buckets a series holds: 10 minutes at one second; beyond, adjacent buckets merge. */
export const SERIES_MAX_BUCKETS = 600;

const CLASSES = OUTCOME_CLASSES.length;
const TRANSPORT = OUTCOME_CLASSES.indexOf('transport');
/** Values below this are binned exactly, µs. */
const EXACT_US = 64;
const SUB_BINS = 32;
const SUB_SHIFT = 5;
/** The histograms' ceiling (src/load/histograms.ts), µs. */
const MAX_US = 60_000_000;

/** The bin of a latency, µs (rounded; negatives and NaN are 0, values above 60 s are 60 s). */
export function binOf(us: number): number {
  const v = us >= MAX_US ? MAX_US : us > 0 ? Math.round(us) : 0;
  if (v < EXACT_US) return v;
  const e = 31 - Math.clz32(v);
  return EXACT_US + (e - 6) * SUB_BINS + ((v >>> (e - SUB_SHIFT)) - SUB_BINS);
}

/** The µs value a bin stands for: the middle of its range (the value itself below 64 µs). */
export function binValue(bin: number): number {
  if (bin < EXACT_US) return bin;
  const shift = ((bin - EXACT_US) >>> SUB_SHIFT) + 6 - SUB_SHIFT;
  const low = (SUB_BINS + ((bin - EXACT_US) & (SUB_BINS - 1))) << shift;
  return low + (((1 << shift) - 1) >> 1);
}

const BIN_COUNT = binOf(MAX_US) + 1;

/** A measured phase's plan, for the intended sends of each bucket. */
export interface SeriesPlan {
  /** The phase's first instant, ms from the first measured instant. */
  readonly startMs: number;
  /** Its planned length, ms (0 for a spike): a ramp's slope is over it. */
  readonly durationMs: number;
  /** How long the plan applied, ms: its planned length, or less when the phase was stopped early (interrupted, the request cap). */
  readonly ranMs: number;
  readonly schedule: OpenSchedule;
  /** Its planned requests: a spike's all fall at `startMs`. */
  readonly intended: number;
}

/** What the recorder feeds the series with (measured phases only). */
export interface SeriesRecorder {
  /**
   * One answer: its class (index in OUTCOME_CLASSES), its latency (µs; undefined when none), its arrival
   * (ms from the first measured instant). The send counts in the bucket of arrival − latency, the latency
   * in the class's histogram unless it is a transport error's.
   */
  answer(cls: number, latencyUs: number | undefined, atMs: number): void;
  /** One instant not sent, ms from the first measured instant. */
  notSent(atMs: number): void;
  /** A measured phase's plan, once it ended. */
  plan(plan: SeriesPlan): void;
  /** The series as the report holds it; undefined when nothing was measured or planned. */
  result(): LoadSeries | undefined;
}

interface Bucket {
  sent: number;
  notSent: number;
  /** Answers by class index. */
  readonly counts: number[];
  /**
   * Latency bins by class index once the bucket is no longer the live one: sparse lists
   * `[bin, count, bin, count, …]`, one per second sealed (a bin may recur across lists).
   */
  readonly bins: (number[][] | undefined)[];
}

/** A new, empty series (see the module comment). */
export function createSeries(): SeriesRecorder {
  let bucketMs = SERIES_BUCKET_MS;
  let buckets: (Bucket | undefined)[] = [];
  /** The bucket whose latencies go to the dense bins; -1 when none. */
  let live = -1;
  /** The live bucket's bins: class c's bin k at c × BIN_COUNT + k. */
  const liveBins = new Int32Array(CLASSES * BIN_COUNT);
  /** Classes with something in liveBins, one bit each. */
  let liveUsed = 0;
  const plans: SeriesPlan[] = [];

  const bucketAt = (i: number): Bucket => {
    let b = buckets[i];
    if (b === undefined) {
      b = { sent: 0, notSent: 0, counts: [0, 0, 0, 0, 0], bins: [] };
      buckets[i] = b;
    }
    return b;
  };

  /** The live bins into a sparse list of their bucket. */
  const seal = (): void => {
    if (live >= 0 && liveUsed !== 0) {
      const b = bucketAt(live);
      for (let c = 0; c < CLASSES; c++) {
        if ((liveUsed & (1 << c)) === 0) continue;
        const sparse: number[] = [];
        const base = c * BIN_COUNT;
        for (let k = 0; k < BIN_COUNT; k++) {
          const n = liveBins[base + k] ?? 0;
          if (n === 0) continue;
          sparse.push(k, n);
          liveBins[base + k] = 0;
        }
        addBins(b, c, sparse);
      }
    }
    liveUsed = 0;
    live = -1;
  };

  /** Twice as wide buckets, adjacent pairs merged. */
  const widen = (): void => {
    seal();
    bucketMs *= 2;
    const next: (Bucket | undefined)[] = [];
    for (let i = 0; i < buckets.length; i += 2) next.push(mergeBuckets(buckets[i], buckets[i + 1]));
    buckets = next;
  };

  const indexOf = (atMs: number): number => {
    // Answers of a measured phase come after its first instant; a negative clock difference is the first bucket's.
    let i = atMs > 0 ? Math.floor(atMs / bucketMs) : 0;
    while (i >= SERIES_MAX_BUCKETS) {
      widen();
      i = Math.floor(atMs / bucketMs);
    }
    return i;
  };

  return {
    answer(cls, latencyUs, atMs) {
      const i = indexOf(atMs);
      const b = bucketAt(i);
      b.counts[cls] = (b.counts[cls] ?? 0) + 1;
      if (latencyUs === undefined) {
        b.sent++;
        return;
      }
      // Earlier than the arrival: never widens.
      bucketAt(indexOf(latencyUs > 0 ? atMs - latencyUs / 1000 : atMs)).sent++;
      if (cls === TRANSPORT) return;
      if (i !== live) {
        if (i < live) {
          // An answer out of order (a test's clock): straight into its bucket's lists.
          addBins(b, cls, [binOf(latencyUs), 1]);
          return;
        }
        seal();
        live = i;
      }
      const at = cls * BIN_COUNT + binOf(latencyUs);
      liveBins[at] = (liveBins[at] ?? 0) + 1;
      liveUsed |= 1 << cls;
    },

    notSent(atMs) {
      bucketAt(indexOf(atMs)).notSent++;
    },

    plan(plan) {
      plans.push(plan);
    },

    result() {
      seal();
      const endMs = Math.max(0, ...plans.map((p) => p.startMs + (p.schedule.shape === 'burst' ? 1 : Math.min(p.durationMs, p.ranMs))));
      while (Math.ceil(endMs / bucketMs) > SERIES_MAX_BUCKETS) widen();
      const intended = intendedPerBucket(plans, bucketMs);
      const length = Math.max(buckets.length, intended.length);
      if (length === 0) return undefined;
      const out: SeriesBucket[] = [];
      for (let i = 0; i < length; i++) {
        const b = buckets[i];
        const classes: Partial<Record<OutcomeClass, SeriesClass>> = {};
        OUTCOME_CLASSES.forEach((name, c) => {
          const count = b?.counts[c] ?? 0;
          if (count === 0) return;
          const bins = b?.bins[c];
          classes[name] = seriesClass(count, bins === undefined ? undefined : summaryOfCounts(binCounts(bins)));
        });
        out.push({ atMs: i * bucketMs, intended: round3(intended[i] ?? 0), sent: b?.sent ?? 0, notSent: b?.notSent ?? 0, classes });
      }
      return { bucketMs, buckets: out };
    },
  };
}

/**
 * The series of several processes as one (mergeLoadResults): the parts share the window (each counted
 * from its own first measured instant), so buckets of the same time add; the widest part's width is
 * kept (widths are 1 s × a power of two, so buckets nest), widened again if the sum would be too long.
 * Latency summaries are read from the summed histograms, or the merged DDSketches of imported Artillery
 * runs (their buckets are Artillery's 10 s periods: src/load/artillery/period-series.ts). Undefined when
 * no part has a series.
 */
export function mergeSeries(parts: readonly (LoadSeries | undefined)[]): LoadSeries | undefined {
  const given = parts.filter((p): p is LoadSeries => p !== undefined);
  if (given.length === 0) return undefined;
  let bucketMs = Math.max(...given.map((s) => s.bucketMs));
  const endMs = Math.max(0, ...given.map((s) => (s.buckets.at(-1)?.atMs ?? -s.bucketMs) + s.bucketMs));
  while (Math.ceil(endMs / bucketMs) > SERIES_MAX_BUCKETS) bucketMs *= 2;
  type Acc = { count: number; hdr: string[]; sketches: (SketchJson | undefined)[] };
  type Sum = { intended: number; sent: number; notSent: number; classes: Map<OutcomeClass, Acc> };
  const sums: Sum[] = Array.from({ length: Math.ceil(endMs / bucketMs) }, () => ({ intended: 0, sent: 0, notSent: 0, classes: new Map() }));
  for (const s of given)
    for (const b of s.buckets) {
      const sum = sums[Math.floor(b.atMs / bucketMs)];
      if (sum === undefined) continue;
      sum.intended += b.intended;
      sum.sent += b.sent;
      sum.notSent += b.notSent;
      for (const name of OUTCOME_CLASSES) {
        const c = b.classes[name];
        if (c === undefined) continue;
        const acc = sum.classes.get(name) ?? { count: 0, hdr: [], sketches: [] };
        acc.count += c.count;
        acc.hdr.push(c.hdr);
        acc.sketches.push(c.sketch);
        sum.classes.set(name, acc);
      }
    }
  return {
    bucketMs,
    buckets: sums.map((sum, i) => {
      const classes: Partial<Record<OutcomeClass, SeriesClass>> = {};
      for (const name of OUTCOME_CLASSES) {
        const acc = sum.classes.get(name);
        if (acc === undefined) continue;
        const sketch = mergePartSketches(acc.sketches);
        classes[name] = sketch === undefined ? seriesClass(acc.count, mergeEncoded(acc.hdr)) : sketchSeriesClass(acc.count, sketch);
      }
      return { atMs: i * bucketMs, intended: round3(sum.intended), sent: sum.sent, notSent: sum.notSent, classes };
    }),
  };
}

/**
 * Sends the plans meant per bucket: a spike's requests in the bucket of its instant; a constant or
 * ramping rate integrated over each bucket's share of the phase (up to where it stopped).
 */
export function intendedPerBucket(plans: readonly SeriesPlan[], bucketMs: number): number[] {
  const out: number[] = [];
  const add = (i: number, n: number) => {
    for (let k = out.length; k <= i; k++) out.push(0);
    out[i] = (out[i] ?? 0) + n;
  };
  for (const p of plans) {
    const start = Math.max(0, p.startMs);
    if (p.schedule.shape === 'burst') {
      add(Math.floor(start / bucketMs), p.intended);
      continue;
    }
    const planned = p.durationMs;
    const ran = Math.min(planned, p.ranMs);
    if (!(ran > 0)) continue;
    const from = p.schedule.shape === 'constant' ? p.schedule.ratePerS : p.schedule.fromPerS;
    const to = p.schedule.shape === 'constant' ? p.schedule.ratePerS : p.schedule.toPerS;
    for (let i = Math.floor(start / bucketMs); i * bucketMs < start + ran; i++) {
      // [a, b): the bucket's part of the phase, ms from the phase's start; the rate from + (to − from) × t / planned.
      const a = Math.max(start, i * bucketMs) - start;
      const b = Math.min(start + ran, (i + 1) * bucketMs) - start;
      add(i, (from * (b - a) + ((to - from) * (b * b - a * a)) / (2 * planned)) / 1000);
    }
  }
  return out;
}

function addBins(b: Bucket, cls: number, sparse: number[]): void {
  const lists = b.bins[cls];
  if (lists === undefined) b.bins[cls] = [sparse];
  else lists.push(sparse);
}

/** Two adjacent buckets as one: counts add, latency lists join (their counts add up with the result). */
function mergeBuckets(a: Bucket | undefined, b: Bucket | undefined): Bucket | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  const bins: (number[][] | undefined)[] = [];
  for (let c = 0; c < CLASSES; c++) {
    const x = a.bins[c];
    const y = b.bins[c];
    bins[c] = x === undefined || y === undefined ? (x ?? y) : x.concat(y);
  }
  return {
    sent: a.sent + b.sent,
    notSent: a.notSent + b.notSent,
    counts: a.counts.map((n, c) => n + (b.counts[c] ?? 0)),
    bins,
  };
}

function* binCounts(lists: readonly (readonly number[])[]): Iterable<readonly [number, number]> {
  for (const sparse of lists) for (let i = 0; i + 1 < sparse.length; i += 2) yield [binValue(sparse[i] ?? 0), sparse[i + 1] ?? 0];
}

function seriesClass(count: number, s: HistogramSummary | undefined): SeriesClass {
  if (s === undefined || s.count === 0) return { count, p50Ms: 0, p99Ms: 0, maxMs: 0, hdr: '' };
  const ms = (us: number) => Math.round(us) / 1000;
  return { count, p50Ms: ms(s.p50Us), p99Ms: ms(s.p99Us), maxMs: ms(s.maxUs), hdr: s.encoded };
}

/** One class's answers in a bucket whose latencies are a DDSketch (ms): an imported Artillery run's period. */
export function sketchSeriesClass(count: number, s: SketchJson | undefined): SeriesClass {
  if (s === undefined || s.count === 0) return { count, p50Ms: 0, p99Ms: 0, maxMs: 0, hdr: '' };
  return {
    count,
    p50Ms: sketchPercentileMs(s, 0.5),
    p99Ms: sketchPercentileMs(s, 0.99),
    maxMs: Math.round(s.max * 1000) / 1000,
    hdr: '',
    sketch: s,
  };
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
