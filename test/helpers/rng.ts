import { mulberry32 } from '../../src/load/mix.js';

/** A small deterministic PRNG (mulberry32, the load mix's own), so a fuzz failure names a reproducible seed. */
export function rng(seed: number): () => number {
  return mulberry32(seed);
}
