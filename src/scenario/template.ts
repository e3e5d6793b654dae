import { formatJosTimestamp, parseJosTimestamp } from '../protocols/jos/timestamp.js';
import { fenToYuan } from '../util/money.js';
import type { Json } from './types.js';

/**
 * Templates in scenario values. A string that is exactly one `${expr}` takes the expression's value
 * and type; other strings interpolate. Expressions (no code, only these forms):
 *   now, now+1d, now-5m59s          a time text (yyyy-MM-dd HH:mm:ss, UTC+8) relative to the target's clock
 *   begin, begin+60s, promo, a.b[0]  a variable (captured, table column, fixture parameter), with time arithmetic
 *   fresh.name, fresh.int            unique per check: a name of at most 10 characters, a positive integer
 *   sku[3], sku[3].price, sku[3].ware   the target's catalogue fixtures by position: id, jd price (yuan text), ware id
 *   sku.gift, sku.gift[2].price      a SKU of a role the scenario (or a fixture it uses) declares in `skus:`
 *                                    (the role's first SKU, or its i-th): id, .price, .ware
 *   pool[3], pool[3].price           SKU 3 of this run's block of the target's SKU pool (capability
 *                                    sku-pool): a block drawn at random per run, for list filters
 * Object constructors: {$repeat: {value, count}}, {$skus: {from, count}}, {$prices: {from, count}},
 * {$skus: {role}}, {$prices: {role}} (every SKU of the role),
 * {$text: {length, char}} (length characters), {$text: {bytes, char}} (bytes in UTF-8, padded with 'a'),
 * and in a parallel step {$cycle: LIST} (LIST a literal array or a `${…}` array): the element at the
 * copy's `${index}` modulo the list's length (`{$cycle: "${users}"}` spreads the copies over users).
 */

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
    return {
      kind: 'role',
      role: role[1]!,
      index: role[2] === undefined ? 0 : Number(role[2]),
      field: (role[3] as 'id' | 'price' | 'ware' | undefined) ?? 'id',
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
    const sign = m[1] === '-' ? -1 : 1;
    for (const [, n, unit] of m[2]!.matchAll(/(\d+)([dhms])/g)) ms += sign * Number(n) * DURATION_UNIT[unit!]!;
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
      out.push(dot[1]!);
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

/** What walkValue shows its visitor: each string, and each object (before its members), with its JSON path. */
interface ValueVisitor {
  readonly string?: (s: string, path: (string | number)[]) => void;
  readonly object?: (o: Record<string, unknown>, path: (string | number)[]) => void;
}

/** Visits every string and object of a scenario value, depth first, with the JSON path where it sits. */
function walkValue(value: unknown, visit: ValueVisitor, path: (string | number)[] = []): void {
  if (typeof value === 'string') visit.string?.(value, path);
  else if (Array.isArray(value)) for (const [i, x] of value.entries()) walkValue(x, visit, [...path, i]);
  else if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    visit.object?.(o, path);
    for (const k of Object.keys(o)) walkValue(o[k], visit, [...path, k]);
  }
}

/** The `{$skus: …}` / `{$prices: …}` arguments of an object, each with its constructor name. */
function skuConstructors(o: Record<string, unknown>): { ctor: string; arg: Record<string, unknown> }[] {
  return ['$skus', '$prices'].flatMap((ctor) => {
    const arg = o[ctor];
    return arg !== null && typeof arg === 'object' && !Array.isArray(arg) ? [{ ctor, arg: arg as Record<string, unknown> }] : [];
  });
}

/** Every template problem in a value, with the JSON path where it sits (for load-time errors). */
export function checkTemplates(value: unknown, path: (string | number)[] = []): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  walkValue(
    value,
    {
      string: (v, p) => {
        try {
          parseTemplate(v);
        } catch (e) {
          problems.push({ path: p, message: (e as Error).message });
        }
      },
      object: (o, p) => {
        const keys = Object.keys(o);
        const ctor = keys.find((k) => k.startsWith('$'));
        const problem = ctor === undefined ? undefined : checkConstructor(ctor, o[ctor], keys.length);
        if (problem) problems.push({ path: p, message: problem });
      },
    },
    path,
  );
  return problems;
}

function checkConstructor(name: string, arg: unknown, keyCount: number): string | undefined {
  if (keyCount !== 1) return `${name} must be the only key of its object`;
  if (name === '$cycle')
    return (Array.isArray(arg) && arg.length > 0) || (typeof arg === 'string' && /^\$\{[^}]+\}$/.test(arg))
      ? undefined
      : '$cycle takes a non-empty list, or a ${…} template of one';
  if (arg === null || typeof arg !== 'object' || Array.isArray(arg)) return `${name} takes an object`;
  const a = arg as Record<string, unknown>;
  const isTemplate = (v: unknown) => typeof v === 'string' && /^\$\{[^}]+\}$/.test(v);
  const int = (k: string) => (typeof a[k] === 'number' && Number.isInteger(a[k]) && (a[k] as number) >= 0) || isTemplate(a[k]);
  switch (name) {
    case '$repeat':
      return 'value' in a && int('count') ? undefined : '$repeat needs {value, count}';
    case '$skus':
    case '$prices':
      if ('role' in a)
        return Object.keys(a).length === 1 && typeof a['role'] === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(a['role'])
          ? undefined
          : `${name} needs {role: NAME} alone`;
      return int('from') && int('count') ? undefined : `${name} needs {from, count} (non-negative integers) or {role: NAME}`;
    case '$text':
      return (int('length') || int('bytes')) &&
        (a['char'] === undefined || (typeof a['char'] === 'string' && [...a['char']].length === 1)) &&
        (a['unique'] === undefined || typeof a['unique'] === 'boolean')
        ? undefined
        : '$text needs {length | bytes, char?, unique?} with char a single character';
    default:
      return `unknown constructor ${name} (known: $repeat, $skus, $prices, $text, $cycle)`;
  }
}

/** A catalogue SKU the target has: id, ware id, jd price in fen. */
export interface FixtureSku {
  readonly id: number;
  readonly ware: number;
  readonly priceFen: number;
}

/** What templates are evaluated against. */
export interface TemplateContext {
  readonly vars: Readonly<Record<string, Json>>;
  /** The target's clock estimate, epoch ms. */
  readonly nowMs: () => number;
  readonly fresh: { name(): string; int(): number };
  readonly skus: readonly FixtureSku[];
  /** The SKUs picked for the check's roles (`${sku.NAME}`), when it declares any. */
  readonly roles?: ReadonlyMap<string, readonly FixtureSku[]>;
  /** This run's block of the target's SKU pool, when it has one. */
  readonly pool?: { readonly base: number; readonly priceFen: number };
  /** The copy of a parallel step being built (0-based): `{$cycle: …}` picks by it. */
  readonly index?: number;
}

/** Evaluates every template and constructor in a value. Throws TemplateError for unknown variables or SKUs. */
export function evaluate(value: Json | undefined, ctx: TemplateContext): Json | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return evaluateString(value, ctx);
  if (Array.isArray(value)) return value.map((v) => evaluate(v, ctx) as Json);
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === '$cycle') return cycle(evaluate(value['$cycle'], ctx), ctx);
    if (keys.length === 1 && keys[0]!.startsWith('$'))
      return construct(keys[0]!, evaluate(value[keys[0]!], ctx) as Record<string, Json>, ctx);
    const out: Record<string, Json> = {};
    for (const k of keys) {
      const v = evaluate(value[k], ctx);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  return value;
}

/** `{$cycle: LIST}`: the element at the copy's index modulo the list's length. */
function cycle(list: Json | undefined, ctx: TemplateContext): Json {
  if (ctx.index === undefined) throw new TemplateError('$cycle picks by the copy of a parallel step: use it in a parallel step');
  if (!Array.isArray(list) || list.length === 0) throw new TemplateError(`$cycle: not a non-empty list (${JSON.stringify(list)})`);
  return list[ctx.index % list.length] as Json;
}

function evaluateString(s: string, ctx: TemplateContext): Json {
  if (!s.includes('${')) return s;
  const parts = parseTemplate(s);
  if (parts.length === 1 && typeof parts[0] !== 'string') return evalExpr(parts[0]!, ctx);
  return parts.map((p) => (typeof p === 'string' ? p : toText(evalExpr(p, ctx)))).join('');
}

function toText(v: Json): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function lookup(vars: Readonly<Record<string, Json>>, path: readonly (string | number)[]): Json | undefined {
  let cur: Json | undefined = vars as Json;
  for (const seg of path) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? (typeof seg === 'number' ? cur[seg] : undefined) : (cur as Record<string, Json>)[String(seg)];
  }
  return cur;
}

function evalExpr(e: Expr, ctx: TemplateContext): Json {
  switch (e.kind) {
    case 'fresh':
      return e.what === 'name' ? ctx.fresh.name() : ctx.fresh.int();
    case 'sku': {
      const k = ctx.skus[e.index];
      if (!k) throw new TemplateError(`sku[${e.index}]: the target's fixtures list ${ctx.skus.length} SKUs`);
      return skuField(k, e.field);
    }
    case 'role': {
      const picked = roleSkus(ctx, e.role, `sku.${e.role}`);
      const k = picked[e.index];
      if (!k) throw new TemplateError(`sku.${e.role}[${e.index}]: the role has ${picked.length} SKU(s)`);
      return skuField(k, e.field);
    }
    case 'pool': {
      if (!ctx.pool) throw new TemplateError(`pool[${e.index}]: the target has no SKU pool (capability sku-pool)`);
      const id = ctx.pool.base + e.index;
      return e.field === 'price' ? fenToYuan(ctx.pool.priceFen) : id;
    }
    case 'var': {
      const v = lookup(ctx.vars, e.path);
      if (v === undefined)
        throw new TemplateError(`\${${e.path.join('.')}}: no such variable (known: ${Object.keys(ctx.vars).join(', ') || 'none'})`);
      return v;
    }
    case 'time': {
      let base: number;
      if (e.base === 'now') base = ctx.nowMs();
      else {
        const v = lookup(ctx.vars, e.base.path);
        const parsed = typeof v === 'string' ? parseJosTimestamp(v, false) : undefined;
        if (parsed === undefined) throw new TemplateError(`\${${e.base.path.join('.')}…}: not a time (${JSON.stringify(v)})`);
        base = parsed;
      }
      return formatJosTimestamp(base + e.offsetMs);
    }
  }
}

function skuField(k: FixtureSku, field: 'id' | 'price' | 'ware'): Json {
  return field === 'id' ? k.id : field === 'ware' ? k.ware : fenToYuan(k.priceFen);
}

function roleSkus(ctx: TemplateContext, role: string, shown: string): readonly FixtureSku[] {
  const picked = ctx.roles?.get(role);
  if (!picked) throw new TemplateError(`${shown}: no SKU role '${role}' was picked (declare it in the scenario's skus:)`);
  return picked;
}

function construct(name: string, a: Record<string, Json>, ctx: TemplateContext): Json {
  if ((name === '$skus' || name === '$prices') && typeof a['role'] === 'string') {
    const picked = roleSkus(ctx, a['role'], `${name} {role: ${a['role']}}`);
    return name === '$skus' ? picked.map((k) => k.id) : picked.map((k) => fenToYuan(k.priceFen));
  }
  const count = Number(a['count'] ?? 0);
  const from = Number(a['from'] ?? 0);
  if (!Number.isSafeInteger(count) || count < 0 || !Number.isSafeInteger(from) || from < 0) {
    throw new TemplateError(`${name}: from and count must be non-negative integers, got ${JSON.stringify(a)}`);
  }
  const skus = () => {
    if (from + count > ctx.skus.length)
      throw new TemplateError(`${name}: needs SKUs ${from}…${from + count - 1}, the target's fixtures list ${ctx.skus.length}`);
    return ctx.skus.slice(from, from + count);
  };
  switch (name) {
    case '$repeat':
      return Array.from({ length: count }, () => a['value'] as Json);
    case '$skus':
      return skus().map((k) => k.id);
    case '$prices':
      return skus().map((k) => fenToYuan(k.priceFen));
    case '$text': {
      const ch = typeof a['char'] === 'string' ? a['char'] : 'a';
      // unique: starts with a fresh name (unique per check and run), padded to the same length.
      const head = a['unique'] === true ? ctx.fresh.name() : '';
      if (typeof a['length'] === 'number') return head + ch.repeat(Math.max(0, a['length'] - head.length));
      const bytes = Number(a['bytes']) - Buffer.byteLength(head, 'utf8');
      const w = Buffer.byteLength(ch, 'utf8');
      return head + ch.repeat(Math.floor(bytes / w)) + 'a'.repeat(bytes % w);
    }
    default:
      throw new TemplateError(`unknown constructor ${name}`);
  }
}

/** Every SKU role a value's templates and constructors name, with the JSON path where it sits (for load-time checks). */
export function roleRefs(value: unknown, path: (string | number)[] = []): { path: (string | number)[]; role: string }[] {
  const out: { path: (string | number)[]; role: string }[] = [];
  walkValue(
    value,
    {
      string: (v, p) => {
        if (!v.includes('${sku.')) return;
        let parts: (string | Expr)[];
        try {
          parts = parseTemplate(v);
        } catch {
          return; // reported by checkTemplates
        }
        for (const e of parts) if (typeof e !== 'string' && e.kind === 'role') out.push({ path: p, role: e.role });
      },
      object: (o, p) => {
        for (const { ctor, arg } of skuConstructors(o))
          if (typeof arg['role'] === 'string') out.push({ path: [...p, ctor, 'role'], role: arg['role'] });
      },
    },
    path,
  );
  return out;
}

/**
 * The catalogue positions a value names literally: `sku[N]` (one each) and `$skus` / `$prices {from,
 * count}` (a `${var}` count or from looked up in `vars`; a range whose bounds are unknown is left out).
 */
export function skuIndexRefs(value: unknown, vars: Readonly<Record<string, Json>> = {}): { from: number; count: number }[] {
  const out: { from: number; count: number }[] = [];
  const num = (x: unknown): number | undefined => {
    if (typeof x === 'number') return Number.isSafeInteger(x) && x >= 0 ? x : undefined;
    const m = typeof x === 'string' ? /^\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}$/.exec(x) : null;
    return m ? num(vars[m[1]!]) : undefined;
  };
  walkValue(value, {
    string: (v) => {
      for (const m of v.matchAll(/\$\{\s*sku\[(\d+)\]/g)) out.push({ from: Number(m[1]), count: 1 });
    },
    object: (o) => {
      for (const { arg } of skuConstructors(o)) {
        if ('role' in arg) continue;
        const from = num(arg['from']);
        const count = num(arg['count']);
        if (from !== undefined && count !== undefined && count > 0) out.push({ from, count });
      }
    },
  });
  return out;
}
