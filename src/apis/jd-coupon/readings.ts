/** The readings of the coupon platform's life cycle (see src/apis/types.ts ReadingDef). */
import type { ReadingDef } from '../types.js';

export const COUPON_LIFECYCLE_READINGS = {
  'coupon-above-eligible-refused': {
    departsFrom: 'CPN-REF-05',
    because: '"避免出现多扣、少扣" forbids deducting more than the order, not refusing a coupon worth more than it',
    description:
      'an amount coupon worth more than the eligible lines is refused at verify and redeem (coupon.not.applicable) instead of deducting their whole amount',
  },
} as const satisfies Record<string, ReadingDef>;

export type CouponLifecycleReadingId = keyof typeof COUPON_LIFECYCLE_READINGS;
