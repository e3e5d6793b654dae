/**
 * SLO gates: a run's service levels (the profile's `slo:` and the command line's `--slo`, parsed by
 * src/load/profile.ts parseSlo) evaluated on the measured window — the totals over the measured phases,
 * warm-up excluded — to one verdict each, which `promoproof load` turns into exit 5 when one is missed.
 *
 * - A latency (`p50` `p90` `p99` `p999` `max`) is read from the HDR histogram of one outcome class —
 *   the successes unless the SLO names a class (`claim.refusal.p99<50ms`) — of one operation, or of every
 *   operation together (the histograms summed, never percentiles averaged).
 * - `errors` is the share of answers that are neither a success nor an expected refusal: non-conformant,
 *   transport and unknown answers and refusals with a code the operation does not expect, over every
 *   answer of the window (of one operation when prefixed). Instants not sent (every connection busy)
 *   are not answers: `achieved` counts them.
 * - `achieved` is the requests sent ÷ the requests intended over the measured phases that have a rate
 *   (a spike has none), open model only: a closed loop's rate is a ceiling, not a plan, and an operation
 *   has no intended count of its own (the mix draws each request's operation by weight).
 *
 * What cannot be evaluated (no answers of that operation and class, no intended rate) is not held, with
 * the reason: a gate that measured nothing does not pass. An invalid run's verdicts say so.
 */
import { mergeLatencySummaries } from './latency-merge.js';
import type { Slo } from './profile.js';
import { unexpectedRefusalsOf } from './refusals.js';
import type { LatencySummary, LoadResult, OperationResult, OutcomeClass, SloVerdict } from './types.js';

/** An SLO to gate on: parsed, with its text as written and where it came from. */
export interface GateSlo extends Slo {
  readonly text: string;
  readonly source: SloVerdict['source'];
}

/** What every verdict of an invalid run says at the end of its reason (`; ` before it). */
export const INVALID_RUN_CAVEAT = 'the run is INVALID (the generator was saturated): this figure measures this machine, not the target';

/** What the LatencySummary field of each latency metric is. */
const LATENCY_FIELD = {
  p50: 'p50Ms',
  p90: 'p90Ms',
  p99: 'p99Ms',
  p999: 'p999Ms',
  max: 'maxMs',
} as const satisfies Record<string, keyof LatencySummary>;

/**
 * The SLOs a run gates on: the profile's, except those a command-line SLO replaces (same operation,
 * class and metric), then every command-line one, in the order given.
 */
export function selectSlos(profile: readonly GateSlo[], commandLine: readonly GateSlo[]): GateSlo[] {
  const replaced = new Set(commandLine.map(sloKey));
  return [...profile.filter((s) => !replaced.has(sloKey(s))), ...commandLine];
}

/** What makes two SLOs the same gate: operation, class (a latency's default class spelt out) and metric. */
export function sloKey(s: Slo): string {
  const klass = s.metric in LATENCY_FIELD ? (s.class ?? 'success') : '';
  return `${s.operation ?? ''}\u0000${klass}\u0000${s.metric}`;
}

/** The SLOs of an evaluated result, to evaluate again on another (e.g. a merged) result. */
export function slosOfVerdicts(verdicts: readonly SloVerdict[]): GateSlo[] {
  return verdicts.map((v) => ({
    text: v.slo,
    source: v.source,
    ...(v.operation !== undefined ? { operation: v.operation } : {}),
    ...(v.class !== undefined ? { class: v.class } : {}),
    metric: v.metric,
    op: v.op,
    value: v.limit,
  }));
}

/** `result` with its SLO verdicts (replacing any it had). */
export function withSloVerdicts(result: LoadResult, slos: readonly GateSlo[]): LoadResult {
  return { ...result, sloVerdicts: evaluateSlos(result, slos) };
}

/** Each SLO evaluated on the result's measured window (see the module comment). */
export function evaluateSlos(result: LoadResult, slos: readonly GateSlo[]): SloVerdict[] {
  return slos.map((s) => evaluateSlo(result, s));
}

/** One SLO evaluated on the result's measured window. */
export function evaluateSlo(result: LoadResult, slo: GateSlo): SloVerdict {
  const measured =
    slo.metric === 'errors' ? errorsOf(result, slo) : slo.metric === 'achieved' ? achievedOf(result, slo) : latencyOf(result, slo);
  const unit = slo.metric === 'errors' || slo.metric === 'achieved' ? 'fraction' : 'ms';
  const held = measured.observed !== null && compare(measured.observed, slo.op, slo.value);
  const bound = `${slo.op} ${formatValue(slo.value, unit)}`;
  const verdict =
    measured.observed === null
      ? `not measured: ${measured.what}`
      : `${measured.what}: ${formatValue(measured.observed, unit)}${held ? ` ${bound}` : `, not ${bound}`}`;
  const caveats = [
    ...(result.stoppedBy !== 'completed' ? [`the run stopped early (${result.stoppedBy})`] : []),
    ...(result.generator.valid ? [] : [INVALID_RUN_CAVEAT]),
  ];
  return {
    slo: slo.text,
    source: slo.source,
    ...(slo.operation !== undefined ? { operation: slo.operation } : {}),
    ...(unit === 'ms' ? { class: slo.class ?? 'success' } : {}),
    metric: slo.metric,
    op: slo.op,
    limit: slo.value,
    observed: measured.observed,
    unit,
    held,
    reason: caveats.length > 0 ? `${verdict}; ${caveats.join('; ')}` : verdict,
  };
}

/** A measurement: the value (null when there was nothing to measure) and what it was, in words. */
interface Measured {
  readonly observed: number | null;
  readonly what: string;
}

function latencyOf(result: LoadResult, slo: GateSlo): Measured {
  const field = LATENCY_FIELD[slo.metric as keyof typeof LATENCY_FIELD];
  const klass: OutcomeClass = slo.class ?? 'success';
  const ops = operationsOf(result, slo);
  if (ops === undefined) return missingOperation(result, slo);
  const parts = ops.map((o) => o.classes[klass].latency);
  // One operation's summary is the report's own; several are summed from their histograms.
  const latency = parts.length === 1 && parts[0] !== undefined ? parts[0] : mergeLatencySummaries(parts);
  if (latency.count === 0) return { observed: null, what: `no ${plurals(classNoun(klass))}${ofOperation(slo)} in the measured window` };
  return { observed: latency[field], what: `${slo.metric} of ${plural(latency.count, classNoun(klass))} of ${scope(slo)}` };
}

function errorsOf(result: LoadResult, slo: GateSlo): Measured {
  const ops = operationsOf(result, slo);
  if (ops === undefined) return missingOperation(result, slo);
  let answers = 0;
  const kinds = { 'non-conformant': 0, transport: 0, unknown: 0, 'unexpected refusals': 0 };
  for (const o of ops) {
    answers += o.count;
    kinds['non-conformant'] += o.classes['non-conformant'].count;
    kinds.transport += o.classes.transport.count;
    kinds.unknown += o.classes.unknown.count;
    kinds['unexpected refusals'] += unexpectedRefusalsOf(o);
  }
  if (answers === 0) return { observed: null, what: `no answers${ofOperation(slo)} in the measured window` };
  const errors = Object.values(kinds).reduce((s, n) => s + n, 0);
  const detail = Object.entries(kinds)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${count(n)}`)
    .join(', ');
  return {
    observed: errors / answers,
    what: `errors of ${scope(slo)}: ${count(errors)} of ${plural(answers, 'answer')}${detail ? ` (${detail})` : ''}`,
  };
}

function achievedOf(result: LoadResult, slo: GateSlo): Measured {
  if (slo.operation !== undefined)
    return {
      observed: null,
      what: `an operation has no intended rate of its own (the mix draws each request's operation by weight): write achieved without an operation`,
    };
  if (result.model === 'closed')
    return {
      observed: null,
      what: 'a closed run has no intended rate (its rate is a ceiling, not a plan): --model open measures achieved against intended',
    };
  const rated = result.phases.filter((p) => p.measured && p.intendedRatePerS > 0);
  const intended = rated.reduce((s, p) => s + p.intended, 0);
  if (intended === 0) return { observed: null, what: 'no measured phase with a rate (a spike has none)' };
  const sent = rated.reduce((s, p) => s + p.sent, 0);
  return {
    observed: sent / intended,
    what: `achieved: ${count(sent)} sent of ${count(intended)} intended over the measured phases with a rate (${rated.map((p) => p.name).join(', ')})`,
  };
}

/** The operations an SLO reads: its own, or every operation of the window; undefined when its own is absent. */
function operationsOf(result: LoadResult, slo: GateSlo): OperationResult[] | undefined {
  const ops = result.totals.operations;
  if (slo.operation === undefined) return Object.values(ops);
  const own = Object.hasOwn(ops, slo.operation) ? ops[slo.operation] : undefined;
  return own === undefined ? undefined : [own];
}

function missingOperation(result: LoadResult, slo: GateSlo): Measured {
  const known = Object.keys(result.totals.operations);
  return { observed: null, what: `the run has no operation '${slo.operation ?? ''}' (operations: ${known.join(', ') || 'none'})` };
}

function compare(observed: number, op: GateSlo['op'], limit: number): boolean {
  switch (op) {
    case '<':
      return observed < limit;
    case '<=':
      return observed <= limit;
    case '>':
      return observed > limit;
    case '>=':
      return observed >= limit;
  }
}

function scope(slo: GateSlo): string {
  return slo.operation ?? 'all operations';
}

function ofOperation(slo: GateSlo): string {
  return slo.operation === undefined ? '' : ` of ${slo.operation}`;
}

function classNoun(k: OutcomeClass): string {
  return k === 'success' ? 'success' : k === 'refusal' ? 'refusal' : `${k} answer`;
}

function plural(n: number, noun: string): string {
  return n === 1 ? `1 ${noun}` : `${count(n)} ${plurals(noun)}`;
}

function plurals(noun: string): string {
  return noun.endsWith('s') ? `${noun}es` : `${noun}s`;
}

/** A value in its unit: ms with µs precision, a fraction as a percentage. */
export function formatValue(value: number, unit: SloVerdict['unit']): string {
  if (unit === 'fraction') return `${Number((value * 100).toPrecision(4))} %`;
  return `${Number(value.toFixed(3))} ms`;
}

function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
