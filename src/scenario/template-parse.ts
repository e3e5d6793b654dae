/**
 * The template language's parser: the text between `${` and `}` into an Expr, a string into literal
 * parts and expressions. Pure; the language itself is described in template.ts.
 */

/** One parsed `${…}` expression. */
export type Expr =
  | { readonly kind: 'time'; readonly base: 'now' | { readonly path: readonly (string | number)[] }; readonly offsetMs: number }
  | { readonly kind: 'var'; readonly path: readonly (string | number)[] }
  | { readonly kind: 'fresh'; readonly what: 'name' | 'int' }
  | { readonly kind: 'sku'; readonly index: number; readonly field: 'id' | 'price' | 'ware' }
  | { readonly kind: 'role'; readonly role: string; readonly index: number; readonly field: 'id' | 'price' | 'ware' }
  | { readonly kind: 'pool'; readonly index: number; readonly field: 'id' | 'price' | 'ware' };

/** How many SKUs of the pool one run may use: ${pool[0]} … ${pool[99]}. */
export const POOL_BLOCK = 100;

const DURATION_UNIT: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;

/** A malformed template, or one its context cannot answer (an unknown variable, a SKU the fixtures lack). */
export class TemplateError extends Error {}

/** Parses one expression (the text between `${` and `}`). */
export function parseExpr(text: string): Expr {
  const src = text.trim();
  const offsetAt = src.search(/[+-]\d/);
  const head = offsetAt < 0 ? src : src.slice(0, offsetAt);
  const offsetMs = offsetAt < 0 ? 0 : parseOffsets(src.slice(offsetAt), text);
  if (head === 'now') return { kind: 'time', base: 'now', offsetMs };
  if (head === 'fresh.name' || head === 'fresh.int') {
    if (offsetAt >= 0) throw new TemplateError(`\${${text}}: fresh values take no offset`);
    return { kind: 'fresh', what: head === 'fresh.name' ? 'name' : 'int' };
  }
  const role = /^sku\.([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?(?:\.(id|price|ware))?$/.exec(head);
  if (role) {
    if (offsetAt >= 0) throw new TemplateError(`\${${text}}: a SKU takes no offset`);
    const [, name = '', index, field] = role;
    return {
      kind: 'role',
      role: name,
      index: index === undefined ? 0 : Number(index),
      field: (field as 'id' | 'price' | 'ware' | undefined) ?? 'id',
    };
  }
  if (head.startsWith('sku.')) throw new TemplateError(`\${${text}}: expected sku.ROLE, sku.ROLE[i], with .price, .ware or .id`);
  const sku = /^(sku|pool)\[(\d+)\](?:\.(id|price|ware))?$/.exec(head);
  if (sku) {
    const index = Number(sku[2]);
    if (sku[1] === 'pool' && index >= POOL_BLOCK) throw new TemplateError(`\${${text}}: a run uses pool[0] … pool[${POOL_BLOCK - 1}]`);
    return { kind: sku[1] as 'sku' | 'pool', index, field: (sku[3] as 'id' | 'price' | 'ware' | undefined) ?? 'id' };
  }
  const path = parsePath(head, text);
  return offsetAt < 0 ? { kind: 'var', path } : { kind: 'time', base: { path }, offsetMs };
}

function parseOffsets(s: string, whole: string): number {
  let ms = 0;
  const re = /([+-])((?:\d+[dhms])+)/y;
  let at = 0;
  while (at < s.length) {
    re.lastIndex = at;
    const m = re.exec(s);
    if (!m) throw new TemplateError(`\${${whole}}: bad duration near '${s.slice(at)}' (use e.g. +1d, -5m59s)`);
    const [, signText, units = ''] = m;
    const sign = signText === '-' ? -1 : 1;
    for (const [, n, unit = ''] of units.matchAll(/(\d+)([dhms])/g)) ms += sign * Number(n) * (DURATION_UNIT[unit] ?? 0);
    at = re.lastIndex;
  }
  return ms;
}

/** `a.b[0].c` → ['a', 'b', 0, 'c']. */
export function parsePath(text: string, whole = text): (string | number)[] {
  const out: (string | number)[] = [];
  let rest = text;
  const first = IDENT.exec(rest);
  if (!first) throw new TemplateError(`\${${whole}}: expected a variable name, 'now', 'fresh.name' or 'sku[N]'`);
  out.push(first[0]);
  rest = rest.slice(first[0].length);
  while (rest.length > 0) {
    const dot = /^\.([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
    const idx = /^\[(\d+|\*)\]/.exec(rest);
    if (dot) {
      out.push(dot[1] ?? '');
      rest = rest.slice(dot[0].length);
    } else if (idx) {
      out.push(idx[1] === '*' ? '*' : Number(idx[1]));
      rest = rest.slice(idx[0].length);
    } else throw new TemplateError(`\${${whole}}: unexpected '${rest}'`);
  }
  return out;
}

/** Splits a string into literal parts and expressions; throws TemplateError on a bad `${…}`. */
export function parseTemplate(s: string): (string | Expr)[] {
  const parts: (string | Expr)[] = [];
  let at = 0;
  while (at < s.length) {
    const open = s.indexOf('${', at);
    if (open < 0) {
      parts.push(s.slice(at));
      break;
    }
    if (open > at) parts.push(s.slice(at, open));
    const close = s.indexOf('}', open);
    if (close < 0) throw new TemplateError(`unclosed \${ in '${s}'`);
    parts.push(parseExpr(s.slice(open + 2, close)));
    at = close + 1;
  }
  return parts;
}
