import { faultDescription, faultRules, namedFaults, specMutationIds, type FaultId } from '../reference/faults.js';
import type { CheckResult } from '../report/types.js';
import type { PlannedCheck } from '../scenario/types.js';
import { runConformance } from './conformance.js';
import { mapPool } from '../core/pool.js';
import { DEFAULT_PROCESSES, MIN_FAULTS_PER_PROCESS, runInProcesses } from './self-test-processes.js';

export interface FaultVerdict {
  readonly fault: FaultId;
  readonly rules: readonly string[];
  readonly description: string;
  /**
   * Checks covering the fault's rules that failed with the fault on at a step that asserts (ids): a
   * step of the scenario with an `expect`, or its last step.
   */
  readonly caughtBy: readonly string[];
  /**
   * Checks covering the fault's rules that failed only at a setup step (a fixture's, or one without
   * `expect`): the fault broke their preparation, which proves nothing about the rules they assert.
   */
  readonly setupFailures: readonly string[];
  /** Checks covering the fault's rules that ran. */
  readonly checks: number;
}

export interface Score {
  readonly caught: number;
  readonly total: number;
  readonly missed: readonly FaultVerdict[];
}

export interface SelfTestResult {
  /** The suite against the clean reference: every check must pass. */
  readonly clean: { readonly total: number; readonly notPassed: readonly CheckResult[] };
  /** The named faults (one per must rule the reference enforces). */
  readonly faults: readonly FaultVerdict[];
  readonly faultScore: Score;
  /** The spec mutations (every limit one step looser and stricter, codes, transitions), when asked for. */
  readonly mutations: readonly FaultVerdict[];
  readonly mutationScore: Score;
  /**
   * Checks not proven able to fail: no fault or mutation of their own rules made them fail at a step
   * that asserts (failures at setup steps do not count).
   */
  readonly unproven: readonly string[];
}

export interface SelfTestOptions {
  readonly concurrency?: number;
  /** Faults run at once in each process (each on its own reference). */
  readonly parallel?: number;
  /**
   * Processes the faults are shared out to (src/engine/self-test-process.ts), each running `parallel`
   * at once: the reference and the checks of one fault share an event loop, so one process keeps one
   * core busy. Default: 2 (the machines have 2 cores) when there are enough faults to pay for starting
   * them; 1 runs them in this process.
   */
  readonly processes?: number;
  /** Also run the spec mutations (default true). */
  readonly mutations?: boolean;
  readonly onVerdict?: (v: FaultVerdict, done: number, total: number) => void;
  readonly signal?: AbortSignal;
}

function score(verdicts: readonly FaultVerdict[]): Score {
  const missed = verdicts.filter((v) => v.caughtBy.length === 0);
  return { caught: verdicts.length - missed.length, total: verdicts.length, missed };
}

/**
 * One fault (or spec mutation) against the checks covering its rules, on a reference of its own:
 * caught when one of them fails at a step that asserts. Never throws: a run that could not happen is
 * a verdict saying so.
 */
export async function runFault(
  checks: readonly PlannedCheck[],
  fault: FaultId,
  concurrency: number | undefined,
  signal?: AbortSignal,
): Promise<FaultVerdict> {
  const rules = faultRules(fault);
  const relevant = checks.filter((c) => c.rules.some((r) => rules.includes(r)));
  let report: Awaited<ReturnType<typeof runConformance>> | undefined;
  let problem: string | undefined;
  try {
    report = relevant.length > 0 ? await runConformance({ checks: relevant, fault, concurrency, signal }) : undefined;
  } catch (e) {
    problem = (e as Error).message;
  }
  const failed = (report?.results ?? []).filter((r) => r.status === 'failed');
  const description = faultDescription(fault);
  return {
    fault,
    rules,
    description: problem ? `${description} (could not run: ${problem})` : description,
    caughtBy: failed.filter((r) => r.failure?.asserting === true).map((r) => r.id),
    setupFailures: failed.filter((r) => r.failure?.asserting !== true).map((r) => r.id),
    checks: relevant.length,
  };
}

/**
 * The suite's mutation score: for each fault (and spec mutation) of the reference, run the checks
 * covering its rules against the reference with it on; it is caught when one of them fails at a step
 * that asserts (a failure at a setup step proves nothing about the rule).
 */
export async function selfTest(checks: readonly PlannedCheck[], opts: SelfTestOptions = {}): Promise<SelfTestResult> {
  const clean = await runConformance({ checks, concurrency: opts.concurrency, signal: opts.signal });
  // The faults of the APIs the checks call: a fault of another API has nothing here to catch it.
  const apis = new Set(checks.map((c) => c.api));
  const named: FaultId[] = namedFaults()
    .filter((f) => apis.has(f.api))
    .map((f) => f.id);
  const mutated: FaultId[] =
    opts.mutations === false
      ? []
      : specMutationIds()
          .filter((m) => apis.has(m.api))
          .map((m) => m.id);
  const all = [...named, ...mutated];
  let done = 0;
  const onVerdict = (v: FaultVerdict) => opts.onVerdict?.(v, ++done, all.length);
  const parallel = opts.parallel ?? 2;
  const processes = opts.processes ?? (all.length >= MIN_FAULTS_PER_PROCESS * 2 ? DEFAULT_PROCESSES : 1);
  const verdicts =
    processes > 1
      ? await runInProcesses(checks, all, { processes, parallel, concurrency: opts.concurrency, signal: opts.signal, onVerdict })
      : await mapPool(
          all,
          parallel,
          async (fault) => {
            const v = await runFault(checks, fault, opts.concurrency, opts.signal);
            onVerdict(v);
            return v;
          },
          opts.signal,
        );
  const ran = verdicts.filter((v): v is FaultVerdict => v !== undefined);
  const proven = new Set(ran.flatMap((v) => v.caughtBy));
  const faults = ran.filter((v) => !v.fault.startsWith('spec:'));
  const mutations = ran.filter((v) => v.fault.startsWith('spec:'));
  return {
    clean: { total: clean.results.length, notPassed: clean.results.filter((r) => r.status !== 'passed') },
    faults,
    faultScore: score(faults),
    mutations,
    mutationScore: score(mutations),
    unproven: checks.filter((c) => !proven.has(c.id)).map((c) => c.id),
  };
}
