import { construct, cycle, evalExpr, type TemplateContext, toText } from './template-eval.js';
import { type Expr, parseTemplate, TemplateError } from './template-parse.js';
import type { Json } from './types.js';

/**
 * Templates compiled once into functions of their context: a tree of constant parts and compiled
 * accessors, so that evaluating a step's params parses nothing. The values, the errors and the order
 * of side effects (`${fresh.name}` draws) are those of the interpreter (template-eval.ts).
 */

/**
 * A value's templates as one function of the context. A value with no `${` and no constructor in it
 * compiles to a constant: the same deep-frozen copy at every call (never the source value itself), so a
 * caller must not mutate what it gets.
 */
export type CompiledTemplate = (ctx: TemplateContext) => Json | undefined;

interface Node {
  /** True when the value depends on no context: `value` is then its deep-frozen result. */
  readonly constant: boolean;
  readonly value: Json | undefined;
  readonly run: CompiledTemplate;
}

/** Compiled per source object: a plan's values are compiled once however many checks share them (fixtures, table rows). */
const byObject = new WeakMap<object, Node>();
/** Compiled per string: identical templates (`${promo}` is written 530 times) are compiled once. */
const byString = new Map<string, Node>();
/** Only scenario values are compiled, a few thousand strings; the bound keeps a misuse from growing without end. */
const STRING_CACHE_MAX = 100_000;

/**
 * Compiles a scenario value's templates and constructors once (cached per source object and per
 * string). Never throws: a malformed template compiles to a function that throws its TemplateError where
 * it is evaluated, as the interpreter does. A source value must not be mutated after it is compiled.
 */
export function compileTemplate(value: Json | undefined): CompiledTemplate {
  return compileNode(value).run;
}

function compileNode(value: Json | undefined): Node {
  if (typeof value === 'string') return compileStringCached(value);
  if (value === null || typeof value !== 'object') return constant(value);
  let node = byObject.get(value);
  if (node === undefined) {
    node = Array.isArray(value) ? compileArray(value) : compileObject(value);
    byObject.set(value, node);
  }
  return node;
}

function constant(value: Json | undefined): Node {
  return { constant: true, value, run: () => value };
}

function dynamic(run: CompiledTemplate): Node {
  return { constant: false, value: undefined, run };
}

function compileStringCached(s: string): Node {
  let node = byString.get(s);
  if (node === undefined) {
    if (byString.size >= STRING_CACHE_MAX) byString.clear();
    node = compileString(s);
    byString.set(s, node);
  }
  return node;
}

function compileString(s: string): Node {
  if (!s.includes('${')) return constant(s);
  let parts: (string | Expr)[];
  try {
    parts = parseTemplate(s);
  } catch (e) {
    // The loader reports a malformed template with its line; one that reaches evaluation fails there, as interpreted.
    return dynamic(() => {
      throw e instanceof TemplateError ? new TemplateError(e.message) : e;
    });
  }
  const [first] = parts;
  // A string that is exactly one expression takes the expression's value and type.
  if (parts.length === 1 && first !== undefined && typeof first !== 'string') return dynamic((ctx) => evalExpr(first, ctx));
  return dynamic((ctx) => {
    let out = '';
    for (const p of parts) out += typeof p === 'string' ? p : toText(evalExpr(p, ctx));
    return out;
  });
}

function compileArray(list: readonly Json[]): Node {
  const items = list.map((x) => compileNode(x));
  if (items.every((n) => n.constant)) return constant(Object.freeze(items.map((n) => n.value)) as Json);
  return dynamic((ctx) => items.map((n) => n.run(ctx)) as Json);
}

function compileObject(o: { readonly [k: string]: Json }): Node {
  const keys = Object.keys(o);
  const only = keys.length === 1 ? keys[0] : undefined;
  if (only === '$cycle') {
    const list = compileNode(o[only]);
    return dynamic((ctx) => cycle(list.run(ctx), ctx));
  }
  if (only?.startsWith('$')) {
    const arg = compileNode(o[only]);
    return dynamic((ctx) => construct(only, arg.run(ctx) as Record<string, Json>, ctx));
  }
  const members = keys.map((k) => ({ key: k, node: compileNode(o[k]) }));
  if (members.every((m) => m.node.constant)) {
    const out: Record<string, Json> = {};
    for (const { key, node } of members) if (node.value !== undefined) out[key] = node.value;
    return constant(Object.freeze(out));
  }
  return dynamic((ctx) => {
    const out: Record<string, Json> = {};
    for (const { key, node } of members) {
      const v = node.run(ctx);
      if (v !== undefined) out[key] = v;
    }
    return out;
  });
}
