import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The self-test (test/proof/) runs on its own: npm run self-test (vitest.self-test.config.ts); so
    // does the scale-out proof (test/scaleout/: Artillery, Node >= 22.18): npm run test:scaleout.
    exclude: [...configDefaults.exclude, 'test/proof/**', 'test/scaleout/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Test files share a worker's module cache (specs compiled once per worker, not once per file): the
    // import time was a third of the run. Every test builds its own server and state.
    isolate: false,
    // Vitest's default on 2 cores is one worker; the tests spend much of their time waiting on loopback HTTP.
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
    // npm run coverage: line and branch coverage of src/ (v8), per folder in the text summary.
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: [['text-summary'], ['text', { skipFull: false }], ['json-summary'], ['html', { subdir: 'html' }]],
      reportsDirectory: 'reports/coverage',
      // Written when a test fails too: the README's table can be rewritten from the run that says it is stale.
      reportOnFailure: true,
      // Floors only where they guard something: each protocol's signing, envelopes, timestamps
      // and request building (sign, envelope, timestamp, client, send), where an untested branch is a wrong verdict.
      thresholds: {
        'src/protocols/*/{sign,envelope,timestamp,client,send}.ts': { branches: 90 },
      },
    },
  },
});
