/**
 * Merging load results: the runs of several processes or machines over the same profile and the same
 * window make one result, the way autocannon merges its workers' results. Counts add, rates add (the
 * parts sent side by side), and every latency figure is recomputed from the sum of the parts' HDR
 * histograms: a percentile of a merged run is never an average of the parts' percentiles.
 */
import { MIXED_HISTOGRAMS, mergeLatencySummaries } from './latency-merge.js';
import { mergeSeries } from './series.js';
import { slosOfVerdicts, withSloVerdicts } from './slo.js';
import {
  type ClassResult,
  type GeneratorHealth,
  type LatencySummary,
  type LoadResult,
  type LoadSample,
  OUTCOME_CLASSES,
  type OperationResult,
  type OutcomeClass,
  type PhaseResult,
} from './types.js';

/** The report format this module reads and writes. */
export const LOAD_RESULT_FORMAT = 'promoproof-load/1';

/** Samples a result keeps per operation and class (over the whole run, every process together). */
export const SAMPLES_PER_CLASS = 3;

/**
 * One result of several (see the module comment). The parts must be of one profile and one model,
 * phases are matched by name; throws an Error saying why when they cannot be merged. Of the run's
 * bounds: the earliest start, the longest duration and phase, connections summed, the worst way a part
 * stopped. The generator is valid only if every part's was; its reasons keep which process said them.
 * When a part carries SLO verdicts, its SLOs are evaluated again on the merged totals (src/load/slo.ts).
 * A part's audit is not carried over: audits do not add up (the parts' claims overlap in batches and
 * users), so the merged run must be audited again (src/load/audit.ts, on the parts' AuditData absorbed).
 *
 * Results of imported Artillery runs (`histograms.source` ddsketch) carry DDSketches instead of HDR
 * encodings: they merge with each other by merging their sketches, so every percentile stays within the
 * sketches' stated accuracy, and the merged result keeps their `histograms` label. A sketch-based result
 * and an HDR one are refused (an Error naming why): their bins cannot be added, and a merge that
 * silently dropped one side's percentiles, or averaged them, would report a latency nobody measured.
 */
export function mergeLoadResults(results: readonly LoadResult[]): LoadResult {
  const first = results[0];
  if (first === undefined) throw new Error('mergeLoadResults: no results to merge');
  for (const r of results) {
    if (r.format !== LOAD_RESULT_FORMAT)
      throw new Error(`mergeLoadResults: a result of format ${String(r.format)}, not ${LOAD_RESULT_FORMAT}`);
    if (r.profile.name !== first.profile.name)
      throw new Error(`mergeLoadResults: results of different profiles cannot be merged (${first.profile.name}, ${r.profile.name})`);
    if (r.model !== first.model)
      throw new Error(`mergeLoadResults: results of different load models cannot be merged (${first.model}, ${r.model})`);
    if (r.histograms?.source !== first.histograms?.source) throw new Error(`mergeLoadResults: ${MIXED_HISTOGRAMS}`);
    if (r.histograms !== undefined && r.histograms.relativeAccuracy !== first.histograms?.relativeAccuracy)
      throw new Error(
        `mergeLoadResults: DDSketches of different accuracies cannot be merged (${first.histograms?.relativeAccuracy}, ${r.histograms.relativeAccuracy})`,
      );
  }
  const totals = results.map((r) => r.totals);
  const soldOut = mergeSoldOut(results);
  const series = mergeSeries(results.map((r) => r.series));
  const merged: LoadResult = {
    format: LOAD_RESULT_FORMAT,
    profile: first.profile,
    model: first.model,
    latencyFrom: first.latencyFrom,
    target: first.target,
    startedAt: earliest(results.map((r) => r.startedAt)),
    durationMs: Math.max(...results.map((r) => r.durationMs)),
    connections: sum(results.map((r) => r.connections)),
    stoppedBy: worstStop(results.map((r) => r.stoppedBy)),
    setup: {
      durationMs: Math.max(...results.map((r) => r.setup.durationMs)),
      steps: Math.max(...results.map((r) => r.setup.steps)),
    },
    phases: mergePhases(results.map((r) => r.phases)),
    totals: {
      intended: sum(totals.map((t) => t.intended)),
      sent: sum(totals.map((t) => t.sent)),
      notSent: sum(totals.map((t) => t.notSent)),
      intendedRatePerS: sum(totals.map((t) => t.intendedRatePerS)),
      achievedRatePerS: sum(totals.map((t) => t.achievedRatePerS)),
      operations: mergeOperations(totals.map((t) => t.operations)),
    },
    ...(soldOut ? { soldOut } : {}),
    generator: mergeGenerators(results.map((r) => r.generator)),
    samples: boundSamples(results.flatMap((r) => r.samples)),
    slo: first.slo,
    processes: sum(results.map((r) => r.processes)),
    ...(first.histograms ? { histograms: first.histograms } : {}),
    ...(series ? { series } : {}),
  };
  // SLO verdicts of the parts say nothing of the whole: the first part's SLOs are evaluated again on the merged window.
  const gated = results.find((r) => r.sloVerdicts !== undefined)?.sloVerdicts;
  return gated === undefined ? merged : withSloVerdicts(merged, slosOfVerdicts(gated));
}

/**
 * Operations of several parts (processes, or the measured phases of one run) as one: per class the
 * counts add and the latency is read from the summed histograms; refusal codes and non-conformant
 * reasons add. Operations keep the order in which they first appear.
 */
export function mergeOperations(parts: readonly Readonly<Record<string, OperationResult>>[]): Record<string, OperationResult> {
  const names = unionOrder(parts.map((p) => Object.keys(p)));
  const out: Record<string, OperationResult> = {};
  for (const name of names) {
    const ops = parts.flatMap((p) => (Object.hasOwn(p, name) && p[name] !== undefined ? [p[name]] : []));
    out[name] = mergeOperation(ops);
  }
  return out;
}

/** One latency summary from several (their HDR histograms summed, or their DDSketches merged: src/load/latency-merge.ts). */
export function mergeLatency(parts: readonly LatencySummary[]): LatencySummary {
  return mergeLatencySummaries(parts);
}

/** `samples` with at most SAMPLES_PER_CLASS per operation and class, the first ones kept. */
export function boundSamples(samples: readonly LoadSample[]): LoadSample[] {
  const kept = new Map<string, number>();
  return samples.filter((s) => {
    const key = `${s.operation}\u0000${s.class}`;
    const n = kept.get(key) ?? 0;
    kept.set(key, n + 1);
    return n < SAMPLES_PER_CLASS;
  });
}

function mergeOperation(ops: readonly OperationResult[]): OperationResult {
  const classes = {} as Record<OutcomeClass, ClassResult>;
  for (const c of OUTCOME_CLASSES)
    classes[c] = {
      count: sum(ops.map((o) => o.classes[c].count)),
      latency: mergeLatency(ops.map((o) => o.classes[c].latency)),
    };
  const refusalCodes: Record<string, OperationResult['refusalCodes'][string]> = {};
  const nonConformant: Record<string, number> = {};
  for (const o of ops) {
    for (const [code, r] of Object.entries(o.refusalCodes)) {
      const seen = refusalCodes[code];
      refusalCodes[code] = {
        count: (seen?.count ?? 0) + r.count,
        expected: seen?.expected ?? r.expected,
        ...(r.unmapped === true || seen?.unmapped === true ? { unmapped: true as const } : {}),
      };
    }
    for (const [reason, n] of Object.entries(o.nonConformant)) nonConformant[reason] = (nonConformant[reason] ?? 0) + n;
  }
  return { count: sum(ops.map((o) => o.count)), classes, refusalCodes, nonConformant };
}

/** Phases matched by name, in the order they first appear; a name of two kinds cannot be merged. */
export function mergePhases(parts: readonly (readonly PhaseResult[])[]): PhaseResult[] {
  const names = unionOrder(parts.map((p) => p.map((ph) => ph.name)));
  return names.map((name) => {
    const same = parts.flatMap((p) => p.filter((ph) => ph.name === name));
    const head = same[0] as PhaseResult;
    for (const ph of same)
      if (ph.phase !== head.phase || ph.measured !== head.measured)
        throw new Error(`mergeLoadResults: phase ${name} is a ${head.phase} phase in one result and a ${ph.phase} phase in another`);
    return {
      name,
      phase: head.phase,
      measured: head.measured,
      intended: sum(same.map((p) => p.intended)),
      intendedRatePerS: sum(same.map((p) => p.intendedRatePerS)),
      sent: sum(same.map((p) => p.sent)),
      notSent: sum(same.map((p) => p.notSent)),
      achievedRatePerS: sum(same.map((p) => p.achievedRatePerS)),
      elapsedMs: Math.max(...same.map((p) => p.elapsedMs)),
      operations: mergeOperations(same.map((p) => p.operations)),
    };
  });
}

/**
 * The earliest sold-out of the parts (each measured from its own first measured instant: the parts
 * share the window), with the before and after latencies of every part that sold out the same operation.
 */
function mergeSoldOut(results: readonly LoadResult[]): LoadResult['soldOut'] {
  const parts = results.flatMap((r) => (r.soldOut ? [r.soldOut] : []));
  const head = parts.reduce<(typeof parts)[number] | undefined>((a, b) => (a === undefined || b.atMs < a.atMs ? b : a), undefined);
  if (head === undefined) return undefined;
  const same = parts.filter((p) => p.operation === head.operation);
  return {
    operation: head.operation,
    atMs: head.atMs,
    before: mergeLatency(same.map((p) => p.before)),
    after: mergeLatency(same.map((p) => p.after)),
  };
}

/**
 * The generators of several processes: valid only if each was, reasons prefixed by the process
 * (`process 2: …`, 1-based, in the order given); CPU as the mean of the means and the highest peak
 * (each figure is one process's share of one core), event-loop delay as the worst process's, the lag
 * histograms summed, late sends added and their share over every send.
 */
function mergeGenerators(parts: readonly GeneratorHealth[]): GeneratorHealth {
  const lag = mergeLatency(parts.map((g) => g.lag));
  const lateSends = sum(parts.map((g) => g.lateSends));
  return {
    cpuPercent: {
      mean: sum(parts.map((g) => g.cpuPercent.mean)) / parts.length,
      max: Math.max(...parts.map((g) => g.cpuPercent.max)),
    },
    eventLoopDelayMs: {
      p50: Math.max(...parts.map((g) => g.eventLoopDelayMs.p50)),
      p99: Math.max(...parts.map((g) => g.eventLoopDelayMs.p99)),
      max: Math.max(...parts.map((g) => g.eventLoopDelayMs.max)),
    },
    lag,
    lateSends,
    // Every send records its lag (the open model), so the summed lag count is the sends.
    lateShare: lag.count > 0 ? lateSends / lag.count : 0,
    valid: parts.every((g) => g.valid),
    reasons: parts.flatMap((g, i) => g.reasons.map((r) => `process ${i + 1}: ${r}`)),
  };
}

/** How a merged run stopped: the worst of its parts' (an error, then an interruption, then the cap). */
function worstStop(stops: readonly LoadResult['stoppedBy'][]): LoadResult['stoppedBy'] {
  for (const s of ['error', 'interrupted', 'request-cap'] as const) if (stops.includes(s)) return s;
  return 'completed';
}

function earliest(instants: readonly string[]): string {
  return instants.reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a));
}

function unionOrder(lists: readonly (readonly string[])[]): string[] {
  const seen = new Set<string>();
  for (const l of lists) for (const x of l) seen.add(x);
  return [...seen];
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
