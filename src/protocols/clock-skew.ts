/** Timestamps deliberately off the target's clock, shared by every signed protocol. */

/**
 * The timestamp `offsetS` seconds off the target's now, in whole seconds (the plain form has no
 * milliseconds). Rounded so the realised difference never crosses toward the window's edge: a case
 * inside the window stays at most |offsetS| away, a case outside at least |offsetS| away.
 */
export function skewedTimestamp(targetNowMs: number, offsetS: number, skewS: number): number {
  const exact = targetNowMs + offsetS * 1000;
  if (offsetS === 0) return Math.round(exact / 1000) * 1000;
  const outward = Math.abs(offsetS) > skewS;
  const up = offsetS > 0 === outward;
  return (up ? Math.ceil(exact / 1000) : Math.floor(exact / 1000)) * 1000;
}
