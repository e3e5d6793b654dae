/**
 * Numbers of a load run as the HTML and Markdown reports print them (the console's own rendering,
 * src/load/render.ts, writes the same forms): counts with thousands separators, rates with one decimal
 * below 100/s, shares as percentages, latencies through render.ts `ms` (never `0 ms`).
 */

/** `12,345`. */
export function countText(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** `4.5`, `812`: requests per second (the unit is the caller's). */
export function rateText(perS: number): string {
  return perS < 100 ? (Math.round(perS * 10) / 10).toLocaleString('en-US') : countText(perS);
}

/** `12.3 %`; `<0.1 %` for a share that is not zero but rounds to it; '' when the whole is 0. */
export function shareText(part: number, whole: number): string {
  if (whole <= 0) return '';
  return percentText(part / whole);
}

/** A fraction as `12.3 %` (`<0.1 %` when it would round to zero). */
export function percentText(fraction: number): string {
  const p = fraction * 100;
  if (p > 0 && p < 0.1) return '<0.1 %';
  return `${p.toFixed(1)} %`;
}
