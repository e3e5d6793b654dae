/**
 * Mutations of the add_coupon body schema (specs/tencent-coupon-batch/spec.yaml): every limit one step
 * looser and one step stricter, dropped altogether, a required property made optional, a dependency or
 * a required-when left unchecked, a dependency read as always required. Each is a validator fault the
 * reference can run with (`fault: 'spec:tcc:…'`, compiled once per id in validate.ts); the generated
 * body checks of its rules should fail against each, which proves each check able to fail. Derived from the schema the generator walks
 * (src/generate/body-cases.ts), so a new limit brings its mutations with it.
 *
 * Only what the generated cases can observe is mutated: no cases are generated for `type`, `pattern`,
 * `default`, `const` (outside an `if`) or string-enum additions, so none of those is mutated; removing an
 * enum member is mutated for the smallest and the largest only (the members the cases send); a
 * dependency entry that the other entries of its group re-impose is mutated with its group (below).
 */
import { isObject, isSchema, schemaMap, strings } from '../../spec/schema-read.js';
import type { SchemaNode } from './schema-node.js';
import { addCouponOperation } from './spec.js';

/** The fault id of a body mutation. */
export type TencentMutationId = `spec:tcc:${string}`;

export const TENCENT_MUTATION_PREFIX = 'spec:tcc:';

export interface BodyMutation {
  /** `spec:tcc:<json-path>.<keyword><change>`, e.g. `spec:tcc:coupons[].coupon_name.maxBytes-1`; stable while the spec is. */
  readonly id: string;
  /**
   * The rules of the generated checks that probe the mutated limit: the refused side's (`by.<keyword>.rules`,
   * else the node's, else the nearest ancestor's), and for a stricter mutation the accepted side's too
   * (`by.<keyword>.acceptRules`, else the same fallback), since that is the case it turns around.
   */
  readonly rules: readonly string[];
  readonly description: string;
  /** Edits a deep copy of the body schema. */
  readonly patch: (body: SchemaNode) => void;
}

type Schema = Readonly<Record<string, unknown>>;

/** Where a node is: its path in the schema (`properties`/`items` spelt out), its label in ids, its rules. */
interface Place {
  readonly schemaPath: readonly string[];
  /** `coupons[].coupon_name`; '' for the body itself. */
  readonly label: string;
  readonly rules: readonly string[];
}

type Direction = 'looser' | 'stricter';

/** The object holding a node as a property: its required-whens may test the node's value. */
interface Holder {
  readonly node: Schema;
  readonly key: string;
  readonly rules: readonly string[];
}

const MAX_DEPTH = 32;

/** Every mutation of a body schema, in a stable order (the schema's, depth first). Pure: `body` is not touched. */
export function bodyMutations(body: Readonly<Record<string, unknown>>): BodyMutation[] {
  const out: BodyMutation[] = [];
  walk(body, { schemaPath: [], label: '', rules: [] }, out, 0);
  return out;
}

let shipped: ReadonlyMap<string, BodyMutation> | undefined;

/** The mutations of the shipped spec's add_coupon body, by id (derived once per process). */
export function bodyMutationsById(): ReadonlyMap<string, BodyMutation> {
  shipped ??= new Map(bodyMutations(addCouponOperation().body).map((m) => [m.id, m]));
  return shipped;
}

// ---------------------------------------------------------------------------------------------------
// The walk: through `properties` and `items` as the generator walks, rules inherited as it inherits them.

function walk(node: Schema, at: Place, out: BodyMutation[], depth: number, holder?: Holder): void {
  if (depth > MAX_DEPTH) return;
  const here: Place = { ...at, rules: ownRules(node) ?? at.rules };
  const add = mutationAdder(node, here, out);
  // The generator probes an enum node's members only, whatever other limits it has.
  if (Array.isArray(node['enum'])) enumMutations(node, add, holder);
  else {
    lengthMutations(node, add);
    rangeMutations(node, add);
  }
  sizeMutations(node, add);
  effectMutations(node, here, out);
  requiredMutations(node, here, out);
  dependencyMutations(node, here, out);
  conditionalMutations(node, here, out);
  for (const [k, sub] of Object.entries(schemaMap(node['properties']))) {
    const place = {
      schemaPath: [...here.schemaPath, 'properties', k],
      label: here.label === '' ? k : `${here.label}.${k}`,
      rules: here.rules,
    };
    walk(sub, place, out, depth + 1, { node, key: k, rules: here.rules });
  }
  const items = node['items'];
  if (isSchema(items))
    walk(items, { schemaPath: [...here.schemaPath, 'items'], label: `${here.label}[]`, rules: here.rules }, out, depth + 1);
}

/**
 * Adds a mutation of one keyword of `node`: `change` names it in the id (`+1`, `-unchecked`), `edit` makes
 * it on the copy; `alsoRules`, of other cases the mutation turns around.
 */
type Add = (
  keyword: string,
  change: string,
  direction: Direction,
  description: string,
  edit: (n: SchemaNode) => void,
  alsoRules?: readonly string[],
) => void;

function mutationAdder(node: Schema, at: Place, out: BodyMutation[]): Add {
  return (keyword, change, direction, description, edit, alsoRules = []) =>
    out.push({
      id: idOf(at.label, `${keyword}${change}`),
      rules: [...new Set([...keywordRules(node, keyword, at.rules, direction), ...alsoRules])],
      description: `${where(at.label)}: ${description}`,
      patch: (b) => edit(nodeAt(b, at.schemaPath)),
    });
}

// ---------------------------------------------------------------------------------------------------
// Per keyword

/** maxBytes / maxLength: +1, -1 (while not below the minimum), unchecked; minBytes / minLength: -1 (while above 1), +1, unchecked. */
function lengthMutations(node: Schema, add: Add): void {
  for (const [max, min, unit] of [
    ['maxBytes', 'minBytes', 'UTF-8 bytes'],
    ['maxLength', 'minLength', 'characters'],
  ] as const) {
    const hi = num(node, max);
    const lo = num(node, min);
    if (hi !== undefined) {
      add(max, '+1', 'looser', `at most ${hi + 1} ${unit}`, setTo(max, hi + 1));
      if (hi - 1 >= (lo ?? 0)) add(max, '-1', 'stricter', `at most ${hi - 1} ${unit}`, setTo(max, hi - 1));
      add(max, '-unchecked', 'looser', `${max} not checked`, (n) => void delete n[max]);
    }
    // The generator probes a minimum above 0 only; a minimum of 1 one step looser is the same as unchecked.
    if (lo !== undefined && lo > 0) {
      if (lo - 1 > 0) add(min, '-1', 'looser', `at least ${lo - 1} ${unit}`, setTo(min, lo - 1));
      if (hi === undefined || lo + 1 <= hi) add(min, '+1', 'stricter', `at least ${lo + 1} ${unit}`, setTo(min, lo + 1));
      add(min, '-unchecked', 'looser', `${min} not checked`, (n) => void delete n[min]);
    }
  }
}

/** minimum / maximum / exclusive*: one step (the generator's: 1 for integers, 10^-decimalPlaces, else 0.01) each way, unchecked; decimalPlaces ±1, unchecked. */
function rangeMutations(node: Schema, add: Add): void {
  const step = stepOf(node);
  const bounds = [
    ['minimum', -1],
    ['maximum', 1],
    ['exclusiveMinimum', -1],
    ['exclusiveMaximum', 1],
  ] as const;
  for (const [k, widen] of bounds) {
    const v = num(node, k);
    if (v === undefined) continue;
    for (const [direction, by] of [
      ['looser', widen * step],
      ['stricter', -widen * step],
    ] as const) {
      const to = tidy(v + by);
      add(k, `${by > 0 ? '+' : ''}${tidy(by)}`, direction, `${k} ${v} → ${to}`, setTo(k, to));
    }
    add(k, '-unchecked', 'looser', `${k} not checked`, (n) => void delete n[k]);
  }
  const places = num(node, 'decimalPlaces');
  if (places !== undefined) {
    add('decimalPlaces', '+1', 'looser', `up to ${places + 1} decimals`, setTo('decimalPlaces', places + 1));
    if (places > 0) add('decimalPlaces', '-1', 'stricter', `up to ${places - 1} decimals`, setTo('decimalPlaces', places - 1));
    add('decimalPlaces', '-unchecked', 'looser', 'decimals not checked', (n) => void delete n['decimalPlaces']);
  }
}

/**
 * enum: the value the generator sends as outside (largest + 1) added, and unchecked; the smallest and the
 * largest member removed (the cases accept exactly those two; a member in between is never sent).
 * Numeric members only add a value: a string enum's outside value is a guess of the generator's.
 */
function enumMutations(node: Schema, add: Add, holder: Holder | undefined): void {
  const members = node['enum'] as readonly unknown[];
  const numbers = members.filter((m): m is number => typeof m === 'number');
  const strs = members.filter((m): m is string => typeof m === 'string');
  // Mixed or non-scalar members: the generator probes no refusal, and accepts only the first.
  if (members.length === 0 || (numbers.length !== members.length && strs.length !== members.length)) return;
  if (numbers.length === members.length) {
    const extra = Math.max(...numbers) + 1;
    add('enum', `+${extra}`, 'looser', `${extra} accepted too`, setTo('enum', [...members, extra]));
  }
  add('enum', '-unchecked', 'looser', 'any value accepted', (n) => void delete n['enum']);
  if (members.length < 2) return;
  const sorted = numbers.length === members.length ? [...numbers].sort((a, b) => a - b) : [...strs].sort();
  const ends = [...new Set([sorted[0], sorted[sorted.length - 1]])];
  for (const m of ends) {
    const edit = setTo(
      'enum',
      members.filter((x) => x !== m),
    );
    add('enum', `-${String(m)}`, 'stricter', `${JSON.stringify(m)} refused`, edit, holder ? testedBy(holder, m) : []);
  }
}

/**
 * The rules of the holder's required-whens whose `if` is exactly this node's value `m`: the generator's
 * accepted body for the member (completed with what it requires) is their then-present case, kept once
 * under their rules (coupon_sub_type 1 with amount_coupon is TCC-06's case, not TCC-05's).
 */
function testedBy(holder: Holder, m: unknown): readonly string[] {
  const label = `${holder.key}=${String(m)}`;
  return conditionalEntries(holder.node).flatMap(({ entry }) =>
    isSchema(entry['if']) && conditionLabel(entry['if']) === label ? [...(ownRules(entry) ?? holder.rules)] : [],
  );
}

/** minItems / maxItems: as the byte limits (a minimum of 1 one step looser is unchecked). */
function sizeMutations(node: Schema, add: Add): void {
  const hi = num(node, 'maxItems');
  const lo = num(node, 'minItems');
  if (hi !== undefined) {
    add('maxItems', '+1', 'looser', `at most ${hi + 1} items`, setTo('maxItems', hi + 1));
    if (hi - 1 >= (lo ?? 0)) add('maxItems', '-1', 'stricter', `at most ${hi - 1} items`, setTo('maxItems', hi - 1));
    add('maxItems', '-unchecked', 'looser', 'maxItems not checked', (n) => void delete n['maxItems']);
  }
  if (lo !== undefined && lo > 0) {
    if (lo - 1 > 0) add('minItems', '-1', 'looser', `at least ${lo - 1} items`, setTo('minItems', lo - 1));
    if (hi === undefined || lo + 1 <= hi) add('minItems', '+1', 'stricter', `at least ${lo + 1} items`, setTo('minItems', lo + 1));
    add('minItems', '-unchecked', 'looser', 'minItems not checked', (n) => void delete n['minItems']);
  }
}

/**
 * A field with an effect only where its `appliesIf` holds, validated everywhere (`appliesIf-unchecked`):
 * the generator's no-effect case (a value refused where the field applies, sent where it does not) is
 * then refused. Only for a node with a limit the generator probes, since only then is there such a case.
 */
function effectMutations(node: Schema, at: Place, out: BodyMutation[]): void {
  const rules = strings(node['noEffectRules']);
  if (!isSchema(node['appliesIf']) || rules.length === 0 || !PROBED_LIMITS.some((k) => k in node)) return;
  out.push({
    id: idOf(at.label, 'appliesIf-unchecked'),
    rules,
    description: `${where(at.label)}: validated where it has no effect too`,
    patch: (b) => void delete nodeAt(b, at.schemaPath)['appliesIf'],
  });
}

/** Keywords the generator probes with a refused case (a size or length minimum only above 0; test/proof/tencent-mutations.test.ts would show the difference). */
const PROBED_LIMITS = [
  'maxBytes',
  'minBytes',
  'maxLength',
  'minLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'decimalPlaces',
  'enum',
  'const',
  'maxItems',
  'minItems',
] as const;

/** A required property made optional; its rules as the generator's missing case: `by.required.rules`, the property's own, the object's. */
function requiredMutations(node: Schema, at: Place, out: BodyMutation[]): void {
  const props = schemaMap(node['properties']);
  for (const k of strings(node['required'])) {
    const label = at.label === '' ? k : `${at.label}.${k}`;
    out.push({
      id: idOf(label, 'not-required'),
      rules: byRules(node, 'required', 'rules') ?? (props[k] ? ownRules(props[k]) : undefined) ?? at.rules,
      description: `${label} may be missing`,
      patch: (b) => {
        const n = nodeAt(b, at.schemaPath);
        n['required'] = strings(n['required']).filter((x) => x !== k);
      },
    });
  }
}

/**
 * Looser: a dependency entry (`a: [b, …]`) dropped. The generator sends a with all of its list but one
 * (b): when another entry of that body also demands b (url_miniprogram, miniprogram_appid and
 * miniprogram_username each demand the other two), dropping a alone changes no case's verdict. Such
 * entries are dropped together, as one mutation `dependencies(a,c,…)-unchecked`.
 * Stricter: the conditional read as always required (`dependencies(a)-required`, a "C" taken for a "Y"),
 * which the generator's body with neither a nor its list turns around.
 */
function dependencyMutations(node: Schema, at: Place, out: BodyMutation[]): void {
  const deps = node['dependencies'];
  if (!isObject(deps)) return;
  const required = new Set(strings(node['required']));
  const props = schemaMap(node['properties']);
  const lists = Object.entries(deps).filter((e): e is [string, unknown[]] => Array.isArray(e[1]));
  const listOf = new Map(lists.map(([a, l]) => [a, strings(l)]));
  const ruleOf = (a: string, side: 'rules' | 'acceptRules' = 'rules') =>
    byRules(node, 'dependencies', side) ?? (props[a] ? ownRules(props[a]) : undefined) ?? at.rules;
  const drop = (triggers: readonly string[]): BodyMutation => ({
    id: idOf(at.label, `dependencies(${triggers.join(',')})-unchecked`),
    rules: [...new Set(triggers.flatMap((a) => ruleOf(a)))],
    description: `${where(at.label)}: ${triggers.map((a) => `${a} without ${(listOf.get(a) ?? []).join(', ')}`).join('; ')} accepted`,
    patch: (b) => {
      const d = nodeAt(b, at.schemaPath)['dependencies'] as SchemaNode;
      for (const a of triggers) delete d[a];
    },
  });
  const masked: string[] = [];
  for (const [a, needs] of listOf) {
    const probed = needs.filter((b) => !required.has(b));
    if (probed.length === 0) continue; // no case leaves a required property out
    // Observable when some b left out is demanded by no other entry present in that body (a and the rest of its list).
    const seen = probed.some((b) => ![...needs.filter((x) => x !== b)].some((c) => (listOf.get(c) ?? []).includes(b)));
    if (seen) out.push(drop([a]));
    else masked.push(a);
  }
  if (masked.length > 0) out.push(drop(masked));
  // The generator's "neither" case exists only when none of the pair is required anyway.
  for (const [a, needs] of listOf) {
    if (required.has(a) || needs.some((b) => required.has(b))) continue;
    out.push({
      id: idOf(at.label, `dependencies(${a})-required`),
      rules: [...new Set([...ruleOf(a), ...ruleOf(a, 'acceptRules')])],
      description: `${where(at.label)}: ${a} (and so ${needs.join(', ')}) always required`,
      patch: (b) => {
        const n = nodeAt(b, at.schemaPath);
        n['required'] = [...strings(n['required']), a];
      },
    });
  }
}

/** A required-when (`if` of consts, `then: {required}`) dropped; its rules: the entry's own, else the object's. */
function conditionalMutations(node: Schema, at: Place, out: BodyMutation[]): void {
  const required = new Set(strings(node['required']));
  for (const { entry, index } of conditionalEntries(node)) {
    const cond = entry['if'];
    const then = entry['then'];
    if (!isSchema(cond) || !isSchema(then)) continue;
    const label = conditionLabel(cond);
    // The generator probes only an `if` of consts, and only a `then` requirement the object does not require anyway.
    if (label === undefined || !strings(then['required']).some((q) => !required.has(q))) continue;
    const needs = strings(then['required']).join(', ');
    out.push({
      id: idOf(at.label, `if(${label})-unchecked`),
      rules: ownRules(entry) ?? at.rules,
      description: `${where(at.label)}: ${needs} not required when ${label}`,
      patch: (b) => {
        const n = nodeAt(b, at.schemaPath);
        if (index === undefined) {
          delete n['if'];
          delete n['then'];
          delete n['else'];
          return;
        }
        const list = n['allOf'] as unknown[];
        list.splice(index, 1);
        if (list.length === 0) delete n['allOf'];
      },
    });
  }
}

/** The node's own if/then and its allOf entries (with their index, to remove one). */
function conditionalEntries(node: Schema): { readonly entry: Schema; readonly index?: number }[] {
  const all = Array.isArray(node['allOf']) ? (node['allOf'] as unknown[]) : [];
  return [
    ...(node['if'] !== undefined ? [{ entry: node }] : []),
    ...all.flatMap((entry, index) => (isSchema(entry) ? [{ entry, index }] : [])),
  ];
}

/** `coupon_sub_type=1` for `{properties: {coupon_sub_type: {const: 1}}}`; undefined for an `if` the generator does not understand. */
function conditionLabel(cond: Schema): string | undefined {
  if (Object.keys(cond).some((k) => k !== 'properties' && k !== 'required' && k !== 'type')) return undefined;
  const parts: string[] = [];
  for (const [k, sub] of Object.entries(schemaMap(cond['properties']))) {
    if ('const' in sub) parts.push(`${k}=${String(sub['const'])}`);
    else if (Array.isArray(sub['enum']) && sub['enum'].length > 0) parts.push(`${k}=${String(sub['enum'][0])}`);
    else return undefined;
  }
  return parts.length > 0 ? parts.join(',') : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Rules

/** Refused side: `by.<keyword>.rules` ?? the node's; a stricter mutation adds the accepted side: `by.<keyword>.acceptRules` ?? the node's. */
function keywordRules(node: Schema, keyword: string, rules: readonly string[], direction: Direction): readonly string[] {
  const refused = byRules(node, keyword, 'rules') ?? rules;
  if (direction === 'looser') return [...refused];
  return [...new Set([...refused, ...(byRules(node, keyword, 'acceptRules') ?? rules)])];
}

function byRules(node: Schema, keyword: string, side: 'rules' | 'acceptRules'): readonly string[] | undefined {
  const by = node['by'];
  const o = isObject(by) ? by[keyword] : undefined;
  const r = isObject(o) ? o[side] : undefined;
  return Array.isArray(r) ? strings(r) : undefined;
}

function ownRules(s: Schema): readonly string[] | undefined {
  return Array.isArray(s['rules']) ? strings(s['rules']) : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Small helpers

function idOf(label: string, what: string): TencentMutationId {
  return `${TENCENT_MUTATION_PREFIX}${label === '' ? '' : `${label}.`}${what}` as TencentMutationId;
}

function where(label: string): string {
  return label === '' ? 'the body' : label;
}

function nodeAt(body: SchemaNode, path: readonly string[]): SchemaNode {
  let node: unknown = body;
  for (const key of path) {
    node = (node as SchemaNode)[key];
    if (!isObject(node)) throw new Error(`body mutation: no schema node ${path.join('.')}`);
  }
  return node as SchemaNode;
}

/** An edit setting one keyword of the copy (a fresh copy of the value each time: copies share nothing). */
function setTo(keyword: string, value: unknown): (n: SchemaNode) => void {
  return (n) => {
    n[keyword] = structuredClone(value);
  };
}

/** The generator's step: 1 for integers, 10^-decimalPlaces, else 0.01. */
function stepOf(node: Schema): number {
  if (node['type'] === 'integer') return 1;
  const places = num(node, 'decimalPlaces');
  return places !== undefined ? 10 ** -places : 0.01;
}

/** Rounds away float noise: 0.30000000000000004 → 0.3. */
function tidy(n: number): number {
  return Number(n.toFixed(10));
}

function num(s: Schema, k: string): number | undefined {
  const v = s[k];
  return typeof v === 'number' ? v : undefined;
}
