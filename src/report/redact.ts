/** What a secret is replaced by. */
export const REDACTED = '***';

/** Shorter secrets are ignored: replacing them would mangle ordinary text. */
export const MIN_SECRET_LENGTH = 4;

/**
 * Returns a deep copy of `value` in which every occurrence of every secret (of at least
 * `MIN_SECRET_LENGTH` characters) inside any string, object keys included, is replaced by `***`.
 * Each secret is also looked for in its URL-encoded forms (`encodeURIComponent` and form encoding),
 * as it appears in URLs and curl lines. Longer secrets are replaced first, so a secret that contains
 * another is removed whole. Arrays and plain objects are copied; other values are returned as they are.
 * Meant as the last guard before a report is rendered.
 */
export function redactSecrets<T>(value: T, secrets: readonly string[]): T {
  const needles = secretForms(secrets);
  if (needles.length === 0) return copy(value, (s) => s, new WeakMap()) as T;
  const redact = (s: string): string => {
    let out = s;
    for (const needle of needles) if (out.includes(needle)) out = out.split(needle).join(REDACTED);
    return out;
  };
  return copy(value, redact, new WeakMap()) as T;
}

/** Every form of every usable secret, longest first, without duplicates. */
function secretForms(secrets: readonly string[]): readonly string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue;
    forms.add(secret);
    try {
      forms.add(encodeURIComponent(secret));
    } catch {
      // A lone surrogate cannot be URL-encoded; the raw form is still redacted.
    }
    forms.add(new URLSearchParams({ s: secret }).toString().slice(2));
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function copy(value: unknown, redact: (s: string) => string, seen: WeakMap<object, unknown>): unknown {
  if (typeof value === 'string') return redact(value);
  if (value === null || typeof value !== 'object') return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(copy(item, redact, seen));
    return out;
  }
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>;
  seen.set(value, out);
  for (const [k, v] of Object.entries(value)) {
    Object.defineProperty(out, redact(k), { value: copy(v, redact, seen), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
