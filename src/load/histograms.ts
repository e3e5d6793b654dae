/**
 * HDR histograms of a load run, in microseconds: the one place that imports hdr-histogram-js. A run's
 * histograms leave it as plain data (a summary and the compressed encoding), so results of several
 * generators can be merged by decoding and adding.
 */
import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from './types.js';

/** The largest value recorded exactly, µs (60 s); larger values are clamped to it (a timeout caps them anyway). */
const HIGHEST_TRACKABLE_US = 60_000_000;

/** A histogram we record into: µs, 1 µs to 60 s, 3 significant digits (as autocannon's). */
export interface UsHistogram {
  /** Records one value, µs (rounded; negatives count as 0, values above 60 s as 60 s). */
  record(us: number): void;
  /** The plain-data view of what was recorded. */
  summary(): HistogramSummary;
  /** Forgets every value (a live interval's histogram is reused, not rebuilt: it is ~70 kB). */
  reset(): void;
}

/** A histogram as data: counts and percentiles in µs, and its compressed base64 encoding for merging. */
export interface HistogramSummary {
  readonly count: number;
  readonly minUs: number;
  readonly meanUs: number;
  readonly p50Us: number;
  readonly p90Us: number;
  readonly p99Us: number;
  readonly p999Us: number;
  readonly maxUs: number;
  /** hdr-histogram's compressed base64 form (decode with hdr-histogram-js to merge runs). */
  readonly encoded: string;
}

/** A new, empty µs histogram. */
export function usHistogram(): UsHistogram {
  const h = buildUs();
  return {
    record(us) {
      h.recordValue(Math.min(HIGHEST_TRACKABLE_US, Math.max(0, Math.round(us))));
    },
    summary: () => summaryOf(h),
    reset() {
      h.reset();
    },
  };
}

/**
 * The sum of several encoded histograms (HistogramSummary.encoded, LatencySummary.hdr; '' is an empty
 * one), with its percentiles read from the sum: percentiles of parts are never averaged.
 */
export function mergeEncoded(encodings: readonly string[]): HistogramSummary {
  const sum = buildUs();
  for (const e of encodings) if (e !== '') sum.add(hdr.decodeFromCompressedBase64(e, 32, false));
  return summaryOf(sum);
}

/**
 * A histogram of µs values given with their counts (a compact record, such as the time series' bins),
 * as data: values clamped as `record` clamps them, counts of 0 or less ignored.
 */
export function summaryOfCounts(counts: Iterable<readonly [number, number]>): HistogramSummary {
  const h = buildUs();
  for (const [us, n] of counts) if (n > 0) h.recordValueWithCount(Math.min(HIGHEST_TRACKABLE_US, Math.max(0, Math.round(us))), n);
  return summaryOf(h);
}

/**
 * The value at each of `percentiles` (0 to 100) of an encoded histogram, µs: a percentile
 * distribution to plot. An empty encoding ('') gives zeros.
 */
export function percentilesOf(encoded: string, percentiles: readonly number[]): number[] {
  if (encoded === '') return percentiles.map(() => 0);
  const h = hdr.decodeFromCompressedBase64(encoded, 32, false);
  return percentiles.map((p) => h.getValueAtPercentile(p));
}

/**
 * A µs summary as the report holds it: ms with µs precision (three decimals), and the encoding, ''
 * when nothing was recorded (an empty histogram's encoding says nothing a count of 0 does not).
 */
export function toLatencySummary(s: HistogramSummary): LatencySummary {
  const ms = (us: number) => Math.round(us) / 1000;
  return {
    count: s.count,
    minMs: ms(s.minUs),
    meanMs: ms(s.meanUs),
    p50Ms: ms(s.p50Us),
    p90Ms: ms(s.p90Us),
    p99Ms: ms(s.p99Us),
    p999Ms: ms(s.p999Us),
    maxMs: ms(s.maxUs),
    hdr: s.count === 0 ? '' : s.encoded,
  };
}

function buildUs(): hdr.Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
    bitBucketSize: 32,
    useWebAssembly: false,
  });
}

function summaryOf(h: hdr.Histogram): HistogramSummary {
  const count = h.totalCount;
  return {
    count,
    minUs: count === 0 ? 0 : h.minNonZeroValue === Number.MAX_SAFE_INTEGER ? 0 : h.minNonZeroValue,
    meanUs: count === 0 ? 0 : h.mean,
    p50Us: h.getValueAtPercentile(50),
    p90Us: h.getValueAtPercentile(90),
    p99Us: h.getValueAtPercentile(99),
    p999Us: h.getValueAtPercentile(99.9),
    // The top of the max's bucket, as the percentiles are read: a live histogram and its decoded copy
    // agree, and no percentile exceeds the max (hdr's exact maxValue does not survive encoding).
    maxUs: count === 0 ? 0 : h.getValueAtPercentile(100),
    encoded: hdr.encodeIntoCompressedBase64(h),
  };
}
