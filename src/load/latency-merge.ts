/**
 * One latency summary from several, whatever histogram they were read from: promoproof's own HDR
 * encodings are summed (src/load/histograms.ts); an imported Artillery run's DDSketches are merged
 * (src/load/artillery/sketch.ts). Both merges are honest — the percentiles of the sum, never an average
 * of percentiles — but the two kinds cannot be summed into one another (a DDSketch keeps relative-error
 * bins of ms, HDR keeps its own µs buckets: adding one to the other would invent values), so a merge of
 * both is refused with an error that says why.
 */
import { mergeSketches, type SketchJson, sketchLatencySummary } from './artillery/sketch.js';
import { mergeEncoded, toLatencySummary } from './histograms.js';
import type { LatencySummary } from './types.js';

/** The error a merge of HDR- and DDSketch-based figures throws (a message that names both sources). */
export const MIXED_HISTOGRAMS =
  "cannot merge promoproof's own HDR histograms with an imported Artillery run's DDSketches: their bins do not add up " +
  '(merge imported runs with each other: load --import artillery takes every run file at once)';

/**
 * The summary of every value of `parts`: sketches merged when the parts carry them, HDR encodings summed
 * otherwise; empty parts (count 0) take no side. Throws MIXED_HISTOGRAMS when one part with values has a
 * sketch and another an HDR encoding, and mergeSketches' error for sketches of different accuracies.
 */
export function mergeLatencySummaries(parts: readonly LatencySummary[]): LatencySummary {
  const full = parts.filter((p) => p.count > 0);
  const sketches = full.flatMap((p) => (p.sketch === undefined ? [] : [p.sketch]));
  if (sketches.length === 0) return toLatencySummary(mergeEncoded(full.map((p) => p.hdr)));
  if (sketches.length < full.length) throw new Error(MIXED_HISTOGRAMS);
  return sketchLatencySummary(mergeSketches(sketches));
}

/** The sketches of several parts merged, or undefined when none has one (a series bucket's class: src/load/series.ts mergeSeries). */
export function mergePartSketches(parts: readonly (SketchJson | undefined)[]): SketchJson | undefined {
  return mergeSketches(parts.filter((s): s is SketchJson => s !== undefined));
}
