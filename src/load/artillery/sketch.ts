/**
 * Artillery's histograms as promoproof keeps them: a DDSketch (Artillery 2 uses @artilleryio/sketches-js
 * with a logarithmic mapping, relative accuracy 1 %) written as plain JSON of its bins, so that run files
 * merge and read back without Artillery installed. Merging adds bins of the same mapping, exactly as
 * DDSketch merges; a quantile is the bin's value, within the sketch's relative accuracy of the true one
 * (a value v is reported as some v' with |v' − v| ≤ α·v). Only non-negative values are kept (latencies).
 */
import type { LatencySummary } from '../types.js';

/** A DDSketch's contents (positive store, zeros, summary figures). */
export interface SketchJson {
  /** γ = (1 + α) / (1 − α), α the relative accuracy. */
  readonly gamma: number;
  readonly indexOffset: number;
  /** The key of `counts[0]`. */
  readonly binOffset: number;
  readonly counts: readonly number[];
  readonly zeroCount: number;
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly sum: number;
}

/** The relative accuracy α of a sketch's mapping. */
export function relativeAccuracy(s: Pick<SketchJson, 'gamma'>): number {
  return (s.gamma - 1) / (s.gamma + 1);
}

/** What the plugin reads of a sketches-js DDSketch (its public toProto parts and summary fields). */
export interface DDSketchLike {
  readonly mapping: { toProto(): { gamma: number; indexOffset: number; interpolation?: number } };
  readonly store: { toProto(): { contiguousBinCounts?: readonly number[]; contiguousBinIndexOffset?: number } };
  readonly zeroCount: number;
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly sum: number;
}

/** A sketches-js DDSketch as JSON. Only the logarithmic mapping (interpolation NONE, Artillery's) is read. */
export function sketchToJson(h: DDSketchLike): SketchJson {
  const m = h.mapping.toProto();
  if ((m.interpolation ?? 0) !== 0) throw new Error('only a logarithmic DDSketch mapping is read');
  const s = h.store.toProto();
  return {
    gamma: m.gamma,
    indexOffset: m.indexOffset,
    binOffset: s.contiguousBinIndexOffset ?? 0,
    counts: [...(s.contiguousBinCounts ?? [])],
    zeroCount: h.zeroCount,
    count: h.count,
    min: h.min,
    max: h.max,
    sum: h.sum,
  };
}

/** The sum of sketches of one mapping (throws for two mappings: they cannot merge honestly). */
export function mergeSketches(parts: readonly SketchJson[]): SketchJson | undefined {
  const [first, ...rest] = parts;
  if (first === undefined) return undefined;
  let lo = first.binOffset;
  let hi = first.binOffset + first.counts.length;
  for (const p of rest) {
    if (p.gamma !== first.gamma || p.indexOffset !== first.indexOffset) throw new Error('sketches of different accuracies do not merge');
    if (p.counts.length > 0) {
      lo = Math.min(lo, p.binOffset);
      hi = Math.max(hi, p.binOffset + p.counts.length);
    }
  }
  const counts = new Array<number>(Math.max(0, hi - lo)).fill(0);
  for (const p of parts)
    for (let i = 0; i < p.counts.length; i++) {
      const at = p.binOffset - lo + i;
      counts[at] = (counts[at] ?? 0) + (p.counts[i] ?? 0);
    }
  return {
    gamma: first.gamma,
    indexOffset: first.indexOffset,
    binOffset: lo,
    counts,
    zeroCount: parts.reduce((s, p) => s + p.zeroCount, 0),
    count: parts.reduce((s, p) => s + p.count, 0),
    min: Math.min(...parts.map((p) => p.min)),
    max: Math.max(...parts.map((p) => p.max)),
    sum: parts.reduce((s, p) => s + p.sum, 0),
  };
}

/** The value at quantile q (0…1), as sketches-js reads it (its getValueAtQuantile); NaN when empty. */
export function sketchQuantile(s: SketchJson, q: number): number {
  if (s.count === 0 || q < 0 || q > 1) return Number.NaN;
  const rank = q * (s.count - 1);
  if (rank < s.zeroCount) return 0;
  let running = 0;
  const r = rank - s.zeroCount;
  for (let i = 0; i < s.counts.length; i++) {
    running += s.counts[i] ?? 0;
    if (running > r) return keyValue(s, s.binOffset + i);
  }
  return keyValue(s, s.binOffset + s.counts.length - 1);
}

/** A key's representative value: γ^(key − offset) × 2 / (1 + γ) (the logarithmic mapping's). */
function keyValue(s: SketchJson, key: number): number {
  return s.gamma ** (key - s.indexOffset) * (2 / (1 + s.gamma));
}

/**
 * A latency summary of a sketch (ms, µs precision), carrying the sketch itself so that results merge
 * by merging sketches (src/load/result.ts mergeLatency); `hdr` is ''. Empty, without a sketch, for none.
 */
export function sketchLatencySummary(s: SketchJson | undefined): LatencySummary {
  if (s === undefined || s.count === 0)
    return { count: 0, minMs: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0, hdr: '' };
  const q = (x: number) => sketchPercentileMs(s, x);
  return {
    count: s.count,
    minMs: us(s.min),
    meanMs: us(s.sum / s.count),
    p50Ms: q(0.5),
    p90Ms: q(0.9),
    p99Ms: q(0.99),
    p999Ms: q(0.999),
    maxMs: us(s.max),
    hdr: '',
    sketch: s,
  };
}

/** The value at quantile q, ms at µs precision: a bin's value may lie past the extremes (within the accuracy), so it is never reported beyond min or max. */
export function sketchPercentileMs(s: SketchJson, q: number): number {
  return us(Math.min(s.max, Math.max(s.min, sketchQuantile(s, q))));
}

/**
 * The share of a sketch's values at or above `bound` (0…1; 0 when empty), read from its bins: a bin
 * counts whole when its representative value is at or above the bound, so a value within the relative
 * accuracy of the bound may be counted on either side.
 */
export function sketchShareAtLeast(s: SketchJson, bound: number): number {
  if (s.count === 0) return 0;
  let n = bound <= 0 ? s.zeroCount : 0;
  for (let i = 0; i < s.counts.length; i++) if (keyValue(s, s.binOffset + i) >= bound) n += s.counts[i] ?? 0;
  return n / s.count;
}

function us(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
