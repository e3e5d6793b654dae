/**
 * Defaults and limits of promoproof itself, in one place (units in names): what a run does unless
 * told otherwise (CHECK_DEFAULTS, the CLI's options), and the fixed limits of its probes (LIMITS).
 * A module of its own, importing nothing, so that `promoproof check --help` can print them without
 * loading the engine. Nothing here is of one API or protocol: a run's default suites are every API of
 * the registry (src/engine/conformance.ts defaultSuites). Display limits of the reports (lines and
 * characters shown) stay next to the renderer that uses them.
 */
export const CHECK_DEFAULTS = {
  // From npm run bench (the suite against a target 20 ms away, the README's Performance table): from 8
  // to 16 to 32 the time falls steeply, beyond 32 (48, 64) it does not. Steps of a check stay in order.
  concurrency: 32,
  timeoutMs: 10_000,
  maxBodyBytes: 4 * 1024 * 1024,
  /** Failures the console shows in full before one line counting the rest (`--max-failures-shown`). */
  maxFailuresShown: 10,
} as const;

/** Fixed limits of the harness's own probes (not options). */
export const LIMITS = {
  /** Answers of the test-control routes, the plain reachability GET and the clock probe. */
  controlAnswerMaxBytes: 64 * 1024,
  /** The preflight's answer: enough to read an envelope, or to say what a foreign page is. */
  preflightAnswerMaxBytes: 256 * 1024,
  /** One request of the clock-offset estimate (HTTP Date headers). */
  clockProbeTimeoutMs: 5_000,
  /** A target without a Date header is assumed in step with us, within this much. */
  unknownClockUncertaintyMs: 5_000,
  /** A certain clock difference beyond this, inside the protocol's window, is a preflight warning. */
  clockWarnMs: 2_000,
  /**
   * Connections the reference's socket queues before accepting them (capped by net.core.somaxconn):
   * claim storms of several checks at once open hundreds together, and an overflowing queue resets
   * them (seen as ECONNRESET at concurrency 64).
   */
  listenBacklog: 4096,
} as const;
