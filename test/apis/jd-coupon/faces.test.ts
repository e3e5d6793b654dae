/**
 * The coupon platform's faces through HTTP (inject): the life cycle over the JOS router beside the
 * promotion service, the Yoho gateway over the same store, the platform's test control, and hostile
 * requests answered in each face's envelope, never a 500.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jdCouponApiCompiled } from '../../../src/apis/jd-coupon/spec.js';
import { YOHO_REFERENCE_KEYS } from '../../../src/apis/yoho-user-coupon/index.js';
import { buildJosParams, toFormBody } from '../../../src/protocols/jos/client.js';
import { DEFAULT_CREDENTIALS } from '../../../src/protocols/jos/credentials.js';
import { decodeYoho, YOHO_MASTER_SALT } from '../../../src/protocols/yoho-gateway/envelope.js';
import { signYohoParams } from '../../../src/protocols/yoho-gateway/sign.js';
import { createTestClient, type TestClient } from '../../helpers/jos.js';
import { rng } from '../../helpers/rng.js';

let client: TestClient;
let app: FastifyInstance;

beforeAll(async () => {
  client = createTestClient();
  app = client.app;
  await app.ready();
});
afterAll(async () => {
  await app.close();
});

const upload = (id: string, coupon: Record<string, unknown>) =>
  app.couponBatch.store.upsert({
    appId: 'test',
    dataSourceId: '101',
    coupon: { external_coupon_id: id, coupon_name: id, coupon_type: 1, coupon_sub_type: 1, amount_coupon: 10, ...coupon },
  });

/** A signed life-cycle call through the reference's JOS router (the test client's sender). */
const jos = (method: string, params: Record<string, unknown>) =>
  client.send(buildJosParams({ method, app: params, credentials: DEFAULT_CREDENTIALS, timestampMs: Date.now() }));

async function yoho(params: Record<string, string>, how: 'GET' | 'POST' = 'POST', sign = true) {
  const signed = sign ? signYohoParams({ client_type: 'android', app_version: '5.0.0', ...params }, YOHO_REFERENCE_KEYS) : params;
  const res =
    how === 'POST'
      ? await app.inject({
          method: 'POST',
          url: '/gateway',
          payload: toFormBody(signed),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        })
      : await app.inject({ method: 'GET', url: `/gateway?${toFormBody(signed)}` });
  return {
    status: res.statusCode,
    raw: res.body,
    answer: decodeYoho(params['method'] ?? '', JSON.parse(res.body), res.body, YOHO_MASTER_SALT),
  };
}

describe('one store behind three faces', () => {
  it('a batch uploaded through the Tencent face is claimed over JOS, listed and counted over Yoho, redeemed, and counted in statistics', async () => {
    upload('F1', { store_count: 5, amount_minimum: 50 });
    const claim = await jos('promoproof.coupon.claim', { data_source_id: '101', batch_id: 'F1', uid: 501 });
    expect(claim.kind).toBe('success');
    const code = claim.kind === 'success' ? String((claim.body['coupon'] as Record<string, unknown>)['coupon_code']) : '';
    const lists = await yoho({ method: 'app.coupons.lists', uid: '501', type: 'notuse', limit: '10', page: '1' }, 'GET');
    expect(lists.answer).toMatchObject({
      kind: 'success',
      body: { total: 1, couponList: [{ couponCode: code, couponValue: 10, rule4ShortName: '满50可用' }] },
    });
    const redeem = await jos('promoproof.coupon.redeem', {
      uid: 501,
      coupon_code: code,
      order_code: '9001',
      order_lines: [{ sku_id: 'A', quantity: 3, price_fen: 2000 }],
    });
    expect(redeem).toMatchObject({ kind: 'success', body: { deduction_fen: 1000, actually_paid_fen: 5000, order_code: '9001' } });
    const li = await yoho({ method: 'app.coupons.li', uid: '501', status: '1', limit: '10', page: '1' });
    expect(li.answer).toMatchObject({
      kind: 'success',
      body: { total: 1, couponList: [{ couponCode: code, orderCode: 9001, actuallyPaid: 50, orderPrice: 60 }] },
    });
    const total = await yoho({ method: 'app.coupons.total', uid: '501', type: 'use' });
    expect(total.answer).toMatchObject({ kind: 'success', body: { total: 1 } });
    const stats = await jos('promoproof.coupon.statistics', { data_source_id: '101', batch_id: 'F1' });
    expect(stats).toMatchObject({
      kind: 'success',
      body: { statistics: { issued: 1, claimed: 1, used: 1, remaining: 4, use_rate: { numerator: 1, denominator: 1 } } },
    });
  });

  it('the promotion service still answers on the same router', async () => {
    const a = await jos('jingdong.seller.promotion.list', {});
    expect(a.kind).toBe('success');
  });

  it('answers every refusal in the face envelope: JOS error_response with our code, Yoho {code, message} without md5', async () => {
    const unknown = await jos('promoproof.coupon.claim', { data_source_id: '101', batch_id: 'nope', uid: 1 });
    expect(unknown).toMatchObject({ status: 200, kind: 'error', code: 'coupon.batch.not.exist' });
    const bad = await jos('promoproof.coupon.verify', { uid: 1, coupon_code: 'x', order_lines: 'not lines' });
    expect(bad).toMatchObject({ status: 200, kind: 'error', code: 'param.error' });
    const unsigned = await yoho({ method: 'app.coupons.total', uid: '1', type: 'use', client_type: 'android' }, 'POST', false);
    expect(JSON.parse(unsigned.raw)).toEqual({ code: 500, message: '缺少client_secret' });
    const missing = await yoho({ method: 'app.coupons.total', type: 'use' });
    expect(missing.answer).toMatchObject({ kind: 'error', code: '400' });
    expect(JSON.parse(missing.raw)).not.toHaveProperty('md5');
  });
});

describe('the platform test control', () => {
  it('moves one user clock, sets a profile relative to today, validates its input and resets', async () => {
    const post = async (path: string, body: unknown) => {
      const res = await app.inject({ method: 'POST', url: `/__promoproof/coupon-platform/${path}`, payload: body as object });
      return { status: res.statusCode, json: JSON.parse(res.body) as Record<string, unknown> };
    };
    expect((await post('clock', { advanceS: 86_400, uid: 777 })).json).toMatchObject({ uid: 777, clockOffsetS: 86_400 });
    expect((await post('clock', { advanceS: -1 })).status).toBe(400);
    expect((await post('profile', { uid: 777, vipLevel: 1, birthdayInDays: 0 })).json).toMatchObject({
      uid: 777,
      profile: { vipLevel: 1 },
    });
    expect((await post('profile', { uid: 0 })).status).toBe(400);
    expect((await post('profile', { uid: 5, birthday: '13-01' })).status).toBe(400);
    const v = await yoho({ method: 'app.promotion.validateGetBirthCoupon', uid: '777' });
    expect(v.answer).toMatchObject({ kind: 'success', body: { is_support: 'Y' } });
    expect((await post('reset', {})).json).toEqual({ reset: true });
    const after = await yoho({ method: 'app.promotion.validateGetBirthCoupon', uid: '777' });
    expect(after.answer).toMatchObject({ kind: 'success', body: { is_support: 'N', not_support_reasons: '2' } });
  });
});

describe('hostile requests: never a 500, never an internal error', () => {
  const values = [
    '',
    ' ',
    'abc',
    '-1',
    '0',
    '1',
    '1.5',
    '1e21',
    '9007199254740993',
    '促销'.repeat(40),
    '[]',
    '{}',
    '[{"sku_id":"A"}]',
    '\u0000',
    'F2',
    '101',
    'null',
  ];
  const jsonValues: unknown[] = [
    null,
    true,
    -1,
    0,
    1,
    1.5,
    1e21,
    'x',
    [],
    {},
    [{ sku_id: 'A', quantity: 1, price_fen: 1 }],
    [{ sku_id: 'A', quantity: -1, price_fen: 1e12 }],
    [1, 2],
    { a: 1 },
  ];

  it('answers 400 random life-cycle calls with HTTP 200 and a documented code', async () => {
    upload('F2', { store_count: 400, max_coupon_number_per_user: 400 });
    const claimed = await jos('promoproof.coupon.claim', { data_source_id: '101', batch_id: 'F2', uid: 9 });
    const code = claimed.kind === 'success' ? String((claimed.body['coupon'] as Record<string, unknown>)['coupon_code']) : '';
    // Valid values of each parameter: each request keeps some and draws the others at random.
    const valid: Record<string, unknown> = {
      data_source_id: '101',
      batch_id: 'F2',
      uid: 9,
      request_id: 'fuzz',
      rule: 'campaign',
      uids: [9],
      status: 'unused',
      page: 1,
      page_size: 5,
      coupon_code: code,
      order_code: '77',
      order_lines: [{ sku_id: 'A', quantity: 1, price_fen: 5000 }],
      stacked: 0,
    };
    const r = rng(20261201);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
    const api = jdCouponApiCompiled();
    const methods = [...api.operations.keys()];
    const documented = new Set(Object.keys(api.spec.errors));
    const seen = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const method = pick(methods);
      const op = api.operations.get(method);
      const params: Record<string, unknown> = {};
      for (const p of op?.spec.params ?? []) {
        const roll = r();
        if (roll < 0.1) continue;
        params[p.name] = roll < 0.75 ? valid[p.name] : r() < 0.5 ? pick(values) : pick(jsonValues);
      }
      const a = await jos(method, params);
      const where = `request ${i}: ${method} ${JSON.stringify(params).slice(0, 200)} → ${a.raw.slice(0, 200)}`;
      expect(a.status, where).toBe(200);
      expect(a.kind, where).not.toBe('malformed');
      if (a.kind === 'error') {
        expect(a.code, where).not.toBe('system.exception');
        expect(documented.has(a.code), where).toBe(true);
      }
      const k = a.kind === 'error' ? a.code : a.kind;
      seen.set(k, (seen.get(k) ?? 0) + 1);
    }
    // Not vacuous: some calls got through, and refusals came from several rules.
    expect(seen.get('success') ?? 0).toBeGreaterThan(10);
    expect(seen.size).toBeGreaterThan(4);
  }, 60_000);

  it('answers 300 random gateway requests with HTTP 200 and the Yoho envelope', async () => {
    const r = rng(20261202);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
    const methods = [
      'app.coupons.lists',
      'app.coupons.li',
      'app.coupons.total',
      'app.promotion.validateGetBirthCoupon',
      'app.promotion.queryBirthCoupon',
      'app.nope',
      '',
    ];
    const names = ['uid', 'type', 'status', 'limit', 'page', 'couponType', 'client_type', 'q', '__proto__', 'constructor'];
    let successes = 0;
    const valid: Record<string, string> = { uid: '9', type: 'notuse', status: '0', limit: '10', page: '1', couponType: '4' };
    for (let i = 0; i < 300; i++) {
      const params: Record<string, string> = { method: pick(methods) };
      for (const n of names) {
        const roll = r();
        if (roll < 0.6 && valid[n] !== undefined) params[n] = valid[n];
        else if (roll < 0.8) params[n] = pick(values);
      }
      const a = await yoho(params, r() < 0.5 ? 'GET' : 'POST', r() < 0.8);
      const where = `request ${i}: ${JSON.stringify(params).slice(0, 200)} → ${a.raw.slice(0, 200)}`;
      expect(a.status, where).toBe(200);
      expect(a.answer.kind, where).not.toBe('malformed');
      if (a.answer.kind === 'error') expect(a.answer.message, where).not.toBe('system exception');
      else successes++;
    }
    expect(successes).toBeGreaterThan(2);
  }, 60_000);
});
