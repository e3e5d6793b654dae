import { defineConfig } from 'vitest/config';

/**
 * `npm run self-test`: the proof that the suite can fail (test/proof/), too long for `npm test`.
 * `npm run self-test -- --update` rewrites test/proof/survivors.json from the run.
 */
const update = process.argv.slice(2).some((a) => a === '--update' || a === '-u' || a.startsWith('--update='));

export default defineConfig({
  test: {
    include: ['test/proof/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 2_400_000,
    pool: 'forks',
    reporters: ['default', './test/summary-reporter.ts'],
    env: update ? { PROMOPROOF_UPDATE_SURVIVORS: '1' } : {},
  },
});
