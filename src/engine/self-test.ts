import { FAULTS, type FaultName } from '../reference/faults.js';
import type { CheckResult } from '../report/types.js';
import type { PlannedCheck } from '../scenario/types.js';
import { runConformance } from './conformance.js';

export interface FaultVerdict {
  readonly fault: FaultName;
  readonly rule: string;
  readonly description: string;
  /** Checks covering the rule that the fault made fail (ids). */
  readonly caughtBy: readonly string[];
  /** Checks covering the rule that ran. */
  readonly checks: number;
}

export interface SelfTestResult {
  /** The suite against the clean reference: every check must pass. */
  readonly clean: { readonly total: number; readonly notPassed: readonly CheckResult[] };
  readonly faults: readonly FaultVerdict[];
  readonly caught: number;
  readonly total: number;
  readonly missed: readonly FaultVerdict[];
}

/**
 * The mutation score of the suite: for each fault of the reference, run the checks that cover the
 * fault's rule against the reference with that fault on; the fault is caught when one of them fails.
 */
export async function selfTest(
  checks: readonly PlannedCheck[],
  opts: { concurrency?: number; parallelFaults?: number; onFault?: (v: FaultVerdict, done: number, total: number) => void; signal?: AbortSignal } = {},
): Promise<SelfTestResult> {
  const clean = await runConformance({ checks, concurrency: opts.concurrency, signal: opts.signal });
  const names = Object.keys(FAULTS) as FaultName[];
  const verdicts: FaultVerdict[] = new Array<FaultVerdict>(names.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= names.length || opts.signal?.aborted) return;
      const fault = names[i]!;
      const def = FAULTS[fault];
      const relevant = checks.filter((c) => c.rules.includes(def.rule));
      const report = relevant.length > 0 ? await runConformance({ checks: relevant, fault, concurrency: opts.concurrency, signal: opts.signal }) : undefined;
      const caughtBy = (report?.results ?? []).filter((r) => r.status === 'failed').map((r) => r.id);
      verdicts[i] = { fault, rule: def.rule, description: def.description, caughtBy, checks: relevant.length };
      opts.onFault?.(verdicts[i]!, ++done, names.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.parallelFaults ?? 2) }, worker));
  const all = verdicts.filter((v) => v !== undefined);
  const missed = all.filter((v) => v.caughtBy.length === 0);
  return {
    clean: { total: clean.results.length, notPassed: clean.results.filter((r) => r.status !== 'passed') },
    faults: all,
    caught: all.length - missed.length,
    total: names.length,
    missed,
  };
}
