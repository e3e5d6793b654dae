/** Deliberate violations of the user coupon queries' rules (UCP-*), one per fault, for the self-test. */
import type { PlatformFaults } from '../coupon-platform/platform.js';

export interface UserCouponServiceFaults {
  /** app.coupons.total counts revoked coupons among the unused (disagreeing with lists). */
  readonly totalDisagrees?: boolean;
  /** notuse lists expired coupons too. */
  readonly expiredListedUnused?: boolean;
  /** app.coupons.li answers used coupons without orderCode / usedTime / actuallyPaid. */
  readonly usedWithoutOrder?: boolean;
  /** queryBirthCoupon accepts any couponType. */
  readonly couponTypeUnchecked?: boolean;
  /** queryBirthCoupon answers 411 where the user is not a VIP (the document's code is 410). */
  readonly notVipAs411?: boolean;
  /** validateGetBirthCoupon answers Y to a user without a birthday on record. */
  readonly incompleteProfileSupported?: boolean;
  /** lists pages by a page size one smaller than `limit`. */
  readonly pageOffByOne?: boolean;
  /** uid, limit, page and status read leniently: a fraction truncated, a word read as 1. */
  readonly numbersLenient?: boolean;
  /** A type or status outside its set crashes the method (HTTP 500). */
  readonly badFilterCrashes?: boolean;
}

export interface UserCouponFaultDef {
  readonly rule: string;
  /** Other rules the fault breaks too (their checks are run against it as well). */
  readonly alsoBreaks?: readonly string[];
  readonly description: string;
  readonly service?: UserCouponServiceFaults;
  readonly platform?: PlatformFaults;
}

export const UCP_FAULTS = {
  'ucp-total-disagrees': {
    rule: 'UCP-04',
    description: 'app.coupons.total counts revoked coupons as unused: it disagrees with app.coupons.lists',
    service: { totalDisagrees: true },
  },
  'ucp-expired-listed-unused': {
    rule: 'UCP-02',
    description: 'app.coupons.lists type=notuse lists expired coupons too',
    service: { expiredListedUnused: true },
  },
  'ucp-used-without-order': {
    rule: 'UCP-03',
    alsoBreaks: ['UCP-REF-05'],
    description: 'app.coupons.li answers used coupons without orderCode, usedTime and actuallyPaid',
    service: { usedWithoutOrder: true },
  },
  'ucp-page-off-by-one': {
    rule: 'UCP-02',
    description: 'app.coupons.lists pages by limit − 1 coupons',
    service: { pageOffByOne: true },
  },
  'ucp-birthday-year-ignored': {
    rule: 'UCP-05',
    description: 'a user may take a birthday coupon again within 365 days',
    platform: { birthdayYearIgnored: true },
  },
  'ucp-birthday-period-ignored': {
    rule: 'UCP-05',
    description: 'a VIP may take a birthday coupon in any month, not only in the birthday period',
    platform: { birthdayPeriodIgnored: true },
  },
  'ucp-numbers-lenient': {
    rule: 'UCP-02',
    alsoBreaks: ['UCP-03'],
    description: 'uid, limit, page and status are read leniently: a fraction is truncated, a word is read as 1',
    service: { numbersLenient: true },
  },
  'ucp-bad-filter-crashes': {
    rule: 'UCP-02',
    alsoBreaks: ['UCP-03'],
    description: 'a type or status outside its set crashes the method: HTTP 500',
    service: { badFilterCrashes: true },
  },
  'ucp-birthday-incomplete-supported': {
    rule: 'UCP-05',
    description: 'validateGetBirthCoupon answers is_support Y to a user without a birthday on record',
    service: { incompleteProfileSupported: true },
  },
  'ucp-coupon-type-unchecked': {
    rule: 'UCP-06',
    description: 'queryBirthCoupon accepts a couponType other than 4',
    service: { couponTypeUnchecked: true },
  },
  'ucp-not-vip-411': {
    rule: 'UCP-06',
    description: 'queryBirthCoupon answers 411 (none to claim) to a user who is not a VIP, instead of 410',
    service: { notVipAs411: true },
  },
} as const satisfies Record<string, UserCouponFaultDef>;

export type UcpFaultId = keyof typeof UCP_FAULTS;

export function isUcpFault(id: string | undefined): id is UcpFaultId {
  return id !== undefined && Object.hasOwn(UCP_FAULTS, id);
}
