/**
 * Defaults of a conformance run, in one place (units in names). A module of its own, importing
 * nothing, so that `promoproof check --help` can print them without loading the engine.
 */
export const CHECK_DEFAULTS = {
  concurrency: 8,
  timeoutMs: 10_000,
  maxBodyBytes: 4 * 1024 * 1024,
  suites: ['jd-promotion'] as readonly string[],
  /** Failures the console shows in full before one line counting the rest (`--max-failures-shown`). */
  maxFailuresShown: 10,
} as const;
