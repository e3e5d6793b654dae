import type { CheckResult } from '../report/types.js';
import { SUITES } from '../scenario/suites.js';
import type { PlannedCheck } from '../scenario/types.js';
import { executeCheck } from './execute-check.js';
import { mapPool } from '../core/pool.js';
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

/**
 * Attempts of a check whose verdict is inconclusive. Only timing makes a check inconclusive (a
 * timestamp sent so near the window's edge that the target's clock, or a slow exchange, leaves the
 * side undecided); a fresh attempt usually decides it. The last attempt's result stands, and says how
 * many were made.
 */
export const INCONCLUSIVE_ATTEMPTS = 3;

export async function withRetries(attempt: () => Promise<CheckResult>, signal?: AbortSignal): Promise<CheckResult> {
  let result = await attempt();
  for (let n = 2; n <= INCONCLUSIVE_ATTEMPTS && result.status === 'inconclusive' && !signal?.aborted; n++) {
    result = await attempt();
    if (result.status === 'inconclusive' && n === INCONCLUSIVE_ATTEMPTS) {
      result = { ...result, message: `${result.message} [inconclusive in each of ${n} attempts]` };
    }
  }
  return result;
}

/** Runs independent checks in parallel; answers results in plan order. Never throws. */
export async function runChecks(checks: readonly PlannedCheck[], target: Target, opts: RunOptions): Promise<CheckResult[]> {
  opts.onEvent?.({ type: 'start', total: checks.length });
  let done = 0;
  const results = await mapPool(checks, opts.concurrency, async (check) => {
    const suite = SUITES.get(check.suite);
    const result: CheckResult = suite
      ? await withRetries(() => executeCheck(check, target, suite.compiled(), opts), opts.signal)
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
    opts.onEvent?.({ type: 'check-done', result, done: ++done, total: checks.length });
    return result;
  });
  // No signal is passed to the pool: a stopped run still answers every check (executeCheck errors it).
  return results as CheckResult[];
}
