import { createHmac, hash } from 'node:crypto';

/** Signing algorithms JOS accepts in `sign_method` (PROTOCOLS.md §1c). `md5` is the default. */
export type JosSignMethod = 'md5' | 'hmacmd5' | 'hmacsha256';

export const JOS_SIGN_METHODS: readonly JosSignMethod[] = ['md5', 'hmacmd5', 'hmacsha256'];

/** Parameters as they travel: every value a string, `sign` excluded by the caller or ignored here. */
export type JosParams = Readonly<Record<string, string | undefined>>;

/**
 * The pre-sign string: every parameter except `sign`, empty or whitespace-only values dropped,
 * keys in plain code-unit order, `key + value` concatenated with no separators and no URL-encoding.
 */
export function josSignBase(params: JosParams): string {
  // One pass and an insertion sort into place: a signed call has a dozen parameters, and two filters
  // then Array.prototype.sort cost twice this on every check and every signing (npm run bench -- reference).
  const keys: string[] = [];
  for (const k of Object.keys(params)) {
    if (k === 'sign' || k.length === 0) continue;
    const v = params[k];
    if (v === undefined || v.trim().length === 0) continue;
    let at = keys.length;
    for (; at > 0 && byCodeUnit(keys[at - 1] as string, k) > 0; at--) keys[at] = keys[at - 1] as string;
    keys[at] = k;
  }
  let out = '';
  for (const k of keys) out += k + params[k];
  return out;
}

/** Upper-case hex signature of `params` under `secret` (`md5` wraps the base in the secret; HMACs key it). */
export function josSign(params: JosParams, secret: string, method: JosSignMethod = 'md5'): string {
  const base = josSignBase(params);
  switch (method) {
    case 'md5':
      // The one-shot hash: no Hash object per call (the reference checks, and a load run makes, one per request).
      return hash('md5', secret + base + secret, 'hex').toUpperCase();
    case 'hmacmd5':
      return createHmac('md5', secret).update(base, 'utf8').digest('hex').toUpperCase();
    case 'hmacsha256':
      return createHmac('sha256', secret).update(base, 'utf8').digest('hex').toUpperCase();
  }
}

/** Reads `sign_method` the way the Java SDK does: case-insensitive, absent means md5, unknown is `undefined`. */
export function parseSignMethod(raw: string | undefined): JosSignMethod | undefined {
  if (raw === undefined || raw.trim() === '') return 'md5';
  const m = raw.trim().toLowerCase();
  return (JOS_SIGN_METHODS as readonly string[]).includes(m) ? (m as JosSignMethod) : undefined;
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
