import { describe, expect, it } from 'vitest';
import { planChecks } from '../../src/engine/conformance.js';
import { selfTest } from '../../src/engine/self-test.js';
import { FAULTS } from '../../src/reference/faults.js';
import { loadRules } from '../../src/spec/load.js';

/**
 * The proof that the suite can fail: against the clean reference every check passes; against
 * each fault, a check covering the fault's rule fails; and every check of the suite fails under
 * at least one fault or spec mutation of its own rules, so none of them is a check that cannot fail.
 */
describe('the jd-promotion suite against the reference and its faults', () => {
  it('passes clean, catches every fault, and shows every check can fail', async () => {
    const checks = planChecks({});
    const result = await selfTest(checks, { parallel: 2 });

    expect(result.clean.notPassed.map((r) => `${r.id}: ${r.message}`)).toEqual([]);
    expect(result.clean.total).toBe(checks.length);

    expect(result.faults).toHaveLength(Object.keys(FAULTS).length);
    expect(result.faultScore.missed.map((m) => m.fault)).toEqual([]);
    for (const v of result.faults) {
      expect(v.caughtBy.length, `${v.fault} (${v.rules.join(', ')})`).toBeGreaterThan(0);
    }

    expect(result.neverFailed).toEqual([]);

    // Surviving mutations are equivalent ones (e.g. a base schema every variant replaces, an enum
    // that refuses text anyway); the score guards against the suite losing reach.
    expect(result.mutationScore.caught / result.mutationScore.total).toBeGreaterThanOrEqual(0.88);
  }, 400_000);

  it('covers every JOS and JDP rule, must and ref', () => {
    const covered = new Set(planChecks({}).flatMap((c) => c.rules));
    const families = loadRules().filter((r) => /^(JOS|JDP)-/.test(r.id));
    expect(families.filter((r) => !covered.has(r.id)).map((r) => r.id)).toEqual([]);
  });
});
