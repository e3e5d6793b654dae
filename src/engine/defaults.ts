/**
 * Defaults of a conformance run, in one place (units in names). A module of its own, importing
 * nothing, so that `promoproof check --help` can print them without loading the engine.
 */
export const CHECK_DEFAULTS = {
  // From npm run bench (the suite against a target 20 ms away): 8 → 16 → 32 halves then steadies the
  // time (×3.2, ×2.0, ×1.6 of the embedded run); 48 and 64 gain nothing. Steps of a check stay in order.
  concurrency: 32,
  timeoutMs: 10_000,
  maxBodyBytes: 4 * 1024 * 1024,
  suites: ['jd-promotion'] as readonly string[],
  /** Failures the console shows in full before one line counting the rest (`--max-failures-shown`). */
  maxFailuresShown: 10,
} as const;
