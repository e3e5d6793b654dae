/**
 * The quote checker behind test/spec/sources.test.ts: every element of a spec that carries a `must`
 * rule cites the source document's own words (`quote`), the words are in the document, and every
 * number the element declares is in its words.
 */
import type {
  ApiSpec,
  JosProtocolSpec,
  JsonSchema,
  ParamPatch,
  ParamSpec,
  Quote,
  RelationSpec,
  VariantSpec,
} from '../../src/spec/types.js';

/** Something the quote must contain for the element's limit to be cited, e.g. `maxLength 10`. */
export interface Claim {
  readonly label: string;
  /** The quote states the claim when one of these matches. */
  readonly forms: readonly RegExp[];
}

/** One quotable element of a spec: a parameter, a `by` override, a relation, a limit … */
export interface Element {
  /** Where it is, e.g. `add.params.name` or `ordermode.add.variants[favor_mode=6].relations[1]:atMostFractionEach`. */
  readonly path: string;
  readonly rules: readonly string[];
  readonly quote: Quote | undefined;
  readonly claims: readonly Claim[];
  /** Needs a quote whatever its rules (the error table: every code has a documented description). */
  readonly always?: boolean;
  /** An error code: the document lists the quote as this code's description (code, then text). */
  readonly code?: string;
}

export interface Problem {
  readonly path: string;
  /** `no quote`, `not in the seed`, `quoted ref`, `unknown rule`, `description`, `too long`, or a claim label. */
  readonly what: string;
  readonly detail: string;
}

export type Level = (ruleId: string) => 'must' | 'ref' | undefined;

/** Whitespace removed: the document wraps lines and pads table cells. */
export function collapse(text: string): string {
  return text.replace(/\s+/gu, '');
}

export function quoteList(q: Quote | undefined): readonly string[] {
  return q === undefined ? [] : typeof q === 'string' ? [q] : q;
}

/** The longest quote we accept: a few words to one sentence. */
export const MAX_QUOTE_CHARS = 80;

const CN_DIGITS = '零一二三四五六七八九';
const CN_CHARS = '零〇一二两三四五六七八九十百千万';

/** Chinese numerals for a whole number below 10,000: 10 → 十, 180 → 一百八十, 2 → 二 / 两. */
export function chineseNumerals(n: number): string[] {
  if (!Number.isInteger(n) || n < 0 || n >= 10_000) return [];
  if (n < 10) return n === 2 ? ['二', '两'] : [CN_DIGITS[n]!];
  let out = '';
  let rest = n;
  let gap = false;
  for (const [unit, char] of [
    [1000, '千'],
    [100, '百'],
    [10, '十'],
  ] as const) {
    const d = Math.floor(rest / unit);
    rest %= unit;
    if (d === 0) {
      gap = out !== '';
      continue;
    }
    if (gap) out += '零';
    out += d === 1 && unit === 10 && out === '' ? char : CN_DIGITS[d]! + char;
    gap = false;
  }
  if (rest > 0) out += (gap ? '零' : '') + CN_DIGITS[rest]!;
  return out.startsWith('二') ? [out, '两' + out.slice(1)] : [out];
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');

/** A number as digits (not inside a longer number) or as Chinese numerals (not inside a longer numeral). */
export function numberForms(n: number, after = ''): RegExp[] {
  const tail = escapeRegExp(after);
  const forms = [new RegExp(`(?<![0-9.])${escapeRegExp(String(n))}(?![0-9]|\\.[0-9])${tail}`, 'u')];
  for (const cn of chineseNumerals(n)) forms.push(new RegExp(`(?<![${CN_CHARS}])${cn}(?![${CN_CHARS}])${tail}`, 'u'));
  return forms;
}

const literal = (s: string) => new RegExp(escapeRegExp(collapse(s)), 'u');

/** A duration: as days when whole days, minutes when whole minutes, else seconds. */
export function durationClaim(label: string, seconds: number): Claim {
  if (seconds % 86_400 === 0) return { label, forms: numberForms(seconds / 86_400, '天') };
  if (seconds % 60 === 0) return { label, forms: [...numberForms(seconds / 60, '分钟'), ...numberForms(seconds / 60, '分')] };
  return { label, forms: numberForms(seconds, '秒') };
}

/** A fraction: 1/3, 三分之一, or as a percent: 80%, 百分之八十. */
export function fractionClaim(label: string, numerator: number, denominator: number): Claim {
  const forms = [literal(`${numerator}/${denominator}`)];
  for (const d of chineseNumerals(denominator)) for (const n of chineseNumerals(numerator)) forms.push(literal(`${d}分之${n}`));
  const percent = (numerator * 100) / denominator;
  if (Number.isInteger(percent)) {
    forms.push(new RegExp(`(?<![0-9.])${percent}[%％]`, 'u'));
    for (const cn of chineseNumerals(percent)) forms.push(new RegExp(`百分之${cn}(?![${CN_CHARS}])`, 'u'));
  }
  return { label, forms };
}

/**
 * How the document words a few limits without their digit (reviewed, and kept short on purpose):
 * a positive integer is 正整数 (minimum 1, or above 0); "not several values" is at most one.
 */
const PHRASINGS: Readonly<Record<string, readonly string[]>> = {
  'exclusiveMinimum 0': ['正整数', '正数'],
  'minimum 1': ['正整数'],
  'maxItems 1': ['不支持设置多个值'],
};

const SCHEMA_NUMBERS = [
  'maxLength',
  'minLength',
  'maxBytes',
  'minBytes',
  'maxItems',
  'minItems',
  'maximum',
  'minimum',
  'exclusiveMaximum',
  'exclusiveMinimum',
  'multipleOf',
  'decimalPlaces',
] as const;

interface SchemaClaim extends Claim {
  readonly keyword: string;
}

function plainClaim(label: string, keyword: string, value: number): SchemaClaim {
  const phrased = PHRASINGS[`${keyword} ${value}`] ?? [];
  return { label, keyword, forms: [...numberForms(value), ...phrased.map(literal)] };
}

/** The numbers a JSON Schema declares (through items, anyOf, properties …; `$ref`s are not followed). */
export function schemaClaims(schema: JsonSchema | undefined, at = ''): SchemaClaim[] {
  if (!schema || typeof schema !== 'object') return [];
  const out: SchemaClaim[] = [];
  for (const k of SCHEMA_NUMBERS) {
    const v = schema[k];
    if (typeof v === 'number') out.push(plainClaim(`${at}${k} ${v}`, k, v));
  }
  if (Array.isArray(schema['enum'])) {
    for (const m of schema['enum'] as unknown[]) {
      if (typeof m === 'number') out.push(plainClaim(`${at}enum ${m}`, 'enum', m));
      else if (typeof m === 'string' && m !== '') out.push({ label: `${at}enum ${m}`, keyword: 'enum', forms: [literal(m)] });
    }
  }
  const sub = (s: unknown, where: string) => out.push(...schemaClaims(s as JsonSchema, `${at}${where}.`));
  if (schema['items']) sub(schema['items'], 'items');
  for (const k of ['anyOf', 'oneOf', 'allOf'] as const) {
    if (Array.isArray(schema[k])) for (const [i, s] of (schema[k] as unknown[]).entries()) sub(s, `${k}[${i}]`);
  }
  if (schema['properties'] && typeof schema['properties'] === 'object') {
    for (const [name, s] of Object.entries(schema['properties'] as Record<string, unknown>)) sub(s, `properties.${name}`);
  }
  return out;
}

function relationClaims(r: RelationSpec): Claim[] {
  switch (r.kind) {
    case 'minGap':
    case 'maxGap':
    case 'withinFromNow':
      return [durationClaim(`seconds ${r.seconds}`, r.seconds)];
    case 'afterNow':
      return r.seconds === undefined ? [] : [durationClaim(`seconds ${r.seconds}`, r.seconds)];
    case 'atMostFractionEach':
      return [fractionClaim(`fraction ${r.numerator}/${r.denominator}`, r.numerator, r.denominator)];
    case 'promotionBound':
      return r.in.map((b) => ({ label: `bound ${b}`, forms: numberForms(b) }));
    default:
      return [];
  }
}

const SHORT = (method: string) => method.replace(/^jingdong\.seller\.promotion\./u, '');

function whenLabel(v: VariantSpec): string {
  return 'promotionType' in v.when ? `type=${v.when.promotionType.join('|')}` : `${v.when.param}=${v.when.in.join('|')}`;
}

/** A parameter, and its `by` overrides that carry their own rules (each keyword's numbers go with its override). */
function paramElements(path: string, p: ParamSpec | ParamPatch, rules: readonly string[]): Element[] {
  const claims = schemaClaims(p.schema);
  const own = Object.entries(p.by ?? {}).filter(([, o]) => o.rules !== undefined);
  const out: Element[] = [{ path, rules, quote: p.quote, claims: claims.filter((c) => !own.some(([k]) => k === c.keyword)) }];
  for (const [k, o] of own)
    out.push({ path: `${path}.by.${k}`, rules: o.rules!, quote: o.quote, claims: claims.filter((c) => c.keyword === k) });
  return out;
}

/** Every quotable element of the promotion spec. */
export function promotionElements(spec: ApiSpec): Element[] {
  const out: Element[] = [];
  for (const [code, e] of Object.entries(spec.errors))
    out.push({ path: `errors.${code}`, rules: [], quote: e.quote, claims: [], always: true, code });
  for (const [method, t] of Object.entries(spec.transitions)) {
    const claims = t.from.map((s) => {
      const zh = spec.statuses[String(s)]?.zh ?? `(status ${s})`;
      return { label: `from ${s} ${zh}`, forms: [literal(zh), literal(zh.replace(/^已/u, ''))] };
    });
    out.push({ path: `transitions.${SHORT(method)}`, rules: t.rules, quote: t.quote, claims });
  }
  for (const [name, l] of Object.entries(spec.limits)) {
    const claims = (['value', 'min', 'max'] as const).flatMap((k) =>
      l[k] === undefined ? [] : [{ label: `${k} ${l[k]}`, forms: numberForms(l[k]) }],
    );
    out.push({ path: `limits.${name}`, rules: l.rules, quote: l.quote, claims });
  }
  for (const [method, op] of Object.entries(spec.operations)) {
    const m = SHORT(method);
    if (op.promotionTypes) {
      const t = op.promotionTypes;
      out.push({
        path: `${m}.promotionTypes`,
        rules: t.rules,
        quote: t.quote,
        claims: t.in.map((n) => ({ label: `type ${n}`, forms: numberForms(n) })),
      });
    }
    for (const p of op.params) out.push(...paramElements(`${m}.params.${p.name}`, p, p.rules));
    for (const [i, r] of (op.relations ?? []).entries())
      out.push({ path: `${m}.relations[${i}]:${r.kind}`, rules: r.rules, quote: r.quote, claims: relationClaims(r) });
    for (const v of op.variants ?? []) {
      const at = `${m}.variants[${whenLabel(v)}]`;
      for (const [name, patch] of Object.entries(v.params ?? {})) {
        // A patch that only sets an example changes no limit.
        if (patch.schema === undefined && patch.required === undefined) continue;
        const base = op.params.find((p) => p.name === name);
        out.push(...paramElements(`${at}.params.${name}`, patch, patch.rules ?? base?.rules ?? []));
      }
      for (const [i, r] of (v.relations ?? []).entries())
        out.push({ path: `${at}.relations[${i}]:${r.kind}`, rules: r.rules, quote: r.quote, claims: relationClaims(r) });
    }
  }
  return out;
}

/** The protocol settings that are quoted in `quotes:`, with the rule each one states. */
const PROTOCOL_SETTINGS = { skewS: ['JOS-03'], versions: ['JOS-05'], formats: ['JOS-04'] } as const;

/** Every quotable element of the JOS protocol spec. */
export function protocolElements(p: JosProtocolSpec): Element[] {
  const words = (xs: readonly string[]) => xs.map((x) => ({ label: x, forms: [literal(x)] }));
  const out: Element[] = [
    { path: 'jos.skewS', rules: PROTOCOL_SETTINGS.skewS, quote: p.quotes?.skewS, claims: [durationClaim(`skewS ${p.skewS}`, p.skewS)] },
    { path: 'jos.versions', rules: PROTOCOL_SETTINGS.versions, quote: p.quotes?.versions, claims: words(p.versions) },
    { path: 'jos.formats', rules: PROTOCOL_SETTINGS.formats, quote: p.quotes?.formats, claims: words(p.formats) },
  ];
  for (const t of p.timestampForms ?? [])
    out.push({ path: `jos.timestampForms[${t.pattern}]`, rules: t.rules, quote: t.quote, claims: words([t.pattern]) });
  for (const s of p.systemParams) out.push({ path: `jos.systemParams.${s.name}`, rules: s.rules, quote: s.quote, claims: words([s.name]) });
  return out;
}

/** What is wrong with each element's quote, given the seed's text and the rule levels. */
export function checkElements(elements: readonly Element[], seedText: string, level: Level): Problem[] {
  const seed = collapse(seedText);
  const problems: Problem[] = [];
  for (const el of elements) {
    const put = (what: string, detail: string) => problems.push({ path: el.path, what, detail });
    const levels = el.rules.map((r) => [r, level(r)] as const);
    for (const [r, l] of levels) if (l === undefined) put('unknown rule', `rule ${r} is not in specs/rules.yaml`);
    const must = el.always === true || levels.some(([, l]) => l === 'must');
    const quotes = quoteList(el.quote).map(collapse);
    if (!must) {
      if (quotes.length > 0) put('quoted ref', 'carries only ref rules (our own choice, no source) but has a quote');
      continue;
    }
    if (quotes.length === 0 || quotes.includes('')) {
      put('no quote', `carries ${el.always ? 'a documented code' : 'a must rule'} but has no quote`);
      continue;
    }
    for (const q of quotes) {
      if (!seed.includes(q)) put('not in the seed', `quote "${q}" is not in the seed`);
      if ([...q].length > MAX_QUOTE_CHARS) put('too long', `quote "${q}" is longer than ${MAX_QUOTE_CHARS} characters`);
    }
    if (el.code !== undefined && !quotes.some((q) => seed.includes(collapse(el.code!) + q))) {
      put('description', `no quote follows the code ${el.code} in the seed's error table`);
    }
    const text = quotes.join('\n');
    for (const c of el.claims) {
      if (!c.forms.some((f) => f.test(text))) put(c.label, `${c.label} is not in its quote`);
    }
  }
  return problems;
}
