/**
 * Builds a bound request's values from a call's parameters (src/protocols/http-json/binding.ts),
 * and reads the spec's answer back out of the service's. Pure: the id map is read, never written here.
 */
import { type Conversion, ConversionError, convert } from './convert.js';
import type { FieldRule, TemplatePart, ValueMap, ValueNode } from './binding.js';
import type { IdMap } from './id-map.js';

/** What templates read: `params`, `call`, `item`, `credentials`. */
export type Scope = Readonly<Record<string, unknown>>;

/** A value left out: a template that is one reference to an absent value. */
export const ABSENT: unique symbol = Symbol('absent');

/** Evaluates one request value; ABSENT when it is one reference to nothing (the key is then left out). */
export function evaluate(node: ValueNode, scope: Scope, ids: IdMap): unknown {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'template':
      return template(node.parts, scope);
    case 'array':
      return node.items.map((n) => evaluate(n, scope, ids)).filter((v) => v !== ABSENT);
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, n] of node.entries) {
        const v = evaluate(n, scope, ids);
        if (v !== ABSENT) out[k] = v;
      }
      return out;
    }
    case 'convert': {
      const v = evaluate(node.value, scope, ids);
      if (v === ABSENT) {
        if (node.required === true)
          throw new ConversionError(
            `the service requires ${node.value.kind === 'template' ? node.value.text : 'a value'}, which the call does not give ($required: the binding cannot express the call without it)`,
          );
        return ABSENT;
      }
      const converted = convert(node.map === undefined ? v : mapped(node.map, v, 'the call'), node.convert);
      return node.id === undefined ? converted : ids.toService(node.id, String(converted));
    }
    case 'each': {
      const list = evaluate(node.list, scope, ids);
      if (list === ABSENT) return ABSENT;
      return (Array.isArray(list) ? list : []).map((item) => evaluate(node.item, { ...scope, item }, ids));
    }
  }
}

/** A template: one reference keeps its value's type; text with references is a string. */
function template(parts: readonly TemplatePart[], scope: Scope): unknown {
  const [only] = parts;
  if (parts.length === 1 && only !== undefined && 'scope' in only) {
    const v = lookup(scope[only.scope], only.path);
    return v === undefined || v === null || v === '' ? ABSENT : v;
  }
  return parts.map((p) => ('text' in p ? p.text : stringOf(lookup(scope[p.scope], p.path)))).join('');
}

/** A path template: each reference URL-encoded as one path segment. */
export function evaluatePath(node: ValueNode, scope: Scope, ids: IdMap): string {
  if (node.kind === 'literal') return String(node.value);
  if (node.kind !== 'template') return stringOf(evaluate(node, scope, ids));
  return node.parts.map((p) => ('text' in p ? p.text : encodeURIComponent(stringOf(lookup(scope[p.scope], p.path))))).join('');
}

function stringOf(v: unknown): string {
  if (v === undefined || v === null || v === ABSENT) return '';
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

function lookup(root: unknown, path: readonly string[]): unknown {
  let v = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/** The value at a JSON pointer (RFC 6901) below `root`; undefined when there is none. `` is the root. */
export function atPointer(root: unknown, pointer: string): unknown {
  if (pointer === '' || pointer === '/') return pointer === '' ? root : (root as Record<string, unknown> | null)?.[''];
  let v = root;
  for (const raw of pointer.slice(1).split('/')) {
    const k = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/**
 * The spec's answer rebuilt from the service's: each field from its pointer, converted, an id
 * translated back into the suite's; a field the service's answer lacks is left out (the answer schema
 * then says what is missing). Throws a ConversionError for a value a conversion cannot take.
 */
export function rebuild(fields: Readonly<Record<string, FieldRule>>, answer: unknown, ids: IdMap): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, rule] of Object.entries(fields)) {
    const v = readField(rule, answer, ids);
    if (v !== undefined) place(out, field.split('.'), v);
  }
  return out;
}

function readField(rule: FieldRule, answer: unknown, ids: IdMap): unknown {
  if (rule.kind === 'list') {
    const list = atPointer(answer, rule.list);
    return Array.isArray(list) ? list.map((item) => rebuild(rule.item, item, ids)) : undefined;
  }
  if (rule.kind === 'value') return rule.value;
  if (rule.kind === 'object') {
    const object = atPointer(answer, rule.object);
    return object !== null && typeof object === 'object' ? rebuild(rule.item, object, ids) : undefined;
  }
  const raw = atPointer(answer, rule.at);
  if (raw === undefined || raw === null) return undefined;
  const v = convert(
    rule.map === undefined ? raw : mapped(rule.map, raw, `the service's answer at ${rule.at}`),
    rule.convert as readonly Conversion[],
  );
  return rule.id === undefined ? v : ids.toSuite(rule.id, String(v));
}

/**
 * A value through an enum map; a ConversionError naming the value when the map lacks it (never passed
 * through: on an answer that makes it unreadable, on a request a call the binding cannot express).
 */
function mapped(map: ValueMap, v: unknown, where: string): unknown {
  const key = typeof v === 'string' ? v : JSON.stringify(v);
  const to = map.to.get(key);
  if (to === undefined)
    throw new ConversionError(
      `${where} has ${JSON.stringify(v)}, a value the binding's map ${map.name} does not have (it maps ${[...map.to.keys()].join(', ')})`,
    );
  return to;
}

function place(out: Record<string, unknown>, path: readonly string[], v: unknown): void {
  let node = out;
  for (const k of path.slice(0, -1)) {
    const next = node[k];
    if (next === null || typeof next !== 'object') node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = v;
}
