/**
 * What a binding maps of an operation's answer, and what it leaves unknown. A field of the spec's
 * answer the service does not have is not mapped, and then unknown, never wrong: the answer schema a
 * bound success is held to no longer requires it (boundAnswerSchema), and a check that reads it cannot
 * be judged on this service (unmappedField: the engine skips it with the reason). A `value:` constant
 * is a mapping: it says the service's shape fixes that field.
 */
import type { PathStep } from '../../spec/answer-parts.js';
import type { JsonSchema } from '../../spec/types.js';
import type { FieldRule } from './binding.js';

type Rules = Readonly<Record<string, FieldRule>>;
type Definitions = Readonly<Record<string, JsonSchema>>;

/**
 * `schema` with each field `fields` does not map dropped from its object's `required`, through the
 * objects and lists the binding maps field by field (`object:`, `list:`, dot paths). A field mapped
 * whole (`at:`, `value:`) keeps its schema whole. No `fields` at all: the success answers `{}`, and
 * nothing of the answer is required. Pure; `$ref`s on the way are inlined, the others left as they are.
 */
export function boundAnswerSchema(schema: JsonSchema, fields: Rules | undefined, definitions: Definitions): JsonSchema {
  return prune(schema, fields ?? {}, definitions) as JsonSchema;
}

function prune(raw: unknown, rules: Rules, definitions: Definitions): unknown {
  const node = resolved(raw, definitions);
  if (!isObject(node) || !isObject(node['properties'])) return raw;
  const keys = Object.keys(rules);
  const mapsUnder = (name: string) => keys.some((k) => k === name || k.startsWith(`${name}.`));
  const out: Record<string, unknown> = { ...node };
  if (Array.isArray(node['required'])) out['required'] = node['required'].filter((n) => typeof n === 'string' && mapsUnder(n));
  out['properties'] = Object.fromEntries(
    Object.entries(node['properties']).map(([name, sub]) => {
      const own = rules[name];
      if (own?.kind === 'object') return [name, prune(sub, own.item, definitions)];
      if (own?.kind === 'list') {
        const list = resolved(sub, definitions);
        return [name, isObject(list) ? { ...list, items: prune(list['items'], own.item, definitions) } : sub];
      }
      if (own !== undefined) return [name, sub];
      const nested = Object.fromEntries(
        Object.entries(rules)
          .filter(([k]) => k.startsWith(`${name}.`))
          .map(([k, r]) => [k.slice(name.length + 1), r]),
      );
      return [name, Object.keys(nested).length > 0 ? prune(sub, nested, definitions) : sub];
    }),
  );
  return out;
}

/**
 * The spec's answer field a read at `path` (pathSteps: `coupons[0].via` → coupons, 0, via) lands on
 * that the binding does not map, as a path (`coupons[].via`); undefined when the binding maps it, or
 * maps fields below it. No `fields` at all: nothing of the answer is mapped.
 */
export function unmappedField(fields: Rules | undefined, path: readonly PathStep[]): string | undefined {
  return walk(fields ?? {}, path, '');
}

function walk(rules: Rules, path: readonly PathStep[], shown: string): string | undefined {
  if (path.length === 0) return undefined;
  const names: string[] = [];
  for (const [i, step] of path.entries()) {
    if (typeof step !== 'string' || step === '*') break;
    names.push(step);
    const rule = rules[names.join('.')];
    if (rule === undefined) continue;
    const here = join(shown, names.join('.'));
    const rest = path.slice(i + 1);
    if (rule.kind === 'object') return walk(rule.item, rest, here);
    if (rule.kind === 'list') {
      const [item, ...below] = rest;
      // The list itself (`coupons.length`), or an entry of it read below.
      if (item === undefined || item === 'length') return undefined;
      return typeof item === 'number' || item === '*' ? walk(rule.item, below, `${here}[]`) : undefined;
    }
    return undefined;
  }
  const prefix = names.join('.');
  // A read of an object some of whose fields are mapped (`statistics` when `statistics.claimed` is): mapped in part.
  if (prefix !== '' && Object.keys(rules).some((k) => k.startsWith(`${prefix}.`))) return undefined;
  return join(shown, prefix === '' ? String(path[0]) : prefix);
}

function join(a: string, b: string): string {
  return a === '' ? b : `${a}.${b}`;
}

function resolved(node: unknown, definitions: Definitions): unknown {
  if (!isObject(node) || typeof node['$ref'] !== 'string') return node;
  const m = /^#\/definitions\/([^/]+)$/.exec(node['$ref']);
  return m ? (definitions[m[1] ?? ''] ?? node) : node;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
