import type { CheckResult, Coverage, RunReport, Summary, Waiver } from '../report/types.js';
import type { RuleSpec } from '../spec/types.js';
import { VERSION } from '../version.js';

export interface AssembleInput {
  readonly results: readonly CheckResult[];
  readonly suites: readonly string[];
  /** The rules of the suites that ran (coverage is over these). */
  readonly rules: readonly RuleSpec[];
  readonly target: RunReport['target'];
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly waivers: readonly Waiver[];
  /** `yyyy-MM-dd`: waivers expiring before this day have expired. */
  readonly today: string;
  /** Count failed `ref` checks against the verdict too (default: only `must`). */
  readonly strictRef?: boolean;
  /** Checks run at once, and the wall time of running them (for the achieved parallelism). */
  readonly parallelism?: { readonly concurrency: number; readonly runMs: number };
}

/** Applies waivers, counts, computes coverage and the verdict. Pure. */
export function assembleReport(input: AssembleInput): RunReport {
  const expiredWaivers = input.waivers.filter((w) => w.expires < input.today);
  const active = input.waivers.filter((w) => w.expires >= input.today);
  const results = input.results.map((r): CheckResult => {
    if (r.status !== 'failed' && r.status !== 'errored') return r;
    const w = active.find((x) => r.rules.includes(x.rule));
    return w ? { ...r, waived: w } : r;
  });
  const count = (s: CheckResult['status']) => results.filter((r) => r.status === s).length;
  const summary: Summary = {
    total: results.length,
    passed: count('passed'),
    failed: count('failed'),
    errored: count('errored'),
    skipped: count('skipped'),
    inconclusive: count('inconclusive'),
    waived: results.filter((r) => r.waived).length,
  };
  const checksPerRule = new Map<string, number>();
  for (const r of results) {
    if (r.status === 'skipped') continue;
    for (const id of r.rules) checksPerRule.set(id, (checksPerRule.get(id) ?? 0) + 1);
  }
  const coverage: Coverage = {
    total: input.rules.length,
    covered: input.rules.filter((r) => checksPerRule.has(r.id)).length,
    uncovered: input.rules.filter((r) => !checksPerRule.has(r.id)).map((r) => r.id),
    rules: input.rules.map((r) => ({ id: r.id, level: r.level, checks: checksPerRule.get(r.id) ?? 0 })),
  };
  const blocking = results.some(
    (r) => (r.status === 'failed' || r.status === 'errored') && !r.waived && (r.level === 'must' || input.strictRef === true),
  );
  return {
    schemaVersion: 1,
    tool: { name: 'promoproof', version: VERSION },
    target: input.target,
    suites: input.suites,
    startedAt: input.startedAt.toISOString(),
    durationMs: input.durationMs,
    summary,
    ...(input.parallelism ? { parallelism: achievedParallelism(results, input.parallelism) } : {}),
    // A run in which no check passed, failed or errored verified nothing: not a pass (exit 4).
    verdict: blocking || expiredWaivers.length > 0 ? 'fail' : summary.passed + summary.failed + summary.errored === 0 ? 'none' : 'pass',
    strictRef: input.strictRef === true,
    expiredWaivers,
    results,
    coverage,
  };
}

/** Checks in flight on average: the sum of their durations over the wall time of running them (two decimals). */
export function achievedParallelism(
  results: readonly CheckResult[],
  p: { readonly concurrency: number; readonly runMs: number },
): { concurrency: number; achieved: number } {
  const busyMs = results.reduce((n, r) => n + r.durationMs, 0);
  const achieved = p.runMs > 0 ? Math.min(p.concurrency, busyMs / p.runMs) : 0;
  return { concurrency: p.concurrency, achieved: Math.round(achieved * 100) / 100 };
}
