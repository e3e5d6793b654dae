/**
 * The load audit's hooks for the coupon life cycle (src/apis/audit-hooks.ts): a claim read from its
 * parameters (uid, data_source_id + batch_id, request_id) and its answer's coupon code; a redeem and a
 * verification from theirs; a batch's statistics (claimed, used: CPN-04) and a user's coupons
 * (promoproof.coupon.user.list, every status, with each coupon's batch). The wire format is ours
 * (CPN-07), so every name read here is the spec's (specs/jd-coupon/spec.yaml).
 */
import type { ApiAuditHooks, AuditBatch, ListedCoupon } from '../audit-hooks.js';
import type { Json } from '../../scenario/types.js';
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
  };
}

export const jdCouponAudit: ApiAuditHooks = {
  reads: {
    [CPN.claim]: {
      role: 'claim',
      read: (p, body) => {
        const user = text(p['uid']);
        const batch = batchOf(p);
        if (user === undefined || batch === undefined) return undefined;
        const requestId = text(p['request_id']);
        const couponCode = text(field(field(body, 'coupon'), 'coupon_code'));
        return {
          user,
          batch,
          ...(requestId !== undefined && requestId !== '' ? { requestId } : {}),
          ...(couponCode !== undefined ? { couponCode } : {}),
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
        return {
          user,
          couponCode,
          // The order as verified: its lines and whether other discounts apply (the default of stacked is 0).
          order: JSON.stringify([p['order_lines'] ?? null, p['stacked'] ?? 0]),
          ...(deductionFen !== undefined ? { deductionFen } : {}),
          ...(orderFen !== undefined ? { orderFen } : {}),
        };
      },
    },
  },
  batchOf,
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
    'codes-unique': { rule: 'CPN-05', level: 'must' },
    'idempotent-retries': { rule: 'CPN-REF-07', level: 'ref' },
    'claims-listed': { rule: 'CPN-02', level: 'must' },
    'nothing-unacknowledged': { rule: 'CPN-02', level: 'must' },
    'statistics-claimed': { rule: 'CPN-04', level: 'must' },
    'redeemed-once': { rule: 'CPN-05', level: 'must' },
    'statistics-used': { rule: 'CPN-04', level: 'must' },
    'verify-consistent': { rule: 'CPN-03', level: 'must' },
  },
};
