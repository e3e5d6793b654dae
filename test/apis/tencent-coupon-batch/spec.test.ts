import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  addCouponOperation,
  loadCouponBatchSpec,
  loadTencentProtocol,
  validateCouponBatchBody,
} from '../../../src/apis/tencent-coupon-batch/index.js';
import { TENCENT_RETCODES } from '../../../src/protocols/tencent-data-api/retcodes.js';
import { ADD_COUPON_PATH, TENCENT_QUERY_PARAMS } from '../../../src/protocols/tencent-data-api/sign.js';
import { loadRules, SPECS_DIR } from '../../../src/spec/load.js';

const seed = readFileSync(`${SPECS_DIR}sources/tencent-add-coupon-api.zh.txt`, 'utf8');
const collapse = (s: string) => s.replace(/\s+/gu, '');
const levels = new Map(loadRules().map((r) => [r.id, r.level] as const));

type Node = Record<string, unknown>;

/** Every schema node of the body with its path and its effective (inherited) rules. */
function nodes(schema: Node, path = 'body', inherited: readonly string[] = []): { path: string; node: Node; rules: readonly string[] }[] {
  const rules = (schema['rules'] as string[] | undefined) ?? inherited;
  const out = [{ path, node: schema, rules }];
  for (const [name, sub] of Object.entries((schema['properties'] as Record<string, Node> | undefined) ?? {}))
    out.push(...nodes(sub, `${path}.${name}`, rules));
  if (schema['items']) out.push(...nodes(schema['items'] as Node, `${path}[]`, rules));
  for (const [i, sub] of ((schema['allOf'] as Node[] | undefined) ?? []).entries()) out.push(...nodes(sub, `${path}.allOf[${i}]`, rules));
  return out;
}

const body = addCouponOperation().body as Node;
const LIMITS = ['minBytes', 'maxBytes', 'minItems', 'maxItems', 'enum', 'decimalPlaces', 'exclusiveMinimum', 'exclusiveMaximum', 'pattern'];

describe('specs/tencent-coupon-batch and specs/tencent-data-api', () => {
  it('load, validated and frozen', () => {
    const spec = loadCouponBatchSpec();
    expect(spec.id).toBe('tencent-coupon-batch');
    expect(spec.protocol).toBe(loadTencentProtocol().id);
    expect(Object.isFrozen(addCouponOperation().body)).toBe(true);
    expect(`${loadTencentProtocol().pathPrefix}/order/add_coupon`).toBe(ADD_COUPON_PATH);
    expect(loadTencentProtocol().queryParams.map((p) => p.name)).toEqual([...TENCENT_QUERY_PARAMS]);
  });

  it('every quote is verbatim from the seed (whitespace collapsed) and short', () => {
    const quotes: string[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) for (const x of v) walk(x);
      else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) k === 'quote' ? quotes.push(...[x as string | string[]].flat()) : walk(x);
    };
    walk(loadCouponBatchSpec());
    walk(loadTencentProtocol());
    expect(quotes.length).toBeGreaterThan(80);
    expect(quotes.filter((q) => !collapse(seed).includes(collapse(q)))).toEqual([]);
    expect(quotes.filter((q) => [...collapse(q)].length > 80)).toEqual([]);
  });

  it('every rule named is in specs/rules.yaml', () => {
    const named = new Set<string>();
    const walk = (v: unknown, key = ''): void => {
      if (Array.isArray(v)) {
        if (/^(rules|acceptRules|noEffectRules)$/.test(key)) for (const r of v) named.add(r as string);
        else for (const x of v) walk(x);
      } else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
    };
    walk(loadCouponBatchSpec());
    walk(loadTencentProtocol());
    expect([...named].filter((r) => !levels.has(r))).toEqual([]);
  });

  it('every node with a limit under a must rule has a quote stating its numbers; ref-only limits none', () => {
    const problems: string[] = [];
    for (const { path, node, rules } of nodes(body)) {
      const by = (node['by'] as Record<string, { rules?: string[] }> | undefined) ?? {};
      const own = LIMITS.filter((k) => k in node && !by[k]?.rules);
      const must = rules.some((r) => levels.get(r) === 'must');
      const text = collapse([node['quote'] ?? []].flat().join('\n'));
      if (must && (own.length > 0 || 'type' in node) && text === '') problems.push(`${path}: no quote`);
      for (const k of own) {
        const v = node[k];
        const numbers = k === 'pattern' ? [] : k === 'enum' ? (v as number[]) : [v as number];
        // minItems 1 is "required" (Y): a value at all, not a count the document states (as in sources.test.ts).
        if (k === 'minItems' && v === 1) continue;
        for (const n of numbers) if (!new RegExp(`(?<![0-9.])${n}(?![0-9])`).test(text)) problems.push(`${path}: ${k} ${n} not in quote`);
      }
      for (const [k, o] of Object.entries(by)) {
        if (o.rules && o.rules.every((r) => levels.get(r) === 'ref') && 'quote' in o) problems.push(`${path}.by.${k}: quoted ref`);
        if (!(k in node)) problems.push(`${path}.by.${k}: no such keyword on the node`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('is never stricter than the document: no additionalProperties anywhere, no $ref', () => {
    const text = JSON.stringify(body);
    expect(text).not.toContain('additionalProperties');
    expect(text).not.toContain('$ref');
  });

  it("the operation's example and the seed's own example body are valid", () => {
    expect(validateCouponBatchBody(addCouponOperation().example)).toMatchObject({ ok: true });
    const seedExample = JSON.parse(/# 请求体示例\n([\s\S]*?)\n# 应答体结构/u.exec(seed)?.[1] ?? 'null') as unknown;
    expect(validateCouponBatchBody(seedExample)).toMatchObject({ ok: true });
  });

  it('the retcode table and TENCENT_RETCODES are in step, every code ours (documented: false)', () => {
    const table = loadTencentProtocol().retcodes;
    expect(Object.keys(table).sort()).toEqual(Object.values(TENCENT_RETCODES).map(String).sort());
    for (const [code, e] of Object.entries(table)) {
      expect(e.documented, code).toBe(false);
      expect(
        e.rules.every((r) => levels.get(r) === 'ref'),
        code,
      ).toBe(true);
    }
  });

  it('the TCC-REF rules are ref rules of their own section', () => {
    const refs = loadRules().filter((r) => r.id.startsWith('TCC-REF-'));
    expect(refs.length).toBeGreaterThanOrEqual(14);
    for (const r of refs) expect([r.level, r.section]).toEqual(['ref', 'Coupon batch upload (add/update) — our choices']);
  });
});
