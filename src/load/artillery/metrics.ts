/**
 * The names of promoproof's Artillery custom metrics. Artillery merges counters (sums) and histograms
 * (DDSketches) of the same name across workers and periods, so every figure promoproof needs back is
 * one name: phase and operation by their index in setup.json, the outcome class by name.
 * - `pp.<p>.<o>.<class>`: answers of the class (counter);
 * - `pp.<p>.<o>.<class>.latency`: their latency from the intended instant, ms (histogram; transport has none);
 * - `pp.<p>.<o>.service`: every answer's time from the actual send, ms (histogram);
 * - `pp.<p>.<o>.code.<code>`: refusals by code; `pp.<p>.<o>.nc.<reason>`: non-conformant answers by reason;
 * - `pp.<p>.sent`, `pp.<p>.late` (counters), `pp.<p>.lag` (histogram, ms): sends, late sends and the send lag.
 */
import type { OutcomeClass } from '../types.js';

/** Every metric of promoproof starts with this. */
export const METRIC_PREFIX = 'pp.';

export const metricNames = {
  answers: (p: number, o: number, cls: OutcomeClass) => `pp.${p}.${o}.${cls}`,
  latency: (p: number, o: number, cls: OutcomeClass) => `pp.${p}.${o}.${cls}.latency`,
  service: (p: number, o: number) => `pp.${p}.${o}.service`,
  code: (p: number, o: number, code: string) => `pp.${p}.${o}.code.${code}`,
  nonConformant: (p: number, o: number, reason: string) => `pp.${p}.${o}.nc.${reason}`,
  sent: (p: number) => `pp.${p}.sent`,
  late: (p: number) => `pp.${p}.late`,
  lag: (p: number) => `pp.${p}.lag`,
  /** Arrivals beyond the plan (Artillery made more than schedule.ts counted): sent, never measured. */
  unplanned: 'pp.unplanned',
} as const;

/** A metric name read back: which figure of which phase and operation. */
export type ParsedMetric =
  | { readonly kind: 'answers' | 'latency'; readonly phase: number; readonly op: number; readonly cls: OutcomeClass }
  | { readonly kind: 'service'; readonly phase: number; readonly op: number }
  | { readonly kind: 'code' | 'nonConformant'; readonly phase: number; readonly op: number; readonly key: string }
  | { readonly kind: 'sent' | 'late' | 'lag'; readonly phase: number }
  | { readonly kind: 'unplanned' };

const CLASSES = new Set<string>(['success', 'refusal', 'non-conformant', 'transport', 'unknown']);

/** Reads a metric name of ours; undefined for Artillery's own metrics (`http.*`, `vusers.*`). */
export function parseMetric(name: string): ParsedMetric | undefined {
  if (name === metricNames.unplanned) return { kind: 'unplanned' };
  const m = /^pp\.(\d+)\.(.+)$/.exec(name);
  if (m === null) return undefined;
  const phase = Number(m[1]);
  const rest = m[2] ?? '';
  if (rest === 'sent' || rest === 'late' || rest === 'lag') return { kind: rest, phase };
  const o = /^(\d+)\.(.+)$/.exec(rest);
  if (o === null) return undefined;
  const op = Number(o[1]);
  const tail = o[2] ?? '';
  if (tail === 'service') return { kind: 'service', phase, op };
  if (tail.startsWith('code.')) return { kind: 'code', phase, op, key: tail.slice(5) };
  if (tail.startsWith('nc.')) return { kind: 'nonConformant', phase, op, key: tail.slice(3) };
  if (CLASSES.has(tail)) return { kind: 'answers', phase, op, cls: tail as OutcomeClass };
  const lat = /^(.+)\.latency$/.exec(tail);
  if (lat !== null && CLASSES.has(lat[1] ?? '')) return { kind: 'latency', phase, op, cls: lat[1] as OutcomeClass };
  return undefined;
}
