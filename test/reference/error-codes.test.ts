import { describe, expect, it } from 'vitest';
import { loadPromotionSpec } from '../../src/spec/load.js';
import { createTestClient, DAY_MS, outcome, sku, ts, type TestClient } from '../helpers/jos.js';

/** Codes of the document the reference never answers: no behaviour of ours leads to them. */
const NEVER_PRODUCED = new Set([
  'system.exception', // only on an internal error
  'actvitymode.num.bound.invalid', // flash sales (限时抢购) are not modelled
  'sku.splitPrice.invalid',
  'sku.venderId.invalid',
  'promo.vender.invalid', // one seller per reference
  'invalid.check.permissions',
]);

const now = () => Date.now();
const addBase = () => ({ name: '测试', type: 1, begin_time: ts(now() - 60_000), end_time: ts(now() + DAY_MS) });

/** One trigger per error code: the answer's code must equal the key. */
const TRIGGERS: Record<string, (c: TestClient) => Promise<unknown>> = {
  'promo.type.invalid': (c) => c.call('add', { ...addBase(), type: 2 }),
  'promo.time.invalid': (c) => c.call('add', { ...addBase(), begin_time: ts(now() + DAY_MS), end_time: ts(now() + 181 * DAY_MS + 60_000) }),
  'promo.slogan.invalid': (c) => c.call('add', { ...addBase(), slogan: 'x'.repeat(51) }),
  'promo.endTime.invalid': (c) => c.call('add', { ...addBase(), end_time: ts(now() - 1000) }),
  'promo.beginTime.invalid': (c) =>
    c.call('add', { ...addBase(), begin_time: ts(now() + 181 * DAY_MS), end_time: ts(now() + 182 * DAY_MS) }),
  'promo.name.invalid': (c) => c.call('add', { ...addBase(), name: '一二三四五六七八九十一' }),
  'promo.member.invalid': (c) => c.call('add', { ...addBase(), member: 57 }),
  'promo.comment.invalid': (c) => c.call('add', { ...addBase(), comment: '备'.repeat(67) }),
  'actvitymode.invalid': async (c) => c.call('activitymode.add', { promo_id: await c.draft(), freq_bound: 2 }),
  'param.error': async (c) => c.call('check', { promo_id: await c.promotion('single', { route: 'manual' }), status: 5 }),
  'promoId.invalid': (c) => c.call('activitymode.add', { promo_id: 999 }),
  'prop.num.invalid': async (c) => c.call('prop.add', { promo_id: await c.draft(), type: [4], num: [15], used_way: [2] }),
  'prop.usedWay.invalid': async (c) => c.call('prop.add', { promo_id: await c.draft(), type: [4], num: [20], used_way: [1] }),
  'prop.type.invalid': async (c) => c.call('prop.add', { promo_id: await c.draft(), type: [3], num: [20], used_way: [2] }),
  'sku.jdPrice.invalid': async (c) => c.call('sku.add', { promo_id: await c.draft(), sku_ids: [sku(0)], jd_prices: ['20.05'] }),
  'sku.seq.invalid': async (c) =>
    c.call('sku.add', { promo_id: await c.draft({ type: 6 }), sku_ids: [sku(0)], jd_prices: ['10.0'], promo_prices: ['9.0'], seq: [8] }),
  'sku.skuId.invalid': async (c) => c.call('sku.add', { promo_id: await c.draft(), sku_ids: [0], jd_prices: ['10.0'] }),
  'promo.sku.invalid': async (c) => c.call('commit', { promo_id: await c.draft() }),
  'sku.num.invalid': async (c) =>
    c.call('sku.add', {
      promo_id: await c.draft({ type: 4 }),
      sku_ids: [sku(0)],
      jd_prices: ['10.0'],
      promo_prices: ['1.0'],
      num: [4],
      bind_type: [2],
    }),
  'sku.promoPrice.invalid': async (c) =>
    c.call('sku.add', { promo_id: await c.draft(), sku_ids: [sku(0)], jd_prices: ['10.0'], promo_prices: ['10.0'] }),
  'gift.price.invalid': async (c) => {
    const id = await c.draft({ type: 4 });
    await c.call('sku.add', {
      promo_id: id,
      sku_ids: [sku(0), sku(40)],
      jd_prices: ['10.0', '20.0'],
      promo_prices: ['9.0', '1.0'],
      num: [1, 1],
      bind_type: [1, 2],
    });
    return c.call('commit', { promo_id: id });
  },
  'promo.id.invalid': (c) => c.call('get', { promo_id: 999 }),
  'ware.num.invalid': async (c) => {
    const id = await c.draft({ type: 6 });
    await c.call('sku.add', {
      promo_id: id,
      sku_ids: [sku(0), sku(1)],
      jd_prices: ['10.0', '10.1'],
      promo_prices: ['9.0', '9.0'],
      seq: [1, 1],
    });
    return c.call('commit', { promo_id: id });
  },
  'gift.num.invalid': async (c) => {
    const id = await c.draft({ type: 4 });
    await c.call('sku.add', { promo_id: id, sku_ids: [sku(40)], jd_prices: ['50.0'] });
    return c.call('commit', { promo_id: id });
  },
  'param.null': async (c) => {
    const id = await c.draft();
    await c.call('sku.add', { promo_id: id, sku_ids: [sku(0)], jd_prices: ['10.0'] });
    return c.call('commit', { promo_id: id });
  },
  'promo.non.check': async (c) => c.call('check', { promo_id: await c.promotion(), status: 4 }),
  'promo.non.exist': (c) => c.call('suspend', { promo_id: 999 }),
  'promo.end': async (c) => {
    const id = await c.promotion();
    await c.control(`promotions/${id}/clock`, { advanceS: 8 * 86_400 });
    return c.call('suspend', { promo_id: id });
  },
  'promo.non.suspend': async (c) => c.call('suspend', { promo_id: await c.promotion('single', { beginInMs: DAY_MS }) }),
  'promo.non.delete': async (c) => c.call('resume', { promo_id: await c.promotion() }),
  'promo.favorMode.invalid': async (c) =>
    c.call('ordermode.add', { promo_id: await c.draft({ type: 10, bound: 1 }), favor_mode: 7, quota: [100] }),
  'ordermode.quota.invalid': async (c) =>
    c.call('ordermode.add', { promo_id: await c.draft({ type: 10, bound: 1 }), favor_mode: 6, quota: [21], rate: [1] }),
  'ordermode.rate.invalid': async (c) =>
    c.call('ordermode.add', { promo_id: await c.draft({ type: 10, bound: 1 }), favor_mode: 6, quota: [8], rate: [3] }),
  'ordermode.minus.invalid': async (c) =>
    c.call('ordermode.add', { promo_id: await c.draft({ type: 10, bound: 1 }), favor_mode: 16, quota: [100], minus: [81] }),
  'ordermode.plus.invalid': async (c) =>
    c.call('ordermode.add', { promo_id: await c.draft({ type: 10, bound: 1 }), favor_mode: 16, quota: [100], plus: [0] }),
  'ordermode.link.invalid': async (c) =>
    c.call('ordermode.add', {
      promo_id: await c.draft({ type: 10, bound: 1 }),
      favor_mode: 16,
      quota: [100],
      minus: [10],
      link: 'http://example.com/x.html',
    }),
};

describe('every error code the reference can produce', () => {
  it('has a trigger for each documented code, except the ones it never produces', () => {
    const documented = Object.keys(loadPromotionSpec().errors).sort();
    const covered = [...Object.keys(TRIGGERS), ...NEVER_PRODUCED].sort();
    expect(covered).toEqual(documented);
  });

  it.each(Object.entries(TRIGGERS))('%s', async (code, trigger) => {
    const c = createTestClient();
    const answer = (await trigger(c)) as Parameters<typeof outcome>[0] & { raw: string; status: number };
    expect(answer.status).toBe(200);
    expect(outcome(answer), answer.raw).toBe(code);
    const body = JSON.parse(answer.raw) as { error_response: { zh_desc: string; en_desc: string } };
    expect(body.error_response.zh_desc).toBe(loadPromotionSpec().errors[code]!.zh);
    expect(body.error_response.en_desc.length).toBeGreaterThan(0);
  });
});
