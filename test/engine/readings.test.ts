import { afterEach, describe, expect, it } from 'vitest';
import { ALL_READINGS } from '../../src/apis/jd-promotion/readings.js';
import { planChecks, runConformance } from '../../src/engine/conformance.js';
import { closeIndependents, falseAlarms, independent } from '../helpers/independent.js';

afterEach(closeIndependents);

/**
 * "Never stricter than the document", by construction (test/helpers/independent.ts): the reference with
 * every reading the documents allow, on a foreign catalogue, fails no `must` check. Each reading alone
 * is the longer proof in test/proof/readings.test.ts (npm run self-test).
 */
describe('an independent correct implementation (the reference under every reading, a foreign catalogue)', () => {
  const checks = planChecks({ suites: ['jd-promotion'] });

  it('fails no must check, with test control', async () => {
    const report = await runConformance({ checks, target: await independent(ALL_READINGS, ['test-control']) });
    expect(falseAlarms(report.results)).toEqual([]);
    // The readings depart from our own choices: ref checks notice, and are reported apart.
    expect(report.results.some((r) => r.level === 'ref' && r.status === 'failed')).toBe(true);
  }, 120_000);

  it('fails no must check, without test control', async () => {
    const report = await runConformance({ checks, target: await independent(ALL_READINGS, []) });
    expect(falseAlarms(report.results)).toEqual([]);
  }, 120_000);
});
