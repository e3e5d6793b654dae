import { afterEach, describe, expect, it } from 'vitest';
import { ALL_READINGS, READINGS } from '../../src/apis/jd-promotion/readings.js';
import { planChecks, runConformance } from '../../src/engine/conformance.js';
import { closeIndependents, falseAlarms, independent } from '../helpers/independent.js';

afterEach(closeIndependents);

/**
 * The long half of test/engine/readings.test.ts (npm run self-test): each reading the documents allow,
 * alone, on a foreign catalogue, fails no `must` check of the suite.
 */
describe('an independent correct implementation (the reference under every reading, a foreign catalogue)', () => {
  const checks = planChecks({ suites: ['jd-promotion'] });

  it('fails no must check under each reading alone', async () => {
    for (const reading of ALL_READINGS) {
      const report = await runConformance({ checks, target: await independent([reading], ['test-control']) });
      expect(falseAlarms(report.results), `${reading}: ${READINGS[reading].description}`).toEqual([]);
    }
  }, 300_000);
});
