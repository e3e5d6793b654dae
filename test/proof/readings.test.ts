import { afterEach, describe, expect, it } from 'vitest';
import { ALL_READINGS, type ApiReading, READINGS } from '../../src/apis/readings.js';
import { planChecks, runConformance } from '../../src/engine/conformance.js';
import type { Target } from '../../src/engine/target.js';
import { startEmbedded } from '../../src/engine/targets/embedded.js';
import { closeIndependents, falseAlarms, independent } from '../helpers/independent.js';

afterEach(closeIndependents);

/**
 * The long half of test/engine/readings.test.ts (npm run self-test): each reading the documents allow,
 * alone, fails no `must` check of its API's suite (the JD promotion service's on a foreign catalogue).
 */
describe('an independent correct implementation (the reference under every reading, a foreign catalogue)', () => {
  const checks = planChecks({ suites: ['jd-promotion'] });

  it('fails no must check under each reading alone', async () => {
    for (const reading of ALL_READINGS) {
      const { api, description } = READINGS[reading] as ApiReading;
      // A reading of the JD promotion service runs against a foreign catalogue; another face's, its API's
      // suite against the reference with the reading on.
      const promotion = api === 'jd-promotion';
      const embedded = promotion ? undefined : await startEmbedded({ readings: [reading] });
      const target: Target = embedded?.target ?? (await independent([reading], ['test-control']));
      try {
        const report = await runConformance(promotion ? { checks, target } : { suites: [api], target });
        expect(falseAlarms(report.results), `${reading}: ${description}`).toEqual([]);
      } finally {
        await embedded?.close();
      }
    }
  }, 300_000);
});
