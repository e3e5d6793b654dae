/**
 * The load audit's hooks for the Yoho user coupon queries (src/apis/audit-hooks.ts): a user's coupons
 * through app.coupons.lists, one query per `type` the document names (use, notuse, overtime: UCP-02),
 * which together list every coupon a user holds but a revoked one. A Yoho coupon names no batch, so
 * the audit compares a user's list with every claim acknowledged to that user.
 */
import type { ApiAuditHooks, AuditField } from '../audit-hooks.js';
import type { Json } from '../../scenario/types.js';

const LISTS = 'app.coupons.lists';
/** The `type`s of app.coupons.lists (UCP-02). */
const TYPES = ['notuse', 'use', 'overtime'] as const;
/** The page size asked for (our reference serves up to 100: UCP-REF-06; a target may serve fewer, the audit pages by `total`). */
const PAGE_SIZE = 100;

/** What the list invariants read of each page: the coupons' codes and the total they page by. */
const LISTED: readonly AuditField[] = [
  { call: LISTS, field: 'couponList[*].couponCode' },
  { call: LISTS, field: 'total' },
];

const field = (v: unknown, key: string): unknown =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined;

export const yohoUserCouponAudit: ApiAuditHooks = {
  reads: {},
  userCoupons: {
    pageSize: PAGE_SIZE,
    queries: (user, page) => TYPES.map((type) => ({ call: LISTS, params: { uid: Number(user), type, limit: PAGE_SIZE, page } })),
    read: (body: Json) => {
      const list = field(body, 'couponList');
      const totalRaw = field(body, 'total');
      const total = typeof totalRaw === 'number' ? totalRaw : typeof totalRaw === 'string' ? Number(totalRaw) : Number.NaN;
      if (!Array.isArray(list) || !Number.isSafeInteger(total)) return undefined;
      return {
        coupons: list.flatMap((c) => {
          const code = field(c, 'couponCode');
          return typeof code === 'string' && code !== '' ? [{ couponCode: code }] : [];
        }),
        total,
      };
    },
    batches: false,
  },
  // The Yoho document knows nothing of the coupon life cycle's claims: that app.coupons.lists shows the
  // coupons claimed through promoproof.coupon.* is the reference's one platform behind both faces (UCP-REF-05).
  rules: {
    'claims-listed': { rule: 'UCP-REF-05', level: 'ref' },
    'nothing-unacknowledged': { rule: 'UCP-REF-05', level: 'ref' },
  },
  // Through a binding that maps neither (a service without codes in its list), both are skipped with the reason.
  answerFields: { 'claims-listed': LISTED, 'nothing-unacknowledged': LISTED },
};
