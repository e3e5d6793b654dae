import { describe, expect, it } from 'vitest';
import { promotionApiCompiled } from '../../src/spec/compile.js';
import { createTestClient, DAY_MS, outcome, P, sku, ts, type Answer, type TestClient } from '../helpers/jos.js';

function body(a: Answer): Record<string, unknown> {
  if (a.kind !== 'success') throw new Error(`expected success, got ${a.raw}`);
  return a.body;
}

/** Every success answer must match the spec's answer schema (the harness checks targets with the same). */
async function checked(c: TestClient, short: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
  const b = body(await c.call(short, params));
  const validate = promotionApiCompiled().operations.get(P + short)!.validateAnswer;
  expect(validate(b), JSON.stringify(validate.errors)).toBe(true);
  return b;
}

async function statusOf(c: TestClient, id: number): Promise<string> {
  const b = await checked(c, 'get', { promo_id: id });
  return (b['promotion_v_o'] as Record<string, string>)['status']!;
}

describe('creation flow (JDP-FLOW-01 … 03, JDP-GET-01)', () => {
  it('add → activitymode → prop → sku batches → commit, then get answers every field', async () => {
    const c = createTestClient();
    const begin = ts(Date.now() - 60_000);
    const end = ts(Date.now() + 3 * DAY_MS);
    const add = await checked(c, 'add', {
      name: '双十一大促',
      type: 1,
      begin_time: begin,
      end_time: end,
      member: 62,
      slogan: '全场九折',
      comment: '备注',
      bound: 3,
    });
    const id = Number(add['promo_id']);
    await checked(c, 'activitymode.add', { promo_id: id, num_bound: 100, per_max_num: 5, per_min_num: 1 });
    await checked(c, 'prop.add', { promo_id: id, type: '4', num: '20', used_way: '2' });
    await checked(c, 'sku.add', { promo_id: id, sku_ids: '10000001,10000002', jd_prices: '10.0,10.1' });
    await checked(c, 'sku.add', { promo_id: id, sku_ids: [sku(2)], jd_prices: ['10.2'], promo_prices: ['9.9'] });
    expect(await checked(c, 'commit', { promo_id: id })).toMatchObject({ success: true });
    const vo = (await checked(c, 'get', { promo_id: id }))['promotion_v_o'];
    expect(vo).toEqual({
      promo_id: String(id),
      name: '双十一大促',
      type: '1',
      bound: '', // ignored for types other than 10 (JDP-ADD-07)
      begin_time: begin,
      end_time: end,
      member: '62',
      slogan: '全场九折',
      comment: '备注',
      favor_mode: '',
      status: '5',
    });
    const skus = await checked(c, 'sku.list', { promo_id: id, page: 1, size: 10 });
    expect(skus['total_count']).toBe('3');
    const third = (skus['promo_sku_v_o_s'] as { promo_sku_v_o: Record<string, string> }[])[2]!.promo_sku_v_o;
    expect(third).toMatchObject({
      sku_id: String(sku(2)),
      jd_price: '10.2',
      promo_price: '9.9',
      ware_id: '5001',
      item_num: 'PP-0001-3',
      sku_name: '测试商品1-规格3',
    });
    // Single-item SKUs without a promo price default to the jd price.
    const first = (skus['promo_sku_v_o_s'] as { promo_sku_v_o: Record<string, string> }[])[0]!.promo_sku_v_o;
    expect(first['promo_price']).toBe('10.0');
  });

  it('drafts are invisible until commit (JDP-FLOW-02)', async () => {
    const c = createTestClient();
    const id = await c.draft({ slogan: 'draft-only' });
    expect(outcome(await c.call('get', { promo_id: id }))).toBe('promo.id.invalid');
    expect(outcome(await c.call('sku.list', { promo_id: id }))).toBe('promo.non.exist');
    expect(outcome(await c.call('activitymode.get', { promo_id: id }))).toBe('promo.non.exist');
    expect(outcome(await c.call('prop.list', { promo_id: id }))).toBe('param.error');
    expect(outcome(await c.call('ordermode.list', { promo_id: id }))).toBe('param.error');
    expect((await checked(c, 'list', {}))['total_count']).toBe('0');
  });

  it('a draft is cleared 30 minutes after creation, by the business clock (JDP-FLOW-03)', async () => {
    const c = createTestClient();
    const kept = await c.draft();
    const lost = await c.draft();
    await c.call('sku.add', { promo_id: kept, sku_ids: [sku(0)], jd_prices: ['10.0'], promo_prices: ['9.0'] });
    await c.call('sku.add', { promo_id: lost, sku_ids: [sku(0)], jd_prices: ['10.0'], promo_prices: ['9.0'] });
    await c.control(`promotions/${kept}/clock`, { advanceS: 1790 });
    await c.control(`promotions/${lost}/clock`, { advanceS: 1801 });
    expect(outcome(await c.call('commit', { promo_id: kept }))).toBe('success');
    expect(outcome(await c.call('commit', { promo_id: lost }))).toBe('promo.id.invalid');
    expect(outcome(await c.call('sku.add', { promo_id: lost, sku_ids: [sku(1)], jd_prices: ['10.1'] }))).toBe('promoId.invalid');
  });

  it('the global test clock expires every draft', async () => {
    const c = createTestClient();
    const id = await c.draft();
    expect((await c.control('clock', { advanceS: 1801 })).status).toBe(200);
    expect(outcome(await c.call('commit', { promo_id: id }))).toBe('promo.id.invalid');
  });

  it('methods that build a promotion refuse committed ones (JDP-REF-03)', async () => {
    const c = createTestClient();
    const id = await c.promotion();
    expect(outcome(await c.call('sku.add', { promo_id: id, sku_ids: [sku(9)], jd_prices: ['12.1'], promo_prices: ['11.0'] }))).toBe(
      'promoId.invalid',
    );
    expect(outcome(await c.call('commit', { promo_id: id }))).toBe('promo.id.invalid');
  });
});

describe('status machine (JDP-CHECK-01 … JDP-DEL-01)', () => {
  /** Builds a promotion in the given status. */
  async function inStatus(c: TestClient, status: number): Promise<number> {
    switch (status) {
      case 1: {
        const id = await c.promotion('single', { route: 'manual' });
        body(await c.call('check', { promo_id: id, status: 1 }));
        return id;
      }
      case 2:
        return c.promotion('single', { route: 'pending' });
      case 3:
        return c.promotion('single', { route: 'manual' });
      case 4:
        return c.promotion('single', { beginInMs: DAY_MS });
      case 5:
        return c.promotion('single');
      case 6: {
        const id = await c.promotion('single');
        body(await c.call('suspend', { promo_id: id }));
        return id;
      }
      default: {
        const id = await c.promotion('single');
        expect((await c.control(`promotions/${id}/status`, { status: 7 })).status).toBe(200);
        return id;
      }
    }
  }

  const cases: [string, Record<string, unknown>, number[], string, string | null][] = [
    ['check', { status: 4 }, [3], 'promo.non.check', '5'],
    ['suspend', {}, [5], 'promo.non.suspend', '6'],
    ['resume', {}, [6], 'promo.non.delete', '5'],
    ['delete', {}, [1, 2, 5, 6], 'promo.non.delete', null],
  ];
  for (const [method, extra, allowed, refused, after] of cases) {
    for (const status of [1, 2, 3, 4, 5, 6, 7]) {
      const ok = allowed.includes(status);
      it(`${method} from ${status}: ${ok ? `allowed${after ? `, then ${after}` : ', then gone'}` : refused}`, async () => {
        const c = createTestClient();
        const id = await inStatus(c, status);
        expect(await statusOf(c, id)).toBe(String(status));
        const a = await c.call(method, { promo_id: id, ...extra });
        if (!ok) {
          expect(outcome(a)).toBe(refused);
          expect(await statusOf(c, id)).toBe(String(status));
          return;
        }
        expect(body(a)['count']).toBe('1');
        if (after) expect(await statusOf(c, id)).toBe(after);
        else expect(outcome(await c.call('get', { promo_id: id }))).toBe('promo.id.invalid');
      });
    }
  }

  it('check 4 of a promotion not yet begun leaves it approved (4); check 1 rejects it (1)', async () => {
    const c = createTestClient();
    const later = await c.promotion('single', { route: 'manual', beginInMs: DAY_MS });
    body(await c.call('check', { promo_id: later, status: 4 }));
    expect(await statusOf(c, later)).toBe('4');
    await c.control(`promotions/${later}/clock`, { advanceS: 86_401 });
    expect(await statusOf(c, later)).toBe('5');
  });

  it('an ended promotion answers promo.end to check, suspend, resume and delete (JDP-CHECK-03)', async () => {
    const c = createTestClient();
    for (const method of ['check', 'suspend', 'resume', 'delete']) {
      const id = await c.promotion('single', { route: method === 'check' ? 'manual' : 'auto' });
      await c.control(`promotions/${id}/clock`, { advanceS: 8 * 86_400 });
      expect(outcome(await c.call(method, { promo_id: id, status: method === 'check' ? 4 : undefined }))).toBe('promo.end');
    }
  });

  it('unknown promotions: promo.non.exist for check, suspend, resume, delete', async () => {
    const c = createTestClient();
    for (const method of ['check', 'suspend', 'resume', 'delete']) {
      expect(outcome(await c.call(method, method === 'check' ? { promo_id: 42, status: 4 } : { promo_id: 42 }))).toBe('promo.non.exist');
    }
  });
});

describe('list and pagination (JDP-LIST-01, JDP-SKU-10)', () => {
  it('filters by type, status (8 = running, answered as 5), times and SKU, and pages with total_count', async () => {
    const c = createTestClient();
    const singles: number[] = [];
    for (let i = 0; i < 12; i++) singles.push(await c.promotion('single'));
    const gift = await c.promotion('gift');
    const later = await c.promotion('single', { beginInMs: 2 * DAY_MS });
    const p1 = await checked(c, 'list', { type: 1, page: 1, size: 10 });
    expect(p1['total_count']).toBe('13');
    expect((p1['promotion_v_o_s'] as unknown[]).length).toBe(10);
    const p2 = await checked(c, 'list', { type: 1, page: 2, size: 10 });
    expect((p2['promotion_v_o_s'] as unknown[]).length).toBe(3);
    expect((await checked(c, 'list', { type: 4 }))['total_count']).toBe('1');
    const running = await checked(c, 'list', { status: 8, size: 10 });
    expect(running['total_count']).toBe('13');
    for (const item of running['promotion_v_o_s'] as { promotion_v_o: { status: string; promo_id: string } }[]) {
      expect(item.promotion_v_o.status).toBe('5');
      expect(item.promotion_v_o.promo_id).not.toBe(String(later));
    }
    expect((await checked(c, 'list', { status: 4 }))['total_count']).toBe('1');
    expect((await checked(c, 'list', { sku_id: sku(40) }))['total_count']).toBe('1');
    const soon = ts(Date.now() + DAY_MS);
    expect((await checked(c, 'list', { begin_time: soon }))['total_count']).toBe('1');
    expect((await checked(c, 'list', { end_time: soon }))['total_count']).toBe('0');
    expect(singles).toHaveLength(12);
    expect(gift).toBeGreaterThan(0);
  });

  it.each([
    ['list', { size: 0 }],
    ['list', { size: 11 }],
    ['list', { page: 0 }],
    ['sku.list', { size: 11 }],
    ['sku.list', { page: -1 }],
  ])('%s refuses %j', async (method, params) => {
    const c = createTestClient();
    const id = await c.promotion();
    expect(outcome(await c.call(method, { promo_id: method === 'sku.list' ? id : undefined, ...params }))).toBe('param.error');
  });

  it('sku.list filters by ware, SKU and bind type', async () => {
    const c = createTestClient();
    const id = await c.promotion('gift');
    expect((await checked(c, 'sku.list', { promo_id: id, bind_type: 2 }))['total_count']).toBe('1');
    expect((await checked(c, 'sku.list', { promo_id: id, ware_id: 5011 }))['total_count']).toBe('1');
    expect((await checked(c, 'sku.list', { promo_id: id, sku_id: sku(0) }))['total_count']).toBe('1');
    expect((await checked(c, 'sku.list', { promo_id: id, sku_id: sku(5) }))['total_count']).toBe('0');
  });
});

describe('SKUs (JDP-SKU-01 … 09)', () => {
  it('takes its catalogue from the options: other SKUs are dropped, names answered from it', async () => {
    const c = createTestClient({ catalogue: [{ skuId: 777, wareId: 7, name: '红星二锅头', itemNum: '456', jdPriceFen: 2000 }] });
    const id = await c.draft();
    const b = await checked(c, 'sku.add', {
      promo_id: id,
      sku_ids: [777, sku(0)],
      jd_prices: ['20.0', '10.0'],
      promo_prices: ['18.8', '9.0'],
    });
    expect(b['ids']).toEqual(['777']);
    body(await c.call('commit', { promo_id: id }));
    const vo = ((await checked(c, 'sku.list', { promo_id: id }))['promo_sku_v_o_s'] as { promo_sku_v_o: Record<string, string> }[])[0]!
      .promo_sku_v_o;
    expect(vo).toMatchObject({ sku_name: '红星二锅头', item_num: '456', ware_id: '7', promo_price: '18.8' });
  });

  it('drops SKUs not in the catalogue and answers the accepted ones (JDP-SKU-09)', async () => {
    const c = createTestClient();
    const id = await c.draft();
    const b = await checked(c, 'sku.add', {
      promo_id: id,
      sku_ids: [sku(0), 99, sku(1)],
      jd_prices: ['10.0', '1.0', '10.1'],
      promo_prices: ['9.0', '0.5', '9.0'],
    });
    expect(b['ids']).toEqual([String(sku(0)), String(sku(1))]);
  });

  it('under the unknown-skus-refused reading, refuses a call naming an unknown SKU and stores none of it', async () => {
    const c = createTestClient({ readings: ['unknown-skus-refused'] });
    const id = await c.draft();
    const call = { promo_id: id, sku_ids: [sku(0), 99], jd_prices: ['10.0', '1.0'], promo_prices: ['9.0', '0.5'] };
    expect(outcome(await c.call('sku.add', call))).toBe('sku.skuId.invalid');
    // Known SKUs alone are taken as ever; the refused call left nothing behind.
    expect(body(await c.call('sku.add', { ...call, sku_ids: [sku(1)], jd_prices: ['10.1'], promo_prices: ['9.0'] }))['ids']).toEqual([
      String(sku(1)),
    ]);
    body(await c.call('commit', { promo_id: id }));
    expect((await checked(c, 'sku.list', { promo_id: id }))['total_count']).toBe('1');
  });

  it('takes 100 SKUs per call, refuses 101, and caps a promotion at 1000 over ten batches', async () => {
    const c = createTestClient();
    const id = await c.draft();
    const batch = (from: number, n: number) => ({
      promo_id: id,
      sku_ids: Array.from({ length: n }, (_, i) => sku(from + i)),
      jd_prices: Array.from({ length: n }, () => '500.0'),
      promo_prices: Array.from({ length: n }, () => '400.0'),
    });
    expect(outcome(await c.call('sku.add', batch(0, 101)))).toBe('param.error');
    for (let b = 0; b < 10; b++) expect(outcome(await c.call('sku.add', batch(b * 100, 100)))).toBe('success');
    expect(outcome(await c.call('sku.add', batch(1000, 1)))).toBe('promo.sku.invalid');
    // Re-adding an SKU already in the promotion replaces it and does not count twice.
    expect(outcome(await c.call('sku.add', batch(999, 1)))).toBe('success');
    body(await c.call('commit', { promo_id: id }));
    expect((await checked(c, 'sku.list', { promo_id: id }))['total_count']).toBe('1000');
  });

  it('bundles: same product, same seq; at most 7 products (JDP-SKU-03)', async () => {
    const c = createTestClient();
    const id = await c.draft({ type: 6 });
    const add = (skus: number[], seqs: number[]) =>
      c.call('sku.add', {
        promo_id: id,
        sku_ids: skus.map(sku),
        jd_prices: skus.map(() => '99.0'),
        promo_prices: skus.map(() => '90.0'),
        seq: seqs,
      });
    expect(outcome(await add([0, 1], [1, 2]))).toBe('sku.seq.invalid');
    expect(outcome(await add([0, 1, 4, 8, 12, 16, 20, 24], [1, 1, 2, 3, 4, 5, 6, 7]))).toBe('success');
    expect(outcome(await add([28], [7]))).toBe('sku.seq.invalid');
    expect(outcome(await add([2], [3]))).toBe('sku.seq.invalid');
    expect(outcome(await add([2], [1]))).toBe('success');
    expect(outcome(await c.call('sku.add', { promo_id: id, sku_ids: [sku(3)], jd_prices: ['10.0'], seq: [1] }))).toBe(
      'sku.promoPrice.invalid',
    );
    expect(outcome(await c.call('commit', { promo_id: id }))).toBe('success');
  });

  it('gifts: 1–5 gift SKUs, each given 1–3 times, total below the lowest main price (JDP-SKU-04, 05)', async () => {
    const c = createTestClient();
    const id = await c.draft({ type: 4 });
    const gifts = [0, 1, 2, 3, 4, 5].map(sku);
    expect(
      outcome(
        await c.call('sku.add', {
          promo_id: id,
          sku_ids: gifts,
          jd_prices: gifts.map(() => '1.0'),
          promo_prices: gifts.map(() => '0.5'),
          num: gifts.map(() => 1),
          bind_type: gifts.map(() => 2),
        }),
      ),
    ).toBe('gift.num.invalid');
    expect(
      outcome(
        await c.call('sku.add', { promo_id: id, sku_ids: [sku(0)], jd_prices: ['10.0'], promo_prices: ['1.0'], num: [3], bind_type: [2] }),
      ),
    ).toBe('success');
    // Gift total 3 × 10.0 = 30.0 against a main SKU of 30.0: not below.
    expect(outcome(await c.call('sku.add', { promo_id: id, sku_ids: [sku(80)], jd_prices: ['30.0'], bind_type: [1] }))).toBe('success');
    expect(outcome(await c.call('commit', { promo_id: id }))).toBe('gift.price.invalid');
    expect(outcome(await c.call('sku.add', { promo_id: id, sku_ids: [sku(80)], jd_prices: ['30.1'], bind_type: [1] }))).toBe('success');
    expect(outcome(await c.call('commit', { promo_id: id }))).toBe('success');
  });

  it('gift SKUs are only for gift and order-total promotions (JDP-SKU-08)', async () => {
    const c = createTestClient();
    expect(
      outcome(
        await c.call('sku.add', {
          promo_id: await c.draft(),
          sku_ids: [sku(0)],
          jd_prices: ['10.0'],
          promo_prices: ['9.0'],
          bind_type: [2],
        }),
      ),
    ).toBe('param.error');
    expect(outcome(await c.call('sku.add', { promo_id: await c.draft(), sku_ids: [sku(0)], jd_prices: ['10.0'], bind_type: [3] }))).toBe(
      'param.error',
    );
  });

  it('prices: one decimal place, promo below jd, amounts kept exact in fen (JDP-SKU-06, 07)', async () => {
    const c = createTestClient();
    const id = await c.draft();
    expect(outcome(await c.call('sku.add', { promo_id: id, sku_ids: [sku(0)], jd_prices: [10.15] }))).toBe('sku.jdPrice.invalid');
    expect(outcome(await c.call('sku.add', { promo_id: id, sku_ids: [sku(0)], jd_prices: ['0.3'], promo_prices: ['0.2'] }))).toBe(
      'success',
    );
    expect(outcome(await c.call('sku.add', { promo_id: id, sku_ids: [sku(1)], jd_prices: ['0.3'], promo_prices: ['0.3'] }))).toBe(
      'sku.promoPrice.invalid',
    );
    expect(outcome(await c.call('sku.add', { promo_id: id, sku_ids: [sku(1), sku(2)], jd_prices: ['1.0'] }))).toBe('param.error');
    body(await c.call('commit', { promo_id: id }));
    const vo = ((await checked(c, 'sku.list', { promo_id: id }))['promo_sku_v_o_s'] as { promo_sku_v_o: Record<string, string> }[])[0]!
      .promo_sku_v_o;
    expect([vo['jd_price'], vo['promo_price']]).toEqual(['0.3', '0.2']);
  });
});

describe('activity rules and props (JDP-AM-*, JDP-PROP-*)', () => {
  it('the last activitymode.add holds; freq_bound 1 stores per_max/per_min as 1; defaults 0', async () => {
    const c = createTestClient();
    const id = await c.draft();
    await checked(c, 'activitymode.add', { promo_id: id, num_bound: 5, per_max_num: 9, per_min_num: 2 });
    const second = await checked(c, 'activitymode.add', { promo_id: id, freq_bound: 1, per_max_num: 9, per_min_num: 2 });
    await c.call('sku.add', { promo_id: id, sku_ids: [sku(0)], jd_prices: ['10.0'], promo_prices: ['9.0'] });
    body(await c.call('commit', { promo_id: id }));
    const mode = (await checked(c, 'activitymode.get', { promo_id: id }))['activity_mode'];
    expect(mode).toEqual({ id: second['id'], promo_id: String(id), num_bound: '0', freq_bound: '1', per_max_num: '1', per_min_num: '1' });
  });

  it('gift promotions cap per_min_num at 10; bundles refuse activity rules', async () => {
    const c = createTestClient();
    const gift = await c.draft({ type: 4 });
    expect(outcome(await c.call('activitymode.add', { promo_id: gift, per_min_num: 10 }))).toBe('success');
    expect(outcome(await c.call('activitymode.add', { promo_id: gift, per_min_num: 11 }))).toBe('actvitymode.invalid');
    expect(outcome(await c.call('activitymode.add', { promo_id: await c.draft(), per_min_num: 11 }))).toBe('success');
    expect(outcome(await c.call('activitymode.add', { promo_id: await c.draft({ type: 6 }) }))).toBe('promo.type.invalid');
  });

  it('the last prop of a type holds; prop.list answers it', async () => {
    const c = createTestClient();
    const id = await c.draft();
    await checked(c, 'prop.add', { promo_id: id, type: [4], num: [20], used_way: [2] });
    await checked(c, 'prop.add', { promo_id: id, type: [4], num: [50], used_way: [2] });
    await c.call('sku.add', { promo_id: id, sku_ids: [sku(0)], jd_prices: ['10.0'] });
    body(await c.call('commit', { promo_id: id }));
    expect((await checked(c, 'prop.list', { promo_id: id }))['promo_prop_v_o_s']).toEqual([
      { promo_id: String(id), type: '4', num: '50', used_way: '2' },
    ]);
    expect(outcome(await c.call('prop.add', { promo_id: await c.draft({ type: 4 }), type: [4], num: [20], used_way: [2] }))).toBe(
      'promo.type.invalid',
    );
  });
});

describe('order rules (JDP-OM-*)', () => {
  const total = (c: TestClient, bound = 1) => c.draft({ type: 10, bound });
  const om = async (c: TestClient, params: Record<string, unknown>, bound = 1) =>
    outcome(await c.call('ordermode.add', { promo_id: await total(c, bound), ...params }));

  it.each([
    // 6: buy M (3–20), N free (1 … ⌊M/3⌋)
    [{ favor_mode: 6, quota: [3], rate: [1] }, 'success'],
    [{ favor_mode: 6, quota: [2], rate: [1] }, 'ordermode.quota.invalid'],
    [{ favor_mode: 6, quota: [20], rate: [6] }, 'success'],
    [{ favor_mode: 6, quota: [20], rate: [7] }, 'ordermode.rate.invalid'],
    [{ favor_mode: 6, quota: [21], rate: [1] }, 'ordermode.quota.invalid'],
    [{ favor_mode: 6, quota: [5], rate: [0] }, 'ordermode.rate.invalid'],
    [{ favor_mode: 6, quota: [6] }, 'ordermode.rate.invalid'],
    [{ favor_mode: 6, quota: [3, 6], rate: [1, 2] }, 'success'],
    // 13: M yuan (one decimal) for N items (2–5)
    [{ favor_mode: 13, quota: [9.9], rate: [2] }, 'success'],
    [{ favor_mode: 13, quota: [9.99], rate: [2] }, 'ordermode.quota.invalid'],
    [{ favor_mode: 13, quota: [99], rate: [1] }, 'ordermode.rate.invalid'],
    [{ favor_mode: 13, quota: [99], rate: [6] }, 'ordermode.rate.invalid'],
    // 15: M items (1–8) at N tenths (5 ≤ N < 10, one decimal)
    [{ favor_mode: 15, quota: [8], rate: [5] }, 'success'],
    [{ favor_mode: 15, quota: [9], rate: [8.5] }, 'ordermode.quota.invalid'],
    [{ favor_mode: 15, quota: [2], rate: [4.9] }, 'ordermode.rate.invalid'],
    [{ favor_mode: 15, quota: [2], rate: [9.9] }, 'success'],
    [{ favor_mode: 15, quota: [2], rate: [10] }, 'ordermode.rate.invalid'],
    [{ favor_mode: 15, quota: [2], rate: [8.55] }, 'ordermode.rate.invalid'],
    // 16: spend M (integer), minus ≤ 80 %, no rate, one value per field
    [{ favor_mode: 16, quota: [100], minus: [80] }, 'success'],
    [{ favor_mode: 16, quota: [100], minus: [81] }, 'ordermode.minus.invalid'],
    [{ favor_mode: 16, quota: [99.5], minus: [10] }, 'ordermode.quota.invalid'],
    [{ favor_mode: 16, quota: [100], minus: [10], rate: [1] }, 'ordermode.rate.invalid'],
    [{ favor_mode: 16, quota: [100, 200], minus: [10] }, 'ordermode.quota.invalid'],
    [{ favor_mode: 16, quota: [100], minus: [10, 20] }, 'ordermode.minus.invalid'],
    [{ favor_mode: 16, quota: [100], minus: [10], link: 'https://mall.jd.com/index-1.html' }, 'success'],
  ])('%j → %s', async (params, expected) => {
    expect(await om(createTestClient(), params)).toBe(expected);
  });

  it('M yuan for N items only with bound 1 (JDP-OM-04); only order-total promotions (JDP-OM-01)', async () => {
    const c = createTestClient();
    expect(await om(c, { favor_mode: 13, quota: [99], rate: [3] }, 2)).toBe('promo.favorMode.invalid');
    expect(outcome(await c.call('ordermode.add', { promo_id: await c.draft(), favor_mode: 16, quota: [100], minus: [10] }))).toBe(
      'promo.type.invalid',
    );
  });

  it('spend-M gifts are checked at commit: plus needs a gift, the gift between plus and quota (JDP-OM-06)', async () => {
    const c = createTestClient();
    const plusNoGift = await total(c);
    await c.call('sku.add', { promo_id: plusNoGift, sku_ids: [sku(0)], jd_prices: ['10.0'] });
    await c.call('ordermode.add', { promo_id: plusNoGift, favor_mode: 16, quota: [100], plus: [10] });
    expect(outcome(await c.call('commit', { promo_id: plusNoGift }))).toBe('ordermode.plus.invalid');

    const neither = await total(c);
    await c.call('sku.add', { promo_id: neither, sku_ids: [sku(0)], jd_prices: ['10.0'] });
    await c.call('ordermode.add', { promo_id: neither, favor_mode: 16, quota: [100] });
    expect(outcome(await c.call('commit', { promo_id: neither }))).toBe('ordermode.minus.invalid');

    const gifted = await total(c);
    await c.call('sku.add', { promo_id: gifted, sku_ids: [sku(0), sku(40)], jd_prices: ['10.0', '20.0'], bind_type: [1, 2] });
    await c.call('ordermode.add', { promo_id: gifted, favor_mode: 16, quota: [100], plus: [20] });
    expect(outcome(await c.call('commit', { promo_id: gifted }))).toBe('gift.price.invalid');
    await c.call('ordermode.add', {
      promo_id: gifted,
      favor_mode: 16,
      quota: [100],
      plus: [19],
      link: 'http://mall.jd.com/test-1234.html',
    });
    expect(outcome(await c.call('commit', { promo_id: gifted }))).toBe('success');
    expect((await checked(c, 'ordermode.list', { promo_id: gifted }))['promo_order_mode_v_os']).toEqual([
      {
        promo_id: String(gifted),
        favor_mode: '16',
        quota: '100',
        rate: '',
        plus: '19',
        minus: '',
        link: 'http://mall.jd.com/test-1234.html',
      },
    ]);
  });

  it('an order-total promotion needs an order rule; whole-shop (bound 2) needs no SKU', async () => {
    const c = createTestClient();
    const shop = await total(c, 2);
    expect(outcome(await c.call('commit', { promo_id: shop }))).toBe('param.null');
    await c.call('ordermode.add', { promo_id: shop, favor_mode: 16, quota: [100], minus: [10] });
    expect(outcome(await c.call('commit', { promo_id: shop }))).toBe('success');
  });
});

describe('add limits (JDP-ADD-*)', () => {
  const base = () => ({ name: '测试', type: 1, begin_time: ts(Date.now() + DAY_MS), end_time: ts(Date.now() + 2 * DAY_MS) });
  const FIXED = Date.UTC(2026, 10, 23, 4, 0, 0);

  it.each([
    [{ name: '一二三四五六七八九十' }, 'success'],
    [{ name: 'abcdefghijk' }, 'promo.name.invalid'],
    [{ name: '' }, 'promo.name.invalid'],
    [{ slogan: 'x'.repeat(50) }, 'success'],
    [{ comment: `${'备'.repeat(66)}ab` }, 'success'],
    [{ comment: `${'备'.repeat(66)}abc` }, 'promo.comment.invalid'],
    [{ comment: 'x'.repeat(200) }, 'success'],
    [{ member: 110 }, 'success'],
    [{ member: '105' }, 'success'],
    [{ type: 10 }, 'param.error'],
    [{ type: 10, bound: 4 }, 'param.error'],
    [{ type: 10, bound: 3 }, 'success'],
    [{ type: 1, bound: 4 }, 'success'],
    [{ begin_time: '2026-11-24' }, 'promo.beginTime.invalid'],
    [{ end_time: '2026/11/24 00:00:00' }, 'promo.endTime.invalid'],
  ])('%j → %s', async (over, expected) => {
    expect(outcome(await createTestClient().call('add', { ...base(), ...over }))).toBe(expected);
  });

  it.each([
    ['end = begin + 59 s', FIXED + DAY_MS, FIXED + DAY_MS + 59_000, 'promo.endTime.invalid'],
    ['end = begin + 60 s', FIXED + DAY_MS, FIXED + DAY_MS + 60_000, 'success'],
    ['begin = now + 180 d', FIXED + 180 * DAY_MS, FIXED + 181 * DAY_MS, 'success'],
    ['begin = now + 180 d + 1 min', FIXED + 180 * DAY_MS + 60_000, FIXED + 181 * DAY_MS, 'promo.beginTime.invalid'],
    ['window of 180 d', FIXED, FIXED + 180 * DAY_MS, 'success'],
    ['window of 180 d + 1 min', FIXED, FIXED + 180 * DAY_MS + 60_000, 'promo.time.invalid'],
    ['end = now', FIXED - 3_600_000, FIXED, 'promo.endTime.invalid'],
    ['end = now + 1 s', FIXED - 3_600_000, FIXED + 1000, 'success'],
  ])('%s → %s', async (_label, begin, end, expected) => {
    const c = createTestClient({ now: () => FIXED });
    expect(outcome(await c.call('add', { name: 'x', type: 1, begin_time: ts(begin), end_time: ts(end) }))).toBe(expected);
  });
});

describe('memory under a storm of abandoned drafts (JDP-FLOW-03)', () => {
  it('sweeps expired drafts as new ones are added, without touching committed promotions', async () => {
    let now = Date.UTC(2026, 10, 23, 2, 0, 0);
    const c = createTestClient({ now: () => now });
    const kept = await c.promotion();
    for (let i = 0; i < 40; i++) await c.draft();
    expect(c.app.promoproof.store.drafts.size).toBe(40);
    now += 31 * 60_000; // the business clock follows the injected real clock
    const beginTs = ts(now + DAY_MS);
    for (let i = 0; i < 5; i++) await c.call('add', { name: 'late', type: 1, begin_time: beginTs, end_time: ts(now + 2 * DAY_MS) });
    // Five adds sweep up to 8 expired drafts each: all 40 are gone, the five new ones and the committed one remain.
    expect(c.app.promoproof.store.drafts.size).toBe(5);
    expect(c.app.promoproof.store.promotions.size).toBe(6);
    expect(c.app.promoproof.store.promotions.has(kept)).toBe(true);
  });
});
