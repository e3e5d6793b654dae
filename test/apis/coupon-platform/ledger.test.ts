import { describe, expect, it } from 'vitest';
import { CouponLedger, type LedgerCoupon, type StoredState } from '../../../src/apis/coupon-platform/ledger.js';
import {
  CouponPlatform,
  dayStartMs,
  faceValueFen,
  type PlatformFaults,
  type UserCoupon,
} from '../../../src/apis/coupon-platform/platform.js';
import { type BatchKey, type BatchTerms, batchTerms } from '../../../src/apis/coupon-platform/terms.js';
import { createCouponBatchStore } from '../../../src/apis/tencent-coupon-batch/store.js';
import { createClock } from '../../../src/reference/clock.js';
import { rng } from '../../helpers/rng.js';

/** 2026-12-01 12:00 UTC+8. */
const T0 = Date.UTC(2026, 11, 1, 4, 0, 0);
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const dayOf = (ms: number) => (dayStartMs(ms) + 8 * HOUR_MS) / DAY_MS;

/** What the naive model keeps of a coupon: the real one, or one it predicts a rule will hand out. */
type Held = Pick<UserCoupon, 'code' | 'uid' | 'batch' | 'via' | 'requestId' | 'acquiredAtMs' | 'terms' | 'state'>;
const sameBatch = (a: BatchKey, b: BatchKey) => a.dataSourceId === b.dataSourceId && a.batchId === b.batchId;

/**
 * The platform's refusal of one more coupon, computed the slow way: by scanning every coupon ever
 * handed out (what the platform did before its indexes). The oracle of the property test below.
 */
function naiveRefusal(all: readonly Held[], terms: BatchTerms, uid: number, nowMs: number, f: PlatformFaults) {
  const fail = (code: string, message: string) => ({ code, message });
  if (!terms.available && !f.shelfIgnored)
    return fail('coupon.batch.unavailable', `batch ${terms.batchId} is off shelf, not released or deleted`);
  if (terms.validity.kind === 'fixed' && nowMs > terms.validity.endMs)
    return fail('coupon.batch.unavailable', `batch ${terms.batchId} ended (end_time passed)`);
  const mine = all.filter((c) => sameBatch(c.batch, terms));
  if (terms.stock !== undefined && mine.length >= terms.stock + (f.stockOffByOne ? 1 : 0))
    return fail('coupon.stock.empty', `batch ${terms.batchId} has no stock left`);
  const today = dayOf(nowMs);
  const users = mine.filter((c) => c.uid === uid);
  if (terms.perUser !== undefined && users.length >= terms.perUser + (f.perUserOffByOne ? 1 : 0))
    return fail('coupon.user.limit', `user ${uid} holds ${users.length} of at most ${terms.perUser}`);
  const usersToday = users.filter((c) => dayOf(c.acquiredAtMs) === today);
  if (terms.perUserDaily !== undefined && !f.perUserDailyIgnored && usersToday.length >= terms.perUserDaily)
    return fail('coupon.user.daily.limit', `user ${uid} took ${usersToday.length} today, at most ${terms.perUserDaily}`);
  const todays = mine.filter((c) => dayOf(c.acquiredAtMs) === today);
  if (terms.perDayCount !== undefined && !f.perDayIgnored && todays.length >= terms.perDayCount)
    return fail('coupon.day.limit', `batch ${terms.batchId} handed out ${todays.length} today, at most ${terms.perDayCount}`);
  const face = faceValueFen(terms);
  if (terms.perDayAmountFen !== undefined && face !== undefined && !f.perDayIgnored) {
    const amount = todays.reduce((s, c) => s + (faceValueFen(c.terms) ?? 0), 0);
    if (amount + face > terms.perDayAmountFen)
      return fail(
        'coupon.day.amount.limit',
        `batch ${terms.batchId} handed out ${amount} fen today; ${face} more exceeds ${terms.perDayAmountFen}`,
      );
  }
  return undefined;
}

/** The statistics counts, by scanning every coupon. */
function naiveStatistics(platform: CouponPlatform, all: readonly UserCoupon[], key: BatchKey, f: PlatformFaults) {
  const mine = all.filter((c) => sameBatch(c.batch, key));
  const count = (s: string) => mine.filter((c) => platform.statusOf(c) === s).length;
  return {
    issued: mine.length,
    claimed: mine.filter((c) => c.via === 'claim').length,
    used: f.statsUsedMiscounted ? mine.filter((c) => c.via === 'claim' && c.state === 'used').length : count('used'),
    expired: count('expired'),
    revoked: count('revoked'),
  };
}

const FAULT_SETS: readonly PlatformFaults[] = [
  {},
  { perUserOffByOne: true, stockOffByOne: true },
  { perUserDailyIgnored: true, perDayIgnored: true, requestIdIgnored: true },
  { statsUsedMiscounted: true, usedRevoked: true, redeemTwice: true, revokedVerified: true, expiredVerified: true },
  { shelfIgnored: true },
];

const UIDS = 10;
const BATCH_IDS = ['B0', 'B1', 'B2', 'B3'];
const REQUEST_IDS = ['r0', 'r1', 'r2', 'r3', 'r4'];

/**
 * A seeded random run of every operation that changes the store — upload (and upload again with other
 * terms), claim (with and without request ids, repeated and conflicting), issue by both rules, redeem,
 * revoke, verify, moving the platform's and one user's clocks across days and validity ends, reset —
 * each claim and issue answer compared with the naive scan above, and every index (a user's coupons,
 * a code, a batch's statistics) compared with a scan of every coupon every few operations.
 */
async function run(seed: number, faults: PlatformFaults, ops: number): Promise<{ handed: number; refusals: Set<string> }> {
  const random = rng(seed);
  const int = (n: number) => Math.floor(random() * n);
  const maybe = <T>(p: number, v: () => T) => (random() < p ? v() : undefined);
  const batches = createCouponBatchStore(() => T0);
  const clock = createClock(() => T0);
  const platform = new CouponPlatform({ batches, clock, faults });
  let all: UserCoupon[] = [];
  let orders = new Map<number, number>();
  let handed = 0;
  const refusals = new Set<string>();

  const upload = (batchId: string) => {
    const now = platform.now();
    const fixed = random() < 0.4;
    const coupon: Record<string, unknown> = {
      external_coupon_id: batchId,
      coupon_name: `${batchId}-${int(1000)}`,
      coupon_sub_type: random() < 0.7 ? 1 : 2,
      amount_coupon: 1 + int(20),
      discount_coupon: 0.8,
      ...(random() < 0.5 ? { max_discount_amount: 1 + int(10) } : {}),
      ...(random() < 0.3 ? { amount_minimum: int(30) } : {}),
      store_count: maybe(0.8, () => 5 + int(60)),
      max_coupon_number_per_user: maybe(0.6, () => 1 + int(6)),
      max_coupon_number_per_user_daily: maybe(0.5, () => 1 + int(3)),
      max_coupons_by_day: maybe(0.4, () => 3 + int(25)),
      max_amount_by_day: maybe(0.4, () => 20 + int(200)),
      available_status: random() < 0.08 ? 2 : 1,
      ...(fixed
        ? { start_time: now - int(2) * DAY_MS, end_time: now + int(5 * 24) * HOUR_MS }
        : { fixed_valid_time: String((1 + int(72)) * 3600), fixed_valid_start_time: String(int(3) * 3600) }),
    };
    const before = platform.terms({ dataSourceId: '101', batchId });
    const { stored } = batches.upsert({ appId: 'a', dataSourceId: '101', coupon: coupon as { external_coupon_id: string } });
    const after = platform.terms({ dataSourceId: '101', batchId });
    // Derived once per upload: a new object after an upload, the same one until the next.
    expect(after).not.toBe(before);
    expect(platform.terms({ dataSourceId: '101', batchId })).toBe(after);
    expect(after).toEqual(batchTerms(stored));
  };

  /** The naive prediction of one claim or one rule issue to `uid`, given what is held (plus `extra`). */
  const predict = (key: BatchKey, uid: number, requestId: string | undefined, extra: readonly Held[]) => {
    const held: Held[] = [...all, ...extra];
    if (requestId !== undefined && !faults.requestIdIgnored) {
      const seen = held.filter((c) => c.uid === uid && c.requestId === requestId).at(-1);
      if (seen)
        return sameBatch(seen.batch, key)
          ? { kind: 'repeat' as const, code: seen.code }
          : { kind: 'refused' as const, code: 'coupon.request.conflict', message: `request id ${requestId} was used for another batch` };
    }
    const terms = platform.terms(key);
    if (!terms) return { kind: 'refused' as const, code: 'coupon.batch.not.exist', message: '' };
    const r = naiveRefusal(held, terms, uid, platform.now(uid), faults);
    return r ? { kind: 'refused' as const, ...r } : { kind: 'new' as const, terms };
  };

  const checkIndexes = () => {
    for (let uid = 1; uid <= UIDS; uid++)
      expect(platform.couponsOf(uid).map((c) => c.code)).toEqual(all.filter((c) => c.uid === uid).map((c) => c.code));
    for (const c of all) expect(platform.byCouponCode(c.code)).toBe(c);
    for (const batchId of BATCH_IDS) {
      const key = { dataSourceId: '101', batchId };
      const s = platform.statistics(key);
      if (s.ok) expect(s.stats).toMatchObject(naiveStatistics(platform, all, key, faults));
      else expect(platform.terms(key)).toBeUndefined();
    }
  };

  const pick = <T>(xs: readonly T[]) => xs[int(xs.length)];
  for (let op = 0; op < ops; op++) {
    const roll = random();
    const batchId = pick(BATCH_IDS) ?? 'B0';
    const key = { dataSourceId: '101', batchId };
    const uid = 1 + int(UIDS);
    if (roll < 0.06) upload(batchId);
    else if (roll < 0.5) {
      const requestId = maybe(0.4, () => pick(REQUEST_IDS) ?? 'r0');
      const expected = predict(key, uid, requestId, []);
      const r = await platform.claim({ batch: key, uid, ...(requestId === undefined ? {} : { requestId }) });
      if (expected.kind === 'refused') {
        refusals.add(expected.code);
        if (expected.code === 'coupon.batch.not.exist') expect(r).toMatchObject({ ok: false, code: expected.code });
        else expect(r).toEqual({ ok: false, code: expected.code, message: expected.message });
      } else if (expected.kind === 'repeat') expect(r.ok && r.repeated && r.coupon.code).toBe(expected.code);
      else {
        if (!r.ok) throw new Error(`seed ${seed} op ${op}: claim refused (${r.code}: ${r.message}), the naive scan hands a coupon`);
        expect(r.repeated).toBe(false);
        expect(r.coupon.terms).toBe(expected.terms);
        expect(all.some((c) => c.code === r.coupon.code)).toBe(false);
        all.push(r.coupon);
        handed++;
      }
    } else if (roll < 0.6) {
      const rule = random() < 0.5 ? 'new-user' : 'campaign';
      const uids = Array.from({ length: 1 + int(4) }, () => 1 + int(UIDS));
      const requestId = maybe(0.3, () => pick(REQUEST_IDS) ?? 'r0');
      const r = platform.issue({ batch: key, rule, uids, ...(requestId === undefined ? {} : { requestId }) });
      const terms = platform.terms(key);
      if (!terms) {
        expect(r).toMatchObject({ ok: false, code: 'coupon.batch.not.exist' });
        continue;
      }
      if (!r.ok) throw new Error(`seed ${seed} op ${op}: issue refused: ${r.code}`);
      // Replayed in order against the naive scan, each predicted coupon held before the next user.
      const extra: Held[] = [];
      const issued: string[] = [];
      const refused: { uid: number; code: string; message: string }[] = [];
      for (const u of uids) {
        const rid = requestId === undefined ? undefined : `${requestId}#${u}`;
        const seen =
          rid === undefined || faults.requestIdIgnored
            ? undefined
            : [...all, ...extra].filter((c) => c.uid === u && c.requestId === rid).at(-1);
        if (seen && sameBatch(seen.batch, key)) {
          issued.push(String(u));
          continue;
        }
        const isNew = !all.some((c) => c.uid === u) && !extra.some((c) => c.uid === u) && (orders.get(u) ?? 0) === 0;
        if (rule === 'new-user' && !isNew) {
          refused.push({ uid: u, code: 'coupon.user.not.new', message: `user ${u} is not a new user` });
          continue;
        }
        const p = naiveRefusal([...all, ...extra], terms, u, platform.now(u), faults);
        if (p) refused.push({ uid: u, ...p });
        else {
          issued.push(String(u));
          extra.push({
            code: `?${extra.length}`,
            uid: u,
            batch: key,
            via: 'issue',
            requestId: rid,
            acquiredAtMs: platform.now(u),
            terms,
            state: 'unused',
          });
        }
      }
      expect(r.refused).toEqual(refused);
      expect(r.issued.map((c) => String(c.uid))).toEqual(issued);
      for (const c of r.issued)
        if (!all.includes(c)) {
          all.push(c);
          handed++;
        }
    } else if (roll < 0.7) {
      const c = pick(all);
      if (!c) continue;
      const owner = random() < 0.9 ? c.uid : uid;
      const orderCode = `O${int(4)}`;
      const replay = c.used !== undefined && c.used.orderCode === orderCode && c.uid === owner;
      const r = await platform.redeem({
        code: c.code,
        uid: owner,
        orderCode,
        lines: [{ skuId: 'A', quantity: 1 + int(2), priceFen: int(5000) }],
      });
      if (r.ok && !replay) orders.set(owner, (orders.get(owner) ?? 0) + 1);
      if (r.ok) expect(c.state).toBe('used');
    } else if (roll < 0.76) {
      const c = pick(all);
      if (!c) continue;
      const before = c.state;
      const r = platform.revoke(c.code);
      expect(r.ok).toBe(before !== 'used' || faults.usedRevoked === true);
    } else if (roll < 0.8) {
      const c = pick(all);
      if (c) platform.verify({ code: c.code, uid: c.uid, lines: [{ skuId: 'A', quantity: 1, priceFen: 2000 }] });
    } else if (roll < 0.86) clock.advance((1 + int(30)) * HOUR_MS);
    else if (roll < 0.92) platform.advanceUser(uid, (1 + int(40)) * HOUR_MS);
    else if (roll < 0.925) {
      platform.reset();
      all = [];
      orders = new Map();
    }
    if (op % 25 === 0) checkIndexes();
  }
  checkIndexes();
  return { handed, refusals };
}

describe('the platform indexes agree with a scan of every coupon (seeded random operations)', () => {
  FAULT_SETS.forEach((faults, i) => {
    it(`faults ${JSON.stringify(faults)}: seed ${101 + i}`, async () => {
      const { handed, refusals } = await run(101 + i, faults, 1500);
      // The run reached the paths it is meant to compare: coupons handed out and limits refusing.
      expect(handed).toBeGreaterThan(100);
      expect(refusals.size).toBeGreaterThan(2);
    });
  });

  it('every refusal of a claim is reached over the seeds (the comparison is not vacuous)', async () => {
    const seen = new Set<string>();
    for (const seed of [7, 8, 9]) for (const code of (await run(seed, {}, 1500)).refusals) seen.add(code);
    for (const code of [
      'coupon.stock.empty',
      'coupon.user.limit',
      'coupon.user.daily.limit',
      'coupon.day.limit',
      'coupon.day.amount.limit',
      'coupon.batch.unavailable',
      'coupon.request.conflict',
    ])
      expect(seen).toContain(code);
  });
});

describe('CouponLedger', () => {
  const coupon = (id: number, uid: number, state: StoredState = 'unused', via: 'claim' | 'issue' = 'claim') => ({
    id,
    uid,
    batch: { dataSourceId: '101', batchId: 'B' },
    via,
    requestId: undefined,
    state,
  });
  const key = { dataSourceId: '101', batchId: 'B' };

  it('counts a user per day exactly, also when a later coupon falls on an earlier day (a clock moved back)', () => {
    const ledger = new CouponLedger<LedgerCoupon>();
    ledger.add(coupon(1, 1), 10, 500);
    ledger.add(coupon(2, 1), 11, 500);
    ledger.add(coupon(3, 1), 10, 300);
    ledger.add(coupon(4, 2), 10, 500);
    const b = ledger.batch(key);
    expect([b.userCount(1), b.userDayCount(1, 10), b.userDayCount(1, 11), b.userDayCount(1, 12)]).toEqual([3, 2, 1, 0]);
    expect(b.dayTotals(10)).toEqual({ count: 3, faceFen: 1300 });
    expect(b.dayTotals(11)).toEqual({ count: 1, faceFen: 500 });
    expect(ledger.ofUser(1).map((c) => c.id)).toEqual([1, 2, 3]);
  });

  it('follows state changes, counting used claimed coupons apart; a batch nothing was handed out of reads empty', () => {
    const ledger = new CouponLedger<{ -readonly [K in keyof LedgerCoupon]: LedgerCoupon[K] }>();
    const a = coupon(7, 1);
    const b = coupon(8, 2, 'unused', 'issue');
    ledger.add(a, 1, 0);
    ledger.add(b, 1, 0);
    a.state = 'used';
    ledger.moved(a, 'unused');
    b.state = 'used';
    ledger.moved(b, 'unused');
    a.state = 'revoked';
    ledger.moved(a, 'used');
    const s = ledger.batch(key);
    expect({ states: s.states, usedClaimed: s.usedClaimed, claimed: s.claimed }).toEqual({
      states: { unused: 0, used: 1, revoked: 1 },
      usedClaimed: 0,
      claimed: 1,
    });
    const none = ledger.batch({ dataSourceId: '101', batchId: 'other' });
    expect([none.coupons.length, none.userCount(1), none.dayTotals(1).count]).toEqual([0, 0, 0]);
    expect([ledger.byId(7), ledger.byId(8), ledger.byId(6), ledger.byId(9)]).toEqual([a, b, undefined, undefined]);
    // Numbers follow one another: a gap is a bug of the caller, not a state to file.
    expect(() => ledger.add(coupon(10, 3), 1, 0)).toThrow(/numbers must follow one another/);
    ledger.clear();
    expect([ledger.byId(7), ledger.hasUser(1), ledger.batch(key).coupons.length]).toEqual([undefined, false, 0]);
    // After a clear, numbering goes on from wherever the platform is.
    ledger.add(coupon(12, 1), 1, 0);
    expect(ledger.byId(12)?.id).toBe(12);
  });
});
