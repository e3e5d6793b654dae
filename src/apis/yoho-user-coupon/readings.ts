/** The readings of the Yoho user coupon queries' reference (see src/apis/types.ts ReadingDef). */
import type { ReadingDef } from '../types.js';

export const USER_COUPON_READINGS = {
  'yoho-answers-reshaped': {
    departsFrom: 'UCP-REF-05',
    because: 'the document gives its answers as examples only, with more fields than the spec names (brandLimit, explains …)',
    description: 'Yoho successes carry an extra field in every object (data and envelope), the md5 taken over the data as written',
  },
} as const satisfies Record<string, ReadingDef>;

export type UserCouponReadingId = keyof typeof USER_COUPON_READINGS;
