import type { Json as ScenarioJson } from '../scenario/types.js';
import { isObject as isRecord, isSchema, schemaList, schemaMap, strings } from '../spec/schema-read.js';
import { decimalPlacesOf, utf8Bytes } from '../spec/keywords.js';

export type Json = ScenarioJson;
export type JsonPath = readonly (string | number)[];

/** One boundary case of a JSON request body: the valid example with exactly one change, and what to expect. */
export interface BodyCase {
  /** Stable, unique slug within one call, e.g. `coupons-0-coupon-name-max-bytes-over`. */
  readonly id: string;
  /** Human title, e.g. `coupons[0].coupon_name of 101 UTF-8 bytes (35 characters) → refused`. */
  readonly title: string;
  /** The JSON Schema keyword probed (`maxBytes`, `required`, `dependencies`, `if-then`, `enum`, `maxItems`, …). */
  readonly keyword: string;
  /** Where the change is, e.g. ['coupons', 0, 'coupon_name'] (for `required`, the removed property). */
  readonly path: JsonPath;
  /** The whole body to send: the example with exactly this one change (a fresh copy per case). */
  readonly body: Json;
  readonly expect: 'accepted' | 'refused';
  /** Rule ids the case checks (the `rules` / `by` annotations; see bodyCases). */
  readonly rules: readonly string[];
}

/** The cases of a body schema, and the cases it could not build (one sentence each; none for a fully served spec). */
export interface BodyCaseSet {
  readonly cases: readonly BodyCase[];
  readonly gaps: readonly string[];
}

type Schema = Readonly<Record<string, unknown>>;
type JsonObject = { [k: string]: Json };

/** A JSON object value (of a body or example). */
const isObject = (v: unknown): v is JsonObject => isRecord(v);
type Expect = BodyCase['expect'];

/** A fault the generator's own validator finds: where, and which keyword (`if-then` for a failed `then`). */
interface Fault {
  readonly path: JsonPath;
  readonly keyword: string;
}

/** Walk state: the root schema every body is verified against, and what has been produced so far. */
interface Ctx {
  readonly root: Schema;
  readonly cases: BodyCase[];
  readonly gaps: string[];
}

/** What a case is, before a body proves it: the body is only emitted if it validates (or fails) as expected. */
interface Probe {
  readonly id: string;
  readonly title: string;
  readonly keyword: string;
  readonly path: JsonPath;
  /** Where the validator must see the failure: the changed node, or the parent object for required-like keywords. */
  readonly faultPath: JsonPath;
  readonly expect: Expect;
  readonly rules: readonly string[];
}

/** One body that may serve a probe, and how the title names its change (else the probe's title). */
interface Candidate {
  readonly body: Json;
  readonly what?: string;
}

/** Keywords the generator understands (validation, annotation, or ignored prose). Anything else is a gap. */
const KNOWN = new Set([
  'type',
  'properties',
  'required',
  'items',
  'enum',
  'const',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'dependencies',
  'allOf',
  'if',
  'then',
  'examples',
  'maxBytes',
  'minBytes',
  'decimalPlaces',
  'rules',
  'by',
  'quote',
  'title',
  'description',
  '$comment',
  '$schema',
  '$id',
  'default',
  'appliesIf',
  'noEffectRules',
]);

/**
 * What a `then` may hold for its cases to be complete: required (annotations and prose aside), and
 * `properties` of empty schemas, which ajv's strictRequired demands beside a `then`'s required.
 */
const THEN_PROBED = new Set(['required', 'rules', 'by', 'quote', 'description', '$comment']);

/** A 3-byte character, so a length counted in characters and one counted in bytes differ. */
const WIDE = '券';
/** Decimal digits for decimalPlaces values; none is 0, so the printed number keeps every digit. */
const DIGITS = '3456789123456789';
const MAX_DEPTH = 32;

/**
 * Boundary cases of a JSON request body (draft-07 schema plus promoproof's `maxBytes`, `minBytes`,
 * `decimalPlaces`) from one valid example: for each node reachable through `properties` and `items`
 * (item 0), each limit it declares, on both sides where that makes sense; a missing required property;
 * both sides of `dependencies` (array form) and of required-when (`allOf: [{if: {properties: {p: {const}}}, then: {required}}]`).
 * Optional properties the example lacks are added (from `examples[0]`, else built from their schema) and
 * probed from there. A property with an effect only under its `appliesIf` is probed where it has one, plus
 * one case that a value refused there is accepted where it has none (its `noEffectRules`). Every case is verified against the schema before it is emitted; one that cannot be
 * built validly is left out and reported by bodyCaseGaps. Rules: `by.<keyword>.rules` (refused side) or
 * `by.<keyword>.acceptRules` (accepted side), else the node's `rules`, else the nearest ancestor's.
 * Pure: the inputs are never modified, every body is a fresh copy.
 */
export function bodyCases(schema: Readonly<Record<string, unknown>>, example: Json): BodyCase[] {
  return [...generateBodyCases(schema, example).cases];
}

/** The cases bodyCases leaves out (cannot build validly) and the keywords it does not understand, one sentence each. */
export function bodyCaseGaps(schema: Readonly<Record<string, unknown>>, example: Json): string[] {
  return [...generateBodyCases(schema, example).gaps];
}

/** bodyCases and bodyCaseGaps in one walk. */
export function generateBodyCases(schema: Readonly<Record<string, unknown>>, example: Json): BodyCaseSet {
  const ctx: Ctx = { root: schema, cases: [], gaps: [] };
  const invalid = faultsOf(schema, example);
  if (invalid.length > 0) {
    const first = invalid[0];
    return { cases: [], gaps: [`the example is invalid (${first ? `${first.keyword} at ${where(first.path)}` : 'unknown'}): no cases`] };
  }
  walk(ctx, schema, [], clone(example), [], 0);
  return { cases: unique(ctx.cases), gaps: ctx.gaps };
}

// ---------------------------------------------------------------------------------------------------
// The walk

/** `parent`: the schema of the object holding this node as a property (to complete it when a value changes what it requires). */
function walk(ctx: Ctx, node: Schema, path: JsonPath, base: Json, inherited: readonly string[], depth: number, parent?: Schema): void {
  if (depth > MAX_DEPTH) {
    ctx.gaps.push(`${where(path)}: nested deeper than ${MAX_DEPTH} levels, not probed`);
    return;
  }
  for (const k of Object.keys(node)) if (!KNOWN.has(k)) ctx.gaps.push(`${where(path)}: keyword ${k} is not understood, not probed`);
  const rules = ownRules(node) ?? inherited;
  const value = getAt(base, path);
  if (value === undefined) return;
  if (Array.isArray(node['enum']) || 'const' in node) {
    memberCases(ctx, node, path, base, rules, parent);
  } else if (typeof value === 'string') {
    stringCases(ctx, node, path, base, rules);
  } else if (typeof value === 'number') {
    numberCases(ctx, node, path, base, rules);
  }
  if (Array.isArray(value)) arrayNode(ctx, node, path, base, value, rules, depth);
  else if (isObject(value)) objectNode(ctx, node, path, base, value, rules, depth);
}

function objectNode(ctx: Ctx, node: Schema, path: JsonPath, base: Json, obj: JsonObject, rules: readonly string[], depth: number): void {
  requiredCases(ctx, node, path, base, obj, rules);
  dependencyCases(ctx, node, path, base, obj, rules);
  conditionalCases(ctx, node, path, base, obj, rules);
  const props = schemaMap(node['properties']);
  for (const [k, sub] of Object.entries(props)) {
    const cond = sub['appliesIf'];
    if (isSchema(cond)) effectProperty(ctx, { node, path, base, obj, rules, depth }, k, sub, cond);
    else propertyNode(ctx, { node, path, base, obj, rules, depth }, k, sub);
  }
}

/** An object being walked: its schema, where it is, the body it is in, its value there. */
interface Holder {
  readonly node: Schema;
  readonly path: JsonPath;
  readonly base: Json;
  readonly obj: JsonObject;
  readonly rules: readonly string[];
  readonly depth: number;
}

/** Probes property `k` of the holder: where the example has it, or added (with what its presence requires). */
function propertyNode(ctx: Ctx, h: Holder, k: string, sub: Schema): void {
  const at = [...h.path, k];
  if (k in h.obj) {
    walk(ctx, sub, at, h.base, h.rules, h.depth + 1, h.node);
    return;
  }
  // An optional property the example lacks: add it (and what its presence requires) and probe from there.
  const v = valueFor(sub);
  const added = v === undefined ? undefined : complete(h.node, { ...clone(h.obj), [k]: v });
  const next = added && setAt(h.base, h.path, added);
  if (!next || faultsOf(ctx.root, next).length > 0) {
    ctx.gaps.push(`${where(at)}: absent from the example and no valid value could be built for it, not probed`);
    return;
  }
  walk(ctx, sub, at, next, h.rules, h.depth + 1, h.node);
}

/**
 * A property with an effect only where its `appliesIf` holds (discount_coupon of a 打折券): its limits
 * are probed in a holder where it applies, then the first value refused there is sent where the field
 * has no effect, and is to be accepted (ignored there: the `noEffectRules`). A check may never demand a
 * refusal of a value the platform ignores.
 */
function effectProperty(ctx: Ctx, h: Holder, k: string, sub: Schema, cond: Schema): void {
  const at = [...h.path, k];
  const applied = faultsOf(cond, h.obj).length === 0 ? h.obj : withCondition(h.node, h.obj, cond);
  const appliedBase = applied && setAt(h.base, h.path, applied);
  if (!applied || !appliedBase || faultsOf(ctx.root, appliedBase).length > 0) {
    ctx.gaps.push(`${where(at)}: no valid object where it has an effect (appliesIf) could be built, not probed`);
    return;
  }
  const from = ctx.cases.length;
  propertyNode(ctx, { ...h, base: appliedBase, obj: applied }, k, sub);
  // Nothing refused where it applies (a type alone): nothing to ignore elsewhere either.
  const refused = ctx.cases.slice(from).find((c) => c.expect === 'refused' && samePath(c.path, at));
  const value = refused && getAt(refused.body, at);
  if (value === undefined) return;
  const rules = strings(sub['noEffectRules']);
  const elsewhere = withoutCondition(ctx, h, cond);
  if (rules.length === 0 || !elsewhere) {
    ctx.gaps.push(
      `${where(at)}: ${rules.length === 0 ? 'appliesIf without noEffectRules' : 'no valid object where it has no effect could be built'}: the no-effect case not probed`,
    );
    return;
  }
  const label = Object.keys(schemaMap(cond['properties']))
    .map((p) => `${p} ${JSON.stringify(elsewhere[p] ?? null)}`)
    .join(' and ');
  offer(
    ctx,
    {
      id: `${slug(at)}-no-effect`,
      title: `${where(at)} = ${JSON.stringify(value)} while ${label}, where it has no effect → accepted`,
      keyword: 'appliesIf',
      path: at,
      faultPath: at,
      expect: 'accepted',
      rules,
    },
    [{ body: setAt(h.base, h.path, { ...elsewhere, [k]: value }) }],
  );
}

/** The object with the condition's values set (consts, or an enum's first member) and completed; undefined if it cannot hold. */
function withCondition(node: Schema, obj: JsonObject, cond: Schema): JsonObject | undefined {
  const assign = conditionValues(cond);
  const filled = assign && complete(node, { ...clone(obj), ...clone(assign) });
  return filled && faultsOf(cond, filled).length === 0 ? filled : undefined;
}

/**
 * The holder where the condition fails, still valid: as it is when it already fails, else with one of
 * the condition's properties set to another member of its own enum (completed with what that requires).
 */
function withoutCondition(ctx: Ctx, h: Holder, cond: Schema): JsonObject | undefined {
  if (faultsOf(cond, h.obj).length > 0) return h.obj;
  const props = schemaMap(h.node['properties']);
  for (const p of Object.keys(schemaMap(cond['properties']))) {
    const own = props[p];
    const members =
      own === undefined ? [] : Array.isArray(own['enum']) ? (own['enum'] as Json[]) : 'const' in own ? [own['const'] as Json] : [];
    for (const m of members) {
      const filled = complete(h.node, { ...clone(h.obj), [p]: clone(m) });
      if (!filled || faultsOf(cond, filled).length === 0) continue;
      if (faultsOf(ctx.root, setAt(h.base, h.path, filled)).length === 0) return filled;
    }
  }
  return undefined;
}

function arrayNode(
  ctx: Ctx,
  node: Schema,
  path: JsonPath,
  base: Json,
  arr: readonly Json[],
  rules: readonly string[],
  depth: number,
): void {
  const itemSchema = node['items'];
  if (itemSchema !== undefined && !isSchema(itemSchema)) {
    ctx.gaps.push(`${where(path)}: items as a list (tuple form) is not understood, not probed`);
    return;
  }
  let current = base;
  let items = arr;
  if (items.length === 0 && itemSchema) {
    // Nothing to probe in an empty array: give it one item, from the examples or built.
    const own = firstExample(itemSchema);
    const listed = firstExample(node);
    const fresh = own !== undefined ? [own] : Array.isArray(listed) && listed.length > 0 ? listed : [valueFor(itemSchema)];
    const next = fresh.some((x) => x === undefined) ? undefined : setAt(base, path, fresh as Json[]);
    if (!next || faultsOf(ctx.root, next).length > 0) {
      ctx.gaps.push(`${where(path)}: empty in the example and no valid item could be built, items not probed`);
    } else {
      current = next;
      items = getAt(next, path) as Json[];
    }
  }
  sizeCases(ctx, node, path, current, items, rules);
  if (itemSchema && items.length > 0) walk(ctx, itemSchema, [...path, 0], current, rules, depth + 1);
}

// ---------------------------------------------------------------------------------------------------
// Cases per keyword

function stringCases(ctx: Ctx, node: Schema, path: JsonPath, base: Json, rules: readonly string[]): void {
  const maxBytes = num(node, 'maxBytes');
  const minBytes = num(node, 'minBytes');
  const maxLength = num(node, 'maxLength');
  const minLength = num(node, 'minLength');
  const at = (kw: string, side: string, expect: Expect, values: readonly string[], describe: (s: string) => string) =>
    offer(
      ctx,
      scalarProbe(node, path, rules, kw, side, expect, describe(values[0] ?? '')),
      values.map((v) => ({ body: setAt(base, path, v), what: describe(v) })),
    );
  // Multibyte text first, so an implementation counting characters for a byte limit (or bytes for a
  // character limit) lands on the wrong side; ASCII is the fallback when other limits of the node forbid it.
  if (maxBytes !== undefined) {
    at('maxBytes', 'at', 'accepted', [bytesText(maxBytes), 'a'.repeat(maxBytes)], ofBytes);
    at('maxBytes', 'over', 'refused', [bytesText(maxBytes + 1), 'a'.repeat(maxBytes + 1)], ofBytes);
  }
  if (minBytes !== undefined && minBytes > 0) {
    at('minBytes', 'at', 'accepted', [bytesText(minBytes), 'a'.repeat(minBytes)], ofBytes);
    at('minBytes', 'under', 'refused', [bytesText(minBytes - 1), 'a'.repeat(minBytes - 1)], ofBytes);
  }
  if (maxLength !== undefined) {
    at('maxLength', 'at', 'accepted', [WIDE.repeat(maxLength), 'a'.repeat(maxLength)], ofChars);
    at('maxLength', 'over', 'refused', ['a'.repeat(maxLength + 1), WIDE.repeat(maxLength + 1)], ofChars);
  }
  if (minLength !== undefined && minLength > 0) {
    at('minLength', 'at', 'accepted', ['a'.repeat(minLength), WIDE.repeat(minLength)], ofChars);
    at('minLength', 'under', 'refused', [WIDE.repeat(minLength - 1), 'a'.repeat(minLength - 1)], ofChars);
  }
}

function numberCases(ctx: Ctx, node: Schema, path: JsonPath, base: Json, rules: readonly string[]): void {
  const step = stepOf(node);
  const at = (kw: string, side: string, expect: Expect, value: number) =>
    offer(ctx, scalarProbe(node, path, rules, kw, side, expect, `= ${value}`), [{ body: setAt(base, path, value) }]);
  const min = num(node, 'minimum');
  const max = num(node, 'maximum');
  const xmin = num(node, 'exclusiveMinimum');
  const xmax = num(node, 'exclusiveMaximum');
  if (min !== undefined) {
    at('minimum', 'at', 'accepted', min);
    at('minimum', 'under', 'refused', plus(min, -step));
  }
  if (max !== undefined) {
    at('maximum', 'at', 'accepted', max);
    at('maximum', 'over', 'refused', plus(max, step));
  }
  if (xmin !== undefined) {
    at('exclusiveMinimum', 'inside', 'accepted', plus(xmin, step));
    at('exclusiveMinimum', 'at', 'refused', xmin);
  }
  if (xmax !== undefined) {
    at('exclusiveMaximum', 'inside', 'accepted', plus(xmax, -step));
    at('exclusiveMaximum', 'at', 'refused', xmax);
  }
  const places = num(node, 'decimalPlaces');
  if (places !== undefined) {
    const pair = decimalPair(node, places);
    if (!pair) {
      ctx.gaps.push(`${where(path)}: decimalPlaces ${places}: no value with that many decimals fits the bounds, not probed`);
      return;
    }
    at('decimalPlaces', 'at', 'accepted', pair[0]);
    at('decimalPlaces', 'over', 'refused', pair[1]);
  }
}

/** enum: the smallest and the largest member accepted, one value outside refused; const: it, and another. */
function memberCases(ctx: Ctx, node: Schema, path: JsonPath, base: Json, rules: readonly string[], parent?: Schema): void {
  const isEnum = Array.isArray(node['enum']);
  const kw = isEnum ? 'enum' : 'const';
  const members = (isEnum ? (node['enum'] as Json[]) : [node['const'] as Json]).slice();
  const show = (v: Json) => `= ${JSON.stringify(v)}`;
  // A member may make the object require more (coupon_sub_type 1 ⇒ amount_coupon): then the accepted
  // case adds what it requires, and says so, rather than leave the member unprobed.
  const completed = (v: Json): Candidate[] => {
    const key = path[path.length - 1];
    const at = path.slice(0, -1);
    const holder = getAt(base, at);
    if (!parent || typeof key !== 'string' || !isObject(holder)) return [];
    const filled = complete(parent, { ...clone(holder), [key]: v });
    const added = filled ? Object.keys(filled).filter((k) => !(k in holder)) : [];
    return filled && added.length > 0 ? [{ body: setAt(base, at, filled), what: `${show(v)} (with ${added.join(', ')})` }] : [];
  };
  const one = (side: string, expect: Expect, v: Json) =>
    offer(ctx, scalarProbe(node, path, rules, kw, side, expect, show(v)), [
      { body: setAt(base, path, v) },
      ...(expect === 'accepted' ? completed(v) : []),
    ]);
  const numbers = members.filter((m): m is number => typeof m === 'number');
  const strings = members.filter((m): m is string => typeof m === 'string');
  if (numbers.length === members.length && numbers.length > 0) {
    const lo = Math.min(...numbers);
    const hi = Math.max(...numbers);
    one('min', 'accepted', lo);
    if (hi !== lo) one('max', 'accepted', hi);
    one('outside', 'refused', hi + 1);
    return;
  }
  if (strings.length === members.length && strings.length > 0) {
    const sorted = [...strings].sort();
    const lo = sorted[0] ?? '';
    const hi = sorted[sorted.length - 1] ?? '';
    one('min', 'accepted', lo);
    if (hi !== lo) one('max', 'accepted', hi);
    const outside = [`${hi}x`, 'x', `${lo}-other`].filter((s) => !strings.includes(s));
    offer(
      ctx,
      scalarProbe(node, path, rules, kw, 'outside', 'refused', show(outside[0] ?? '')),
      outside.map((v) => ({ body: setAt(base, path, v), what: show(v) })),
    );
    return;
  }
  const first = members[0];
  if (first !== undefined) one('first', 'accepted', first);
  if (typeof first === 'boolean' && members.length === 1) one('outside', 'refused', !first);
  else ctx.gaps.push(`${where(path)}: ${kw} of mixed or non-scalar members: no outside value, refusal not probed`);
}

function requiredCases(ctx: Ctx, node: Schema, path: JsonPath, base: Json, obj: JsonObject, rules: readonly string[]): void {
  const props = schemaMap(node['properties']);
  for (const k of strings(node['required'])) {
    if (!(k in obj)) continue;
    const { [k]: _gone, ...rest } = obj;
    // A missing property breaks the parent's `required`, but its own rules say what it is for.
    const own = props[k] ? ownRules(props[k]) : undefined;
    offer(
      ctx,
      {
        id: `${slug([...path, k])}-required-missing`,
        title: `${where([...path, k])} missing → refused`,
        keyword: 'required',
        path: [...path, k],
        faultPath: path,
        expect: 'refused',
        rules: byRules(node, 'required', 'refused') ?? own ?? rules,
      },
      [{ body: setAt(base, path, rest) }],
    );
  }
}

/** dependencies `{a: [b, …]}`: a without b refused; both accepted; neither accepted (when neither is required anyway). */
function dependencyCases(ctx: Ctx, node: Schema, path: JsonPath, base: Json, obj: JsonObject, rules: readonly string[]): void {
  const deps = node['dependencies'];
  if (!isObject(deps)) return;
  const required = new Set(strings(node['required']));
  const props = schemaMap(node['properties']);
  for (const [a, list] of Object.entries(deps)) {
    if (!Array.isArray(list)) {
      ctx.gaps.push(`${where([...path, a])}: dependencies in schema form are not understood, not probed`);
      continue;
    }
    const needs = strings(list);
    // Two independent pairs in one object cannot share the object's rules: the trigger's own rules name its pair.
    const own = props[a] ? ownRules(props[a]) : undefined;
    const ruleOf = (expect: Expect) => byRules(node, 'dependencies', expect) ?? own ?? rules;
    const both = withProps(node, obj, [a, ...needs]);
    if (!both) {
      ctx.gaps.push(`${where([...path, a])}: dependencies: no valid value could be built for ${[a, ...needs].join(', ')}, not probed`);
      continue;
    }
    const whereA = where([...path, a]);
    for (const b of needs) {
      if (required.has(b)) continue;
      const { [b]: _gone, ...rest } = both;
      offer(
        ctx,
        {
          id: `${slug([...path, a])}-dependencies-without-${slug([b])}`,
          title: `${whereA} without ${b} → refused`,
          keyword: 'dependencies',
          path: [...path, b],
          faultPath: path,
          expect: 'refused',
          rules: ruleOf('refused'),
        },
        [{ body: setAt(base, path, rest) }],
      );
    }
    offer(
      ctx,
      {
        id: `${slug([...path, a])}-dependencies-with-${slug(needs)}`,
        title: `${whereA} with ${needs.join(', ')} → accepted`,
        keyword: 'dependencies',
        path: [...path, a],
        faultPath: path,
        expect: 'accepted',
        rules: ruleOf('accepted'),
      },
      [{ body: setAt(base, path, both) }],
    );
    if (required.has(a) || needs.some((b) => required.has(b))) continue;
    const neither: JsonObject = {};
    for (const [k, v] of Object.entries(obj)) if (k !== a && !needs.includes(k)) neither[k] = v;
    offer(
      ctx,
      {
        id: `${slug([...path, a])}-dependencies-neither`,
        title: `${where(path)} with neither ${a} nor ${needs.join(', ')} → accepted`,
        keyword: 'dependencies',
        path: [...path, a],
        faultPath: path,
        expect: 'accepted',
        rules: ruleOf('accepted'),
      },
      [{ body: setAt(base, path, neither) }],
    );
  }
}

/** Required-when: `if` (consts on properties) true with a `then`-required property removed, and with all present. */
function conditionalCases(ctx: Ctx, node: Schema, path: JsonPath, base: Json, obj: JsonObject, rules: readonly string[]): void {
  const required = new Set(strings(node['required']));
  const entries: Schema[] = [...(node['if'] !== undefined ? [node] : []), ...schemaList(node['allOf'])];
  for (const entry of entries) {
    const cond = entry['if'];
    const then = entry['then'];
    if (!isSchema(cond) || !isSchema(then)) {
      ctx.gaps.push(`${where(path)}: an allOf entry other than if/then is not understood, not probed`);
      continue;
    }
    const assign = conditionValues(cond);
    if (!assign) {
      ctx.gaps.push(`${where(path)}: an if other than consts on properties is not understood, not probed`);
      continue;
    }
    if (Object.entries(then).some(([k, v]) => !(THEN_PROBED.has(k) || (k === 'properties' && onlyStubs(v)))))
      ctx.gaps.push(`${where(path)}: then keywords other than required are not probed`);
    const label = Object.entries(assign)
      .map(([k, v]) => `${k} ${JSON.stringify(v)}`)
      .join(' and ');
    const idLabel = slug(Object.entries(assign).flatMap(([k, v]) => [k, String(v)]));
    const entryRules = ownRules(entry) ?? rules;
    const holding = complete(node, { ...clone(obj), ...clone(assign) });
    if (!holding || faultsOf(cond, holding).length > 0) {
      ctx.gaps.push(`${where(path)}: if ${label}: no valid object with the condition true could be built, not probed`);
      continue;
    }
    const needs = strings(then['required']);
    for (const q of needs) {
      if (required.has(q)) continue;
      const { [q]: _gone, ...rest } = holding;
      offer(
        ctx,
        {
          id: `${slug(path.length > 0 ? path : ['body'])}-if-${idLabel}-then-${slug([q])}-missing`,
          title: `${where([...path, q])} missing while ${label} → refused`,
          keyword: 'if-then',
          path: [...path, q],
          faultPath: path,
          expect: 'refused',
          rules: entryRules,
        },
        [{ body: setAt(base, path, rest) }],
      );
    }
    offer(
      ctx,
      {
        id: `${slug(path.length > 0 ? path : ['body'])}-if-${idLabel}-then-present`,
        title: `${where(path)} with ${label} and ${needs.join(', ')} → accepted`,
        keyword: 'if-then',
        path: [...path, ...(needs[0] !== undefined ? [needs[0]] : [])],
        faultPath: path,
        expect: 'accepted',
        rules: entryRules,
      },
      [{ body: setAt(base, path, holding) }],
    );
  }
}

/** minItems / maxItems: n accepted, one item fewer / more refused. */
function sizeCases(ctx: Ctx, node: Schema, path: JsonPath, base: Json, items: readonly Json[], rules: readonly string[]): void {
  const name = path[path.length - 1];
  const resized = (n: number) => resize(items, n, typeof name === 'string' ? name : '');
  const at = (kw: string, side: string, expect: Expect, n: number) => {
    const list = resized(n);
    if (!list) {
      ctx.gaps.push(`${where(path)}: ${kw} ${side}: the example has no item to clone, not probed`);
      return;
    }
    offer(ctx, scalarProbe(node, path, rules, kw, side, expect, `with ${n} item${n === 1 ? '' : 's'}`), [
      { body: setAt(base, path, list) },
    ]);
  };
  const max = num(node, 'maxItems');
  const min = num(node, 'minItems');
  if (max !== undefined) {
    at('maxItems', 'at', 'accepted', max);
    at('maxItems', 'over', 'refused', max + 1);
  }
  if (min !== undefined && min > 0) {
    at('minItems', 'at', 'accepted', min);
    at('minItems', 'under', 'refused', min - 1);
  }
}

// ---------------------------------------------------------------------------------------------------
// Emitting

function scalarProbe(
  node: Schema,
  path: JsonPath,
  rules: readonly string[],
  keyword: string,
  side: string,
  expect: Expect,
  what: string,
): Probe {
  return {
    id: `${slug(path.length > 0 ? path : ['body'])}-${slug([keyword])}-${side}`,
    title: `${where(path)} ${what} → ${expect}`,
    keyword,
    path,
    faultPath: path,
    expect,
    rules: byRules(node, keyword, expect) ?? rules,
  };
}

/**
 * Emits the probe with the first candidate body the schema judges as the probe expects: valid for an
 * accepted case; for a refused one, failing only at `faultPath` and only for the probed keyword (so a
 * refusal is never owed to another limit). No candidate: a gap, never a wrong expectation.
 */
function offer(ctx: Ctx, p: Probe, candidates: readonly Candidate[]): void {
  const judged = candidates.map((c) => ({ c, verdict: verdictOf(faultsOf(ctx.root, c.body), p) }));
  // A refusal for the probed keyword alone first; else one that also breaks the same limit in the other
  // unit ("" under minLength 1 and minBytes 1), which no other body could avoid.
  const best = judged.find((j) => j.verdict === 'alone') ?? judged.find((j) => j.verdict === 'here');
  if (!best) {
    ctx.gaps.push(`${p.id}: no body ${p.expect === 'accepted' ? 'valid' : `refused for ${p.keyword}`} could be built (${p.title})`);
    return;
  }
  const { c } = best;
  const title = c.what !== undefined ? `${where(p.path)} ${c.what} → ${p.expect}` : p.title;
  ctx.cases.push({ id: p.id, title, keyword: p.keyword, path: p.path, body: c.body, expect: p.expect, rules: [...p.rules] });
}

/** The same limit counted in the other unit (characters / UTF-8 bytes). */
const OTHER_UNIT: Readonly<Record<string, string>> = {
  minLength: 'minBytes',
  minBytes: 'minLength',
  maxLength: 'maxBytes',
  maxBytes: 'maxLength',
};

/** `alone`: as expected, refused only for the probed keyword; `here`: refused for it and its other-unit twin. */
function verdictOf(faults: readonly Fault[], p: Probe): 'alone' | 'here' | 'wrong' {
  if (p.expect === 'accepted') return faults.length === 0 ? 'alone' : 'wrong';
  if (!faults.some((f) => f.keyword === p.keyword) || !faults.every((f) => samePath(f.path, p.faultPath))) return 'wrong';
  if (faults.every((f) => f.keyword === p.keyword)) return 'alone';
  return faults.every((f) => f.keyword === p.keyword || f.keyword === OTHER_UNIT[p.keyword]) ? 'here' : 'wrong';
}

/** Identical bodies with identical expectations once (the first); ids made unique with -2, -3 …. */
function unique(cases: readonly BodyCase[]): BodyCase[] {
  const bodies = new Set<string>();
  const ids = new Set<string>();
  const out: BodyCase[] = [];
  for (const c of cases) {
    const key = `${c.expect} ${JSON.stringify(c.body)}`;
    if (bodies.has(key)) continue;
    bodies.add(key);
    let id = c.id;
    for (let n = 2; ids.has(id); n++) id = `${c.id}-${n}`;
    ids.add(id);
    out.push(id === c.id ? c : { ...c, id });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Values

/** A string of exactly `n` UTF-8 bytes, mostly 3-byte characters: 100 → 33 × 券 + "a" (34 characters). */
export function bytesText(n: number): string {
  return WIDE.repeat(Math.floor(n / 3)) + 'abc'.slice(0, n % 3);
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
const ofBytes = (s: string) => (s === '' ? 'empty' : `of ${count(utf8Bytes(s), 'UTF-8 byte')} (${count([...s].length, 'character')})`);
const ofChars = (s: string) => (s === '' ? 'empty' : `of ${count([...s].length, 'character')} (${count(utf8Bytes(s), 'UTF-8 byte')})`);

/** Smallest step a number may take: 1 for integers, 10^-decimalPlaces, else 0.01. */
function stepOf(node: Schema): number {
  if (node['type'] === 'integer') return 1;
  const places = num(node, 'decimalPlaces');
  return places !== undefined ? 10 ** -places : 0.01;
}

/** a + b without float noise: printed with no more decimals than the two have (0.1 + 0.2 → 0.3). */
function plus(a: number, b: number): number {
  return Number((a + b).toFixed(Math.min(100, Math.max(decimalPlacesOf(a), decimalPlacesOf(b)))));
}

/** A value with exactly `places` decimals and one with `places + 1`, both inside the node's bounds (12.34 / 12.345). */
function decimalPair(node: Schema, places: number): [number, number] | undefined {
  const lo = num(node, 'minimum') ?? num(node, 'exclusiveMinimum');
  const hi = num(node, 'maximum') ?? num(node, 'exclusiveMaximum');
  const mid = lo !== undefined && hi !== undefined ? (lo + hi) / 2 : lo !== undefined ? lo + 12 : hi !== undefined ? hi - 12 : 12;
  const whole = Math.trunc(mid);
  const sign = mid < 0 ? '-' : '';
  const text = (d: number) => (d === 0 ? `${sign}${Math.abs(whole)}` : `${sign}${Math.abs(whole)}.${DIGITS.slice(0, d)}`);
  if (places + 1 > DIGITS.length) return undefined;
  const ok = Number(text(places));
  const over = Number(text(places + 1));
  if (decimalPlacesOf(ok) !== places || decimalPlacesOf(over) !== places + 1) return undefined;
  const inside = (v: number) => faultsOf({ ...node, decimalPlaces: places + 1 }, v).length === 0;
  return inside(ok) && inside(over) ? [ok, over] : undefined;
}

/** A valid value for a node the example lacks: its first example, else one built from its schema. */
function valueFor(s: Schema, depth = 0): Json | undefined {
  const example = firstExample(s);
  if (example !== undefined) return example;
  if ('const' in s) return clone(s['const'] as Json);
  if (Array.isArray(s['enum'])) return s['enum'].length > 0 ? clone(s['enum'][0] as Json) : undefined;
  if (depth > MAX_DEPTH) return undefined;
  const type = Array.isArray(s['type']) ? s['type'][0] : (s['type'] ?? (s['properties'] ? 'object' : s['items'] ? 'array' : undefined));
  switch (type) {
    case 'string': {
      // Under a pattern, generic text would break it: only an example can serve.
      if (s['pattern'] !== undefined) return undefined;
      return 'a'.repeat(Math.max(num(s, 'minLength') ?? 0, num(s, 'minBytes') ?? 0));
    }
    case 'number':
    case 'integer': {
      const min = num(s, 'minimum');
      const xmin = num(s, 'exclusiveMinimum');
      if (min !== undefined) return min;
      if (xmin !== undefined) return plus(xmin, stepOf(s));
      const hi = num(s, 'maximum') ?? num(s, 'exclusiveMaximum');
      return hi !== undefined && hi <= 0 ? plus(hi, -stepOf(s)) : 0;
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'object': {
      const props = schemaMap(s['properties']);
      const out: JsonObject = {};
      for (const k of strings(s['required'])) {
        const sub = props[k];
        const v = sub ? valueFor(sub, depth + 1) : null;
        if (v === undefined) return undefined;
        out[k] = v;
      }
      return complete(s, out, depth + 1);
    }
    case 'array': {
      const items = s['items'];
      const n = Math.min(Math.max(num(s, 'minItems') ?? 0, 1), num(s, 'maxItems') ?? 1);
      if (n === 0) return [];
      const item = isSchema(items) ? valueFor(items, depth + 1) : undefined;
      return item === undefined ? undefined : (resize([item], n, '') ?? undefined);
    }
    default:
      return undefined;
  }
}

/** `obj` with `names` present (existing values kept, others built), then completed. */
function withProps(node: Schema, obj: JsonObject, names: readonly string[]): JsonObject | undefined {
  const props = schemaMap(node['properties']);
  const out = clone(obj) as JsonObject;
  for (const k of names) {
    if (k in out) continue;
    const sub = props[k];
    const v = sub ? valueFor(sub) : undefined;
    if (v === undefined) return undefined;
    out[k] = v;
  }
  return complete(node, out);
}

/** Adds what the object's presence rules demand (required, dependencies, if/then required), to a fixed point. */
function complete(node: Schema, obj: JsonObject, depth = 0): JsonObject | undefined {
  const props = schemaMap(node['properties']);
  const out: JsonObject = { ...obj };
  for (let round = 0; round < 16; round++) {
    const missing = missingOf(node, out);
    if (missing.length === 0) return out;
    for (const k of missing) {
      const sub = props[k];
      const v = sub ? valueFor(sub, depth + 1) : null;
      if (v === undefined) return undefined;
      out[k] = v;
    }
  }
  return undefined;
}

function missingOf(node: Schema, obj: JsonObject): string[] {
  const want = [...strings(node['required'])];
  const deps = node['dependencies'];
  if (isObject(deps)) for (const [a, list] of Object.entries(deps)) if (a in obj && Array.isArray(list)) want.push(...strings(list));
  for (const entry of [...(node['if'] !== undefined ? [node] : []), ...schemaList(node['allOf'])]) {
    const cond = entry['if'];
    const then = entry['then'];
    if (isSchema(cond) && isSchema(then) && faultsOf(cond, obj).length === 0) want.push(...strings(then['required']));
  }
  return [...new Set(want.filter((k) => !(k in obj)))];
}

/** The property values an `if` made of consts (or one-member enums) on required properties demands. */
function conditionValues(cond: Schema): JsonObject | undefined {
  if (Object.keys(cond).some((k) => k !== 'properties' && k !== 'required' && k !== 'type')) return undefined;
  const out: JsonObject = {};
  for (const [k, sub] of Object.entries(schemaMap(cond['properties']))) {
    if ('const' in sub) out[k] = sub['const'] as Json;
    else if (Array.isArray(sub['enum']) && sub['enum'].length > 0) out[k] = sub['enum'][0] as Json;
    else return undefined;
  }
  if (strings(cond['required']).some((k) => !(k in out))) return undefined;
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * `n` items: the first n of the array, then clones of its first item. A clone's `*_id` strings get a
 * suffix (-2, -3 …) so items stay distinct: an API may merge or refuse repeated ids (TCC-03 reads a
 * repeated external_coupon_id as an update), which would decide a size case for the wrong reason.
 * Strings in an array named `*_ids` get the same suffix.
 */
function resize(items: readonly Json[], n: number, name: string): Json[] | undefined {
  const first = items[0];
  if (n > items.length && first === undefined) return undefined;
  const out: Json[] = items.slice(0, n).map(clone);
  for (let i = out.length; i < n; i++) out.push(distinct(first as Json, i + 1, name));
  return out;
}

function distinct(item: Json, k: number, arrayName: string): Json {
  if (typeof item === 'string' && arrayName.endsWith('_ids')) return `${item}-${k}`;
  if (!isObject(item)) return clone(item);
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(item)) out[key] = key.endsWith('_id') && typeof v === 'string' ? `${v}-${k}` : clone(v);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// The generator's own validator: the keywords above, so no case is emitted with a wrong expectation.

function faultsOf(schema: Schema, value: Json): Fault[] {
  const out: Fault[] = [];
  check(schema, value, [], out);
  return out;
}

function check(s: Schema, v: Json, path: JsonPath, out: Fault[]): void {
  const fault = (keyword: string, at: JsonPath = path) => out.push({ path: at, keyword });
  const types = Array.isArray(s['type']) ? strings(s['type']) : typeof s['type'] === 'string' ? [s['type']] : [];
  if (types.length > 0 && !types.some((t) => hasType(t, v))) {
    fault('type');
    return;
  }
  if (Array.isArray(s['enum']) && !s['enum'].some((m) => sameJson(m as Json, v))) fault('enum');
  if ('const' in s && !sameJson(s['const'] as Json, v)) fault('const');
  if (typeof v === 'string') {
    const chars = [...v].length;
    const bytes = utf8Bytes(v);
    if (chars > (num(s, 'maxLength') ?? Number.POSITIVE_INFINITY)) fault('maxLength');
    if (chars < (num(s, 'minLength') ?? 0)) fault('minLength');
    if (bytes > (num(s, 'maxBytes') ?? Number.POSITIVE_INFINITY)) fault('maxBytes');
    if (bytes < (num(s, 'minBytes') ?? 0)) fault('minBytes');
    if (typeof s['pattern'] === 'string' && !new RegExp(s['pattern'], 'u').test(v)) fault('pattern');
  }
  if (typeof v === 'number') {
    const min = num(s, 'minimum');
    const max = num(s, 'maximum');
    const xmin = num(s, 'exclusiveMinimum');
    const xmax = num(s, 'exclusiveMaximum');
    const places = num(s, 'decimalPlaces');
    if (min !== undefined && v < min) fault('minimum');
    if (max !== undefined && v > max) fault('maximum');
    if (xmin !== undefined && v <= xmin) fault('exclusiveMinimum');
    if (xmax !== undefined && v >= xmax) fault('exclusiveMaximum');
    if (places !== undefined && decimalPlacesOf(v) > places) fault('decimalPlaces');
  }
  if (Array.isArray(v)) {
    if (v.length > (num(s, 'maxItems') ?? Number.POSITIVE_INFINITY)) fault('maxItems');
    if (v.length < (num(s, 'minItems') ?? 0)) fault('minItems');
    const items = s['items'];
    if (isSchema(items)) for (const [i, item] of v.entries()) check(items, item, [...path, i], out);
  }
  if (isObject(v)) {
    for (const k of strings(s['required'])) if (!(k in v)) fault('required');
    const deps = s['dependencies'];
    if (isObject(deps)) {
      for (const [a, d] of Object.entries(deps)) {
        if (!(a in v)) continue;
        if (Array.isArray(d)) {
          for (const b of strings(d)) if (!(b in v)) fault('dependencies');
        } else if (isSchema(d)) check(d, v, path, out);
      }
    }
    for (const [k, sub] of Object.entries(schemaMap(s['properties']))) {
      const child = v[k];
      // A field with no effect here (appliesIf false) is ignored, as the reference ignores it.
      const cond = sub['appliesIf'];
      if (child !== undefined && (!isSchema(cond) || faultsOf(cond, v).length === 0)) check(sub, child, [...path, k], out);
    }
  }
  if (s['if'] !== undefined) conditional(s, v, path, out);
  for (const sub of schemaList(s['allOf'])) check(sub, v, path, out);
}

/** if/then: the `then` branch's faults, named `if-then` (a required-when is one keyword of its own). */
function conditional(s: Schema, v: Json, path: JsonPath, out: Fault[]): void {
  const cond = s['if'];
  if (!isSchema(cond)) return;
  const branch = faultsOf(cond, v).length === 0 ? s['then'] : s['else'];
  if (!isSchema(branch)) return;
  const inner: Fault[] = [];
  check(branch, v, path, inner);
  for (const f of inner) out.push({ path: f.path, keyword: f.keyword === 'required' ? 'if-then' : f.keyword });
}

function hasType(t: string, v: Json): boolean {
  switch (t) {
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'null':
      return v === null;
    case 'array':
      return Array.isArray(v);
    case 'object':
      return isObject(v);
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------------
// Small helpers

function num(s: Schema, k: string): number | undefined {
  const v = s[k];
  return typeof v === 'number' ? v : undefined;
}

/** `properties: {q: {}}`: names declared for strictRequired, no constraint of their own. */
function onlyStubs(v: unknown): boolean {
  return isObject(v) && Object.values(v).every((s) => s === true || (isObject(s) && Object.keys(s).length === 0));
}

/** A copy of `examples[0]`, if the node has one. */
function firstExample(s: Schema): Json | undefined {
  const list = s['examples'];
  return Array.isArray(list) && list.length > 0 ? clone(list[0] as Json) : undefined;
}

function ownRules(s: Schema): readonly string[] | undefined {
  return Array.isArray(s['rules']) ? strings(s['rules']) : undefined;
}

/** `by.<keyword>.rules` for the refused side, `by.<keyword>.acceptRules` for the accepted one. */
function byRules(s: Schema, keyword: string, expect: Expect): readonly string[] | undefined {
  const by = s['by'];
  if (!isObject(by)) return undefined;
  const o = by[keyword];
  if (!isObject(o)) return undefined;
  const r = o[expect === 'refused' ? 'rules' : 'acceptRules'];
  return Array.isArray(r) ? strings(r) : undefined;
}

function clone<T extends Json>(v: T): T {
  return structuredClone(v);
}

function sameJson(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameJson(x, b[i] as Json));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const ob = b as JsonObject;
  return ka.length === kb.length && ka.every((k) => k in ob && sameJson((a as JsonObject)[k] as Json, ob[k] as Json));
}

function samePath(a: JsonPath, b: JsonPath): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function getAt(v: Json, path: JsonPath): Json | undefined {
  let cur: Json | undefined = v;
  for (const k of path) {
    if (typeof k === 'number') cur = Array.isArray(cur) ? cur[k] : undefined;
    else cur = isObject(cur) ? cur[k] : undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** A deep copy of `root` with the node at `path` replaced by (a copy of) `value`. */
function setAt(root: Json, path: JsonPath, value: Json): Json {
  const [head, ...rest] = path;
  if (head === undefined) return clone(value);
  if (typeof head === 'number' && Array.isArray(root)) {
    const out = root.map(clone);
    out[head] = setAt(root[head] ?? null, rest, value);
    return out;
  }
  const obj = isObject(root) ? root : {};
  const out = clone(obj);
  out[String(head)] = setAt(obj[String(head)] ?? null, rest, value);
  return out;
}

/** `coupons[0].coupon_name`; the root is `the body`. */
function where(path: JsonPath): string {
  if (path.length === 0) return 'the body';
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

/** `['coupons', 0, 'couponName']` → `coupons-0-coupon-name`. */
function slug(parts: readonly (string | number)[]): string {
  return parts
    .map((p) =>
      String(p)
        .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
        .toLowerCase(),
    )
    .join('-')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
