/**
 * Readings: behaviours the documents allow as well as the reference's own choice. A fault breaks a
 * rule; a reading keeps every `must` rule and departs only from a `ref` choice of ours. The reference
 * with readings switched on stands in for an independent, correct implementation: the conformance
 * suite must pass every `must` check against it (test/engine/readings.test.ts, test/proof/readings.test.ts), which is how
 * "never stricter than the document" is kept by construction rather than by review.
 */
export interface ReadingDef {
  /** The `ref` rule of ours the reading departs from. */
  readonly departsFrom: string;
  /** What the document says that allows it. */
  readonly because: string;
  readonly description: string;
}

export const READINGS = {
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
} as const satisfies Record<string, ReadingDef>;

export type ReadingId = keyof typeof READINGS;

export const ALL_READINGS: readonly ReadingId[] = Object.keys(READINGS) as ReadingId[];

export function isReadingId(s: string): s is ReadingId {
  return Object.hasOwn(READINGS, s);
}
