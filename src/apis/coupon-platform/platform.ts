/**
 * The coupon platform of the reference: one store behind three faces. Batches are what the Tencent
 * face stored; the JOS-style face (jd-coupon) claims, issues, verifies, redeems and counts; the Yoho
 * face (yoho-user-coupon) reads a user's coupons. Every operation is synchronous, so on one process it
 * is atomic whatever the number of connections (CPN-05): no claim sees stock another has taken. Only
 * the race faults put an `await` between the check and the write, as a read-then-write store would.
 * Coupons are filed in indexes (ledger.ts) and a batch's terms are derived once per upload, so the
 * work of an operation does not grow with the coupons issued (statistics alone read their batch's
 * coupons, for expiry); `npm run bench -- store` measures a claim at 1,000 and at 200,000 coupons.
 */
import type { BusinessClock } from '../../reference/clock.js';
import type { CouponBatchStore, StoredCoupon } from '../tencent-coupon-batch/store.js';
import { couponCode, couponIdOf } from './code.js';
import { CouponLedger, type StoredState } from './ledger.js';
import { type BatchKey, type BatchTerms, batchTerms } from './terms.js';
import { type Deduction, type DeductionFaults, type DeductionReadings, deduction, type OrderLine } from './verify.js';

export type CouponStatus = 'unused' | 'used' | 'expired' | 'revoked';

/** One coupon in a user's hands. */
export interface UserCoupon {
  /** A platform-wide sequence number (the Yoho `id`). */
  readonly id: number;
  /** Unique across the platform. */
  readonly code: string;
  readonly batch: BatchKey;
  readonly uid: number;
  /** Claimed by the user, or issued to them by a rule. */
  readonly via: 'claim' | 'issue';
  readonly requestId: string | undefined;
  readonly acquiredAtMs: number;
  /** The batch's terms when the coupon was acquired (a later upload does not change a coupon in hand). */
  readonly terms: BatchTerms;
  readonly validFromMs: number | undefined;
  readonly validToMs: number | undefined;
  state: StoredState;
  used?: {
    readonly orderCode: string;
    readonly atMs: number;
    readonly deductionFen: number;
    readonly paidFen: number;
    readonly orderFen: number;
  };
}

export interface UserProfile {
  /** `MM-DD` or `YYYY-MM-DD`; absent: 信息未完善. */
  readonly birthday?: string;
  /** 0: not VIP. */
  readonly vipLevel: number;
  /** Whether the new-user rule may issue to this user; by default a user with no coupon and no order is new. */
  readonly newUser?: boolean;
}

export type PlatformError = { readonly ok: false; readonly code: string; readonly message: string };
export type Result<T> = ({ readonly ok: true } & T) | PlatformError;

const fail = (code: string, message: string): PlatformError => ({ ok: false, code, message });

/** Deliberate violations of the platform's rules, for the reference's faults. */
export interface PlatformFaults extends DeductionFaults {
  /** Claims read the stock, yield, then write: parallel claims over-issue (CPN-05). */
  readonly claimRace?: boolean;
  /** The per-user limit allows one coupon more. */
  readonly perUserOffByOne?: boolean;
  readonly perUserDailyIgnored?: boolean;
  readonly perDayIgnored?: boolean;
  /** A retried claim (same request id) gets a second coupon. */
  readonly requestIdIgnored?: boolean;
  /** Validity not checked at verify and redeem. */
  readonly expiredVerified?: boolean;
  /** Redeem checks the coupon unused, yields, then marks it: two racing redeems both succeed. */
  readonly redeemRace?: boolean;
  /** Redeem never checks whether the coupon was used. */
  readonly redeemTwice?: boolean;
  /** Statistics count used coupons among the claimed-only ones. */
  readonly statsUsedMiscounted?: boolean;
  /** The 365-day rule of birthday coupons ignored. */
  readonly birthdayYearIgnored?: boolean;
  /** The birthday period not checked (any month). */
  readonly birthdayPeriodIgnored?: boolean;
  /** One claim more than store_count gets through. */
  readonly stockOffByOne?: boolean;
  /** A revoked coupon still verifies. */
  readonly revokedVerified?: boolean;
  /** Revoke does not check whether the coupon was used: a used coupon becomes revoked. */
  readonly usedRevoked?: boolean;
  /** Off-shelf, unreleased and deleted batches hand out coupons. */
  readonly shelfIgnored?: boolean;
}

export interface PlatformDeps {
  readonly batches: CouponBatchStore;
  readonly clock: BusinessClock;
  readonly faults?: PlatformFaults;
  /** Behaviours the documents allow besides our own choices; none by default. */
  readonly readings?: DeductionReadings;
}

const DAY_MS = 86_400_000;
const UTC8_MS = 8 * 3_600_000;
/** Start of the day (UTC+8) holding `ms`. */
export const dayStartMs = (ms: number): number => Math.floor((ms + UTC8_MS) / DAY_MS) * DAY_MS - UTC8_MS;
const dayOf = (ms: number): number => Math.floor((ms + UTC8_MS) / DAY_MS);

export interface Statistics {
  readonly batch: BatchKey;
  /** store_count: the coupons offered. */
  readonly offered: number | undefined;
  readonly planCount: number | undefined;
  /** Coupons in users' hands by either route (claims and rule issues), whatever their state. */
  readonly issued: number;
  readonly claimed: number;
  readonly used: number;
  readonly expired: number;
  readonly revoked: number;
  /** offered − issued; undefined without a stock. */
  readonly remaining: number | undefined;
  /** claimed / offered, exact. */
  readonly claimRate: { readonly numerator: number; readonly denominator: number } | undefined;
  /** used / issued, exact. */
  readonly useRate: { readonly numerator: number; readonly denominator: number };
}

export interface Redemption {
  readonly coupon: UserCoupon;
  readonly deduction: Extract<Deduction, { ok: true }>;
}

/** A store round trip (10 ms): long enough for requests arriving meanwhile to be read and checked. */
const yieldTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 10));

export class CouponPlatform {
  private readonly deps: PlatformDeps;
  private readonly ledger = new CouponLedger<UserCoupon>();
  /**
   * A batch's terms, derived once per upload: an upload stores a new StoredCoupon object, so the cache
   * misses exactly when the batch changed (coupons in hand keep the terms they were acquired with).
   */
  private readonly termsOf = new WeakMap<StoredCoupon, BatchTerms>();
  private readonly profiles = new Map<number, UserProfile>();
  /** uid → when the user last took a birthday coupon, epoch ms. */
  private readonly birthdayTaken = new Map<number, number>();
  private readonly ordersOf = new Map<number, number>();
  private seq = 0;
  private readonly userOffsets = new Map<number, number>();
  /** A number per batch, in the order the platform first saw it (the Yoho `couponId`). */
  private readonly batchNumbers = new Map<string, number>();

  constructor(deps: PlatformDeps) {
    this.deps = deps;
  }

  get faults(): PlatformFaults {
    return this.deps.faults ?? {};
  }

  /** The business clock, as a user sees it: the platform's, plus that user's own offset (test control). */
  now(uid?: number): number {
    return this.deps.clock.nowMs() + (uid === undefined ? 0 : (this.userOffsets.get(uid) ?? 0));
  }

  /** Moves one user's clock (test control): concurrent checks of other users are not disturbed. */
  advanceUser(uid: number, ms: number): void {
    this.userOffsets.set(uid, (this.userOffsets.get(uid) ?? 0) + ms);
  }

  /** Today's date plus `days` in the platform's clock (a user's, when given) (UTC+8), as `MM-DD`: a birthday relative to now. */
  dateInDays(days: number, uid?: number): string {
    const d = new Date(this.now(uid) + days * DAY_MS + UTC8_MS);
    return `${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
  }

  /** Forgets every coupon, profile and counter (not the batches: they belong to the Tencent face). */
  reset(): void {
    this.ledger.clear();
    this.profiles.clear();
    this.birthdayTaken.clear();
    this.ordersOf.clear();
    this.userOffsets.clear();
  }

  setProfile(uid: number, profile: UserProfile): void {
    this.profiles.set(uid, profile);
  }

  profile(uid: number): UserProfile {
    return this.profiles.get(uid) ?? { vipLevel: 0 };
  }

  terms(key: BatchKey): BatchTerms | undefined {
    const stored = this.deps.batches.get(key.dataSourceId, key.batchId);
    return stored ? this.derived(stored) : undefined;
  }

  /** The batch's number: stable for the process, from 1 in the order the platform first names a batch. */
  batchNumber(key: BatchKey): number {
    const k = `${key.dataSourceId}\u0000${key.batchId}`;
    let n = this.batchNumbers.get(k);
    if (n === undefined) {
      n = this.batchNumbers.size + 1;
      this.batchNumbers.set(k, n);
    }
    return n;
  }

  /** Every birthday batch on shelf, of every data source. */
  birthdayBatches(): BatchTerms[] {
    return this.deps.batches
      .list()
      .map((s) => this.derived(s))
      .filter((t) => t.birthday && t.available);
  }

  /** What a user's coupon is now: its state, or expired when unused past its validity. */
  statusOf(c: UserCoupon, nowMs = this.now(c.uid)): CouponStatus {
    if (c.state !== 'unused') return c.state;
    return c.validToMs !== undefined && nowMs > c.validToMs ? 'expired' : 'unused';
  }

  /** A user's coupons, in the order they were acquired. */
  couponsOf(uid: number): UserCoupon[] {
    return this.ledger.ofUser(uid);
  }

  byCouponCode(code: string): UserCoupon | undefined {
    const id = couponIdOf(code);
    return id === undefined ? undefined : this.ledger.byId(id);
  }

  /** Claims one coupon of a batch for a user (CPN-01); a request id seen before answers its coupon again. */
  claim(input: {
    batch: BatchKey;
    uid: number;
    requestId?: string;
  }): Result<{ coupon: UserCoupon; repeated: boolean }> | Promise<Result<{ coupon: UserCoupon; repeated: boolean }>> {
    const repeat = this.repeated(input.uid, input.requestId, input.batch);
    if (repeat) return repeat;
    const terms = this.terms(input.batch);
    if (!terms) return fail('coupon.batch.not.exist', `no batch ${input.batch.batchId} in data source ${input.batch.dataSourceId}`);
    if (terms.birthday) {
      const b = this.birthdayEligibility(input.uid);
      if (!b.ok) return fail('coupon.birthday.not.eligible', `not eligible for a birthday coupon (reason ${b.reason})`);
    }
    const refused = this.refusal(terms, input.uid);
    if (refused) return refused;
    // Synchronous but under the race fault, whose turn yielded between the check and the write is the
    // race: a promise per claim is what a storm of them would pay for nothing.
    const handOut = (): Result<{ coupon: UserCoupon; repeated: boolean }> => ({
      ok: true,
      coupon: this.hand(terms, input.uid, 'claim', input.requestId),
      repeated: false,
    });
    return this.faults.claimRace ? yieldTurn().then(handOut) : handOut();
  }

  /**
   * Issues one coupon of a batch to each user a rule selects (CPN-01): `new-user` to those with no coupon
   * and no order on the platform (or whose profile says new), `campaign` to every user named. Each user
   * is refused alone (limits, stock), in the order given.
   */
  issue(input: { batch: BatchKey; rule: 'new-user' | 'campaign'; uids: readonly number[]; requestId?: string }): Result<{
    issued: UserCoupon[];
    refused: { uid: number; code: string; message: string }[];
  }> {
    const terms = this.terms(input.batch);
    if (!terms) return fail('coupon.batch.not.exist', `no batch ${input.batch.batchId} in data source ${input.batch.dataSourceId}`);
    if (terms.birthday) return fail('coupon.rule.invalid', 'birthday coupons are claimed through the birthday rules, not issued');
    const issued: UserCoupon[] = [];
    const refused: { uid: number; code: string; message: string }[] = [];
    for (const uid of input.uids) {
      const requestId = input.requestId === undefined ? undefined : `${input.requestId}#${uid}`;
      const repeat = this.repeated(uid, requestId, input.batch);
      if (repeat?.ok) {
        issued.push(repeat.coupon);
        continue;
      }
      if (input.rule === 'new-user' && !this.isNew(uid)) {
        refused.push({ uid, code: 'coupon.user.not.new', message: `user ${uid} is not a new user` });
        continue;
      }
      const r = this.refusal(terms, uid);
      if (r) refused.push({ uid, code: r.code, message: r.message });
      else issued.push(this.hand(terms, uid, 'issue', requestId));
    }
    return { ok: true, issued, refused };
  }

  /** Verifies a coupon for an order, changing nothing (CPN-03). */
  verify(input: { code: string; uid: number; lines: readonly OrderLine[]; stacked?: boolean }): Result<Redemption> {
    const c = this.byCouponCode(input.code);
    if (!c) return fail('coupon.not.exist', `no coupon ${input.code}`);
    if (c.uid !== input.uid) return fail('coupon.not.owner', `coupon ${input.code} belongs to another user`);
    if (c.state === 'used' && !this.faults.redeemTwice) return fail('coupon.used', `coupon ${input.code} was used`);
    if (c.state === 'revoked' && !this.faults.revokedVerified) return fail('coupon.revoked', `coupon ${input.code} was revoked`);
    const now = this.now(c.uid);
    if (!this.faults.expiredVerified) {
      if (c.validFromMs !== undefined && now < c.validFromMs) return fail('coupon.not.started', `coupon ${input.code} is not valid yet`);
      if (c.validToMs !== undefined && now > c.validToMs) return fail('coupon.expired', `coupon ${input.code} expired`);
    }
    if (input.stacked && !c.terms.stackable)
      return fail('coupon.not.stackable', 'the coupon may not be combined with other discounts (added_status 2)');
    const d = deduction(c.terms, input.lines, this.faults, this.deps.readings);
    if (!d.ok) return fail(d.code, d.message);
    return { ok: true, coupon: c, deduction: d };
  }

  /** Redeems a coupon against an order: at most once (CPN-03, CPN-05); the same order again answers the same redemption. */
  async redeem(input: {
    code: string;
    uid: number;
    orderCode: string;
    lines: readonly OrderLine[];
    stacked?: boolean;
  }): Promise<Result<Redemption>> {
    const before = this.byCouponCode(input.code);
    if (before?.used && before.used.orderCode === input.orderCode && before.uid === input.uid) {
      const u = before.used;
      return {
        ok: true,
        coupon: before,
        deduction: {
          ok: true,
          eligibleFen: 0,
          eligibleQuantity: 0,
          deductionFen: u.deductionFen,
          payableFen: u.paidFen,
          orderFen: u.orderFen,
        },
      };
    }
    const checked = this.verify(input);
    if (!checked.ok) return checked;
    if (this.faults.redeemRace) await yieldTurn();
    const c = checked.coupon;
    const from = c.state;
    c.state = 'used';
    this.ledger.moved(c, from);
    c.used = {
      orderCode: input.orderCode,
      atMs: this.now(c.uid),
      deductionFen: checked.deduction.deductionFen,
      paidFen: checked.deduction.payableFen,
      orderFen: checked.deduction.orderFen,
    };
    this.ordersOf.set(c.uid, (this.ordersOf.get(c.uid) ?? 0) + 1);
    return checked;
  }

  /** Revokes an unused coupon; it no longer verifies (ours: CPN-REF-08). */
  revoke(code: string): Result<{ coupon: UserCoupon }> {
    const c = this.byCouponCode(code);
    if (!c) return fail('coupon.not.exist', `no coupon ${code}`);
    if (c.state === 'used' && !this.faults.usedRevoked) return fail('coupon.used', `coupon ${code} was used`);
    const from = c.state;
    c.state = 'revoked';
    this.ledger.moved(c, from);
    return { ok: true, coupon: c };
  }

  statistics(key: BatchKey): Result<{ stats: Statistics }> {
    const terms = this.terms(key);
    if (!terms) return fail('coupon.batch.not.exist', `no batch ${key.batchId} in data source ${key.dataSourceId}`);
    const ledger = this.ledger.batch(key);
    const issued = ledger.coupons.length;
    const claimed = ledger.claimed;
    const used = this.faults.statsUsedMiscounted ? ledger.usedClaimed : ledger.states.used;
    // Expiry moves with each owner's clock: derived now, from the batch's coupons only (never stored).
    let expired = 0;
    if (ledger.states.unused > 0) for (const c of ledger.coupons) if (this.statusOf(c) === 'expired') expired++;
    return {
      ok: true,
      stats: {
        batch: key,
        offered: terms.stock,
        planCount: terms.planCount,
        issued,
        claimed,
        used,
        expired,
        revoked: ledger.states.revoked,
        remaining: terms.stock === undefined ? undefined : Math.max(0, terms.stock - issued),
        claimRate: terms.stock === undefined ? undefined : { numerator: claimed, denominator: terms.stock },
        useRate: { numerator: used, denominator: issued },
      },
    };
  }

  /**
   * Whether a user may take a birthday coupon now (UCP-05), reasons as the document numbers them:
   * 2 profile incomplete (no birthday), 3 not VIP, 4 not the birthday period (the birthday's month,
   * UTC+8: UCP-REF-07), 1 one taken within 365 days. Checked in that order (ours, UCP-REF-08).
   */
  birthdayEligibility(uid: number): { ok: true } | { ok: false; reason: 1 | 2 | 3 | 4; takenAtMs?: number } {
    const p = this.profile(uid);
    const month = p.birthday === undefined ? undefined : birthdayMonth(p.birthday);
    if (month === undefined) return { ok: false, reason: 2 };
    if (p.vipLevel < 1) return { ok: false, reason: 3 };
    const now = this.now(uid);
    if (new Date(now + UTC8_MS).getUTCMonth() + 1 !== month && !this.faults.birthdayPeriodIgnored) return { ok: false, reason: 4 };
    const taken = this.birthdayTaken.get(uid);
    if (taken !== undefined && now - taken < 365 * DAY_MS && !this.faults.birthdayYearIgnored)
      return { ok: false, reason: 1, takenAtMs: taken };
    return { ok: true };
  }

  // ------------------------------------------------------------------ internals

  private derived(stored: StoredCoupon): BatchTerms {
    let t = this.termsOf.get(stored);
    if (!t) {
      t = batchTerms(stored);
      this.termsOf.set(stored, t);
    }
    return t;
  }

  private repeated(
    uid: number,
    requestId: string | undefined,
    batch: BatchKey,
  ): Result<{ coupon: UserCoupon; repeated: boolean }> | undefined {
    if (requestId === undefined || this.faults.requestIdIgnored) return undefined;
    const seen = this.ledger.byRequest(uid, requestId);
    if (!seen) return undefined;
    if (!sameBatch(seen.batch, batch)) return fail('coupon.request.conflict', `request id ${requestId} was used for another batch`);
    return { ok: true, coupon: seen, repeated: true };
  }

  private isNew(uid: number): boolean {
    const said = this.profiles.get(uid)?.newUser;
    if (said !== undefined) return said;
    return !this.ledger.hasUser(uid) && (this.ordersOf.get(uid) ?? 0) === 0;
  }

  /** Why the batch may not hand one more coupon to `uid` now, in the order: shelf, stock, per user, per user daily, per day, amount per day. */
  private refusal(terms: BatchTerms, uid: number): PlatformError | undefined {
    if (!terms.available && !this.faults.shelfIgnored)
      return fail('coupon.batch.unavailable', `batch ${terms.batchId} is off shelf, not released or deleted`);
    if (terms.validity.kind === 'fixed' && this.now(uid) > terms.validity.endMs)
      return fail('coupon.batch.unavailable', `batch ${terms.batchId} ended (end_time passed)`);
    const f = this.faults;
    const mine = this.ledger.batch(terms);
    if (terms.stock !== undefined && mine.coupons.length >= terms.stock + (f.stockOffByOne ? 1 : 0))
      return fail('coupon.stock.empty', `batch ${terms.batchId} has no stock left`);
    const now = this.now(uid);
    const today = dayOf(now);
    const held = mine.userCount(uid);
    if (terms.perUser !== undefined && held >= terms.perUser + (f.perUserOffByOne ? 1 : 0))
      return fail('coupon.user.limit', `user ${uid} holds ${held} of at most ${terms.perUser}`);
    const heldToday = mine.userDayCount(uid, today);
    if (terms.perUserDaily !== undefined && !f.perUserDailyIgnored && heldToday >= terms.perUserDaily)
      return fail('coupon.user.daily.limit', `user ${uid} took ${heldToday} today, at most ${terms.perUserDaily}`);
    const todays = mine.dayTotals(today);
    if (terms.perDayCount !== undefined && !f.perDayIgnored && todays.count >= terms.perDayCount)
      return fail('coupon.day.limit', `batch ${terms.batchId} handed out ${todays.count} today, at most ${terms.perDayCount}`);
    const face = faceValueFen(terms);
    if (terms.perDayAmountFen !== undefined && face !== undefined && !f.perDayIgnored) {
      // Each coupon counts at the face value of the terms it was acquired with (ledger.ts).
      const amount = todays.faceFen;
      if (amount + face > terms.perDayAmountFen)
        return fail(
          'coupon.day.amount.limit',
          `batch ${terms.batchId} handed out ${amount} fen today; ${face} more exceeds ${terms.perDayAmountFen}`,
        );
    }
    return undefined;
  }

  private hand(terms: BatchTerms, uid: number, via: 'claim' | 'issue', requestId: string | undefined): UserCoupon {
    const now = this.now(uid);
    const id = ++this.seq;
    const validity = validityWindow(terms, now);
    const coupon: UserCoupon = {
      id,
      code: couponCode(id),
      batch: { dataSourceId: terms.dataSourceId, batchId: terms.batchId },
      uid,
      via,
      requestId,
      acquiredAtMs: now,
      terms,
      validFromMs: validity.from,
      validToMs: validity.to,
      state: 'unused',
    };
    this.ledger.add(coupon, dayOf(now), faceValueFen(terms) ?? 0);
    if (terms.birthday) this.birthdayTaken.set(uid, now);
    return coupon;
  }
}

/** What a coupon is worth for max_amount_by_day: its amount, or a discount coupon's cap (ours, CPN-REF-03). */
export function faceValueFen(terms: BatchTerms): number | undefined {
  return terms.subType === 1 ? terms.amountFen : terms.maxDiscountFen;
}

function validityWindow(terms: BatchTerms, nowMs: number): { from: number | undefined; to: number | undefined } {
  const v = terms.validity;
  if (v.kind === 'fixed') return { from: v.startMs, to: v.endMs };
  if (v.kind === 'relative') {
    const from = dayStartMs(nowMs) + v.startOffsetS * 1000;
    return { from, to: from + v.durationS * 1000 };
  }
  return { from: undefined, to: undefined };
}

const sameBatch = (a: BatchKey, b: BatchKey) => a.dataSourceId === b.dataSourceId && a.batchId === b.batchId;

/** Month 1–12 of `MM-DD` or `YYYY-MM-DD`. */
export function birthdayMonth(text: string): number | undefined {
  const m = /^(?:\d{4}-)?(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const month = Number(m[1]);
  const day = Number(m[2]);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 ? month : undefined;
}
