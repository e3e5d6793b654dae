import { formatUtc8, parseUtc8 } from '../core/time.js';
import { fenToYuan } from '../core/money.js';
import { type Expr, parseTemplate, TemplateError } from './template-parse.js';
import type { Json } from './types.js';

/**
 * What templates mean: each expression and constructor evaluated in a context (shared by the compiler,
 * compile-template.ts, and the interpreter below), and the interpreter itself, which parses as it walks
 * a value: the reference the compiled form is tested against (test/scenario/compile-template.test.ts).
 */

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

/**
 * Evaluates every template and constructor in a value, parsing each string as it goes (the reference
 * semantics; callers use `evaluate`, compiled once). Throws TemplateError for unknown variables or SKUs.
 */
export function interpretTemplate(value: Json | undefined, ctx: TemplateContext): Json | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return interpretString(value, ctx);
  if (Array.isArray(value)) return value.map((v) => interpretTemplate(v, ctx) as Json);
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    const only = keys.length === 1 ? keys[0] : undefined;
    if (only === '$cycle') return cycle(interpretTemplate(value['$cycle'], ctx), ctx);
    if (only?.startsWith('$')) return construct(only, interpretTemplate(value[only], ctx) as Record<string, Json>, ctx);
    const out: Record<string, Json> = {};
    for (const k of keys) {
      const v = interpretTemplate(value[k], ctx);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  return value;
}

function interpretString(s: string, ctx: TemplateContext): Json {
  if (!s.includes('${')) return s;
  const parts = parseTemplate(s);
  const [first] = parts;
  if (parts.length === 1 && first !== undefined && typeof first !== 'string') return evalExpr(first, ctx);
  return parts.map((p) => (typeof p === 'string' ? p : toText(evalExpr(p, ctx)))).join('');
}

/** `{$cycle: LIST}`: the element at the copy's index modulo the list's length. */
export function cycle(list: Json | undefined, ctx: TemplateContext): Json {
  if (ctx.index === undefined) throw new TemplateError('$cycle picks by the copy of a parallel step: use it in a parallel step');
  if (!Array.isArray(list) || list.length === 0) throw new TemplateError(`$cycle: not a non-empty list (${JSON.stringify(list)})`);
  return list[ctx.index % list.length] as Json;
}

/** An expression's value as it reads inside a longer string. */
export function toText(v: Json): string {
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

/** One expression's value in a context. */
export function evalExpr(e: Expr, ctx: TemplateContext): Json {
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
        const parsed = typeof v === 'string' ? parseUtc8(v) : undefined;
        if (parsed === undefined) throw new TemplateError(`\${${e.base.path.join('.')}…}: not a time (${JSON.stringify(v)})`);
        base = parsed;
      }
      return formatUtc8(base + e.offsetMs);
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

/** The value of constructor `name` (`$repeat`, `$skus`, `$prices`, `$text`) from its evaluated argument. */
export function construct(name: string, a: Record<string, Json>, ctx: TemplateContext): Json {
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
