/**
 * What every section of `npm run bench` reports: rows of one shape (bench/run.ts turns them into the
 * README table), medians, and a ratio against a baseline measured in the same run.
 */
import type { Bench } from 'tinybench';

/** One row of the bench table. */
export interface Row {
  readonly name: string;
  /** `ms` for times (medians), `bytes` for memory, `per s` for throughput (answers per second). */
  readonly unit: 'ms' | 'bytes' | 'per s';
  readonly median: number;
  readonly baseline: string;
  readonly baselineMedian: number;
  readonly ratio: number;
  readonly note: string;
}

/** The median of `xs` (NaN when empty). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? Number.NaN) : ((s[m - 1] ?? Number.NaN) + (s[m] ?? Number.NaN)) / 2;
}

/** A row builder over a tinybench run: task `name` against task `baseline`, each its median (p50) in ms. */
export function tinybenchRow(bench: Bench): (name: string, baseline: string, note: string) => Row {
  const med = (task: string) => bench.getTask(task)?.result?.latency.p50 ?? Number.NaN;
  return (name, baseline, note) => ({
    name,
    unit: 'ms',
    median: med(name),
    baseline,
    baselineMedian: med(baseline),
    ratio: med(name) / med(baseline),
    note,
  });
}
