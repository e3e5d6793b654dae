/** The preflight's outcome, and the short texts and result builder shared by the preflights of every protocol. */

/** What stops a run before it starts: see src/engine/preflight.ts and each protocol's preflight.ts. */
export type PreflightProblemKind = 'unreachable' | 'wrong-protocol' | 'credentials' | 'clock' | 'test-control';

/** The outcome of the preflight: one harmless signed call (and the test-control routes when claimed). */
export interface Preflight {
  /** True when the target speaks the API's protocol at its URL and takes our credentials and timestamps. */
  readonly ok: boolean;
  /** The problem, when not ok. */
  readonly kind?: PreflightProblemKind;
  /** One line: what was found, or what is wrong and what to do. */
  readonly message: string;
  /** Worth saying, not worth stopping for (a clock a few seconds off, an unknown method). */
  readonly warnings: readonly string[];
  readonly durationMs: number;
  /** The facts behind the message: HTTP status, content type, bytes, answer, code, clock offset… */
  readonly details: Readonly<Record<string, string | number | boolean>>;
}

/**
 * The preflight's `done(kind, message)`: `ok` without a kind, the duration since `t0`, and the
 * warnings and details gathered so far (the same objects, so later additions show).
 */
export function preflightOutcome(
  t0: number,
  warnings: string[],
  details: Record<string, string | number | boolean>,
): (kind: PreflightProblemKind | undefined, message: string) => Preflight {
  return (kind, message) => ({
    ok: kind === undefined,
    ...(kind !== undefined ? { kind } : {}),
    message,
    warnings,
    durationMs: Math.round(performance.now() - t0),
    details,
  });
}

/** 76 B, 1.2 kB, 3.4 MB (decimal units). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} kB`;
  return `${(n / 1_000_000).toFixed(1)} MB`;
}

export function cut(s: string, max: number): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
