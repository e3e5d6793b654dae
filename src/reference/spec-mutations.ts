import { stepOf, tidy } from '../spec/steps.js';
import { type CompiledApi, compileApi } from '../spec/compile.js';
import type { ApiSpec, JosProtocolSpec, JsonSchema, ParamSpec, RelationSpec } from '../spec/types.js';

/**
 * Mutations of the spec the reference enforces: for every limit, code, relation, type restriction,
 * transition and protocol setting, one step looser and one step stricter. Each is a fault the
 * reference can run with (`buildServer({ fault: 'spec:…' })`); the suite should fail against each.
 * Derived from the spec, so a new limit brings its mutations with it.
 */
export interface SpecMutation {
  readonly id: string;
  /** The rules whose checks should notice the mutation. */
  readonly rules: readonly string[];
  readonly description: string;
  /** Edits deep copies of the spec and protocol. */
  readonly apply: (spec: Mutable, protocol: MutableObj) => void;
}

type MutableObj = Record<string, unknown>;
type Mutable = MutableObj;

const SHORT = (method: string) => method.replace(/^jingdong\.seller\.promotion\./, '');

function at(root: MutableObj, path: readonly (string | number)[]): MutableObj {
  let cur: unknown = root;
  for (const seg of path) {
    cur = (cur as Record<string | number, unknown>)[seg];
    if (cur === undefined || cur === null) throw new Error(`spec mutation: nothing at ${path.join('.')}`);
  }
  return cur as MutableObj;
}

/** Looser and stricter edits of one scalar schema's keywords. */
function schemaMutations(s: JsonSchema): { name: string; edit: (x: MutableObj) => void }[] {
  const out: { name: string; edit: (x: MutableObj) => void }[] = [];
  const n = (k: string) => (typeof s[k] === 'number' ? (s[k] as number) : undefined);
  const step = stepOf(s);
  const bump = (k: string, by: number, label: string) =>
    out.push({ name: `${k}${label}`, edit: (x) => void (x[k] = tidy((x[k] as number) + by)) });
  // Each limit dropped altogether, then one step each way.
  for (const k of [
    'maxLength',
    'maxBytes',
    'maxItems',
    'minLength',
    'minItems',
    'maximum',
    'minimum',
    'exclusiveMaximum',
    'exclusiveMinimum',
    'multipleOf',
    'decimalPlaces',
    'enum',
  ]) {
    if (s[k] !== undefined) out.push({ name: `${k}-unchecked`, edit: (x) => void delete x[k] });
  }
  for (const k of ['maxLength', 'maxBytes', 'maxItems']) {
    const v = n(k);
    if (v === undefined) continue;
    bump(k, 1, '+1');
    if (v > (n(k.replace('max', 'min')) ?? 0) + 1) bump(k, -1, '-1');
  }
  for (const k of ['minLength', 'minItems']) {
    const v = n(k);
    if (v === undefined) continue;
    if (v > 0) bump(k, -1, '-1');
    bump(k, 1, '+1');
  }
  for (const k of ['maximum', 'exclusiveMaximum']) if (n(k) !== undefined) bump(k, step, `+${step}`), bump(k, -step, `-${step}`);
  for (const k of ['minimum', 'exclusiveMinimum']) if (n(k) !== undefined) bump(k, -step, `-${step}`), bump(k, step, `+${step}`);
  const mult = n('multipleOf');
  if (mult !== undefined) {
    out.push({ name: 'multipleOf/2', edit: (x) => void (x['multipleOf'] = mult / 2) });
    out.push({ name: 'multipleOf*2', edit: (x) => void (x['multipleOf'] = mult * 2) });
  }
  const dp = n('decimalPlaces');
  if (dp !== undefined) {
    bump('decimalPlaces', 1, '+1');
    if (dp > 0) bump('decimalPlaces', -1, '-1');
  }
  if (Array.isArray(s['enum'])) {
    const members = s['enum'] as unknown[];
    const numeric = members.filter((m): m is number => typeof m === 'number');
    if (numeric.length > 0)
      out.push({ name: `enum+${Math.max(...numeric) + 1}`, edit: (x) => void (x['enum'] = [...members, Math.max(...numeric) + 1]) });
    if (members.length > 1)
      for (const m of members) out.push({ name: `enum-${String(m)}`, edit: (x) => void (x['enum'] = members.filter((y) => y !== m)) });
  }
  if (s['datetime'] === true) out.push({ name: 'datetime-unchecked', edit: (x) => void delete x['datetime'] });
  // Strings slip past a numeric schema's range keywords once the type allows them.
  if (s['type'] === 'integer' || s['type'] === 'number')
    out.push({ name: 'type-unchecked', edit: (x) => void (x['type'] = ['number', 'string']) });
  if (typeof s['pattern'] === 'string') out.push({ name: 'pattern-unchecked', edit: (x) => void delete x['pattern'] });
  return out;
}

/** Keywords of an id parameter whose mutations the existence check masks (an unknown id answers the same code). */
const MASKED_ID_MUTATIONS = /^(minimum|type)/;

function paramMutations(
  method: string,
  p: ParamSpec,
  base: readonly (string | number)[],
  label: string,
  alsoRules: readonly string[] = [],
  isId = false,
  naming: { readonly short: (method: string) => string; readonly idPrefix: string } = { short: SHORT, idPrefix: 'spec:' },
): SpecMutation[] {
  const out: SpecMutation[] = [];
  const SHORT = naming.short;
  const id = (what: string) => `${naming.idPrefix}${SHORT(method)}${label}.${p.name}.${what}`;
  const add = (what: string, rules: readonly string[], description: string, apply: (p: MutableObj) => void) =>
    out.push({ id: id(what), rules, description, apply: (spec) => apply(at(spec, base)) });
  // A type our own limits repeat (refSchema, which ajv's strict mode wants typed) is checked twice: dropping one check changes nothing.
  const typeRepeated = p.refSchema !== undefined && p.refSchema['type'] === p.schema['type'];
  for (const m of schemaMutations(p.schema)) {
    if (isId && MASKED_ID_MUTATIONS.test(m.name)) continue;
    if (typeRepeated && m.name === 'type-unchecked') continue;
    add(m.name, p.by?.[m.name.replace(/[+\-*/].*$/, '')]?.rules ?? p.rules, `${SHORT(method)}${label} ${p.name}: ${m.name}`, (x) =>
      m.edit(at(x, ['schema'])),
    );
  }
  const items = p.schema['items'] as JsonSchema | undefined;
  if (items) {
    for (const m of schemaMutations(items)) {
      add(
        `items.${m.name}`,
        p.by?.[m.name.replace(/[+\-*/].*$/, '')]?.rules ?? p.rules,
        `${SHORT(method)}${label} ${p.name}[]: ${m.name}`,
        (x) => m.edit(at(x, ['schema', 'items'])),
      );
    }
  }
  // Our own limits on top of the document's (refSchema): mutated too, noticed by the ref checks.
  if (p.refSchema) {
    const refRules = [...new Set([...p.rules, ...(p.refRules ?? [])])];
    for (const m of schemaMutations(p.refSchema).filter((x) => !(typeRepeated && x.name === 'type-unchecked')))
      add(`ref.${m.name}`, refRules, `${SHORT(method)}${label} ${p.name} (our limit): ${m.name}`, (x) => m.edit(at(x, ['refSchema'])));
    const refItems = p.refSchema['items'] as JsonSchema | undefined;
    if (refItems)
      for (const m of schemaMutations(refItems))
        add(`ref.items.${m.name}`, refRules, `${SHORT(method)}${label} ${p.name}[] (our limit): ${m.name}`, (x) =>
          m.edit(at(x, ['refSchema', 'items'])),
        );
  }
  if (p.required && !isId)
    add(
      'not-required',
      [...new Set([...p.rules, ...alsoRules])],
      `${SHORT(method)}${label} ${p.name} may be missing`,
      (x) => void (x['required'] = false),
    );
  if (typeof p.default === 'number') {
    const d = p.default;
    add('default+1', p.rules, `${SHORT(method)}${label} ${p.name} defaults to ${d + 1}`, (x) => void (x['default'] = d + 1));
  }
  add('wrong-code', p.rules, `${SHORT(method)}${label} ${p.name} answers system.exception instead of ${p.error}`, (x) => {
    x['error'] = 'system.exception';
    const by = x['by'] as Record<string, MutableObj> | undefined;
    for (const o of Object.values(by ?? {})) if (o['error'] !== undefined) o['error'] = 'system.exception';
  });
  return out;
}

/**
 * The mutations of another API spec's parameters (its limits, our own limits, required-ness,
 * defaults), with ids under `idPrefix` (`spec:cpn:`): the APIs whose wire format has no promotion
 * types, transitions or protocol settings of their own. Left out, since no check could notice them: a
 * wrong code where every code is accepted (a harness never demands one there), the type of an enum, and
 * the limits of an id parameter (`ids`).
 */
export function paramSpecMutations(
  spec: ApiSpec,
  idPrefix: string,
  short: (method: string) => string,
  /** Parameters naming a record (a batch, a coupon): a value of another form names none and is refused anyway, so their limits cannot be observed. */
  ids: ReadonlySet<string> = new Set(),
): SpecMutation[] {
  const out: SpecMutation[] = [];
  for (const [method, op] of Object.entries(spec.operations)) {
    (op.params ?? []).forEach((p, i) => {
      if (ids.has(p.name)) return;
      const all = paramMutations(method, p, ['operations', method, 'params', i], '', [], false, { short, idPrefix });
      // An enum refuses a value of another type by itself: dropping the type check changes nothing.
      const masked = (m: SpecMutation) =>
        (m.id.endsWith('.wrong-code') && p.accept === 'any') || (p.schema['enum'] !== undefined && m.id.endsWith('.type-unchecked'));
      out.push(...all.filter((m) => !masked(m)));
    });
    (op.relations ?? []).forEach((r, ri) => out.push(...relationMutations(method, r, ['operations', method, 'relations', ri], '')));
  }
  return out;
}

/**
 * The compiled spec an API's reference enforces under `fault`: the shipped one, or a patched copy under
 * one of its mutations (compiled once per mutation).
 */
export function compiledUnder(
  fault: string | undefined,
  mutations: ReadonlyMap<string, SpecMutation>,
  spec: () => ApiSpec,
  shipped: () => CompiledApi,
  cache: Map<string, CompiledApi>,
): CompiledApi {
  const m = fault === undefined ? undefined : mutations.get(fault);
  if (!m || fault === undefined) return shipped();
  let hit = cache.get(fault);
  if (!hit) {
    const copy = structuredClone(spec()) as unknown as Mutable;
    m.apply(copy, {});
    hit = compileApi(copy as unknown as ApiSpec);
    cache.set(fault, hit);
  }
  return hit;
}

/** Every mutation of the promotion spec and the JOS protocol, in a stable order. */
export function specMutations(spec: ApiSpec, protocol: JosProtocolSpec): SpecMutation[] {
  const out: SpecMutation[] = [];
  for (const [method, op] of Object.entries(spec.operations)) {
    const short = SHORT(method);
    op.params.forEach((p, i) => {
      // A parameter's required-ness also guards the variants that narrow it.
      const variantRules = (op.variants ?? []).flatMap((v) => v.params?.[p.name]?.rules ?? []);
      const isId = p.name === 'promo_id' && op.promotion !== undefined;
      out.push(...paramMutations(method, p, ['operations', method, 'params', i], '', variantRules, isId));
    });
    (op.variants ?? []).forEach((v, vi) => {
      const label = `[${'param' in v.when ? `${v.when.param}=${v.when.in.join('|')}` : `type=${v.when.promotionType.join('|')}`}]`;
      for (const [name, patch] of Object.entries(v.params ?? {})) {
        if (!patch.schema) continue;
        const base = op.params.find((p) => p.name === name)!;
        const merged: ParamSpec = { ...base, ...patch, rules: patch.rules ?? base.rules };
        out.push(
          ...paramMutations(method, merged, ['operations', method, 'variants', vi, 'params', name], label).filter(
            (m) => !m.id.endsWith('.wrong-code') && !m.id.endsWith('.not-required'),
          ),
        );
      }
      (v.relations ?? []).forEach((r, ri) =>
        out.push(...relationMutations(method, r, ['operations', method, 'variants', vi, 'relations', ri], label)),
      );
    });
    (op.relations ?? []).forEach((r, ri) => out.push(...relationMutations(method, r, ['operations', method, 'relations', ri], '')));
    if (op.promotionTypes) {
      const types = op.promotionTypes;
      const base = ['operations', method, 'promotionTypes'];
      for (const t of [1, 4, 6, 10].filter((x) => !types.in.includes(x))) {
        out.push({
          id: `spec:${short}.promotionTypes+${t}`,
          rules: types.rules,
          description: `${short} accepted for promotion type ${t}`,
          apply: (s) => void (at(s, base)['in'] = [...types.in, t]),
        });
      }
      for (const t of types.in) {
        out.push({
          id: `spec:${short}.promotionTypes-${t}`,
          rules: types.rules,
          description: `${short} refused for promotion type ${t}`,
          apply: (s) => void (at(s, base)['in'] = types.in.filter((x) => x !== t)),
        });
      }
    }
    if (op.promotion) {
      const need = op.promotion;
      out.push({
        id: `spec:${short}.unknown-promotion-code`,
        rules: need.rules,
        description: `${short} answers system.exception for an unknown promotion`,
        apply: (s) => void (at(s, ['operations', method, 'promotion'])['unknown'] = 'system.exception'),
      });
    }
  }
  for (const [method, t] of Object.entries(spec.transitions)) {
    const short = SHORT(method);
    const base = ['transitions', method];
    for (const st of [1, 2, 3, 4, 5, 6, 7].filter((x) => !t.from.includes(x))) {
      out.push({
        id: `spec:${short}.from+${st}`,
        rules: t.rules,
        description: `${short} allowed from status ${st}`,
        apply: (s) => void (at(s, base)['from'] = [...t.from, st]),
      });
    }
    for (const st of t.from) {
      out.push({
        id: `spec:${short}.from-${st}`,
        rules: t.rules,
        description: `${short} refused from status ${st}`,
        apply: (s) => void (at(s, base)['from'] = t.from.filter((x) => x !== st)),
      });
    }
    out.push({
      id: `spec:${short}.refused-code`,
      rules: t.rules,
      description: `${short} refuses with system.exception`,
      apply: (s) => void (at(s, base)['refused'] = 'system.exception'),
    });
  }
  for (const [name, l] of Object.entries(spec.limits)) {
    if (l.error !== undefined) {
      out.push({
        id: `spec:limits.${name}.wrong-code`,
        rules: l.rules,
        description: `${name} answers system.exception`,
        apply: (s) => void (at(s, ['limits', name])['error'] = 'system.exception'),
      });
    }
    for (const k of ['value', 'min', 'max'] as const) {
      const v = l[k];
      if (v === undefined) continue;
      const by = name === 'draftLifetimeS' ? 120 : 1;
      for (const d of [by, -by]) {
        if (v + d < 0) continue;
        out.push({
          id: `spec:limits.${name}.${k}${d > 0 ? '+' : ''}${d}`,
          rules: l.rules,
          description: `${name} ${k} ${v} → ${v + d}`,
          apply: (s) => void (at(s, ['limits', name])[k] = v + d),
        });
      }
    }
  }
  for (const d of [60, -60]) {
    out.push({
      id: `spec:jos.skewS${d > 0 ? '+' : ''}${d}`,
      rules: ['JOS-03'],
      description: `timestamp window ${protocol.skewS + d} s`,
      apply: (_s, p) => void (p['skewS'] = protocol.skewS + d),
    });
  }
  return out;
}

function relationMutations(method: string, r: RelationSpec, base: readonly (string | number)[], label: string): SpecMutation[] {
  const short = `${SHORT(method)}${label}`;
  const out: SpecMutation[] = [];
  const drop = (): SpecMutation => ({
    id: `spec:${short}.${r.kind}${'field' in r ? `(${r.field})` : ''}-unchecked`,
    rules: r.rules,
    description: `${short}: ${r.kind} not checked`,
    apply: (s) => {
      const parent = at(s, base.slice(0, -1)) as unknown as unknown[];
      parent.splice(base[base.length - 1] as number, 1);
    },
  });
  const shift = (key: string, by: number, unit: string): SpecMutation => ({
    id: `spec:${short}.${r.kind}${by > 0 ? '+' : ''}${by}${unit}`,
    rules: r.rules,
    description: `${short}: ${r.kind} ${key} ${by > 0 ? '+' : ''}${by}`,
    apply: (s) => {
      const x = at(s, base);
      x[key] = (x[key] as number) + by;
    },
  });
  out.push(drop());
  switch (r.kind) {
    case 'minGap':
      out.push(shift('seconds', -1, 's'), shift('seconds', 1, 's'));
      break;
    case 'maxGap':
      out.push(shift('seconds', 60, 's'), shift('seconds', -60, 's'));
      break;
    case 'withinFromNow':
      out.push(shift('seconds', 120, 's'), shift('seconds', -120, 's'));
      break;
    case 'afterNow':
      // Stricter: the field must lie two hours after now.
      out.push({
        id: `spec:${short}.afterNow(${r.field})+7200s`,
        rules: r.rules,
        description: `${short}: ${r.field} must be 2 h after now`,
        apply: (s) => void (at(s, base)['seconds'] = 7200),
      });
      break;
    case 'atMostFractionEach':
      out.push(shift('denominator', 1, ''));
      break;
    default:
      break;
  }
  return out;
}
