/**
 * The capacity search alone (src/load/capacity.ts searchCapacity, nextRate, describeSearch) driven by
 * model targets: a step runner that holds up to a rate and breaks above it, so that the sequence of
 * rates, the bisection, every bound and the headline are exact. No network, no timing.
 */
import { describe, expect, it } from 'vitest';
import { capacityExitOf } from '../../src/cli/load-capacity.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import {
  capacitySettings,
  describeSearch,
  latencyOfSlos,
  nextRate,
  type SearchOutcome,
  searchCapacity,
  type StepRequest,
  type StepRun,
  withDefaultGates,
} from '../../src/load/capacity.js';
import { parseSlo } from '../../src/load/profile.js';
import type { GateSlo } from '../../src/load/slo.js';
import type { CapacitySettings, CapacityStep, LoadProfileDoc } from '../../src/load/types.js';

const SETTINGS: CapacitySettings = {
  fromPerS: 100,
  factor: 2,
  resolution: 0.05,
  maxRatePerS: 50_000,
  maxSteps: 20,
  maxTimeMs: 600_000,
  maxRequests: 10_000_000,
  stepDurationMs: 1_000,
  warmUpMs: 0,
};

/** A step as a runner reports it: `verdict` at `req`'s rate, each step one duration of wall time. */
function step(req: StepRequest, verdict: CapacityStep['verdict'], reasons: string[] = [], over: Partial<CapacityStep> = {}): CapacityStep {
  return {
    step: req.step,
    kind: req.kind,
    intendedRatePerS: req.ratePerS,
    achievedRatePerS: req.ratePerS,
    sent: Math.round(req.ratePerS),
    p50Ms: 1,
    p99Ms: req.ratePerS / 100,
    errors: 0,
    answers: Math.round(req.ratePerS),
    nonConformant: 0,
    audit: 'passed',
    violated: [],
    sloMissed: [],
    generatorValid: verdict !== 'generator-limit',
    verdict,
    reasons,
    durationMs: 1_000,
    ...over,
  };
}

/** A target that holds every rate up to `limit` and misses its p99 gate above it. */
function holdsUpTo(limit: number) {
  return async (req: StepRequest): Promise<StepRun<null>> => ({
    step: req.ratePerS <= limit ? step(req, 'held') : step(req, 'broke', ['claim.p99<5ms (p99 of successes: 9 ms)']),
    run: null,
  });
}

const rates = (o: SearchOutcome<null>) => o.runs.map((r) => `${r.step.kind}:${r.step.intendedRatePerS}`);

describe('searchCapacity', () => {
  it('multiplies while steps hold, then bisects between the highest held and the lowest broken until within the resolution', async () => {
    const o = await searchCapacity({ settings: SETTINGS, runStep: holdsUpTo(730) });
    expect(rates(o)).toEqual(['up:100', 'up:200', 'up:400', 'up:800', 'bisect:600', 'bisect:700', 'bisect:750', 'bisect:725']);
    expect(o.stoppedBy).toBe('resolution');
    expect(o.held?.step.intendedRatePerS).toBe(725);
    expect(o.broke?.step.intendedRatePerS).toBe(750);
    // 750 − 725 is 3.4 % of 725: within 5 %; a finer resolution goes on.
    const fine = await searchCapacity({ settings: { ...SETTINGS, resolution: 0.01 }, runStep: holdsUpTo(730) });
    const [held = 0, broke = 0] = [fine.held?.step.intendedRatePerS, fine.broke?.step.intendedRatePerS];
    expect(held).toBeLessThanOrEqual(730);
    expect(broke).toBeGreaterThan(730);
    expect((broke - held) / held).toBeLessThanOrEqual(0.01);
    expect(fine.runs.length).toBeGreaterThan(o.runs.length);
  });

  it('stops at the first step when it breaks, and at --max-rate when every step holds', async () => {
    const first = await searchCapacity({ settings: SETTINGS, runStep: holdsUpTo(50) });
    expect(first.stoppedBy).toBe('first-step-broke');
    expect(first.runs).toHaveLength(1);
    expect(first.held).toBeUndefined();
    const capped = await searchCapacity({ settings: { ...SETTINGS, maxRatePerS: 1_000 }, runStep: holdsUpTo(1e9) });
    expect(rates(capped)).toEqual(['up:100', 'up:200', 'up:400', 'up:800', 'up:1000']);
    expect(capped.stoppedBy).toBe('max-rate');
  });

  it('is bounded by --max-steps, by the request cap (a step that would not fit is not started) and by the time', async () => {
    const steps = await searchCapacity({ settings: { ...SETTINGS, maxSteps: 3 }, runStep: holdsUpTo(730) });
    expect(steps.runs).toHaveLength(3);
    expect(steps.stoppedBy).toBe('max-steps');
    // 100 + 200 + 400 = 700 fit in 1,000; 800 more would not.
    const cap = await searchCapacity({ settings: { ...SETTINGS, maxRequests: 1_000 }, runStep: holdsUpTo(1e9) });
    expect(rates(cap)).toEqual(['up:100', 'up:200', 'up:400']);
    expect(cap.stoppedBy).toBe('request-cap');
    const budgets: number[] = [];
    await searchCapacity({
      settings: { ...SETTINGS, maxRequests: 1_000 },
      runStep: async (req) => {
        budgets.push(req.budget);
        return { step: step(req, 'held'), run: null };
      },
    });
    expect(budgets).toEqual([1_000, 900, 700]);
    // A model clock: each step takes 1 s plus 4 s of setup and audit; 12 s leaves room for two.
    let clock = 0;
    const time = await searchCapacity({
      settings: { ...SETTINGS, maxTimeMs: 12_000 },
      nowMs: () => clock,
      runStep: async (req) => {
        clock += 5_000;
        return { step: step(req, 'held', [], { durationMs: 5_000 }), run: null };
      },
    });
    expect(time.runs).toHaveLength(2);
    expect(time.stoppedBy).toBe('max-time');
  });

  it("stops at the generator's limit: not the target's capacity", async () => {
    const o = await searchCapacity({
      settings: SETTINGS,
      runStep: async (req) => ({
        step: req.ratePerS >= 400 ? step(req, 'generator-limit', ['the generator did not keep up: late sends']) : step(req, 'held'),
        run: null,
      }),
    });
    expect(rates(o)).toEqual(['up:100', 'up:200', 'up:400']);
    expect(o.stoppedBy).toBe('generator-limit');
    expect(o.held?.step.intendedRatePerS).toBe(200);
    const c = describeSearch(o, SETTINGS, [], { class: 'success' });
    expect(c.headline).toBe(
      "holds 200/s (all operations p99 2.00 ms), exact; the generator's limit, not the target's, was reached at 400/s: late sends",
    );
    expect(capacityExitOf(c)).toBe(EXIT.invalidRun);
  });

  it('stops on an abort and returns the steps so far; a step stopped by the deadline says max-time', async () => {
    const stop = new AbortController();
    const o = await searchCapacity({
      settings: SETTINGS,
      signal: stop.signal,
      runStep: async (req) => {
        if (req.step === 3) {
          stop.abort();
          return { step: step(req, 'not-judged', ['the step stopped early (interrupted)']), run: null };
        }
        return { step: step(req, 'held'), run: null };
      },
    });
    expect(o.stoppedBy).toBe('interrupted');
    expect(rates(o)).toEqual(['up:100', 'up:200', 'up:400']);
    expect(o.held?.step.intendedRatePerS).toBe(200);
    const deadline = await searchCapacity({
      settings: SETTINGS,
      pastDeadline: () => true,
      runStep: async (req) => ({ step: step(req, 'not-judged'), run: null }),
    });
    expect(deadline.stoppedBy).toBe('max-time');
  });
});

describe('nextRate', () => {
  it('never repeats a rate: a gap of one request/s cannot be split', () => {
    expect(nextRate(SETTINGS, 10, 11)).toBe('resolution');
    expect(nextRate({ ...SETTINGS, resolution: 0.001 }, 10, 11)).toBe('resolution');
    expect(nextRate({ ...SETTINGS, resolution: 0.001 }, 10, 12)).toEqual({ ratePerS: 11, kind: 'bisect' });
    // A factor that rounds to the same rate still moves up.
    expect(nextRate({ ...SETTINGS, factor: 1.05 }, 1, undefined)).toEqual({ ratePerS: 2, kind: 'up' });
  });
});

describe('the search in words and its exit code', () => {
  const run = (verdicts: [number, CapacityStep['verdict'], Partial<CapacityStep>?][], stoppedBy: SearchOutcome<null>['stoppedBy']) => {
    const runs = verdicts.map(([rate, v, over], i) => ({
      step: step({ step: i + 1, kind: 'up', ratePerS: rate, budget: 0 }, v, v === 'broke' ? ['errors<1% (errors 3 %)'] : [], over),
      run: null,
    }));
    const held = runs.filter((r) => r.step.verdict === 'held').at(-1);
    const broke = runs.find((r) => r.step.verdict === 'broke');
    return describeSearch<null>({ stoppedBy, runs, ...(held ? { held } : {}), ...(broke ? { broke } : {}), durationMs: 1 }, SETTINGS, [], {
      operation: 'claim',
      class: 'success',
    });
  };

  it('a capacity found exits 0 and says the held rate, its p99, exactness and what broke above it', () => {
    const c = run(
      [
        [100, 'held'],
        [200, 'held'],
        [400, 'broke'],
        [300, 'held'],
        [350, 'held'],
        [375, 'held'],
      ],
      'resolution',
    );
    expect(c.headline).toBe('holds 375/s (claim p99 3.75 ms), exact; breaks at 400/s: errors<1% (errors 3 %)');
    expect(c.heldRatePerS).toBe(375);
    expect(c.brokeAtRatePerS).toBe(400);
    expect(capacityExitOf(c)).toBe(EXIT.ok);
  });

  it('a violated invariant at any rate exits 1 (the capacity still reported); no rate held exits 5; a partial audit at the held rate exits 7', () => {
    const oversold = run(
      [
        [100, 'held'],
        [200, 'broke', { audit: 'failed', violated: ['stock (expected ≤ 20, observed 23)'], reasons: ['the audit found violated: stock'] }],
      ],
      'resolution',
    );
    expect(oversold.headline).toBe('holds 100/s (claim p99 1.00 ms), exact; breaks at 200/s: the audit found violated: stock');
    expect(capacityExitOf(oversold)).toBe(EXIT.checkFailed);
    const none = run([[100, 'broke']], 'first-step-broke');
    expect(none.headline).toBe('no rate held: the first step, 100/s, broke: errors<1% (errors 3 %)');
    expect(capacityExitOf(none)).toBe(EXIT.sloMissed);
    const partial = run(
      [
        [100, 'held', { audit: 'partial' }],
        [200, 'broke'],
      ],
      'resolution',
    );
    expect(partial.exactness).toBe('not-verified');
    expect(partial.headline).toContain('holds 100/s (claim p99 1.00 ms), exactness not verified (the audit was partial); breaks at 200/s');
    expect(capacityExitOf(partial)).toBe(EXIT.auditPartial);
    const bound = run(
      [
        [100, 'held'],
        [200, 'held'],
      ],
      'max-steps',
    );
    expect(bound.headline).toBe('holds 200/s (claim p99 2.00 ms), exact; no break found: stopped after 20 steps (--max-steps)');
    expect(capacityExitOf(bound)).toBe(EXIT.ok);
  });
});

describe('the settings and the gates', () => {
  const doc = { profile: 'p', phases: [{ phase: 'steady', duration: '20s', rate: 500 }] } as unknown as LoadProfileDoc;
  const gate = (text: string): GateSlo => ({ ...parseSlo(text), text, source: 'profile' });

  it("start at the profile's steady rate, and refuse settings that cannot make one step", () => {
    expect(capacitySettings(doc)).toMatchObject({ fromPerS: 500, factor: 2, resolution: 0.05, stepDurationMs: 10_000, warmUpMs: 2_000 });
    expect(capacitySettings(doc, { stepDurationMs: 500 }).warmUpMs).toBe(500);
    expect(() => capacitySettings(doc, { maxRatePerS: 100 })).toThrow(/above --max-rate/);
    expect(() => capacitySettings(doc, { maxRequests: 100 })).toThrow(/needs more than --requests 100/);
    expect(() => capacitySettings(doc, { maxTimeMs: 5_000 })).toThrow(/does not fit in --max-time/);
  });

  it('add achieved>=95% and errors<1% unless gated already, and show the first latency gate', () => {
    expect(withDefaultGates([gate('claim.p99<2s')]).map((g) => g.text)).toEqual(['claim.p99<2s', 'achieved>=95%', 'errors<1%']);
    expect(withDefaultGates([gate('errors<0.1%'), gate('achieved>=99%')]).map((g) => g.text)).toEqual(['errors<0.1%', 'achieved>=99%']);
    // One operation's errors are not the run's: the run's gate is still added.
    expect(withDefaultGates([gate('claim.errors<5%')]).map((g) => g.text)).toContain('errors<1%');
    expect(latencyOfSlos(withDefaultGates([gate('errors<1%'), gate('claim.refusal.p99<100ms')]))).toEqual({
      operation: 'claim',
      class: 'refusal',
    });
    expect(latencyOfSlos([])).toEqual({ class: 'success' });
  });
});
