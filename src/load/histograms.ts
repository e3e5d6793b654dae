/**
 * HDR histograms of a load run, in microseconds: the one place that imports hdr-histogram-js. A run's
 * histograms leave it as plain data (a summary and the compressed encoding), so results of several
 * generators can be merged by decoding and adding.
 */
import * as hdr from 'hdr-histogram-js';

/** The largest value recorded exactly, µs (60 s); larger values are clamped to it (a timeout caps them anyway). */
const HIGHEST_TRACKABLE_US = 60_000_000;

/** A histogram we record into: µs, 1 µs to 60 s, 3 significant digits (as autocannon's). */
export interface UsHistogram {
  /** Records one value, µs (rounded; negatives count as 0, values above 60 s as 60 s). */
  record(us: number): void;
  /** The plain-data view of what was recorded. */
  summary(): HistogramSummary;
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
  const h = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
    bitBucketSize: 32,
    useWebAssembly: false,
  });
  return {
    record(us) {
      h.recordValue(Math.min(HIGHEST_TRACKABLE_US, Math.max(0, Math.round(us))));
    },
    summary() {
      const count = h.totalCount;
      return {
        count,
        minUs: count === 0 ? 0 : h.minNonZeroValue === Number.MAX_SAFE_INTEGER ? 0 : h.minNonZeroValue,
        meanUs: count === 0 ? 0 : h.mean,
        p50Us: h.getValueAtPercentile(50),
        p90Us: h.getValueAtPercentile(90),
        p99Us: h.getValueAtPercentile(99),
        p999Us: h.getValueAtPercentile(99.9),
        maxUs: h.maxValue,
        encoded: hdr.encodeIntoCompressedBase64(h),
      };
    },
  };
}
