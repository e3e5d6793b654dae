/** Short texts and the result builder shared by the preflights of every protocol. */
import type { Preflight, PreflightProblemKind } from '../report/types.js';

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
