/**
 * The matching rule of `promoproof bind` (src/bind/match.ts, words.ts): names across snake_case and
 * camelCase, the synonym table, and which OpenAPI operation a spec operation gets — the action must
 * be named, the rest only ranks, one operation each.
 */
import { describe, expect, it } from 'vitest';
import { APIS } from '../../src/apis/index.js';
import { matchOperations, scorePair, singular } from '../../src/bind/match.js';
import type { ServiceOperation } from '../../src/bind/openapi.js';
import { specOperations } from '../../src/bind/spec-ops.js';
import { nameMatch, words } from '../../src/bind/words.js';

const jdCoupon = (() => {
  const def = APIS.get('jd-coupon');
  if (def === undefined) throw new Error('jd-coupon');
  return specOperations(def.compiled());
})();
const claim = jdCoupon.find((o) => o.name === 'promoproof.coupon.claim');

function op(method: ServiceOperation['method'], path: string, extra: Partial<ServiceOperation> = {}): ServiceOperation {
  return {
    method,
    path,
    summary: '',
    tags: [],
    pathParams: [],
    query: [],
    headers: [],
    body: [],
    successStatuses: [200],
    errors: [],
    security: [],
    ...extra,
  };
}

const input = (name: string) => ({ name, schema: {}, required: true });

describe('names', () => {
  it('splits camelCase, snake_case, kebab-case and paths into the same words', () => {
    expect(words('activityId')).toEqual(['activity', 'id']);
    expect(words('activity_id')).toEqual(['activity', 'id']);
    expect(words('X-Request-ID')).toEqual(['x', 'request', 'id']);
    expect(words('getHTTPStats')).toEqual(['get', 'http', 'stats']);
    expect(singular('activities')).toBe('activity');
    expect(singular('coupons')).toBe('coupon');
    expect(singular('stats')).toBe('stats');
  });

  it('matches the same name across cases, synonyms from the table, and nothing else', () => {
    expect(nameMatch('coupon_id', 'couponId')).toBe('same name');
    expect(nameMatch('uid', 'userId')).toBe('synonym');
    expect(nameMatch('batch_id', 'activityId')).toBe('synonym');
    expect(nameMatch('request_id', 'Idempotency-Key')).toBe('synonym');
    expect(nameMatch('coupon_code', 'couponNo')).toBe('synonym');
    expect(nameMatch('page_size', 'size')).toBe('synonym');
    expect(nameMatch('batch_id', 'couponId')).toBeUndefined();
    expect(nameMatch('uid', 'orderNo')).toBeUndefined();
  });
});

describe('which operation a spec operation gets', () => {
  it('none whose name does not name the action, however well its parameters match', () => {
    if (claim === undefined) throw new Error('claim');
    const lookalike = op('POST', '/activities/{activityId}/things', {
      operationId: 'doThing',
      pathParams: [input('activityId')],
      body: [input('userId'), input('requestId')],
    });
    expect(scorePair(claim, lookalike)).toBeUndefined();
    expect(matchOperations([claim], [lookalike])).toEqual([]);
  });

  it('the action in the operationId or path outranks one in the summary, and a synonym of it counts', () => {
    if (claim === undefined) throw new Error('claim');
    const grab = op('POST', '/grabs', { operationId: 'grabCoupon' });
    const mentions = op('POST', '/activities/{activityId}/entries', {
      operationId: 'createEntry',
      summary: 'Users claim here',
      pathParams: [input('activityId')],
    });
    expect(scorePair(claim, grab)?.on).toContain("operationId word 'grab'");
    expect(scorePair(claim, mentions)?.on).toContain("summary word 'claim'");
    expect(matchOperations([claim], [mentions, grab]).map((m) => m.service.operationId)).toEqual(['grabCoupon']);
  });

  it('binds each OpenAPI operation once: one naming two actions serves the one it fits best', () => {
    const both = op('POST', '/activities/{activityId}/claims', {
      operationId: 'issueOrClaimCoupon',
      pathParams: [input('activityId')],
      body: [input('userId'), input('requestId')],
    });
    const found = matchOperations(jdCoupon, [both]).map((m) => m.spec.name);
    expect(found).toEqual(['promoproof.coupon.claim']);
  });
});
