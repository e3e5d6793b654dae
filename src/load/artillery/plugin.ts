/**
 * promoproof's Artillery plugin (a v2 plugin with LEGACY_METRICS_FORMAT false, loaded from the export's
 * folder through ARTILLERY_PLUGIN_PATH). Artillery constructs it twice over:
 * - in the lead process (`artillery run`, or the machine that ran `run-fargate`), with the metrics of
 *   every worker merged per period: it writes promoproof's figures of each period (counters, and the
 *   histograms as DDSketch JSON: sketch.ts) as one line of a run file, `runs/artillery-<time>-<pid>.jsonl`
 *   in the export's folder, then a last `done` line. That file is what `--import artillery` reads: the
 *   workers' own files never have to come back.
 * - in each local worker thread, with no events: there it hands the processor the thread's own phases
 *   (Artillery splits a local run's phases between its threads: schedule.ts threadPhases), and flushes
 *   the processor's worker file when Artillery unloads it (runtime.ts).
 */
import { mkdirSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { METRIC_PREFIX } from './metrics.js';
import type { ArtillerySpec } from './schedule.js';
import { type DDSketchLike, type SketchJson, sketchToJson } from './sketch.js';

export const RUN_FORMAT = 'promoproof-artillery-run/1';

/** One line of a run file. */
export type RunLine =
  | { readonly format: typeof RUN_FORMAT; readonly kind: 'start'; readonly at: string; readonly pid: number }
  | {
      readonly kind: 'period';
      /** The period's start, epoch ms (Artillery's period key). */
      readonly period: number;
      readonly counters: Readonly<Record<string, number>>;
      readonly histograms: Readonly<Record<string, SketchJson>>;
    }
  | { readonly kind: 'done'; readonly at: string };

/** Artillery's per-period metrics as a plugin with LEGACY_METRICS_FORMAT false receives them. */
export interface PeriodMetrics {
  readonly period?: number | string;
  readonly counters?: Readonly<Record<string, number>>;
  readonly histograms?: Readonly<Record<string, DDSketchLike>>;
}

/** Artillery's emitter of merged periods: a plugin's `events`, or `global.artillery.globalEvents`. */
export interface EventsLike {
  on(event: 'stats' | 'done', listener: (stats: PeriodMetrics) => void): unknown;
}

/** The figures of a period that are promoproof's, plus Artillery's own counters of virtual users and errors (`vusers.*`, `errors.*`). */
export function periodLine(stats: PeriodMetrics): RunLine {
  const counters: Record<string, number> = {};
  for (const [name, v] of Object.entries(stats.counters ?? {}))
    if (name.startsWith(METRIC_PREFIX) || name.startsWith('vusers.') || name.startsWith('errors.')) counters[name] = v;
  const histograms: Record<string, SketchJson> = {};
  for (const [name, h] of Object.entries(stats.histograms ?? {})) if (name.startsWith(METRIC_PREFIX)) histograms[name] = sketchToJson(h);
  return { kind: 'period', period: Number(stats.period ?? 0), counters, histograms };
}

/** The run file this process writes, once its first writer claimed it (the plugin, or the lead hook: lead.ts). */
let claimed: string | undefined;

/**
 * Writes the merged periods `events` emits to a new run file in `runsDir`: a `start` line, a line per
 * period, a `done` line. One writer per process: a second call (the plugin and the lead hook both hear
 * the same periods in a local run) answers the first's file and writes nothing.
 */
export function writeRunFile(runsDir: string, events: EventsLike): string {
  if (claimed !== undefined) return claimed;
  mkdirSync(runsDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = join(runsDir, `artillery-${stamp}-${process.pid}.jsonl`);
  claimed = file;
  const write = (line: RunLine) => appendFileSync(file, `${JSON.stringify(line)}\n`);
  write({ format: RUN_FORMAT, kind: 'start', at: new Date().toISOString(), pid: process.pid });
  events.on('stats', (stats) => write(periodLine(stats)));
  events.on('done', () => write({ kind: 'done', at: new Date().toISOString() }));
  return file;
}

/** What the plugin does in a worker thread (runtime.ts useThreadPhases, flushProcessors). */
export interface WorkerHooks {
  usePhases(specs: readonly ArtillerySpec[]): void;
  flush(): void;
}

/** The plugin class for a run folder (`runsDir`): what the export's `artillery-plugin-promoproof/index.js` exports as `Plugin`. */
export function createPlugin(runsDir: string, worker: WorkerHooks) {
  return class PromoproofPlugin {
    /** The run file this lead process writes; undefined in a worker thread. */
    readonly file: string | undefined;
    constructor(script: { readonly config?: { readonly phases?: readonly ArtillerySpec[] } } | undefined, events: EventsLike) {
      if (!isMainThread) {
        this.file = undefined;
        if (script?.config?.phases) worker.usePhases(script.config.phases);
        return;
      }
      this.file = writeRunFile(runsDir, events);
    }
    cleanup(done: () => void): void {
      if (!isMainThread) worker.flush();
      done();
    }
  };
}
