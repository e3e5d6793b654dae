import type { CompiledApi } from '../spec/compile.js';
import type { Accept, JsonSchema, ParamSpec, RelationSpec, RuleSpec, VariantCondition, VariantSpec } from '../spec/types.js';
import type { BaselineDoc, Expectation, GeneratedScenario, Json, ScenarioDoc, Step } from '../scenario/types.js';

export type { GeneratedScenario } from '../scenario/types.js';
import { scalarCases, type ValueCase, withFixtureIds } from './values.js';

/** A generated case before it becomes a scenario: what to change in the baseline and what to expect. */
interface Case {
  readonly target: string;
  readonly kind: string;
  readonly label: string;
  readonly params: Record<string, Json>;
  readonly vars?: Record<string, Json>;
  readonly expect: Expectation;
  readonly rules: readonly string[];
}

const DAY_S = 86_400;

function expectError(error: string, accept: Accept | undefined): Expectation {
  const codes = accept ?? [error];
  return { error: codes === 'any' ? 'any' : codes.length === 1 ? codes[0]! : [...codes] };
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** The spec's variants a baseline exercises: by its literal params, or the promotion type its setup makes. */
function activeVariants(variants: readonly VariantSpec[], b: BaselineDoc): VariantSpec[] {
  return variants.filter((v) => conditionHolds(v.when, b));
}

function effectiveParams(params: readonly ParamSpec[], active: readonly VariantSpec[]): ParamSpec[] {
  return params.map((p) => {
    let out = p;
    for (const v of active) {
      const patch = v.params?.[p.name];
      if (patch) out = { ...out, ...patch, rules: patch.rules ?? out.rules };
    }
    return out;
  });
}

function isArrayParam(p: ParamSpec): boolean {
  return p.type.endsWith('[]');
}

/** The code a failure of `keyword` on parameter `p` must answer (per-keyword override first). */
function paramExpect(p: ParamSpec, keyword: string): { expect: Expectation; rules: readonly string[] } {
  const o = p.by?.[keyword];
  if (o) return { expect: expectError(o.error ?? p.error, o.accept ?? (o.error ? [o.error] : p.accept)), rules: o.rules ?? p.rules };
  return { expect: expectError(p.error, p.accept), rules: p.rules };
}

function relationExpect(r: RelationSpec): Expectation {
  return expectError(r.error, r.accept);
}

/** Groups of parallel arrays (sameLength relations): growing one grows its group. */
function parallelGroup(relations: readonly RelationSpec[], name: string): readonly string[] {
  const r = relations.find((x) => x.kind === 'sameLength' && x.fields.includes(name));
  return r && r.kind === 'sameLength' ? r.fields : [name];
}

/**
 * Derives the boundary cases of one baseline: for each parameter, each limit its (variant) schema
 * declares, both sides; a missing required parameter; and the cross-field relations. Each case changes
 * one thing in an otherwise valid request.
 */
export function casesOfBaseline(api: CompiledApi, b: BaselineDoc): Case[] {
  const op = api.spec.operations[b.operation];
  if (!op) return [];
  const active = activeVariants(op.variants ?? [], b);
  const params = effectiveParams(op.params, active);
  const relations = [...(op.relations ?? []), ...active.flatMap((v) => v.relations ?? [])];
  const skip = new Set(b.skip ?? []);
  const cases: Case[] = [];
  // The baseline itself must be accepted, in the method's envelope and answer schema.
  const baselineRules = [
    ...new Set([
      ...op.rules,
      ...params.filter((p) => b.params[p.name] !== undefined).flatMap((p) => p.rules),
      ...(op.promotionTypes?.rules ?? []),
      ...op.answer.rules,
    ]),
  ];
  cases.push({
    target: 'baseline',
    kind: 'valid',
    label: 'the valid request',
    params: { ...b.params },
    expect: 'success',
    rules: baselineRules,
  });

  for (const p of params) {
    if (skip.has(p.name)) continue;
    // Where the document says the field has no effect (seq outside bundles …), refusing a bad value is ours.
    const noEffect = p.appliesWhen !== undefined && !conditionHolds(p.appliesWhen, b);
    const extra = noEffect ? (p.noEffectRules ?? []) : [];
    const must = paramCases(p, p.schema, b, relations, skip, extra);
    cases.push(...must);
    if (p.refSchema) {
      // Our own limits on top of the document's: the same derivation, reported as ref, without repeats.
      const seen = new Set(must.map((c) => `${c.target} ${c.label}`));
      const own = { ...p, schema: p.refSchema, required: false };
      for (const c of paramCases(own, p.refSchema, b, relations, skip, [...extra, ...(p.refRules ?? [])])) {
        if (!seen.has(`${c.target} ${c.label}`)) cases.push(c);
      }
    }
  }

  const errorOf = (name: string) => params.find((p) => p.name === name)?.error;
  for (const r of relations) cases.push(...relationCases(r, b, relations, skip, errorOf));
  return cases;
}

/** Whether a baseline meets a spec condition (its literal params, or the promotion type its setup makes). */
function conditionHolds(when: VariantCondition, b: BaselineDoc): boolean {
  return 'param' in when
    ? when.in.includes(b.params[when.param] as never)
    : b.promotionType !== undefined && when.promotionType.includes(b.promotionType);
}

/**
 * What a check may demand of a bad value, by what the document states: a missing or empty required
 * value, or one of the wrong type, gets some error (the document names no code for either); a query
 * filter outside its set may be refused or answered; an item the document drops may be dropped.
 */
function refusal(p: ParamSpec, keyword: string, value: Json | undefined, item: boolean): { expect: Expectation; rules: readonly string[] } {
  const own = paramExpect(p, keyword);
  // A required filter (Yoho's `type`) left out is a missing parameter, not a value outside the set.
  const missing = p.required && keyword === 'required';
  if (p.filter && !missing) return { expect: { orRefused: 'any' }, rules: own.rules };
  if (item && p.invalidItems) {
    return {
      expect: { orRefused: 'any', fields: { [p.invalidItems.answerPath]: { excludes: value ?? null } } },
      rules: [...new Set([...own.rules, ...p.invalidItems.rules])],
    };
  }
  const empty = keyword === 'required' || (p.required && (keyword === 'minLength' || keyword === 'minItems'));
  if (empty || keyword === 'type') return { expect: { error: 'any' }, rules: own.rules };
  return own;
}

/** The cases of one parameter's schema: its scalar limits, or its items' limits, sizes and absence. */
function paramCases(
  p: ParamSpec,
  schema: JsonSchema,
  b: BaselineDoc,
  relations: readonly RelationSpec[],
  skip: ReadonlySet<string>,
  extraRules: readonly string[],
): Case[] {
  const cases: Case[] = [];
  const withRules = (rules: readonly string[]) => (extraRules.length > 0 ? [...new Set([...rules, ...extraRules])] : rules);
  const push = (c: Omit<Case, 'rules'> & { rules: readonly string[] }) => cases.push({ ...c, rules: withRules(c.rules) });
  const judge = (c: ValueCase, item: boolean) =>
    c.valid ? { expect: 'success' as const, rules: p.rules } : refusal(p, c.keyword, c.value, item);
  // Where the document allows a refusal or an answer, our refusal with the parameter's code is a ref check beside the must one.
  const ours = (c: ValueCase, item: boolean): readonly string[] | undefined =>
    c.valid || c.keyword === 'type'
      ? undefined
      : p.filter
        ? p.filter.rules
        : item && p.invalidItems
          ? p.invalidItems.refusedRules
          : undefined;
  if (p.required && b.params[p.name] !== undefined) {
    const { [p.name]: _gone, ...rest } = b.params;
    const { expect, rules } = refusal(p, 'required', undefined, false);
    push({ target: p.name, kind: 'required', label: 'missing', params: rest, expect, rules });
  }
  if (schema['not'] !== undefined) {
    // A parameter the variant forbids (满减送不支持 rate): any value is refused.
    const { expect, rules } = paramExpect(p, 'not');
    push({ target: p.name, kind: 'not', label: 'present though not allowed', params: { ...b.params, [p.name]: [1] }, expect, rules });
    return cases;
  }
  // An id of the target's fixtures: the accepted side is one of its ids, never the schema's limit.
  const own = b.params[p.name];
  const derive = (s: JsonSchema, ownValue: Json | undefined) =>
    p.fixture ? withFixtureIds(scalarCases(s), p.fixture, ownValue) : scalarCases(s);
  if (!isArrayParam(p)) {
    for (const c of derive(schema, own)) {
      if (skip.has(`${p.name}.${c.keyword}`)) continue;
      push({ target: p.name, kind: c.keyword, label: c.label, params: { ...b.params, [p.name]: c.value }, ...judge(c, false) });
      const refRules = ours(c, false);
      if (refRules)
        push({
          target: p.name,
          kind: c.keyword,
          label: `${c.label}, refused`,
          params: { ...b.params, [p.name]: c.value },
          ...paramExpect(p, c.keyword),
          rules: [...p.rules, ...refRules],
        });
    }
    return cases;
  }
  const items = (schema['items'] ?? {}) as JsonSchema;
  // Item limits: a one-item array (parallel arrays cut to one item too, from the baseline).
  const group = parallelGroup(relations, p.name);
  const oneItem = (value: Json): Record<string, Json> => {
    const out: Record<string, Json> = { ...b.params };
    for (const f of group) {
      const v = out[f];
      if (Array.isArray(v) && v.length > 1) out[f] = [v[0]!];
    }
    out[p.name] = [value];
    return out;
  };
  for (const c of derive(items, Array.isArray(own) ? own[0] : undefined)) {
    if (skip.has(`${p.name}.${c.keyword}`)) continue;
    push({ target: `${p.name}[]`, kind: c.keyword, label: `one item: ${c.label}`, params: oneItem(c.value), ...judge(c, true) });
    const refRules = ours(c, true);
    if (refRules)
      push({
        target: `${p.name}[]`,
        kind: c.keyword,
        label: `one item: ${c.label}, refused`,
        params: oneItem(c.value),
        ...paramExpect(p, c.keyword),
        rules: [...p.rules, ...refRules],
      });
  }
  const minItems = typeof schema['minItems'] === 'number' ? (schema['minItems'] as number) : undefined;
  if (minItems !== undefined && minItems > 0 && !skip.has(`${p.name}.minItems`) && Array.isArray(b.params[p.name])) {
    const { expect, rules } = refusal(p, 'minItems', undefined, false);
    const fewer = (b.params[p.name] as Json[]).slice(0, minItems - 1);
    push({ target: p.name, kind: 'minItems', label: `${minItems - 1} items`, params: { ...b.params, [p.name]: fewer }, expect, rules });
  }
  const maxItems = typeof schema['maxItems'] === 'number' ? (schema['maxItems'] as number) : undefined;
  if (maxItems !== undefined && b.grow?.[p.name] !== undefined && !skip.has(`${p.name}.maxItems`)) {
    for (const [n, valid] of [
      [maxItems, true],
      [maxItems + 1, false],
    ] as const) {
      const grown: Record<string, Json> = { ...b.params };
      for (const f of group) if (b.grow[f] !== undefined && (f === p.name || b.params[f] !== undefined)) grown[f] = b.grow[f]!;
      const { expect, rules } = valid
        ? { expect: 'success' as const, rules: paramExpect(p, 'maxItems').rules }
        : paramExpect(p, 'maxItems');
      push({ target: p.name, kind: 'maxItems', label: `${n} items`, params: grown, vars: { n }, expect, rules });
    }
  }
  return cases;
}

function relationCases(
  r: RelationSpec,
  b: BaselineDoc,
  all: readonly RelationSpec[],
  skip: ReadonlySet<string>,
  errorOf: (param: string) => string | undefined,
): Case[] {
  if (skip.has(r.kind)) return [];
  const out: Case[] = [];
  const err = relationExpect(r);
  const push = (label: string, params: Record<string, Json>, valid: boolean, vars?: Record<string, Json>) =>
    out.push({
      target: 'relation',
      kind: r.kind,
      label,
      params: { ...b.params, ...params },
      expect: valid ? 'success' : err,
      rules: r.rules,
      ...(vars ? { vars } : {}),
    });
  switch (r.kind) {
    case 'minGap':
      push(`${r.to} = ${r.from} + ${r.seconds} s`, { [r.from]: '${t0}', [r.to]: `\${t0+${r.seconds}s}` }, true, { t0: '${now+1d}' });
      push(`${r.to} = ${r.from} + ${r.seconds - 1} s`, { [r.from]: '${t0}', [r.to]: `\${t0+${r.seconds - 1}s}` }, false, {
        t0: '${now+1d}',
      });
      break;
    case 'maxGap': {
      const d = Math.floor(r.seconds / DAY_S);
      const exact = r.seconds % DAY_S === 0 ? `${d}d` : `${r.seconds}s`;
      push(`${r.to} = ${r.from} + ${exact}`, { [r.from]: '${t0}', [r.to]: `\${t0+${exact}}` }, true, { t0: '${now+1h}' });
      push(`${r.to} = ${r.from} + ${exact} + 1 min`, { [r.from]: '${t0}', [r.to]: `\${t0+${exact}+1m}` }, false, { t0: '${now+1h}' });
      break;
    }
    case 'withinFromNow': {
      const d = Math.floor(r.seconds / DAY_S);
      const partner = all.find((x) => x.kind === 'minGap' && x.from === r.field);
      const end = partner && partner.kind === 'minGap' ? { [partner.to]: '${t0+1d}' } : {};
      // "At most 180 days from now": a minute inside and a minute outside, so transit time cannot decide it.
      push(`${r.field} = now + ${d}d − 1 min`, { [r.field]: '${t0}', ...end }, true, { t0: `\${now+${d}d-1m}` });
      push(`${r.field} = now + ${d}d + 1 min`, { [r.field]: '${t0}', ...end }, false, { t0: `\${now+${d}d+1m}` });
      break;
    }
    case 'afterNow': {
      const partner = all.find((x) => x.kind === 'minGap' && x.to === r.field);
      const from = partner && partner.kind === 'minGap' ? partner.from : undefined;
      // The accepted side begins in the future (a begin_time in the past is a choice, JDP-REF-02); an end in
      // the past needs a begin before it, which a target may refuse for that reason: its code is accepted too.
      push(`${r.field} = now + 1 h`, { ...(from ? { [from]: '${now+1m}' } : {}), [r.field]: '${now+1h}' }, true);
      const beginCode = from ? errorOf(from) : undefined;
      const codes =
        err === 'success' || err.error === undefined || err.error === 'any'
          ? undefined
          : [...[err.error].flat(), ...(beginCode ? [beginCode] : [])];
      out.push({
        target: 'relation',
        kind: r.kind,
        label: `${r.field} = now − 1 min`,
        params: { ...b.params, ...(from ? { [from]: '${now-2h}' } : {}), [r.field]: '${now-1m}' },
        expect: codes ? { error: [...new Set(codes)] } : err,
        rules: r.rules,
      });
      break;
    }
    case 'sameLength': {
      const present = r.fields.filter((f) => Array.isArray(b.params[f]));
      const second = present[1];
      if (second) {
        const arr = b.params[second] as Json[];
        push(`${second} one item longer than ${present[0]}`, { [second]: [...arr, arr[0]!] }, false);
      }
      break;
    }
    case 'lessThanEach': {
      const than = b.params[r.than];
      if (Array.isArray(than) && than.length > 0)
        push(`${r.field} equal to ${r.than}`, { [r.field]: [than[0]!], [r.than]: [than[0]!] }, false);
      break;
    }
    case 'atMostFractionEach': {
      const of = b.params[r.of];
      const whole = Array.isArray(of) && typeof of[0] === 'number' ? of[0] : undefined;
      if (whole === undefined) break;
      const exact = (whole * r.numerator) / r.denominator;
      const limit = r.floor ? Math.floor(exact) : exact;
      if (!Number.isInteger(limit)) break;
      push(`${r.field} = ${limit} (${r.numerator}/${r.denominator} of ${whole})`, { [r.of]: [whole], [r.field]: [limit] }, true);
      push(
        `${r.field} = ${limit + 1} (over ${r.numerator}/${r.denominator} of ${whole})`,
        { [r.of]: [whole], [r.field]: [limit + 1] },
        false,
      );
      break;
    }
    case 'promotionBound':
      // Needs a promotion with another bound: the suite's scenarios cover it.
      break;
  }
  return out;
}

/** The dotted prefix every operation of the API shares (`jingdong.seller.promotion.`), left out of case ids and titles. */
function operationPrefix(api: CompiledApi): string {
  const names = [...api.operations.keys()];
  if (names.length < 2) return '';
  let prefix = names[0] ?? '';
  for (const n of names) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix.slice(0, prefix.lastIndexOf('.') + 1);
}

/** Turns the cases of a baseline into scenario documents (then planned like any scenario). */
export function baselineScenarios(api: CompiledApi, b: BaselineDoc, rules: ReadonlyMap<string, RuleSpec>): GeneratedScenario[] {
  const short = b.operation.slice(operationPrefix(api).length);
  const prefix = `gen-${slug(short)}${b.name ? `-${b.name}` : ''}`;
  const seen = new Map<string, number>();
  return casesOfBaseline(api, b).map((c) => {
    let id = `${prefix}-${slug(c.target)}-${slug(c.kind)}-${slug(c.label)}`;
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    if (n > 1) id = `${id}-${n}`;
    // Every rule must be the document's for a must check; one choice of ours makes the check ref. A case
    // whose limit names no rule covers its operation's.
    const covers = c.rules.length > 0 ? c.rules : (api.spec.operations[b.operation]?.rules ?? []);
    const level = covers.every((r) => rules.get(r)?.level === 'must') ? 'must' : 'ref';
    const step: Step = {
      call: b.operation,
      name: `${short} with ${c.target === 'relation' ? '' : `${c.target} `}${c.label}`,
      params: c.params,
      expect: c.expect,
    };
    const doc: ScenarioDoc = {
      id,
      title: `${short}: ${c.target === 'relation' ? c.kind : c.target} ${c.label} → ${c.expect === 'success' ? 'accepted' : 'refused'}`,
      covers,
      level,
      tags: ['generated', c.kind === 'required' ? 'missing-param' : c.target === 'relation' ? 'relation' : 'limit'],
      ...(b.requires ? { requires: b.requires } : {}),
      // The baseline's variables, then the case's own (`n`, the size of a grown array).
      ...(b.vars || c.vars ? { vars: { ...b.vars, ...c.vars } } : {}),
      steps: [...(b.setup ?? []), step],
    };
    return { doc, generated: { kind: c.kind, operation: b.operation, target: c.target.replace(/\[\]$/, '') } };
  });
}
