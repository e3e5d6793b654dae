import { defineConfig } from 'vitest/config';

/**
 * `npm run test:scaleout`: the scale-out proof (test/scaleout/), which runs Artillery in processes of
 * its own. It needs the scale-out install (`npm run scaleout:install`) and Node >= 22.18, so it is not
 * part of `npm test`; run it as `npx --package=node@22 -- npm run test:scaleout`. Without either, its
 * tests are skipped with the reason.
 */
export default defineConfig({
  test: {
    include: ['test/scaleout/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
