import { describe, expect, it } from 'vitest';
import { CouponPlatform, type PlatformFaults } from '../../../src/apis/coupon-platform/platform.js';
import { createCouponBatchStore } from '../../../src/apis/tencent-coupon-batch/store.js';
import { createClock } from '../../../src/reference/clock.js';

/** 2026-12-01 12:00 UTC+8. */
const T0 = Date.UTC(2026, 11, 1, 4, 0, 0);

function setup(coupon: Record<string, unknown>, faults: PlatformFaults = {}) {
  const batches = createCouponBatchStore(() => T0);
  batches.upsert({
    appId: 'a',
    dataSourceId: '101',
    coupon: { external_coupon_id: 'B', coupon_name: 'x', coupon_sub_type: 1, amount_coupon: 10, ...coupon },
  });
  const clock = createClock(() => T0);
  const platform = new CouponPlatform({ batches, clock, faults });
  const batch = { dataSourceId: '101', batchId: 'B' };
  const claim = (uid: number, requestId?: string) => platform.claim({ batch, uid, ...(requestId ? { requestId } : {}) });
  return { platform, clock, batch, claim, batches };
}

const codes = (rs: readonly { ok: boolean; code?: string }[]) => {
  const out: Record<string, number> = {};
  for (const r of rs) {
    const k = r.ok ? 'ok' : (r.code ?? '?');
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
};

describe('the coupon platform: exact under concurrency (CPN-05)', () => {
  it('240 claims at once on a stock of 40 hand out exactly 40 coupons, all codes distinct', async () => {
    const { claim } = setup({ store_count: 40 });
    const rs = await Promise.all(Array.from({ length: 240 }, (_, i) => claim(1 + (i % 6))));
    expect(codes(rs)).toEqual({ ok: 40, 'coupon.stock.empty': 200 });
    const got = rs.flatMap((r) => (r.ok ? [r.coupon.code] : []));
    expect(new Set(got).size).toBe(40);
  });

  it('under the race fault the same storm over-issues (the fault the storm scenario must catch)', async () => {
    const { claim } = setup({ store_count: 40 }, { claimRace: true });
    const rs = await Promise.all(Array.from({ length: 240 }, (_, i) => claim(1 + (i % 6))));
    expect(rs.filter((r) => r.ok).length).toBeGreaterThan(40);
  });

  it('per-user limits hold under a storm, and the off-by-one fault breaks them', async () => {
    for (const [faults, expected] of [
      [{}, 5],
      [{ perUserOffByOne: true }, 6],
    ] as const) {
      const { claim } = setup({ store_count: 1000, max_coupon_number_per_user: 5 }, faults);
      const rs = await Promise.all(Array.from({ length: 40 }, () => claim(7)));
      expect(rs.filter((r) => r.ok).length).toBe(expected);
    }
  });

  it('two redeems racing redeem once; under the redeem race fault both succeed', async () => {
    for (const [faults, expected] of [
      [{}, 1],
      [{ redeemRace: true }, 2],
    ] as const) {
      const { platform, claim } = setup({ store_count: 10 }, faults);
      const c = await claim(1);
      if (!c.ok) throw new Error(c.message);
      const lines = [{ skuId: 'A', quantity: 1, priceFen: 3000 }];
      const rs = await Promise.all(['O1', 'O2'].map((orderCode) => platform.redeem({ code: c.coupon.code, uid: 1, orderCode, lines })));
      expect(rs.filter((r) => r.ok).length).toBe(expected);
    }
  });
});

describe('claims', () => {
  it('a retried request id answers the first coupon and hands out none; reused for another batch it is refused', async () => {
    const { claim, platform, batches } = setup({ store_count: 10 });
    const a = await claim(1, 'r1');
    const b = await claim(1, 'r1');
    expect(a.ok && b.ok && a.coupon.code === b.coupon.code).toBe(true);
    expect(b.ok && b.repeated).toBe(true);
    expect(platform.couponsOf(1)).toHaveLength(1);
    batches.upsert({ appId: 'a', dataSourceId: '101', coupon: { external_coupon_id: 'C', coupon_name: 'y' } });
    expect(await platform.claim({ batch: { dataSourceId: '101', batchId: 'C' }, uid: 1, requestId: 'r1' })).toMatchObject({
      ok: false,
      code: 'coupon.request.conflict',
    });
  });

  it('the daily limits count the UTC+8 day of the user: a new day lets the user claim again', async () => {
    const { claim, platform } = setup({ store_count: 10, max_coupon_number_per_user: 5, max_coupon_number_per_user_daily: 1 });
    expect((await claim(1)).ok).toBe(true);
    expect(await claim(1)).toMatchObject({ ok: false, code: 'coupon.user.daily.limit' });
    platform.advanceUser(1, 86_400_000);
    expect((await claim(1)).ok).toBe(true);
    // Another user's clock did not move.
    expect((await claim(2)).ok).toBe(true);
    expect(await claim(2)).toMatchObject({ ok: false, code: 'coupon.user.daily.limit' });
  });

  it('max_amount_by_day sums the amounts handed out today', async () => {
    const { claim } = setup({ store_count: 10, amount_coupon: 5, max_amount_by_day: 10 });
    expect((await claim(1)).ok).toBe(true);
    expect((await claim(2)).ok).toBe(true);
    expect(await claim(3)).toMatchObject({ ok: false, code: 'coupon.day.amount.limit' });
  });

  it('an unknown, off-shelf or ended batch hands out nothing', async () => {
    const { platform, batches } = setup({});
    expect(await platform.claim({ batch: { dataSourceId: '101', batchId: 'nope' }, uid: 1 })).toMatchObject({
      code: 'coupon.batch.not.exist',
    });
    batches.upsert({ appId: 'a', dataSourceId: '101', coupon: { external_coupon_id: 'B', coupon_name: 'x', available_status: 2 } });
    expect(await platform.claim({ batch: { dataSourceId: '101', batchId: 'B' }, uid: 1 })).toMatchObject({
      code: 'coupon.batch.unavailable',
    });
    batches.upsert({
      appId: 'a',
      dataSourceId: '101',
      coupon: { external_coupon_id: 'B', coupon_name: 'x', start_time: '0', end_time: String(T0 - 1) },
    });
    expect(await platform.claim({ batch: { dataSourceId: '101', batchId: 'B' }, uid: 1 })).toMatchObject({
      code: 'coupon.batch.unavailable',
    });
  });
});

describe('validity, redemption, statistics', () => {
  it('a relative validity runs from the claim day (UTC+8) and expires; an expired coupon is not verified and is listed expired', async () => {
    const { claim, platform } = setup({ store_count: 10, fixed_valid_time: '86400' });
    const c = await claim(1);
    if (!c.ok) throw new Error(c.message);
    expect(c.coupon.validFromMs).toBe(Date.UTC(2026, 10, 30, 16, 0, 0)); // 2026-12-01 00:00 UTC+8
    expect(c.coupon.validToMs).toBe(Date.UTC(2026, 11, 1, 16, 0, 0));
    const lines = [{ skuId: 'A', quantity: 1, priceFen: 3000 }];
    expect(platform.verify({ code: c.coupon.code, uid: 1, lines }).ok).toBe(true);
    platform.advanceUser(1, 2 * 86_400_000);
    expect(platform.verify({ code: c.coupon.code, uid: 1, lines })).toMatchObject({ ok: false, code: 'coupon.expired' });
    expect(platform.statusOf(c.coupon)).toBe('expired');
    expect(platform.verify({ code: c.coupon.code, uid: 2, lines })).toMatchObject({ ok: false, code: 'coupon.not.owner' });
  });

  it('statistics count issued, claimed, used with exact rates', async () => {
    const { claim, platform, batch } = setup({ store_count: 10 });
    const a = await claim(1);
    await claim(2);
    await claim(3);
    const issued = platform.issue({ batch, rule: 'campaign', uids: [4] });
    if (!a.ok || !issued.ok) throw new Error('setup');
    const lines = [{ skuId: 'A', quantity: 1, priceFen: 3000 }];
    await platform.redeem({ code: a.coupon.code, uid: 1, orderCode: 'O1', lines });
    const [toD] = issued.issued;
    if (!toD) throw new Error('nothing issued');
    await platform.redeem({ code: toD.code, uid: 4, orderCode: 'O2', lines });
    const s = platform.statistics(batch);
    expect(s.ok && s.stats).toMatchObject({
      offered: 10,
      issued: 4,
      claimed: 3,
      used: 2,
      remaining: 6,
      claimRate: { numerator: 3, denominator: 10 },
      useRate: { numerator: 2, denominator: 4 },
    });
  });

  it('revoke: an unused coupon becomes revoked; a used one is refused and stays used (CPN-REF-08), unless the fault revokes it', async () => {
    const lines = [{ skuId: 'A', quantity: 1, priceFen: 3000 }];
    for (const usedRevoked of [false, true]) {
      const { claim, platform, batch } = setup({ store_count: 10 }, { usedRevoked });
      const [a, b] = [await claim(1), await claim(2)];
      if (!a.ok || !b.ok) throw new Error('setup');
      expect((await platform.redeem({ code: a.coupon.code, uid: 1, orderCode: 'O1', lines })).ok).toBe(true);
      // An unused coupon is revoked either way.
      expect(platform.revoke(b.coupon.code)).toMatchObject({ ok: true });
      expect(platform.verify({ code: b.coupon.code, uid: 2, lines })).toMatchObject({ ok: false, code: 'coupon.revoked' });
      const revoked = platform.revoke(a.coupon.code);
      const s = platform.statistics(batch);
      if (usedRevoked) {
        expect(revoked.ok).toBe(true);
        expect(platform.statusOf(a.coupon)).toBe('revoked');
        expect(s.ok && s.stats).toMatchObject({ used: 0, revoked: 2 });
      } else {
        expect(revoked).toMatchObject({ ok: false, code: 'coupon.used' });
        expect(platform.statusOf(a.coupon)).toBe('used');
        expect(s.ok && s.stats).toMatchObject({ used: 1, revoked: 1, useRate: { numerator: 1, denominator: 2 } });
      }
    }
  });

  it('the new-user rule skips users who hold a coupon', async () => {
    const { claim, platform, batch } = setup({ store_count: 10 });
    await claim(1);
    const r = platform.issue({ batch, rule: 'new-user', uids: [1, 2] });
    expect(r.ok && r.issued.map((c) => c.uid)).toEqual([2]);
    expect(r.ok && r.refused).toEqual([{ uid: 1, code: 'coupon.user.not.new', message: 'user 1 is not a new user' }]);
  });
});

describe('birthday eligibility (UCP-05)', () => {
  it('reasons in the order 2, 3, 4, 1; once in 365 days', async () => {
    const { platform, batches } = setup({});
    batches.upsert({
      appId: 'a',
      dataSourceId: '101',
      coupon: { external_coupon_id: 'BD', coupon_name: '生日券', tag_info: { custom_tag: [{ tag_name: '生日券' }] } },
    });
    expect(platform.birthdayEligibility(1)).toEqual({ ok: false, reason: 2 });
    platform.setProfile(1, { vipLevel: 0, birthday: '12-25' });
    expect(platform.birthdayEligibility(1)).toEqual({ ok: false, reason: 3 });
    platform.setProfile(1, { vipLevel: 1, birthday: '01-25' });
    expect(platform.birthdayEligibility(1)).toEqual({ ok: false, reason: 4 });
    platform.setProfile(1, { vipLevel: 1, birthday: platform.dateInDays(0, 1) });
    expect(platform.birthdayEligibility(1)).toEqual({ ok: true });
    expect((await platform.claim({ batch: { dataSourceId: '101', batchId: 'BD' }, uid: 1 })).ok).toBe(true);
    expect(platform.birthdayEligibility(1)).toMatchObject({ ok: false, reason: 1 });
    expect(await platform.claim({ batch: { dataSourceId: '101', batchId: 'BD' }, uid: 1 })).toMatchObject({
      code: 'coupon.birthday.not.eligible',
    });
    platform.advanceUser(1, 365 * 86_400_000);
    platform.setProfile(1, { vipLevel: 1, birthday: platform.dateInDays(0, 1) });
    expect(platform.birthdayEligibility(1)).toEqual({ ok: true });
  });
});
