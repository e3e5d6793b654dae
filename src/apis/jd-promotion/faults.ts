/**
 * Deliberate violations of the JD promotion service by its reference (src/apis/jd-promotion/): at
 * least one per `must` JDP rule the reference enforces, and more where one rule has several ways to be
 * broken (or a `ref` choice of ours can be). Faults without a `spec` patch are behavioural and tested by
 * name in the service code. The registry of every API's faults is src/reference/faults.ts.
 */
import type { FaultDef, MutableSpec } from '../../protocols/jos/faults.js';

const M = 'jingdong.seller.promotion.';

function param(spec: MutableSpec, method: string, name: string): Record<string, unknown> & { schema: Record<string, unknown> } {
  const op = spec.operations[M + method];
  const p = op?.params.find((x) => x.name === name);
  if (!p) throw new Error(`fault patch: no parameter ${method}.${name}`);
  return p as unknown as Record<string, unknown> & { schema: Record<string, unknown> };
}

function variantParam(spec: MutableSpec, method: string, whenValue: number, name: string): { schema: Record<string, unknown> } {
  const op = spec.operations[M + method];
  const v = op?.variants?.find(
    (x) => ('in' in x.when && x.when.in.includes(whenValue)) || ('promotionType' in x.when && x.when.promotionType.includes(whenValue)),
  );
  const p = v?.params?.[name];
  if (!p) throw new Error(`fault patch: no variant parameter ${method}[${whenValue}].${name}`);
  return p as unknown as { schema: Record<string, unknown> };
}

function dropRelation(spec: MutableSpec, method: string, kind: string, field?: string): void {
  const op = spec.operations[M + method];
  if (!op?.relations) throw new Error(`fault patch: ${method} has no relations`);
  const i = op.relations.findIndex((r) => r.kind === kind && (field === undefined || ('field' in r && r.field === field)));
  if (i < 0) throw new Error(`fault patch: ${method} has no ${kind} relation`);
  (op.relations as unknown as unknown[]).splice(i, 1);
}

function relation(spec: MutableSpec, method: string, kind: string): Record<string, unknown> {
  const r = spec.operations[M + method]?.relations?.find((x) => x.kind === kind);
  if (!r) throw new Error(`fault patch: ${method} has no ${kind} relation`);
  return r as unknown as Record<string, unknown>;
}

function variantRelation(spec: MutableSpec, method: string, whenValue: number, kind: string): Record<string, unknown> {
  const v = spec.operations[M + method]?.variants?.find((x) => 'in' in x.when && x.when.in.includes(whenValue));
  const r = v?.relations?.find((x) => x.kind === kind);
  if (!r) throw new Error(`fault patch: ${method}[${whenValue}] has no ${kind} relation`);
  return r as unknown as Record<string, unknown>;
}

function promotionTypes(spec: MutableSpec, method: string): { in: number[] } {
  const t = spec.operations[M + method]?.promotionTypes;
  if (!t) throw new Error(`fault patch: ${method} has no promotionTypes`);
  return t as unknown as { in: number[] };
}

const DAY_S = 86_400;

export const JDP_FAULTS = {
  'commit-keeps-last-batch': { rule: 'JDP-FLOW-01', description: 'each sku.add batch replaces the earlier ones instead of adding to them' },
  'drafts-visible': { rule: 'JDP-FLOW-02', description: 'get and list show promotions before commit' },
  'drafts-never-expire': { rule: 'JDP-REF-13', description: 'uncommitted drafts are kept forever' },
  'drafts-lost-early': {
    rule: 'JDP-FLOW-03',
    description: 'drafts are cleared after 1,000 s, before the 30 minutes the document advises',
    spec: (s) => {
      (s.limits['draftLifetimeS'] as { value: number }).value = 1000;
    },
  },
  'review-route-ignored': {
    rule: 'JDP-REF-08',
    description: "the test control's review route is ignored: every commit is approved automatically",
  },
  'auto-review-leaves-pending': { rule: 'JDP-REF-01', description: 'automatic review leaves a committed promotion not reviewed (2)' },
  'approved-never-in-effect': { rule: 'JDP-REF-01', description: 'an approved promotion (4) stays 4 after its begin_time' },
  'begin-must-be-future': { rule: 'JDP-REF-02', description: 'a begin_time in the past is refused with promo.beginTime.invalid' },
  'favor-mode-dropped': { rule: 'JDP-REF-06', description: 'add ignores favor_mode: get answers it empty' },
  'name-limit-11': {
    rule: 'JDP-ADD-01',
    description: 'name may have 11 characters',
    spec: (s) => {
      param(s, 'add', 'name').schema.maxLength = 11;
    },
  },
  'type-2-accepted': {
    rule: 'JDP-ADD-02',
    description: 'promotion type 2 is accepted',
    spec: (s) => {
      param(s, 'add', 'type').schema.enum = [1, 2, 4, 6, 10];
    },
  },
  'begin-181-days-ahead': {
    rule: 'JDP-ADD-03',
    description: 'begin_time may be 181 days from now',
    spec: (s) => {
      (s.operations[M + 'add']!.relations!.find((r) => r.kind === 'withinFromNow') as { seconds: number }).seconds = 181 * DAY_S;
    },
  },
  'end-59s-after-begin': {
    rule: 'JDP-ADD-04',
    description: 'end_time may be 59 s after begin_time',
    spec: (s) => {
      relation(s, 'add', 'minGap').seconds = 59;
    },
  },
  'end-in-past-accepted': {
    rule: 'JDP-ADD-05',
    description: 'end_time in the past is accepted',
    spec: (s) => dropRelation(s, 'add', 'afterNow'),
  },
  'window-181-days': {
    rule: 'JDP-ADD-06',
    description: 'end_time − begin_time may be 181 days',
    spec: (s) => {
      relation(s, 'add', 'maxGap').seconds = 181 * DAY_S;
    },
  },
  'bound-not-required': {
    rule: 'JDP-ADD-07',
    description: 'an order-total promotion without bound is accepted',
    spec: (s) => {
      variantParam(s, 'add', 10, 'bound').schema = {};
      (variantParam(s, 'add', 10, 'bound') as { required?: boolean }).required = false;
    },
  },
  'member-wrong-code': {
    rule: 'JDP-ADD-08',
    description: 'a bad member level answers promo.type.invalid',
    spec: (s) => {
      param(s, 'add', 'member').error = 'promo.type.invalid';
    },
  },
  'slogan-limit-51': {
    rule: 'JDP-ADD-09',
    description: 'slogan may have 51 characters',
    spec: (s) => {
      param(s, 'add', 'slogan').schema.maxLength = 51;
    },
  },
  'comment-counted-in-characters': {
    rule: 'JDP-ADD-10',
    description: 'comment is limited to 200 characters instead of 200 UTF-8 bytes',
    spec: (s) => {
      const c = param(s, 'add', 'comment').schema;
      delete c.maxBytes;
      c.maxLength = 200;
    },
  },
  'add-answers-no-promo-id': { rule: 'JDP-ADD-11', description: 'add answers `id` instead of `promo_id`' },
  'activitymode-any-type': {
    rule: 'JDP-AM-01',
    description: 'activitymode.add is accepted for bundle and order-total promotions',
    spec: (s) => {
      promotionTypes(s, 'activitymode.add').in = [1, 4, 6, 10];
    },
  },
  'unknown-promo-wrong-code': { rule: 'JDP-AM-02', description: 'activitymode.add on an unknown promotion answers param.error' },
  'num-bound-negative': {
    rule: 'JDP-AM-03',
    description: 'a negative num_bound is accepted',
    spec: (s) => {
      delete param(s, 'activitymode.add', 'num_bound').schema.minimum;
    },
  },
  'freq-bound-ignored': { rule: 'JDP-AM-04', description: 'with freq_bound 1, per_max_num and per_min_num are stored as given' },
  'gift-per-min-unbounded': {
    rule: 'JDP-AM-05',
    description: 'a gift promotion accepts per_min_num above 10',
    spec: (s) => {
      delete variantParam(s, 'activitymode.add', 4, 'per_min_num').schema.maximum;
    },
  },
  'activitymode-first-call-holds': { rule: 'JDP-AM-06', description: 'a second activitymode.add is ignored' },
  'activitymode-get-defaults': { rule: 'JDP-AM-07', description: 'activitymode.get answers the defaults instead of the stored rule' },
  'prop-any-promotion-type': {
    rule: 'JDP-PROP-01',
    description: 'prop.add is accepted for gift promotions',
    spec: (s) => {
      promotionTypes(s, 'prop.add').in = [1, 4];
    },
  },
  'prop-type-3-accepted': {
    rule: 'JDP-PROP-02',
    description: 'prop type 3 is accepted',
    spec: (s) => {
      (param(s, 'prop.add', 'type').schema.items as { enum: number[] }).enum = [3, 4];
    },
  },
  'prop-num-any': {
    rule: 'JDP-PROP-03',
    description: 'a prop num that is not a multiple of 10 is accepted',
    spec: (s) => {
      delete (param(s, 'prop.add', 'num').schema.items as Record<string, unknown>).multipleOf;
    },
  },
  'prop-used-way-any': {
    rule: 'JDP-PROP-04',
    description: 'used_way 1 is accepted',
    spec: (s) => {
      (param(s, 'prop.add', 'used_way').schema.items as { enum: number[] }).enum = [1, 2];
    },
  },
  'prop-first-add-holds': {
    rule: 'JDP-PROP-05',
    description: 'a later prop.add of the same type is added beside the first instead of replacing it',
  },
  'sku-cap-101': {
    rule: 'JDP-SKU-01',
    description: 'sku.add accepts 101 SKUs in one call',
    spec: (s) => {
      for (const n of ['sku_ids', 'jd_prices', 'promo_prices', 'seq', 'num', 'bind_type']) param(s, 'sku.add', n).schema.maxItems = 101;
    },
  },
  'promotion-cap-1001': {
    rule: 'JDP-SKU-02',
    description: 'a promotion accepts 1001 SKUs',
    spec: (s) => {
      (s.limits['skusPerPromotion'] as { value: number }).value = 1001;
    },
  },
  'bundle-seq-per-sku': { rule: 'JDP-SKU-03', description: 'SKUs of one product in a bundle may carry different seq values' },
  'bundle-seq-8': {
    rule: 'JDP-SKU-03',
    description: 'bundle seq 8 is accepted',
    spec: (s) => {
      (param(s, 'sku.add', 'seq').schema.items as { maximum: number }).maximum = 8;
    },
  },
  'gift-num-4': {
    rule: 'JDP-SKU-04',
    description: 'a gift may be given 4 times',
    spec: (s) => {
      (param(s, 'sku.add', 'num').schema.items as { maximum: number }).maximum = 4;
    },
  },
  'gift-price-unchecked': { rule: 'JDP-SKU-05', description: 'commit does not compare the gift total with the main SKUs' },
  'gift-total-counts-max-num': {
    rule: 'JDP-SKU-05',
    description: 'the gift total counts every gift 3 times (the maximum num) instead of num times',
  },
  'default-promo-price-empty': {
    rule: 'JDP-SKU-07',
    description: 'sku.list answers an empty promo_price for single-item SKUs added without one, instead of the jd price',
  },
  'bundle-promo-price-optional': {
    rule: 'JDP-SKU-07',
    description: 'bundle SKUs without promo_prices are accepted',
    spec: (s) => {
      (variantParam(s, 'sku.add', 6, 'promo_prices') as { required?: boolean }).required = false;
    },
  },
  'gift-return-price-optional': { rule: 'JDP-SKU-07', description: 'gift SKUs without promo_prices (the return price) are accepted' },
  'single-without-price-or-prop': {
    rule: 'JDP-SKU-07',
    description: 'a single-item promotion whose SKUs have no promo price commits without a prop',
  },
  'gift-bind-type-anywhere': { rule: 'JDP-SKU-08', description: 'bind_type 2 (gift) is accepted in single-item and bundle promotions' },
  'sku-readd-keeps-first': { rule: 'JDP-REF-03', description: 'an SKU added again keeps its first entry' },
  'commit-without-main-sku': { rule: 'JDP-REF-04', description: 'commit accepts a promotion without a main SKU' },
  'order-total-without-rule': { rule: 'JDP-REF-04', description: 'commit accepts an order-total promotion without an order rule' },
  'jd-price-two-decimals': {
    rule: 'JDP-SKU-06',
    description: 'jd_prices with two decimal places are accepted',
    spec: (s) => {
      (param(s, 'sku.add', 'jd_prices').schema.items as { decimalPlaces: number }).decimalPlaces = 2;
    },
  },
  'promo-price-not-below': {
    rule: 'JDP-SKU-07',
    description: 'a promo price equal to the jd price is accepted',
    spec: (s) => dropRelation(s, 'sku.add', 'lessThanEach'),
  },
  'bind-type-3-accepted': {
    rule: 'JDP-SKU-08',
    description: 'bind_type 3 is accepted',
    spec: (s) => {
      (param(s, 'sku.add', 'bind_type').schema.items as { enum: number[] }).enum = [1, 2, 3];
    },
  },
  'invalid-skus-kept': { rule: 'JDP-SKU-09', description: 'SKUs not in the catalogue are kept and answered' },
  'invalid-sku-ids-kept': {
    rule: 'JDP-SKU-09',
    description: 'SKU ids that are not positive integers (0, a word) are kept and answered',
    spec: (s) => {
      param(s, 'sku.add', 'sku_ids').schema.items = {};
    },
  },
  'sku-list-size-11': {
    rule: 'JDP-SKU-10',
    description: 'sku.list accepts size 11',
    spec: (s) => {
      param(s, 'sku.list', 'size').schema.maximum = 11;
    },
  },
  'commit-answers-without-success': { rule: 'JDP-COMMIT-01', description: 'commit answers an empty success, without the `success` field' },
  'commit-unknown-accepted': { rule: 'JDP-COMMIT-01', description: 'commit of an unknown promotion answers success' },
  'check-any-status': { rule: 'JDP-CHECK-01', description: 'check is accepted in any status' },
  'check-status-5-accepted': {
    rule: 'JDP-CHECK-02',
    description: 'check accepts status 5',
    spec: (s) => {
      param(s, 'check', 'status').schema.enum = [1, 4, 5];
    },
  },
  'ended-still-mutable': { rule: 'JDP-CHECK-03', description: 'ended promotions can still be suspended, resumed, deleted and checked' },
  'suspend-from-4': {
    rule: 'JDP-SUSP-01',
    description: 'suspend is allowed from status 4 (approved, not yet in effect)',
    spec: (s) => {
      (s.transitions[M + 'suspend'] as { from: number[] }).from = [4, 5];
    },
  },
  'resume-from-7': {
    rule: 'JDP-RES-01',
    description: 'a force-suspended promotion (7) can be resumed',
    spec: (s) => {
      (s.transitions[M + 'resume'] as { from: number[] }).from = [6, 7];
    },
  },
  'resume-from-5': {
    rule: 'JDP-RES-01',
    description: 'resume is accepted for a promotion in effect (5), as if suspended',
    spec: (s) => {
      (s.transitions[M + 'resume'] as { from: number[] }).from = [5, 6];
    },
  },
  'delete-from-4': {
    rule: 'JDP-DEL-01',
    description: 'an approved promotion not yet begun (4) can be deleted',
    spec: (s) => {
      (s.transitions[M + 'delete'] as { from: number[] }).from = [1, 2, 4, 5, 6];
    },
  },
  'delete-from-3': {
    rule: 'JDP-DEL-01',
    description: 'a promotion in manual review (3) can be deleted',
    spec: (s) => {
      (s.transitions[M + 'delete'] as { from: number[] }).from = [1, 2, 3, 5, 6];
    },
  },
  'get-drops-slogan': { rule: 'JDP-GET-01', description: 'get answers the slogan as empty' },
  'list-total-of-page': { rule: 'JDP-LIST-01', description: 'list answers total_count as the number of items on the page' },
  'list-omits-member': { rule: 'JDP-LIST-01', description: 'list items answer member empty' },
  'list-bad-filter-crashes': { rule: 'JDP-LIST-01', description: 'list crashes (HTTP 500) on a filter outside its value set' },
  'sku-list-bad-filter-crashes': { rule: 'JDP-SKU-10', description: 'sku.list crashes (HTTP 500) on a filter outside its value set' },
  'ordermode-any-type': {
    rule: 'JDP-OM-01',
    description: 'ordermode.add is accepted for single-item promotions',
    spec: (s) => {
      promotionTypes(s, 'ordermode.add').in = [1, 10];
    },
  },
  'favor-mode-7-accepted': {
    rule: 'JDP-OM-02',
    description: 'favor_mode 7 is accepted',
    spec: (s) => {
      param(s, 'ordermode.add', 'favor_mode').schema.enum = [6, 7, 13, 15, 16];
    },
  },
  'mode6-rate-over-third': {
    rule: 'JDP-OM-03',
    description: 'buy-M-get-N-free accepts N above M/3',
    spec: (s) => {
      variantRelation(s, 'ordermode.add', 6, 'atMostFractionEach').denominator = 2;
    },
  },
  'mode13-rate-6': {
    rule: 'JDP-OM-04',
    description: 'M-yuan-for-N-items accepts N = 6',
    spec: (s) => {
      (variantParam(s, 'ordermode.add', 13, 'rate').schema.items as { maximum: number }).maximum = 6;
    },
  },
  'mode15-rate-10': {
    rule: 'JDP-OM-05',
    description: 'M-items-at-N-tenths accepts N = 10',
    spec: (s) => {
      const it = variantParam(s, 'ordermode.add', 15, 'rate').schema.items as Record<string, unknown>;
      delete it.exclusiveMaximum;
      it.maximum = 10;
    },
  },
  'mode16-minus-over-80pct': {
    rule: 'JDP-OM-06',
    description: 'spend-M-get-minus accepts minus above 80% of quota',
    spec: (s) => {
      variantRelation(s, 'ordermode.add', 16, 'atMostFractionEach').numerator = 9;
      variantRelation(s, 'ordermode.add', 16, 'atMostFractionEach').denominator = 10;
    },
  },
  'mode16-commit-unchecked': {
    rule: 'JDP-OM-06',
    description: 'commit skips the spend-M checks: plus without a gift, neither minus nor gift, the gift price between plus and quota',
  },
  'mode16-minus-required': {
    rule: 'JDP-OM-06',
    description: 'commit refuses a spend-M rule without minus even when a gift is given (ordermode.minus.invalid)',
  },
  'link-unchecked': {
    rule: 'JDP-OM-07',
    description: 'any link is accepted, even one that is not an address',
    spec: (s) => {
      const l = param(s, 'ordermode.add', 'link');
      delete l.schema.pattern;
      delete l['refSchema'];
    },
  },
  'link-https-only': {
    rule: 'JDP-OM-07',
    description: 'links must use https',
    spec: (s) => {
      param(s, 'ordermode.add', 'link').schema.pattern = '^https://[^\\s/]+(/[^\\s]*)?$';
    },
  },
  'link-mall-host-only': {
    rule: 'JDP-REF-10',
    description: 'links must be on mall.jd.com',
    spec: (s) => {
      (param(s, 'ordermode.add', 'link')['refSchema'] as Record<string, unknown>).pattern = '^https?://mall\\.jd\\.com(/[^\\s]*)?$';
    },
  },
  'ordermode-list-empty': { rule: 'JDP-OM-08', description: 'ordermode.list answers no rules' },
} as const satisfies Record<string, FaultDef>;

export type JdpFaultName = keyof typeof JDP_FAULTS;
