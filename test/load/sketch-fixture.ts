/** DDSketches built by hand for the Artillery import tests, and the exact quantiles they approximate. */
import type { SketchJson } from '../../src/load/artillery/sketch.js';

/** The relative accuracy of Artillery's sketches (sketches-js's default). */
export const ALPHA = 0.01;
export const GAMMA = (1 + ALPHA) / (1 - ALPHA);

/** A sketch of `values` as sketches-js builds one (logarithmic mapping, key ⌈log_γ v⌉, offset 0). */
export function sketchOf(values: readonly number[]): SketchJson {
  const keys = values.filter((v) => v > 0).map((v) => Math.ceil(Math.log(v) / Math.log(GAMMA)));
  const lo = keys.length > 0 ? Math.min(...keys) : 0;
  const counts = new Array<number>(keys.length > 0 ? Math.max(...keys) - lo + 1 : 0).fill(0);
  for (const k of keys) counts[k - lo] = (counts[k - lo] ?? 0) + 1;
  return {
    gamma: GAMMA,
    indexOffset: 0,
    binOffset: lo,
    counts,
    zeroCount: values.filter((v) => v <= 0).length,
    count: values.length,
    min: Math.min(...values),
    max: Math.max(...values),
    sum: values.reduce((s, v) => s + v, 0),
  };
}

/** The exact quantile by the sketch's rank rule: the value at rank ⌊q (n − 1)⌋ of the sorted values. */
export function exact(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))] ?? Number.NaN;
}
