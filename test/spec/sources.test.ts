import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadJosProtocol, loadPromotionSpec, loadRules, SPECS_DIR } from '../../src/spec/load.js';
import type { ApiSpec } from '../../src/spec/types.js';
import {
  checkElements,
  chineseNumerals,
  collapse,
  promotionElements,
  protocolElements,
  type Element,
  type Level,
  type Problem,
} from './quotes.js';

/** The source documents, copied into the repository (a clone has no shared/ folder). */
const SOURCES_DIR = `${SPECS_DIR}sources/`;
/** The originals, beside the repository where CI has them. */
const SEEDS_DIR = fileURLToPath(new URL('../../../shared/seeds/', import.meta.url));

const source = (name: string) => readFileSync(SOURCES_DIR + name, 'utf8');
/** A spec's `source:` may name several documents ("a.zh.txt; PROTOCOLS.md §1"): the first one we hold. */
const seedOf = (sourceField: string) => {
  const name = sourceField.split(/[;,]\s*/u).find((s) => existsSync(SOURCES_DIR + s));
  if (!name) throw new Error(`no copy of ${sourceField} in specs/sources/`);
  return source(name);
};

const levels = new Map(loadRules().map((r) => [r.id, r.level] as const));
const level: Level = (id) => levels.get(id);

/**
 * `must` limits the seed gives no words for (marked `# no quote found in the seed` in the YAML, but for
 * the non-empty rule, which holds everywhere). Each is a candidate to become a `ref` choice; until then
 * the gap is listed here, visibly, and an entry no longer needed fails the stale-entry test.
 */
const UNQUOTED: readonly { readonly path: RegExp; readonly what: string | RegExp; readonly reason: string }[] = [
  {
    path: /\.params\.(promo_id|sku_id|ware_id|sku_ids)$/u,
    what: /^(items\.)?minimum 1$/u,
    reason: 'ids are positive: the document gives no range for an id (an id below 1 is an unknown id, refused all the same)',
  },
  {
    path: /./u,
    what: /^(minItems|minLength) 1$/u,
    reason: 'non-empty: a value at all, not a count the document states',
  },
  {
    path: /^(sku\.add\.params\.jd_prices|ordermode\.add\.variants\[favor_mode=13\]\.params\.quota)$/u,
    what: 'items.exclusiveMinimum 0',
    reason: 'a price above 0: the document writes >0 only for the return price of gift SKUs (退货价>0)',
  },
  {
    path: /^ordermode\.add\.variants\[favor_mode=(6|13|15)\]\.relations\[\d+\]:sameLength$/u,
    what: 'no quote',
    reason: 'quota and rate of equal length: our choice (JDP-REF-05); the must rule beside it only names the favor mode',
  },
  {
    path: /^jos\.(timestampForms\[yyyy-MM-dd HH:mm:ss\.SSS±hhmm\]|systemParams\.sign_method)$/u,
    what: 'no quote',
    reason: 'from PROTOCOLS.md §1b (the SDK sources), not from the seed',
  },
];

const allowed = (p: Problem) =>
  UNQUOTED.some((u) => u.path.test(p.path) && (typeof u.what === 'string' ? u.what === p.what : u.what.test(p.what)));
const render = (ps: readonly Problem[]) => ps.map((p) => `${p.path}: ${p.detail}`);

describe('specs/sources: the source documents', () => {
  const copies = readdirSync(SOURCES_DIR)
    .filter((f) => f.endsWith('.txt'))
    .sort();

  it('holds the documents the specs name', () => {
    expect(copies).toContain(loadPromotionSpec().source);
    expect(() => seedOf(loadJosProtocol().source)).not.toThrow();
  });

  it.skipIf(!existsSync(SEEDS_DIR))('are byte-identical to shared/seeds', () => {
    const seeds = readdirSync(SEEDS_DIR)
      .filter((f) => f.endsWith('.txt'))
      .sort();
    expect(copies).toEqual(seeds);
    for (const f of seeds) expect(readFileSync(SOURCES_DIR + f).equals(readFileSync(SEEDS_DIR + f)), f).toBe(true);
  });
});

describe('quotes: every must limit cites the document', () => {
  const spec = loadPromotionSpec();
  const protocol = loadJosProtocol();
  const problems = [
    ...checkElements(promotionElements(spec), seedOf(spec.source), level),
    ...checkElements(protocolElements(protocol), seedOf(protocol.source), level),
  ];

  it('jd-promotion and jos: each must element has a quote from the seed that states its numbers', () => {
    expect(render(problems.filter((p) => !allowed(p)))).toEqual([]);
  });

  it('fails when a number of the real spec drifts from its quote', () => {
    const drifted = structuredClone(spec) as { -readonly [K in keyof ApiSpec]: unknown } & ApiSpec;
    const op = drifted.operations['jingdong.seller.promotion.add']!;
    (op.params.find((p) => p.name === 'name')!.schema as Record<string, unknown>)['maxLength'] = 11;
    (drifted.limits['skusPerPromotion'] as { value: number }).value = 999;
    (op.relations![0] as { seconds: number }).seconds = 120;
    const found = checkElements(promotionElements(drifted), seedOf(spec.source), level).filter((p) => !allowed(p));
    expect(found.map((p) => `${p.path} ${p.what}`)).toEqual([
      'limits.skusPerPromotion value 999',
      'add.params.name maxLength 11',
      'add.relations[0]:minGap seconds 120',
    ]);
  });

  it('the list of unquoted limits has no stale entry', () => {
    const stale = UNQUOTED.filter(
      (u) => !problems.some((p) => u.path.test(p.path) && (typeof u.what === 'string' ? u.what === p.what : u.what.test(p.what))),
    );
    expect(stale.map((u) => `${u.path} ${String(u.what)}`)).toEqual([]);
  });
});

describe('the quote checker', () => {
  const rules: Level = (id) => (id.includes('-REF-') ? 'ref' : id.startsWith('T-') ? 'must' : undefined);
  const seed =
    '促销名称,字符串长度\n小于等于10\n最多10个字\n必须大于开始时间至少一分钟,最大间隔不能超过180天\n减金额必须小于等于订单额度的百分之八十\nx.invalid 名称无效';
  const param = (maxLength: number, quote?: string | string[], ruleIds = ['T-1']): Element[] =>
    promotionElements({
      errors: {},
      statuses: {},
      transitions: {},
      limits: {},
      operations: {
        'jingdong.seller.promotion.add': {
          title: '',
          rules: [],
          errors: [],
          params: [
            {
              name: 'name',
              type: 'string',
              required: true,
              schema: { type: 'string', maxLength },
              error: 'e',
              rules: ruleIds,
              ...(quote ? { quote } : {}),
            },
          ],
          answer: { schema: {}, rules: [] },
        },
      },
    } as unknown as ApiSpec);
  const check = (els: Element[]) => checkElements(els, seed, rules).map((p) => p.what);

  it('fails a quote that does not state the number, passes one that does', () => {
    expect(check(param(11, '最多10个字'))).toEqual(['maxLength 11']);
    expect(check(param(10, '最多10个字'))).toEqual([]);
    expect(check(param(1, '最多10个字'))).toEqual(['maxLength 1']);
  });

  it('fails a missing quote, a quote not in the seed, and a quote on a ref-only element', () => {
    expect(check(param(10))).toEqual(['no quote']);
    expect(check(param(10, '最多十个字'))).toEqual(['not in the seed']);
    expect(check(param(11, '最多十个字'))).toEqual(['not in the seed', 'maxLength 11']);
    expect(check(param(10, '最多10个字', ['JDP-REF-01']))).toEqual(['quoted ref']);
    expect(check(param(10, undefined, ['JDP-REF-01']))).toEqual([]);
    expect(check(param(10, '最多10个字', ['NOPE-1']))).toEqual(['unknown rule', 'quoted ref']);
  });

  it('compares with whitespace collapsed, and takes a list of quotes', () => {
    expect(check(param(10, '字符串长度小于等于10'))).toEqual([]);
    expect(check(param(10, ['促销名称', '小于等于10']))).toEqual([]);
  });

  it('reads durations, fractions and Chinese numerals', () => {
    const rel = (r: object, quote: string): Element[] => [
      ...promotionElements({
        errors: {},
        statuses: {},
        transitions: {},
        limits: {},
        operations: {
          m: {
            title: '',
            rules: [],
            errors: [],
            params: [],
            relations: [{ error: 'e', rules: ['T-1'], quote, ...r }],
            answer: { schema: {}, rules: [] },
          },
        },
      } as unknown as ApiSpec),
    ];
    expect(check(rel({ kind: 'minGap', from: 'a', to: 'b', seconds: 60 }, '必须大于开始时间至少一分钟'))).toEqual([]);
    expect(check(rel({ kind: 'minGap', from: 'a', to: 'b', seconds: 120 }, '必须大于开始时间至少一分钟'))).toEqual(['seconds 120']);
    expect(check(rel({ kind: 'maxGap', from: 'a', to: 'b', seconds: 180 * 86_400 }, '最大间隔不能超过180天'))).toEqual([]);
    expect(check(rel({ kind: 'maxGap', from: 'a', to: 'b', seconds: 18 * 86_400 }, '最大间隔不能超过180天'))).toEqual(['seconds 1555200']);
    const frac = (numerator: number, denominator: number) => ({ kind: 'atMostFractionEach', field: 'a', of: 'b', numerator, denominator });
    expect(check(rel(frac(4, 5), '减金额必须小于等于订单额度的百分之八十'))).toEqual([]);
    expect(check(rel(frac(3, 4), '减金额必须小于等于订单额度的百分之八十'))).toEqual(['fraction 3/4']);
    expect(chineseNumerals(10)).toEqual(['十']);
    expect(chineseNumerals(105)).toEqual(['一百零五']);
    expect(chineseNumerals(180)).toEqual(['一百八十']);
    expect(chineseNumerals(200)).toEqual(['二百', '两百']);
    expect(chineseNumerals(1000)).toEqual(['一千']);
    expect(collapse(' a\n b\u3000c ')).toBe('abc');
  });

  it("checks that an error quote is the code's description in the seed", () => {
    const errs = (quote: string) =>
      promotionElements({
        errors: { 'x.invalid': { zh: quote, en: '', quote } },
        statuses: {},
        transitions: {},
        limits: {},
        operations: {},
      } as unknown as ApiSpec);
    expect(check(errs('名称无效'))).toEqual([]);
    expect(check(errs('促销名称'))).toEqual(['description']);
  });
});
