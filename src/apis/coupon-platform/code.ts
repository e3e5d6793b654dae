/**
 * Coupon codes: a coupon's platform-wide sequence number, mixed by a fixed odd multiplier modulo 2^48,
 * in base 36, prefixed: unique and unguessable-looking. The multiplier being odd, the mixing is a
 * bijection, so a code is read back to its sequence number — the platform finds a coupon by code
 * through its dense index by number instead of a hash map of every code ever issued (the costliest
 * write of a claim once the store outgrows the CPU caches: `npm run bench -- store`). Pure.
 */

const BITS = 48n;
const MASK = (1n << BITS) - 1n;
const MULTIPLIER = 0x9e3779b97f4a7c15n;

/** The inverse of MULTIPLIER modulo 2^48 (Newton's iteration: each step doubles the correct low bits). */
const INVERSE = (() => {
  const m = MULTIPLIER & MASK;
  let x = m; // correct to 3 bits for an odd m
  for (let i = 0; i < 5; i++) x = (x * (2n - m * x)) & MASK;
  return x;
})();

const SHAPE = /^pp[0-9a-z]{10}$/;

/** The code of the coupon numbered `id` (1 ≤ id < 2^48). */
export function couponCode(id: number): string {
  const mixed = (BigInt(id) * MULTIPLIER) & MASK;
  return `pp${mixed.toString(36).padStart(10, '0')}`;
}

/** The number a code was made from, or undefined when `code` is not one couponCode makes. */
export function couponIdOf(code: string): number | undefined {
  if (!SHAPE.test(code)) return undefined;
  const mixed = BigInt(Number.parseInt(code.slice(2), 36));
  if (mixed > MASK) return undefined;
  const id = Number((mixed * INVERSE) & MASK);
  // Two spellings of one number (leading zeros) are one code only: the canonical one.
  return id >= 1 && couponCode(id) === code ? id : undefined;
}
