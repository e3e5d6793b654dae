/**
 * The parts of an answer schema that are ours. RULES.md: "An answer's shape beyond the document's
 * words (a list we return on success, field names and types the document does not fix, extra fields)
 * is ours: a check may read it only at `ref` level, and a `must` check's setup never depends on it."
 *
 * A node of an answer schema (specs/<api>/spec.yaml `answer.schema`, or a definition it references) is
 * ours when the `rules` it carries are all `ref` rules (`coupons: {rules: [TCC-REF-09], …}`); a whole
 * answer is ours when the operation's `answer.rules` are all `ref`. The harness compiles two validators
 * per answer (src/spec/compile.ts): the whole schema, for `ref` checks, and the documented part —
 * every part of ours relaxed to accept anything, absent included — for `must` checks; the suite loader
 * refuses a `must` check that reads or captures a part of ours (src/scenario/answer-reads.ts); the
 * reference's answer-shape readings rewrite those parts (src/reference/answer-shapes.ts).
 */
import { loadRules } from './load.js';
import { isObject, isSchema, type SchemaNode, strings } from './schema-read.js';
import type { JsonSchema } from './types.js';

/** The level of every rule id of specs/rules.yaml. */
export type RuleLevels = ReadonlyMap<string, 'must' | 'ref'>;

let levels: RuleLevels | undefined;

/** The levels of specs/rules.yaml, read once per process. */
export function ruleLevels(): RuleLevels {
  levels ??= new Map(loadRules().map((r) => [r.id, r.level]));
  return levels;
}

/**
 * The `ref` rules that make a schema node ours: its `rules` when it carries some and every one is a
 * `ref` rule; undefined for an untagged node, or one that carries a `must` rule (or an unknown id).
 */
export function oursBy(node: unknown, levelOf: RuleLevels): readonly string[] | undefined {
  if (!isObject(node)) return undefined;
  const rules = strings(node['rules']);
  return rules.length > 0 && rules.every((r) => levelOf.get(r) === 'ref') ? rules : undefined;
}

/** Keywords whose value is one schema. */
const ONE = ['additionalProperties', 'additionalItems', 'contains', 'not', 'if', 'then', 'else', 'propertyNames'] as const;
/** Keywords whose value is a list of schemas. */
const LIST = ['anyOf', 'allOf', 'oneOf', 'prefixItems'] as const;
/** Keywords whose value maps names to schemas (`properties` is handled apart: its names meet `required`). */
const MAP = ['patternProperties', 'definitions', '$defs'] as const;

/** The node a local `$ref` (`#/definitions/NAME`) names, or the node itself. */
export function resolved(node: unknown, definitions: Readonly<Record<string, JsonSchema>>): unknown {
  if (!isObject(node) || typeof node['$ref'] !== 'string') return node;
  const m = /^#\/definitions\/([^/]+)$/.exec(node['$ref']);
  return m ? definitions[m[1] ?? ''] : node;
}

/** Whether a node is ours, itself or through the definition its `$ref` names. */
export function isOurs(node: unknown, definitions: Readonly<Record<string, JsonSchema>>, levelOf: RuleLevels): boolean {
  return oursBy(node, levelOf) !== undefined || oursBy(resolved(node, definitions), levelOf) !== undefined;
}

/**
 * The documented part of a schema: each node of ours replaced by `{}` (anything), and the name of each
 * property of ours dropped from its object's `required`, so that it may be absent too. Nodes under
 * `definitions` are relaxed alike (a `$ref` then names the relaxed one). Pure; the input is not changed.
 */
export function documentedPart(
  schema: JsonSchema,
  definitions: Readonly<Record<string, JsonSchema>>,
  levelOf: RuleLevels = ruleLevels(),
): JsonSchema {
  const relax = (node: unknown): unknown => {
    if (!isSchema(node)) return node;
    if (oursBy(node, levelOf)) return {};
    const out: Record<string, unknown> = { ...node };
    const props = node['properties'];
    if (isObject(props)) {
      const ours = Object.keys(props).filter((k) => isOurs(props[k], definitions, levelOf));
      out['properties'] = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, relax(v)]));
      if (Array.isArray(node['required']) && ours.length > 0) out['required'] = strings(node['required']).filter((k) => !ours.includes(k));
    }
    for (const k of ONE) if (isSchema(node[k])) out[k] = relax(node[k]);
    for (const k of LIST) if (Array.isArray(node[k])) out[k] = (node[k] as unknown[]).map(relax);
    if (Array.isArray(node['items'])) out['items'] = (node['items'] as unknown[]).map(relax);
    else if (isSchema(node['items'])) out['items'] = relax(node['items']);
    for (const k of MAP) {
      const m = node[k];
      if (isObject(m)) out[k] = Object.fromEntries(Object.entries(m).map(([name, v]) => [name, relax(v)]));
    }
    return out;
  };
  return relax(schema) as JsonSchema;
}

/** An operation's answer as a spec declares it. */
export interface AnswerSpec {
  readonly schema: JsonSchema;
  readonly rules: readonly string[];
}

/**
 * The schema a `must` check validates a success against: the documented part of the answer's schema,
 * with the spec's definitions (relaxed alike) under `definitions`; `{}` when the answer is ours whole.
 */
export function documentedAnswer(
  answer: AnswerSpec,
  definitions: Readonly<Record<string, JsonSchema>>,
  levelOf: RuleLevels = ruleLevels(),
): JsonSchema {
  if (oursBy({ rules: answer.rules }, levelOf)) return {};
  return documentedPart({ ...answer.schema, definitions }, definitions, levelOf);
}

/** The `ref` rules that make the part of an answer at `path` ours (see oursAlong), the whole answer's included. */
export function answerPartOurs(
  answer: AnswerSpec,
  definitions: Readonly<Record<string, JsonSchema>>,
  path: readonly PathStep[],
  levelOf: RuleLevels = ruleLevels(),
): readonly string[] | undefined {
  return oursBy({ rules: answer.rules }, levelOf) ?? oursAlong(answer.schema, definitions, path, levelOf);
}

/** One step of an answer path: a property name, an item index, `*` (every item). */
export type PathStep = string | number;

/** The steps of a field path as the matchers read it (`a.b[0].c`, `list[*].id`, `[0].name`, `list.length`). */
export function pathSteps(path: string): PathStep[] {
  return (path.match(/[^.[\]]+|\[(\d+|\*)\]/g) ?? []).map((raw) => {
    const seg = raw.startsWith('[') ? raw.slice(1, -1) : raw;
    return /^\d+$/.test(seg) ? Number(seg) : seg;
  });
}

/**
 * The `ref` rules of the first node of ours that an answer path passes through (or ends at), over
 * every branch of the schema that describes it (`anyOf`, `allOf`, `oneOf`, `$ref`); undefined when the
 * path stays in the documented part, or leaves what the schema describes (its business, not ours).
 */
export function oursAlong(
  schema: JsonSchema,
  definitions: Readonly<Record<string, JsonSchema>>,
  path: readonly PathStep[],
  levelOf: RuleLevels = ruleLevels(),
): readonly string[] | undefined {
  const seen = new Set<unknown>();
  const walk = (raw: unknown, steps: readonly PathStep[]): readonly string[] | undefined => {
    const node = resolved(raw, definitions);
    if (!isSchema(node) || seen.has(node)) return undefined;
    const ours = oursBy(raw, levelOf) ?? oursBy(node, levelOf);
    if (ours) return ours;
    seen.add(node);
    try {
      for (const k of LIST)
        for (const branch of Array.isArray(node[k]) ? (node[k] as unknown[]) : []) {
          const found = walk(branch, steps);
          if (found) return found;
        }
      const [step, ...rest] = steps;
      if (step === undefined) return undefined;
      for (const next of children(node, step)) {
        const found = walk(next, rest);
        if (found) return found;
      }
      return undefined;
    } finally {
      seen.delete(node);
    }
  };
  return walk(schema, path);
}

/** The schemas that describe `step` of a value a node describes. */
function children(node: SchemaNode, step: PathStep): unknown[] {
  if (typeof step === 'number' || step === '*') {
    const items = node['items'];
    if (Array.isArray(items))
      return typeof step === 'number' ? [items[step] ?? node['additionalItems']] : [...items, node['additionalItems']];
    return [items];
  }
  // `list.length` reads the list itself, described by this node.
  if (step === 'length' && node['items'] !== undefined) return [];
  const props = isObject(node['properties']) ? node['properties'] : {};
  if (Object.hasOwn(props, step)) return [props[step]];
  const patterns = isObject(node['patternProperties']) ? Object.entries(node['patternProperties']) : [];
  const matching = patterns.filter(([p]) => new RegExp(p, 'u').test(step)).map(([, s]) => s);
  return matching.length > 0 ? matching : [node['additionalProperties']];
}
