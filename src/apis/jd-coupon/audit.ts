/**
 * The load audit's hooks for the coupon life cycle (src/apis/audit-hooks.ts): a claim read from its
 * parameters (uid, data_source_id + batch_id, request_id) and its answer's coupon code; a redeem and a
 * verification from theirs; a batch's statistics (claimed, used: CPN-04) and a user's coupons
 * (promoproof.coupon.user.list, every status, with each coupon's batch). The wire format is ours
 * (CPN-07), so every name read here is the spec's (specs/jd-coupon/spec.yaml).
 */
import type { ApiAuditHooks, AuditBatch, ListedCoupon } from '../audit-hooks.js';
import type { Json } from '../../scenario/types.js';
import { type DeductionTerms, deduction, type OrderLine } from '../coupon-platform/verify.js';
import { CPN } from './spec.js';

type Params = Readonly<Record<string, unknown>>;

/** The largest page user.list serves (its page_size maximum). */
const PAGE_SIZE = 100;

const text = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;
const int = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?[0-9]+$/.test(v) ? Number(v) : Number.NaN;
  return Number.isSafeInteger(n) ? n : undefined;
};
const field = (v: unknown, key: string): unknown =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined;

/** A batch is named by its data source and its id (CPN-REF-01). */
function batchOf(params: Params): AuditBatch | undefined {
  const dataSource = text(params['data_source_id']);
  const batchId = text(params['batch_id']);
  if (dataSource === undefined || batchId === undefined) return undefined;
  return { key: JSON.stringify([dataSource, batchId]), label: batchId, params: { data_source_id: dataSource, batch_id: batchId } };
}

function listed(c: unknown): ListedCoupon | undefined {
  const code = text(field(c, 'coupon_code'));
  if (code === undefined) return undefined;
  const dataSource = text(field(c, 'data_source_id'));
  const batchId = text(field(c, 'batch_id'));
  const status = text(field(c, 'status'));
  const order = text(field(c, 'order_code'));
  return {
    couponCode: code,
    ...(dataSource !== undefined && batchId !== undefined ? { batch: JSON.stringify([dataSource, batchId]) } : {}),
    ...(status !== undefined ? { status } : {}),
    ...(order !== undefined ? { order } : {}),
    terms: c as Json,
  };
}

/**
 * A listed coupon's terms as the arithmetic reads them: value, share paid, threshold, cap (couponVO).
 * The list does not show a coupon's product scope: every line counts (the audit compares only orders the
 * answer found wholly in scope).
 */
function termsOf(c: Json | undefined): DeductionTerms | undefined {
  const subType = int(field(c, 'sub_type'));
  if (subType === undefined) return undefined;
  const opt = (key: string) => int(field(c, key));
  const amountFen = opt('amount_fen');
  const paidShareBp = opt('paid_share_bp');
  const maxDiscountFen = opt('max_discount_fen');
  return {
    subType,
    ...(amountFen !== undefined ? { amountFen } : {}),
    ...(paidShareBp !== undefined ? { paidShareBp } : {}),
    minimumFen: opt('minimum_fen') ?? 0,
    ...(maxDiscountFen !== undefined ? { maxDiscountFen } : {}),
    numberMinimum: opt('number_minimum') ?? 0,
    scope: { all: true },
  };
}

/** The order lines of a verification as the audit keeps it (`[order_lines, stacked]`), or undefined. */
function linesOf(order: string): OrderLine[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(order);
  } catch {
    return undefined;
  }
  const lines = Array.isArray(parsed) ? parsed[0] : undefined;
  if (!Array.isArray(lines)) return undefined;
  const out: OrderLine[] = [];
  for (const l of lines) {
    const quantity = int(field(l, 'quantity'));
    const priceFen = int(field(l, 'price_fen'));
    const skuId = text(field(l, 'sku_id'));
    if (quantity === undefined || priceFen === undefined || skuId === undefined) return undefined;
    out.push({ skuId, quantity, priceFen });
  }
  return out;
}

const LISTED_CODE = { call: CPN.list, field: 'coupons[*].coupon_code' };
const CLAIMED_CODE = { call: CPN.claim, field: 'coupon.coupon_code' };
/** A listed coupon names its batch by both (batchOf, CPN-REF-01). */
const LIST_BATCH = [
  { call: CPN.list, field: 'coupons[*].data_source_id' },
  { call: CPN.list, field: 'coupons[*].batch_id' },
];

export const jdCouponAudit: ApiAuditHooks = {
  reads: {
    [CPN.claim]: {
      role: 'claim',
      read: (p, body) => {
        const user = text(p['uid']);
        const batch = batchOf(p);
        if (user === undefined || batch === undefined) return undefined;
        const requestId = text(p['request_id']);
        const coupon = field(body, 'coupon');
        const couponCode = text(field(coupon, 'coupon_code'));
        // CPN-REF-03: an amount coupon counts its amount toward max_amount_by_day, a discount coupon its cap.
        const amountFen = int(field(coupon, 'amount_fen')) ?? int(field(coupon, 'max_discount_fen'));
        return {
          user,
          batch,
          ...(requestId !== undefined && requestId !== '' ? { requestId } : {}),
          ...(couponCode !== undefined ? { couponCode } : {}),
          ...(amountFen !== undefined ? { amountFen } : {}),
        };
      },
    },
    [CPN.redeem]: {
      role: 'redeem',
      read: (p) => {
        const user = text(p['uid']);
        const couponCode = text(p['coupon_code']);
        const order = text(p['order_code']);
        return user === undefined || couponCode === undefined || order === undefined ? undefined : { user, couponCode, order };
      },
    },
    [CPN.verify]: {
      role: 'verify',
      read: (p, body) => {
        const user = text(p['uid']);
        const couponCode = text(p['coupon_code']);
        if (user === undefined || couponCode === undefined) return undefined;
        const deductionFen = int(field(body, 'deduction_fen'));
        const orderFen = int(field(body, 'order_fen'));
        const eligibleFen = int(field(body, 'eligible_fen'));
        return {
          user,
          couponCode,
          // The order as verified: its lines and whether other discounts apply (the default of stacked is 0).
          order: JSON.stringify([p['order_lines'] ?? null, p['stacked'] ?? 0]),
          ...(deductionFen !== undefined ? { deductionFen } : {}),
          ...(orderFen !== undefined ? { orderFen } : {}),
          ...(eligibleFen !== undefined ? { eligibleFen } : {}),
        };
      },
    },
  },
  batchOf,
  // The reference's own arithmetic (src/apis/coupon-platform/verify.ts), which cpn-verify-arithmetic checks.
  deductionOf: (coupon, order) => {
    const terms = termsOf(coupon.terms);
    const lines = linesOf(order);
    if (terms === undefined || lines === undefined) return undefined;
    const d = deduction(terms, lines);
    return d.ok ? d.deductionFen : undefined;
  },
  statistics: {
    query: (batch) => ({ call: CPN.statistics, params: batch.params }),
    read: (body: Json) => {
      const s = field(body, 'statistics');
      const claimed = int(field(s, 'claimed'));
      const used = int(field(s, 'used'));
      if (claimed === undefined && used === undefined) return undefined;
      return { ...(claimed !== undefined ? { claimed } : {}), ...(used !== undefined ? { used } : {}) };
    },
  },
  userCoupons: {
    pageSize: PAGE_SIZE,
    queries: (user, page) => [{ call: CPN.list, params: { uid: Number(user), page, page_size: PAGE_SIZE } }],
    read: (body: Json) => {
      const coupons = field(body, 'coupons');
      const total = int(field(body, 'total'));
      if (!Array.isArray(coupons) || total === undefined) return undefined;
      return { coupons: coupons.flatMap((c) => listed(c) ?? []), total };
    },
    batches: true,
  },
  rules: {
    stock: { rule: 'CPN-05', level: 'must' },
    'per-user': { rule: 'CPN-05', level: 'must' },
    // The seed names no coupon code: that each coupon has one of its own is our wire format (CPN-REF-01).
    'codes-unique': { rule: 'CPN-REF-01', level: 'ref' },
    'idempotent-retries': { rule: 'CPN-REF-07', level: 'ref' },
    // 查询特定用户所拥有的京东券信息: a coupon a claim handed the user is one the user owns (CPN-02).
    'claims-listed': { rule: 'CPN-02', level: 'must' },
    // That a refused claim hands out nothing is ours (CPN-REF-07); the seed even has the system issue
    // coupons by its own rules (新用户注册时,系统可通过API接口自动为其发放新人专享优惠券).
    'nothing-unacknowledged': { rule: 'CPN-REF-07', level: 'ref' },
    'statistics-claimed': { rule: 'CPN-04', level: 'must' },
    'redeemed-once': { rule: 'CPN-05', level: 'must' },
    'statistics-used': { rule: 'CPN-04', level: 'must' },
    'verify-consistent': { rule: 'CPN-03', level: 'must' },
    // The exact arithmetic (rounding down, capping at the eligible amount) is ours: CPN-REF-05.
    'verify-deduction': { rule: 'CPN-REF-05', level: 'ref' },
    // 单天发放上线个数 / 单天发放上限金额 / 每位用户每日最大领取数量 (TCC-09) name the limits; what a day is
    // (UTC+8, calendar), what the amount sums and what counts (claims before the run) are CPN-REF-03's.
    'daily-count': { rule: 'CPN-REF-03', level: 'ref' },
    'daily-amount': { rule: 'CPN-REF-03', level: 'ref' },
    'per-user-daily': { rule: 'CPN-REF-03', level: 'ref' },
  },
  answerFields: {
    'list-batch': LIST_BATCH,
    'codes-unique': [CLAIMED_CODE],
    'claims-listed': [CLAIMED_CODE, LISTED_CODE],
    'nothing-unacknowledged': [CLAIMED_CODE, LISTED_CODE],
    'statistics-claimed': [{ call: CPN.statistics, field: 'statistics.claimed' }],
    // Each redeemed coupon's batch is found in its user's list.
    'statistics-used': [{ call: CPN.statistics, field: 'statistics.used' }, LISTED_CODE, ...LIST_BATCH],
    'verify-consistent': [{ call: CPN.verify, field: 'deduction_fen' }],
    // termsOf: a coupon's kind decides its arithmetic.
    'verify-deduction': [{ call: CPN.verify, field: 'deduction_fen' }, LISTED_CODE, { call: CPN.list, field: 'coupons[*].sub_type' }],
    'daily-amount': [{ call: CPN.claim, field: 'coupon.amount_fen' }],
  },
};
