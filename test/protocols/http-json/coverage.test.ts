/**
 * What a binding maps of an answer: a field it does not map is unknown, not wrong. The answer schema a
 * bound success is held to no longer requires it (and still requires what the binding maps), and a read
 * of it is named as one the binding cannot judge, down through the objects and lists it maps.
 */
import { describe, expect, it } from 'vitest';
import { classify, readerFor } from '../../../src/engine/answer.js';
import { loadTargetConfig } from '../../../src/engine/targets/config.js';
import type { FieldRule } from '../../../src/protocols/http-json/binding.js';
import { boundAnswerSchema, unmappedField } from '../../../src/protocols/http-json/coverage.js';
import { adapterFor } from '../../../src/protocols/index.js';
import { pathSteps } from '../../../src/spec/answer-parts.js';
import { SUITES } from '../../../src/scenario/suites.js';
import { REST_BINDING_FILE, restBindingText } from '../../helpers/rest-binding.js';

const at = (pointer: string): FieldRule => ({ kind: 'at', at: pointer, convert: [] });
const DEFINITIONS = {
  item: { type: 'object', required: ['code', 'kind'], properties: { code: { type: 'string' }, kind: { type: 'integer' } } },
};
const SCHEMA = {
  type: 'object',
  required: ['items', 'total', 'stats'],
  properties: {
    items: { type: 'array', items: { $ref: '#/definitions/item' } },
    total: { type: 'integer' },
    stats: { type: 'object', required: ['a', 'b'], properties: { a: { type: 'integer' }, b: { type: 'integer' } } },
  },
};
const RULES: Record<string, FieldRule> = {
  items: { kind: 'list', list: '/rows', item: { code: at('/c') } },
  'stats.a': at('/a'),
};

describe('boundAnswerSchema', () => {
  it('drops from required only what the binding does not map, through lists and dot paths', () => {
    const s = boundAnswerSchema(SCHEMA, RULES, DEFINITIONS) as typeof SCHEMA & Record<string, never>;
    expect(s.required).toEqual(['items', 'stats']);
    expect((s.properties.stats as { required: string[] }).required).toEqual(['a']);
    expect((s.properties.items as unknown as { items: { required: string[] } }).items.required).toEqual(['code']);
    // The spec's own schema is left as it was.
    expect(SCHEMA.required).toEqual(['items', 'total', 'stats']);
    expect(DEFINITIONS.item.required).toEqual(['code', 'kind']);
  });

  it('no fields at all: nothing of the answer is required', () => {
    expect((boundAnswerSchema(SCHEMA, undefined, DEFINITIONS) as { required: string[] }).required).toEqual([]);
  });
});

describe('unmappedField', () => {
  const read = (path: string) => unmappedField(RULES, pathSteps(path));
  it('a mapped field, an entry of a mapped list, a list length, an object mapped in part: mapped', () => {
    for (const p of ['items', 'items.length', 'items[0].code', 'items[*].code', 'stats', 'stats.a']) expect(read(p), p).toBeUndefined();
  });
  it('a field the binding does not map is named, where it is', () => {
    expect(read('total')).toBe('total');
    expect(read('stats.b')).toBe('stats.b');
    expect(read('items[0].kind')).toBe('items[].kind');
    expect(read('items[*].kind')).toBe('items[].kind');
    expect(unmappedField(undefined, pathSteps('total'))).toBe('total');
  });
});

describe('a bound success held to what the binding maps', () => {
  const api = SUITES.get('jd-coupon')?.compiled();
  const claimAnswer = (coupon: Record<string, unknown>, text = restBindingText()) => {
    const target = loadTargetConfig(REST_BINDING_FILE, { REST_COUPON_TOKEN: 't' }, text);
    const endpoint = target.endpoints['jd-coupon'];
    if (endpoint === undefined || api === undefined) throw new Error('no endpoint');
    const reader = readerFor({
      adapter: adapterFor('jos', endpoint),
      api,
      operation: 'promoproof.coupon.claim',
      endpoint,
      level: 'must',
      maxBodyBytes: 1 << 20,
    });
    const body = JSON.stringify({ coupon });
    return classify({ ok: true, status: 201, contentType: 'application/json', body, truncated: false }, reader);
  };
  const coupon = {
    couponNo: 'RC1',
    couponId: 1,
    activityId: 'act_1',
    userId: 7,
    title: 't',
    amount: '5.00',
    minSpend: '0.00',
    validFrom: 0,
    validTo: 1000,
    claimedAt: 0,
    status: 'AVAILABLE',
  };

  it('a spec field the binding does not map (data_source_id) is unknown: the success stands', () => {
    expect(claimAnswer(coupon).kind).toBe('success');
  });

  it('a mapped field the service left out is still missing: not a success', () => {
    const { couponNo: _left, ...without } = coupon;
    const a = claimAnswer(without);
    expect(a).toMatchObject({ kind: 'malformed', problem: 'schema' });
    expect(a.kind === 'malformed' ? a.violation : '').toMatch(/coupon_code/);
  });

  it('the adapter names a read of an unmapped field, and not of a mapped one', () => {
    const target = loadTargetConfig(REST_BINDING_FILE, { REST_COUPON_TOKEN: 't' }, restBindingText());
    const adapter = adapterFor('jos', target.endpoints['jd-coupon']);
    expect(adapter.unmappedAnswer?.('promoproof.coupon.user.list', 'coupons[0].data_source_id')).toBe(
      'the binding maps no answer field coupons[].data_source_id of promoproof.coupon.user.list (the service has none to judge)',
    );
    expect(adapter.unmappedAnswer?.('promoproof.coupon.statistics', 'statistics.revoked')).toMatch(/no answer field statistics\.revoked/);
    expect(adapter.unmappedAnswer?.('promoproof.coupon.user.list', 'coupons[0].status')).toBeUndefined();
    expect(adapter.unmappedAnswer?.('promoproof.coupon.claim', 'coupon.via')).toBeUndefined();
  });
});
