import type { JsonSchema } from './types.js';

/** Smallest step a number may take under a schema: 1 for integers, 10^-decimalPlaces, else 0.1. */
export function stepOf(s: JsonSchema): number {
  if (s['type'] === 'integer') return 1;
  return typeof s['decimalPlaces'] === 'number' ? 10 ** -(s['decimalPlaces'] as number) : 0.1;
}

/** Rounds away float noise: 0.30000000000000004 → 0.3. */
export function tidy(n: number): number {
  return Number(n.toFixed(6));
}
