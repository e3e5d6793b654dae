import { afterEach, describe, expect, it } from 'vitest';
import { ALL_READINGS } from '../../src/apis/readings.js';
import { planChecks, runConformance } from '../../src/engine/conformance.js';
import { startEmbedded } from '../../src/engine/targets/embedded.js';
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

/**
 * The coupon platform's readings (READINGS entries with `api`), all on: the upload and coupon suites fail no `must`
 * check, and the `ref` check of each of our choices a reading departs from notices it.
 */
describe('an independent coupon platform (the reference under every reading)', () => {
  it('fails no must check; our capping of a coupon worth more than the order is a ref check', async () => {
    const embedded = await startEmbedded({ readings: ALL_READINGS });
    try {
      const report = await runConformance({ suites: ['tencent-coupon-batch', 'jd-coupon', 'yoho-user-coupon'], target: embedded.target });
      expect(falseAlarms(report.results)).toEqual([]);
      const byId = new Map(report.results.map((r) => [r.id, r]));
      // Refused under the reading: the must check takes the refusal, the ref check of our capping does not.
      expect(byId.get('cpn-verify-above-eligible')).toMatchObject({ level: 'must', status: 'passed' });
      expect(byId.get('cpn-verify-capping')).toMatchObject({ level: 'ref', status: 'failed' });
      expect(byId.get('cpn-verify-capping')?.message).toContain('coupon.not.applicable');
    } finally {
      await embedded.close();
    }
  }, 120_000);
});
