/**
 * The readings of the JD promotion service (and of the JOS router it shares with the coupon life cycle):
 * behaviours the documents allow as well as the reference's own choice. The reference with readings
 * switched on stands in for an independent, correct implementation: the conformance suite must pass
 * every `must` check against it (test/engine/readings.test.ts, test/proof/readings.test.ts), which is
 * how "never stricter than the document" is kept by construction rather than by review. Every API's
 * readings together: src/apis/readings.ts.
 */
import type { ReadingDef } from '../types.js';

export const PROMOTION_READINGS = {
  'missing-param-generic': {
    departsFrom: 'JOS-REF-02',
    because: 'the document names no code for a missing or empty required parameter',
    description: "a missing or empty required parameter answers param.error instead of the parameter's own code",
  },
  'wrong-type-generic': {
    departsFrom: 'JOS-REF-02',
    because: 'the document names no code for a value of the wrong type',
    description: "a value of the wrong type answers param.error instead of the parameter's own code",
  },
  'no-effect-fields-ignored': {
    departsFrom: 'JDP-REF-09',
    because: '"只对套装促销有效", "只对赠品促销有效", "只满减送有效": elsewhere the field has no effect',
    description: 'seq outside bundles, num outside gift promotions, plus and minus outside favor mode 16 are ignored, not validated',
  },
  'filters-ignored': {
    departsFrom: 'JDP-REF-12',
    because: "the document gives the filters' value sets but no refusal",
    description: 'a query filter outside its value set is ignored: the page is answered unfiltered by it',
  },
  'invalid-skus-dropped': {
    departsFrom: 'JDP-REF-14',
    because: '"无效的SKU会被剔除": invalid SKUs are dropped',
    description: 'a SKU id that is not a positive integer is dropped from sku.add like an unknown one, with its parallel entries',
  },
  'unknown-skus-refused': {
    departsFrom: 'JDP-REF-14',
    because:
      'sku.add documents "sku.skuId.invalid: sku的SKU编号无效" beside "无效的SKU会被剔除": a call naming an unknown SKU may be refused as well as trimmed',
    description:
      "a well-formed SKU id outside the seller's catalogue refuses the whole sku.add call (sku.skuId.invalid) instead of being dropped",
  },
  'gift-count-at-commit': {
    departsFrom: 'JDP-REF-15',
    because: "gift.num.invalid is listed only among commit's codes",
    description: 'gift counts are checked at commit only, never at sku.add',
  },
  'own-limits-off': {
    departsFrom: 'JDP-REF-10',
    because: 'the document states no host or length for link, and "必须为10的倍数" admits 0',
    description: "our own limits on top of the document's (link host and length, prop num ≥ 10) are not applied",
  },
  'unequal-tiers-accepted': {
    departsFrom: 'JDP-REF-05',
    because: 'the document does not say that parallel arrays must have equal lengths',
    description: 'parallel arrays of different lengths are accepted: entries without a partner are dropped',
  },
  'review-by-hand': {
    departsFrom: 'JDP-REF-01',
    because: 'what happens between commit and status 5 is not documented (JDP-FLOW-04)',
    description: 'commit sends every promotion to manual review (3) instead of approving it',
  },
  'begin-in-past-refused': {
    departsFrom: 'JDP-REF-02',
    because: '"最长可设置为距当前时间180天之内的时间点" bounds begin_time from above only; refusing a past one is a reading too',
    description: 'a begin_time in the past is refused (promo.beginTime.invalid)',
  },
  'strict-params': {
    departsFrom: 'JOS-REF-04',
    because: 'the document lists each method\'s parameters but says nothing of others, nor of ""',
    description:
      'an undeclared application parameter is refused (param.error) and an optional "" is read as a value (serve --strict-params)',
  },
  'drafts-kept': {
    departsFrom: 'JDP-REF-13',
    because: '"否则数据有可能丢失": a draft may be lost after 30 minutes, not must',
    description: 'drafts are never cleared',
  },
  // Answers in other shapes the documents allow (src/reference/answer-shapes.ts), one reading per protocol.
  'jos-answers-reshaped': {
    departsFrom: 'JOS-REF-01',
    because: 'JOS-10: numbers may come back as JSON strings; the documents fix no answer field beyond their tables',
    description:
      'JOS successes (promotion and coupon life cycle) carry an extra field in every object, every number as a string, and the parts of ours (spec nodes tagged with ref rules only) in shapes of their own',
  },
} as const satisfies Record<string, ReadingDef>;

export type PromotionReadingId = keyof typeof PROMOTION_READINGS;
