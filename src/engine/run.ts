import type { CheckResult } from '../report/types.js';
import { SUITES } from '../scenario/suites.js';
import type { PlannedCheck } from '../scenario/types.js';
import { executeCheck } from './execute-check.js';
import type { Target } from './target.js';

/** Progress of a run, for whoever renders it (the runner itself prints nothing). */
export type RunEvent =
  | { readonly type: 'start'; readonly total: number }
  | { readonly type: 'check-done'; readonly result: CheckResult; readonly done: number; readonly total: number };

export interface RunOptions {
  /** Checks run at once; steps inside a check always run in order. */
  readonly concurrency: number;
  /** Per request. */
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  readonly poolBase?: number;
  readonly signal?: AbortSignal;
  readonly onEvent?: (e: RunEvent) => void;
}

/** Runs independent checks in parallel; answers results in plan order. Never throws. */
export async function runChecks(checks: readonly PlannedCheck[], target: Target, opts: RunOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = new Array<CheckResult>(checks.length);
  opts.onEvent?.({ type: 'start', total: checks.length });
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= checks.length) return;
      const check = checks[i]!;
      const suite = SUITES.get(check.suite);
      const result: CheckResult = suite
        ? await executeCheck(check, target, suite.compiled(), opts)
        : {
            id: check.id,
            title: check.title,
            suite: check.suite,
            rules: check.rules,
            level: check.level,
            tags: check.tags,
            status: 'errored',
            message: `unknown suite ${check.suite}`,
            durationMs: 0,
          };
      results[i] = result;
      opts.onEvent?.({ type: 'check-done', result, done: ++done, total: checks.length });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency, checks.length)) }, worker));
  return results;
}
