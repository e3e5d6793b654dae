/**
 * The answer-shape readings through each face (inject): JOS successes with an extra field everywhere and
 * numbers as strings, the Tencent upload's data in the platform's own shape or as the seed's `{}`, Yoho
 * successes with extra fields and an md5 that still covers `data` as written. What they change is what
 * the documents leave open; test/engine/answer-shapes.test.ts runs the suites against them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ReadingId } from '../../src/apis/readings.js';
import { YOHO_REFERENCE_KEYS } from '../../src/apis/yoho-user-coupon/index.js';
import { buildJosParams, toFormBody } from '../../src/protocols/jos/client.js';
import { DEFAULT_CREDENTIALS } from '../../src/protocols/jos/credentials.js';
import { decodeAnswer as decodeJos } from '../../src/protocols/jos/envelope.js';
import { TENCENT_TEST_CREDENTIALS } from '../../src/protocols/tencent-data-api/credentials.js';
import { decodeAnswer as decodeTencent } from '../../src/protocols/tencent-data-api/envelope.js';
import { ADD_COUPON_PATH, tencentSign } from '../../src/protocols/tencent-data-api/sign.js';
import { decodeYoho, YOHO_MASTER_SALT } from '../../src/protocols/yoho-gateway/envelope.js';
import { signYohoParams } from '../../src/protocols/yoho-gateway/sign.js';
import { EXTRA_FIELD, numbersAsStrings, oursRewritten, ownShape, withExtraFields } from '../../src/reference/answer-shapes.js';
import { buildServer } from '../../src/reference/server.js';
import { jdCouponApiCompiled } from '../../src/apis/jd-coupon/spec.js';

let closing: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closing.map((c) => c()));
  closing = [];
});

function server(readings: readonly ReadingId[]) {
  const app = buildServer({ readings });
  closing.push(() => app.close());
  return app;
}

type App = ReturnType<typeof server>;

async function jos(app: App, method: string, params: Record<string, unknown>) {
  const res = await app.inject({
    method: 'POST',
    url: '/routerjson',
    payload: toFormBody(buildJosParams({ method, app: params, credentials: DEFAULT_CREDENTIALS, timestampMs: Date.now() })),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  return { raw: res.body, json: JSON.parse(res.body) as Record<string, unknown> };
}

let nonce = 0;
async function addCoupon(app: App, id: string) {
  const fields = {
    app_id: TENCENT_TEST_CREDENTIALS.appId,
    nonce: `shape${++nonce}`,
    sign: 'sha256',
    timestamp: String(Math.floor(Date.now() / 1000)),
  };
  const query = new URLSearchParams({ ...fields, signature: tencentSign(fields, TENCENT_TEST_CREDENTIALS.appSecret) });
  const res = await app.inject({
    method: 'POST',
    url: `${ADD_COUPON_PATH}?${query}`,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({
      dataSourceId: '101',
      coupons: [{ external_coupon_id: id, coupon_name: '满100减10', coupon_type: 1, coupon_sub_type: 1, amount_coupon: 10 }],
    }),
  });
  return JSON.parse(res.body) as Record<string, unknown>;
}

async function yohoTotal(app: App) {
  const signed = signYohoParams({ method: 'app.coupons.total', uid: '7', type: 'notuse', client_type: 'android' }, YOHO_REFERENCE_KEYS);
  const res = await app.inject({
    method: 'POST',
    url: '/gateway',
    payload: toFormBody(signed),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  return { raw: res.body, answer: decodeYoho('app.coupons.total', JSON.parse(res.body), res.body, YOHO_MASTER_SALT) };
}

const { name: EXTRA, value: EXTRA_VALUE } = EXTRA_FIELD;

describe('the rewrites', () => {
  it('add an extra field to every object, arrays walked, an existing field of that name kept', () => {
    expect(withExtraFields({ a: [{ b: 1 }, 2], c: null, [EXTRA]: 'mine' })).toEqual({
      a: [{ b: 1, [EXTRA]: EXTRA_VALUE }, 2],
      c: null,
      [EXTRA]: 'mine',
    });
  });

  it('write every number as a string, and nothing else', () => {
    expect(numbersAsStrings({ a: 1, b: [2.5, -3], c: 'x', d: true, e: null })).toEqual({
      a: '1',
      b: ['2.5', '-3'],
      c: 'x',
      d: true,
      e: null,
    });
  });

  it('rewrite the parts of ours that the answer schema marks, and only those', () => {
    const api = jdCouponApiCompiled();
    const statistics = api.operations.get('promoproof.coupon.statistics')?.spec.answer;
    if (!statistics) throw new Error('no statistics');
    const ours = {
      statistics: {
        data_source_id: '1',
        batch_id: 'b',
        issued: 2,
        claimed: 1,
        used: 1,
        expired: 0,
        use_rate: { numerator: 1, denominator: 2 },
      },
    };
    expect(oursRewritten(ours, statistics, api.spec.definitions, 'own')).toEqual({
      statistics: { data_source_id: '1', batch_id: 'b', issued: 2, claimed: 1, used: 1, expired: { id: 1 }, use_rate: { id: 1 } },
    });
    expect(oursRewritten(ours, statistics, api.spec.definitions, 'absent')).toEqual({
      statistics: { data_source_id: '1', batch_id: 'b', issued: 2, claimed: 1, used: 1 },
    });
    expect(ownShape([{ a: 1 }, { a: 2 }])).toEqual([{ id: 1 }, { id: 2 }]);
  });
});

describe('the answer-shape readings through the reference', () => {
  it('without them, answers are as the reference writes them', async () => {
    const app = server([]);
    expect((await jos(app, 'jingdong.seller.promotion.list', { page: 1, size: 1 })).raw).not.toContain(EXTRA);
    expect(await addCoupon(app, 'plain-1')).toEqual({
      retcode: 0,
      errmsg: '',
      data: { coupons: [{ external_coupon_id: 'plain-1', action: 'added' }] },
    });
    expect((await yohoTotal(app)).raw).not.toContain(EXTRA);
  });

  it('jos-answers-reshaped: numbers as strings and an extra field in every object, still a JOS success', async () => {
    const app = server(['jos-answers-reshaped']);
    const { json } = await jos(app, 'jingdong.seller.promotion.list', { page: 1, size: 1 });
    expect(json).toEqual({
      jingdong_seller_promotion_list_responce: { code: '0', total_count: '0', promotion_v_o_s: [], [EXTRA]: EXTRA_VALUE },
      [EXTRA]: EXTRA_VALUE,
    });
    // The success key stays first: an SDK that unwraps the first field still finds the answer.
    expect(Object.keys(json)[0]).toBe('jingdong_seller_promotion_list_responce');
    expect(decodeJos('jingdong.seller.promotion.list', json).kind).toBe('success');
    // A refusal is left as it is.
    const refused = await jos(app, 'jingdong.seller.promotion.get', { promo_id: 1 });
    expect(refused.raw).not.toContain(EXTRA);
  });

  it('add-coupon-answer-reshaped: data.coupons a list of the platform’s own shape, retcode still an integer', async () => {
    const answer = await addCoupon(server(['add-coupon-answer-reshaped']), 'own-1');
    expect(answer).toEqual({
      retcode: 0,
      errmsg: '',
      data: { coupons: [{ id: 1, [EXTRA]: EXTRA_VALUE }], [EXTRA]: EXTRA_VALUE },
      [EXTRA]: EXTRA_VALUE,
    });
    expect(decodeTencent(answer).kind).toBe('success');
  });

  it('add-coupon-data-empty: data {} as the seed’s own example', async () => {
    expect(await addCoupon(server(['add-coupon-data-empty']), 'empty-1')).toEqual({ retcode: 0, errmsg: '', data: {} });
  });

  it('yoho-answers-reshaped: extra fields in data and the envelope, fastjson’s key order, an md5 over data as written', async () => {
    const { raw, answer } = await yohoTotal(server(['yoho-answers-reshaped']));
    expect(answer).toEqual({ kind: 'success', body: { total: 0, [EXTRA]: EXTRA_VALUE } });
    expect(Object.keys(JSON.parse(raw))).toEqual(['alg', 'code', 'data', EXTRA, 'md5', 'message']);
  });
});
