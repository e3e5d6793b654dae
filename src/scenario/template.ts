import { compileTemplate } from './compile-template.js';
import type { TemplateContext } from './template-eval.js';
import { type Expr, parseTemplate } from './template-parse.js';
import type { Json } from './types.js';

export { type CompiledTemplate, compileTemplate } from './compile-template.js';
export { type FixtureSku, interpretTemplate, lookup, type TemplateContext } from './template-eval.js';
export { type Expr, POOL_BLOCK, parseExpr, parsePath, parseTemplate, TemplateError } from './template-parse.js';

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
 *
 * This file: the language's load-time checks and `evaluate`; parsed in template-parse.ts, evaluated in
 * template-eval.ts, compiled once into functions of the context in compile-template.ts.
 */

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

/**
 * Evaluates every template and constructor in a value: compiled once per source value (compile-template.ts),
 * then run in `ctx`. A value without templates comes back as a shared frozen copy. Throws TemplateError
 * for unknown variables or SKUs.
 */
export function evaluate(value: Json | undefined, ctx: TemplateContext): Json | undefined {
  return compileTemplate(value)(ctx);
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
