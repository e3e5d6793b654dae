/**
 * `promoproof load --import artillery RUN…`: the run files of an exported profile (plugin.ts: the lead
 * process's merged figures per period) made into promoproof's load report — the same LoadResult as a
 * local run's, so the same reports, SLOs, audit and exit codes apply. Several run files (one per lead
 * process: the local stand-ins for `--count N` write one each; `run-fargate` writes one) add up: their
 * counters are summed and their DDSketches merged, which is exact for the counts and within the
 * sketches' relative accuracy for every percentile (the result's `histograms` says so).
 *
 * What a merged Artillery run cannot say, and how the result says it: no HDR encodings (`hdr` is '':
 * each summary carries its DDSketch instead, so imported results merge), a time series in Artillery's
 * 10 s periods (period-series.ts), no sold-out instant (periods are Artillery's 10 s); each phase's elapsed
 * time is its planned length; the generator's health is the workers' own, each thread's CPU (its
 * event-loop utilisation) and event-loop delay judged apart (worker-health.ts), with the late sends; a
 * spike's real release window is a note. A success beyond the stock is left to the audit's `stock` invariant (a must), since a
 * worker cannot count the others' successes.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isUnmappedCode } from '../../protocols/types.js';
import type { LoadProfileDoc } from '../types.js';
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
} from '../types.js';
import { boundSamples } from '../result.js';
import { MAX_LATE_SHARE, MIN_LATE_SENDS } from '../watch.js';
import { ARTILLERY_VERSION } from './export.js';
import { metricNames, parseMetric } from './metrics.js';
import { RUN_FORMAT, type RunLine } from './plugin.js';
import type { WorkerFile } from './runtime.js';
import { plannedArrivals, workerPhases } from './schedule.js';
import { type ArtillerySetup, readArtillerySetup } from './setup-file.js';
import { mergePeriods, type PeriodFigures, periodSeries } from './period-series.js';
import { judgeWorkers, workerFigures } from './worker-health.js';
import { mergeSketches, relativeAccuracy, type SketchJson, sketchLatencySummary, sketchPercentileMs } from './sketch.js';

/** The run files and audit files found for `paths` (files, or export folders and their runs/), and their setup.json. */
export interface ArtilleryRunSet {
  readonly setupFile: string;
  readonly setup: ArtillerySetup;
  readonly runFiles: readonly string[];
  readonly auditFiles: readonly string[];
}

/** Finds the run files of one export: a path is a run file (`runs/artillery-*.jsonl`), an export folder, or its runs/ folder. */
export function findRuns(paths: readonly string[]): ArtilleryRunSet {
  const runFiles = new Set<string>();
  const folders = new Set<string>();
  for (const p of paths) {
    if (statSync(p).isDirectory()) {
      const runs = basename(p) === 'runs' ? p : join(p, 'runs');
      for (const f of readdirSync(runs)) if (/^artillery-.*\.jsonl$/.test(f)) runFiles.add(join(runs, f));
      folders.add(runs);
    } else {
      runFiles.add(p);
      folders.add(dirname(p));
    }
  }
  if (runFiles.size === 0) throw new Error(`no run file (runs/artillery-*.jsonl) in ${paths.join(', ')}`);
  if (folders.size > 1)
    throw new Error(`run files of more than one export: ${[...folders].join(', ')}; import one export's runs at a time`);
  const runs = [...folders][0] ?? '.';
  const setupFile = join(dirname(runs), 'setup.json');
  const auditFiles = readdirSync(runs)
    .filter((f) => /^audit-.*\.json$/.test(f))
    .map((f) => join(runs, f));
  return { setupFile, setup: readArtillerySetup(setupFile), runFiles: [...runFiles].sort(), auditFiles: auditFiles.sort() };
}

/** One run file read: its lines, checked. */
export function readRunFile(file: string): RunLine[] {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as RunLine);
  const first = lines[0];
  if (first === undefined || first.kind !== 'start' || first.format !== RUN_FORMAT)
    throw new Error(`${file}: not a promoproof Artillery run file (${RUN_FORMAT})`);
  return lines;
}

/** The audit data the workers wrote (runtime.ts flush), for the audit's collector to absorb. */
export function readAuditFiles(files: readonly string[]): WorkerFile[] {
  return files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as WorkerFile);
}

/** Counters summed and sketches merged over every period of every run file. */
export interface MergedMetrics {
  readonly counters: ReadonlyMap<string, number>;
  readonly histograms: ReadonlyMap<string, SketchJson>;
  /** Run files that ended with their `done` line. */
  readonly completed: number;
  readonly runs: number;
  readonly startedAt: string | undefined;
  readonly durationMs: number;
  /** The same figures period by period (the imported series: period-series.ts). */
  readonly periods: readonly PeriodFigures[];
}

/** Sums the counters and merges the sketches of `runs` (each a run file's lines). */
export function mergeRuns(runs: readonly (readonly RunLine[])[]): MergedMetrics {
  const counters = new Map<string, number>();
  const parts = new Map<string, SketchJson[]>();
  let completed = 0;
  let first: number | undefined;
  let last: number | undefined;
  for (const lines of runs) {
    for (const line of lines) {
      if (line.kind === 'start') first = Math.min(first ?? Number.POSITIVE_INFINITY, Date.parse(line.at));
      if (line.kind === 'done') {
        completed++;
        last = Math.max(last ?? 0, Date.parse(line.at));
      }
      if (line.kind !== 'period') continue;
      for (const [name, v] of Object.entries(line.counters)) counters.set(name, (counters.get(name) ?? 0) + v);
      for (const [name, h] of Object.entries(line.histograms)) parts.set(name, [...(parts.get(name) ?? []), h]);
    }
  }
  const histograms = new Map<string, SketchJson>();
  for (const [name, list] of parts) {
    const merged = mergeSketches(list);
    if (merged !== undefined) histograms.set(name, merged);
  }
  return {
    counters,
    histograms,
    completed,
    runs: runs.length,
    startedAt: first === undefined ? undefined : new Date(first).toISOString(),
    durationMs: first !== undefined && last !== undefined ? last - first : 0,
    periods: mergePeriods(runs),
  };
}

/** A latency summary of a sketch (ms, µs precision; `hdr` '', the sketch kept to merge: sketch.ts sketchLatencySummary); an empty one for none. */
export function sketchSummary(s: SketchJson | undefined): LatencySummary {
  return sketchLatencySummary(s);
}

/** What the result is built from. */
export interface ImportInput {
  readonly setup: ArtillerySetup;
  readonly doc: LoadProfileDoc;
  readonly merged: MergedMetrics;
  /** How many workers ran (their audit files, or the export's count). */
  readonly workers: number;
  /** The workers' samples of answers that were not a success, as their metrics stream brought them back (records.ts). */
  readonly samples?: readonly LoadSample[];
  readonly targetUrl: string;
}

/** The load report of an imported Artillery run (see the module comment). No audit: the caller runs it. */
export function importedResult(input: ImportInput): LoadResult {
  const { setup, doc, merged } = input;
  const c = (name: string) => merged.counters.get(name) ?? 0;
  const planned = workerPhases(setup.phases, setup.workers);
  const names = setup.operations;
  const phases: PhaseResult[] = setup.phases.map((p, i) => {
    const operations: Record<string, OperationResult> = {};
    names.forEach((name, o) => {
      operations[name] = operationOf(merged, doc, i, o, name);
    });
    const sent = c(`pp.${i}.sent`);
    const intended = (planned[i]?.arrivals ?? 0) * setup.workers;
    const rated = p.intendedRatePerS > 0;
    return {
      name: p.name,
      phase: p.doc.phase,
      measured: p.measured,
      intended,
      intendedRatePerS: p.intendedRatePerS,
      sent,
      notSent: Math.max(0, intended - sent),
      achievedRatePerS: rated && p.durationMs > 0 ? sent / (p.durationMs / 1000) : 0,
      elapsedMs: planned[i]?.durationMs ?? p.durationMs,
      operations,
    };
  });
  const measured = phases.filter((p) => p.measured);
  const rated = measured.filter((p) => p.intendedRatePerS > 0);
  const ratedS = rated.reduce((s, p) => s + p.elapsedMs, 0) / 1000;
  const totals = {
    intended: measured.reduce((s, p) => s + p.intended, 0),
    sent: measured.reduce((s, p) => s + p.sent, 0),
    notSent: measured.reduce((s, p) => s + p.notSent, 0),
    intendedRatePerS: ratedS > 0 ? rated.reduce((s, p) => s + p.intended, 0) / ratedS : 0,
    achievedRatePerS: ratedS > 0 ? rated.reduce((s, p) => s + p.sent, 0) / ratedS : 0,
    operations: Object.fromEntries(
      names.map((name, o) => [
        name,
        operationOf(
          merged,
          doc,
          setup.phases.flatMap((p, i) => (p.measured ? [i] : [])),
          o,
          name,
        ),
      ]),
    ),
  };
  const anySketch = [...merged.histograms.values()][0];
  return {
    format: 'promoproof-load/1',
    profile: { name: doc.profile, title: doc.title, file: setup.profile.file },
    model: 'open',
    latencyFrom: 'intended-send',
    target: { url: input.targetUrl, embedded: false },
    startedAt: merged.startedAt ?? setup.exportedAt,
    durationMs: merged.durationMs,
    connections: setup.poolPerWorker * input.workers,
    stoppedBy: merged.completed === merged.runs ? 'completed' : 'interrupted',
    setup: { durationMs: setup.setupMs, steps: doc.setup?.length ?? 0 },
    phases,
    totals,
    generator: generatorOf(merged, setup, phases),
    samples: boundSamples(input.samples ?? []),
    slo: doc.slo ?? [],
    processes: input.workers,
    ...seriesOf(merged, setup),
    histograms: {
      source: 'ddsketch',
      relativeAccuracy: anySketch ? round4(relativeAccuracy(anySketch)) : 0.01,
      engine: `artillery ${ARTILLERY_VERSION}`,
    },
  };
}

/** The run over time, from the periods (period-series.ts); nothing when no measured phase sent. */
function seriesOf(merged: MergedMetrics, setup: ArtillerySetup): Pick<LoadResult, 'series'> {
  const series = periodSeries(merged.periods, setup);
  return series === undefined ? {} : { series };
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** One operation over some phases: counts by class, merged latencies, refusal codes and non-conformant reasons. */
function operationOf(
  merged: MergedMetrics,
  doc: LoadProfileDoc,
  phases: number | readonly number[],
  o: number,
  name: string,
): OperationResult {
  const ps = typeof phases === 'number' ? [phases] : phases;
  const op = doc.mix.find((m) => m.name === name);
  const expected = (code: string) => op?.refusals === 'any' || (op?.refusals ?? []).includes(code) || (op?.soldOut ?? []).includes(code);
  const classes = {} as Record<OutcomeClass, ClassResult>;
  let count = 0;
  for (const cls of OUTCOME_CLASSES) {
    const n = ps.reduce((s, p) => s + (merged.counters.get(`pp.${p}.${o}.${cls}`) ?? 0), 0);
    const sketch = mergeSketches(ps.flatMap((p) => merged.histograms.get(`pp.${p}.${o}.${cls}.latency`) ?? []));
    classes[cls] = { count: n, latency: sketchSummary(sketch) };
    count += n;
  }
  const refusalCodes: Record<string, { count: number; expected: boolean; unmapped?: true }> = {};
  const nonConformant: Record<string, number> = {};
  for (const [metric, v] of merged.counters) {
    const m = parseMetric(metric);
    if (m === undefined || (m.kind !== 'code' && m.kind !== 'nonConformant') || m.op !== o || !ps.includes(m.phase)) continue;
    if (m.kind === 'code') {
      const prior = refusalCodes[m.key]?.count ?? 0;
      refusalCodes[m.key] = { count: prior + v, expected: expected(m.key), ...(isUnmappedCode(m.key) ? { unmapped: true as const } : {}) };
    } else nonConformant[m.key] = (nonConformant[m.key] ?? 0) + v;
  }
  return { count, classes, refusalCodes, nonConformant };
}

/**
 * The generator's health as a merged Artillery run shows it: late sends over the paced phases (a spike's
 * spread is not pacing), judged by the local open model's bounds; CPU and event-loop delay from each
 * worker thread's own metrics, judged thread by thread (worker-health.ts). Notes (`note: …`) never make
 * the run invalid.
 */
function generatorOf(merged: MergedMetrics, setup: ArtillerySetup, phases: readonly PhaseResult[]): GeneratorHealth {
  const paced = setup.phases.flatMap((p, i) => (p.measured && p.doc.phase !== 'spike' ? [i] : []));
  const late = paced.reduce((s, i) => s + (merged.counters.get(`pp.${i}.late`) ?? 0), 0);
  const sent = paced.reduce((s, i) => s + (phases[i]?.sent ?? 0), 0);
  const lag = sketchSummary(mergeSketches(paced.flatMap((i) => merged.histograms.get(`pp.${i}.lag`) ?? [])));
  const lateShare = sent > 0 ? late / sent : 0;
  const reasons: string[] = [];
  if (lateShare > MAX_LATE_SHARE && late >= MIN_LATE_SENDS)
    reasons.push(
      `late sends: ${late} of ${sent} sends (${(lateShare * 100).toFixed(1)} %) left more than 5 ms after their instant: the workers, not the target, limited the run`,
    );
  const skipped = merged.counters.get('vusers.skipped') ?? 0;
  if (skipped > 0) reasons.push(`Artillery skipped ${skipped} virtual users (maxVusers): arrivals the plan meant were not sent`);
  const intended = phases.filter((p) => p.measured).reduce((s, p) => s + p.intended, 0);
  const sentAll = phases.filter((p) => p.measured).reduce((s, p) => s + p.sent, 0);
  if (merged.completed < merged.runs)
    reasons.push(`${merged.runs - merged.completed} of ${merged.runs} run files have no end: a lead process stopped early`);
  if (sentAll < intended)
    reasons.push(`${intended - sentAll} of ${intended} planned requests were not sent (a worker that did not run, or stopped early)`);
  const workers = judgeWorkers(workerFigures(merged.histograms));
  const faults = [...reasons, ...workers.faults];
  const notes = [...workers.notes, ...spikeReleases(merged, setup)];
  return {
    cpuPercent: workers.cpuPercent,
    eventLoopDelayMs: workers.eventLoopDelayMs,
    lag,
    lateSends: late,
    lateShare,
    valid: faults.length === 0,
    reasons: [...faults, ...notes.map((n) => `note: ${n}`)],
  };
}

/**
 * What each spike's release really was: the local engine sends a spike's requests at one instant (as
 * fast as its loop can), Artillery fires one arrival per turn of a worker's event loop (schedule.ts
 * spikeDuration), so the report says over how long the slowest worker sent its share. Latency counts from
 * the spike's start either way.
 */
function spikeReleases(merged: MergedMetrics, setup: ArtillerySetup): string[] {
  return setup.phases.flatMap((p, i) => {
    const s = merged.histograms.get(metricNames.release(i));
    if (p.doc.phase !== 'spike' || s === undefined || s.count === 0) return [];
    const perWorker = Math.max(1, Math.round(p.intended / setup.workers));
    return [
      `spike ${p.name}: each worker sent its ${perWorker} requests over up to ${Math.round(s.max * 10) / 10} ms (the slowest worker's first to last send; ` +
        `median send ${sketchPercentileMs(s, 0.5)} ms after its first): Artillery releases one arrival per turn of a worker's event loop, ` +
        'where the local engine sends a spike at one instant; latency counts from the spike’s start either way',
    ];
  });
}

/**
 * How many workers ran: those whose records came back in the metrics stream (`streamed`, records.ts: from
 * Fargate too), else the distinct audit files local workers wrote, else the export's count.
 */
export function workersOf(set: ArtilleryRunSet, streamed?: { readonly workers: number }): number {
  if (streamed !== undefined && streamed.workers > 0) return streamed.workers;
  return set.auditFiles.length > 0 ? set.auditFiles.length : set.setup.workers;
}

/** The planned requests of an export over every worker (for messages). */
export function plannedTotal(setup: ArtillerySetup): number {
  return plannedArrivals(workerPhases(setup.phases, setup.workers), setup.workers).total;
}
