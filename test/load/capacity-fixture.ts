/**
 * Capacity searches for the verdict and report tests, built by describeSearch from steps given as
 * `[rate, verdict, overrides]` (the held and the broken steps chosen as searchCapacity chooses them), so
 * that their headlines are the ones the command prints.
 */
import { CAPACITY_DEFAULTS, describeSearch, type StepRun } from '../../src/load/capacity.js';
import type { CapacitySearch, CapacitySettings, CapacityStep } from '../../src/load/types.js';

/** The command's defaults, without the warm-up (a described search runs nothing). */
const { gates: _gates, ...defaults } = CAPACITY_DEFAULTS;
export const CAPACITY_SETTINGS: CapacitySettings = { ...defaults, warmUpMs: 0 };

/** One step of `rate`/s: held steps pass their audit; broke ones missed `claim.p99<5ms` unless told otherwise. */
export function capacityStep(step: number, rate: number, verdict: CapacityStep['verdict'], over: Partial<CapacityStep> = {}): CapacityStep {
  const reasons =
    verdict === 'broke'
      ? ['claim.p99<5ms (p99 of successes: 9 ms)']
      : verdict === 'generator-limit'
        ? ['the generator did not keep up: late sends: 40 of 1000']
        : verdict === 'not-judged'
          ? ['the step stopped early (interrupted)']
          : [];
  return {
    step,
    kind: 'up',
    intendedRatePerS: rate,
    achievedRatePerS: rate,
    sent: rate * 10,
    p50Ms: 1,
    p99Ms: rate / 100,
    errors: 0,
    answers: rate * 10,
    nonConformant: 0,
    audit: 'passed',
    violated: [],
    sloMissed: verdict === 'broke' ? reasons : [],
    generatorValid: verdict !== 'generator-limit',
    verdict,
    reasons,
    durationMs: 10_000,
    ...over,
  };
}

/** The search over `steps`, stopped by `stoppedBy`. */
export function capacitySearch(
  steps: readonly [number, CapacityStep['verdict'], Partial<CapacityStep>?][],
  stoppedBy: CapacitySearch['stoppedBy'],
): CapacitySearch {
  const runs: StepRun<null>[] = steps.map(([rate, verdict, over], i) => ({ step: capacityStep(i + 1, rate, verdict, over), run: null }));
  const held = runs.filter((r) => r.step.verdict === 'held').sort((a, b) => b.step.intendedRatePerS - a.step.intendedRatePerS)[0];
  const broke = runs.filter((r) => r.step.verdict === 'broke').sort((a, b) => a.step.intendedRatePerS - b.step.intendedRatePerS)[0];
  return describeSearch<null>(
    { stoppedBy, runs, ...(held ? { held } : {}), ...(broke ? { broke } : {}), durationMs: 42_000 },
    CAPACITY_SETTINGS,
    [],
    { operation: 'claim', class: 'success' },
  );
}

/** A violated stock invariant, as judgeStep writes it. */
export const OVERSOLD: Partial<CapacityStep> = {
  audit: 'failed',
  violated: ['stock (expected ≤ 20, observed 23)'],
  sloMissed: [],
  reasons: ['the audit found violated: stock (expected ≤ 20, observed 23)'],
};
