import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The self-test (test/proof/) runs on its own: npm run self-test (vitest.self-test.config.ts).
    exclude: [...configDefaults.exclude, 'test/proof/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default on 2 cores is one worker; the tests spend much of their time waiting on loopback HTTP.
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
