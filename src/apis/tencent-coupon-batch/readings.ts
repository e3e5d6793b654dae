/** The readings of the Tencent coupon batch upload's reference (see src/apis/types.ts ReadingDef). */
import type { ReadingDef } from '../types.js';

export const COUPON_BATCH_READINGS = {
  'coupon-no-effect-fields-validated': {
    departsFrom: 'TCC-REF-16',
    because:
      '"卡券子类型=1时必填", "卡券子类型= 2 时必填": the document says when each amount is required, not that it is ignored elsewhere',
    description:
      'add_coupon: a field with no effect for the coupon\'s sub type (discount_coupon on a 满减券, amount_coupon on a 打折券 …) is validated as where it counts: "discount_coupon": 0 on a 满减券 is refused',
  },
  'add-coupon-answer-reshaped': {
    departsFrom: 'TCC-REF-09',
    because: 'the document types data as "json object | 响应内容" and fixes nothing inside it',
    description: 'add_coupon successes carry an extra field in every object, and data.coupons is a list of its own shape ([{"id": 1}])',
  },
  'add-coupon-data-empty': {
    departsFrom: 'TCC-REF-09',
    because: 'the document\'s own example answers "data": {}',
    description: "add_coupon successes answer data without the parts of ours: {} as the document's example",
  },
} as const satisfies Record<string, ReadingDef>;

export type CouponBatchReadingId = keyof typeof COUPON_BATCH_READINGS;
