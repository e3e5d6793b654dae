/**
 * Deliberate violations of the coupon platform's rules, one per fault: the conformance suite must fail
 * against each (the self-test measures it). Each switches one flag of the platform (PlatformFaults).
 */
import type { PlatformFaults } from '../coupon-platform/platform.js';

export interface CouponFaultDef {
  readonly rule: string;
  /** Other rules the fault breaks too (their checks are run against it as well). */
  readonly alsoBreaks?: readonly string[];
  readonly description: string;
  readonly platform: PlatformFaults;
  /** A fault of the JOS-style service rather than of the store. */
  readonly service?: CouponServiceFaults;
}

export interface CouponServiceFaults {
  /** A user's coupons answered without their validity (valid_from, valid_to). */
  readonly listWithoutValidity?: boolean;
  /** A status filter outside its set crashes the list (HTTP 500). */
  readonly badFilterCrashes?: boolean;
}

export const CPN_FAULTS = {
  'cpn-claim-race': {
    rule: 'CPN-05',
    alsoBreaks: ['CPN-REF-02'],
    description: 'claims read the stock, yield, then write (a read-then-write store): parallel claims issue more coupons than store_count',
    platform: { claimRace: true },
  },
  'cpn-per-user-off-by-one': {
    rule: 'CPN-05',
    description: 'the per-user limit (max_coupon_number_per_user) lets a user hold one coupon more',
    platform: { perUserOffByOne: true },
  },
  'cpn-daily-limit-ignored': {
    rule: 'CPN-05',
    description: 'max_coupon_number_per_user_daily is not checked',
    platform: { perUserDailyIgnored: true },
  },
  'cpn-day-limits-ignored': {
    rule: 'CPN-05',
    description: 'max_coupons_by_day and max_amount_by_day are not checked',
    platform: { perDayIgnored: true },
  },
  'cpn-retry-issues-twice': {
    rule: 'CPN-REF-07',
    description: 'a claim retried with the same request_id gets a second coupon instead of the first',
    platform: { requestIdIgnored: true },
  },
  'cpn-expired-verified': {
    rule: 'CPN-03',
    description: 'verify and redeem do not check the coupon validity: an expired coupon is verified',
    platform: { expiredVerified: true },
  },
  'cpn-scope-ignored': {
    rule: 'CPN-03',
    description: 'every order line counts as in scope: a coupon is verified for SKUs outside its sku_ids / spu_ids',
    platform: { scopeIgnored: true },
  },
  'cpn-cap-ignored': {
    rule: 'CPN-03',
    description: 'max_discount_amount is not applied: a discount coupon deducts beyond its cap',
    platform: { capIgnored: true },
  },
  'cpn-amount-beyond-order': {
    rule: 'CPN-03',
    alsoBreaks: ['CPN-REF-05'],
    description:
      'an amount coupon deducts its whole amount beyond the eligible lines: 50 yuan off a 30-yuan order leaves −20 yuan to pay (多扣)',
    platform: { amountBeyondEligible: true },
  },
  'cpn-discount-share-off': {
    rule: 'CPN-03',
    description:
      'discount_coupon is read as the share taken off, not the share paid: "7 折优惠" (0.7) takes 70 % off, 99.99 takes 99.99 % off',
    platform: { shareTakenOff: true },
  },
  'cpn-threshold-exclusive': {
    rule: 'CPN-03',
    description: 'the amount threshold is met only above amount_minimum, not at it (满 X: X itself qualifies)',
    platform: { thresholdStrict: true },
  },
  'cpn-discount-rounded': {
    rule: 'CPN-REF-05',
    description: 'the discount is computed in floating-point yuan and rounded to the nearest fen instead of down',
    platform: { floatingPoint: true },
  },
  'cpn-redeem-race': {
    rule: 'CPN-05',
    description: 'redeem checks the coupon unused, yields, then marks it used: two racing redeems both succeed',
    platform: { redeemRace: true },
  },
  'cpn-double-redeem': {
    rule: 'CPN-03',
    description: 'a used coupon is verified and redeemed again for another order',
    platform: { redeemTwice: true },
  },
  'cpn-stock-off-by-one': {
    rule: 'CPN-05',
    description: 'one claim more than store_count gets a coupon',
    platform: { stockOffByOne: true },
  },
  'cpn-threshold-ignored': {
    rule: 'CPN-03',
    description: 'amount_minimum is not checked: an order below the threshold is verified',
    platform: { thresholdIgnored: true },
  },
  'cpn-revoked-verified': {
    rule: 'CPN-REF-08',
    description: 'a revoked coupon still verifies',
    platform: { revokedVerified: true },
  },
  'cpn-used-revoked': {
    rule: 'CPN-REF-08',
    description: "a used coupon is revoked: it is listed revoked and leaves the batch's used count",
    platform: { usedRevoked: true },
  },
  'cpn-discount-float-sum': {
    rule: 'CPN-03',
    description:
      'the order lines are summed in floating-point yuan and the discount truncated to the fen: 0.1 + 0.2 yuan at 9 折 takes 2 fen, not 3',
    platform: { floatingPointSum: true },
  },
  'cpn-shelf-ignored': {
    rule: 'CPN-REF-11',
    description: 'batches off shelf (available_status 2), not released or deleted still hand out coupons',
    platform: { shelfIgnored: true },
  },
  'cpn-list-without-validity': {
    rule: 'CPN-02',
    description: "a user's coupons are listed without their validity (valid_from, valid_to)",
    platform: {},
    service: { listWithoutValidity: true },
  },
  'cpn-bad-filter-crashes': {
    rule: 'CPN-REF-01',
    description: 'user.list with a status outside its set crashes: HTTP 500',
    platform: {},
    service: { badFilterCrashes: true },
  },
  'cpn-caller-not-checked': {
    rule: 'CPN-06',
    description:
      'the JOS router lets any caller reach the coupon methods: app key, access token and signature unchecked (the promotion methods still check them)',
    platform: {},
  },
  'cpn-stats-used-miscounted': {
    rule: 'CPN-04',
    alsoBreaks: ['CPN-REF-09'],
    description: 'statistics count only the used coupons that were claimed, not those issued by a rule',
    platform: { statsUsedMiscounted: true },
  },
} as const satisfies Record<string, CouponFaultDef>;

export type CpnFaultId = keyof typeof CPN_FAULTS;

export function isCpnFault(id: string | undefined): id is CpnFaultId {
  return id !== undefined && Object.hasOwn(CPN_FAULTS, id);
}
