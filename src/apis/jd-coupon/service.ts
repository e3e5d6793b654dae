/**
 * The coupon life cycle over JOS (CPN-REF-01): each method validates its parameters with
 * specs/jd-coupon/spec.yaml, then asks the platform. Behind the JOS gateway's `JosService` interface.
 */
import type { JosService, JosServiceResult } from '../../protocols/jos/gateway.js';
import { formatJosTimestamp } from '../../protocols/jos/timestamp.js';
import type { CompiledApi } from '../../spec/compile.js';
import { validateRequest } from '../../spec/validate-request.js';
import type { CouponPlatform, PlatformError, Redemption, UserCoupon } from '../coupon-platform/platform.js';
import type { OrderLine } from '../coupon-platform/verify.js';
import { FaultCrash } from '../../reference/fault-crash.js';
import type { CouponServiceFaults } from './faults.js';
import { CPN } from './spec.js';

type Values = Readonly<Record<string, unknown>>;
type Handler = (platform: CouponPlatform, v: Values, faults: CouponServiceFaults) => JosServiceResult | Promise<JosServiceResult>;

const ok = (body: Record<string, unknown>): JosServiceResult => ({ ok: true, body });
const refused = (e: PlatformError): JosServiceResult => ({ ok: false, code: e.code, message: e.message });

const batchOf = (v: Values) => ({ dataSourceId: String(v['data_source_id']), batchId: String(v['batch_id']) });
const text = (v: unknown): string | undefined => (v === undefined ? undefined : String(v));

/** A coupon as the JOS face shows it: type, value and validity (CPN-02), money in fen, times in UTC+8. */
export function couponView(platform: CouponPlatform, c: UserCoupon): Record<string, unknown> {
  const t = c.terms;
  // Filled in the answer's field order, optional fields only when set: every claim answers one, and
  // spreading a small object per optional field cost more than the rest of the view.
  const view: Record<string, unknown> = {
    coupon_code: c.code,
    coupon_id: c.id,
    data_source_id: c.batch.dataSourceId,
    batch_id: c.batch.batchId,
    uid: c.uid,
    name: t.name,
    sub_type: t.subType,
  };
  if (t.amountFen !== undefined) view['amount_fen'] = t.amountFen;
  if (t.paidShareBp !== undefined) view['paid_share_bp'] = t.paidShareBp;
  view['minimum_fen'] = t.minimumFen;
  if (t.maxDiscountFen !== undefined) view['max_discount_fen'] = t.maxDiscountFen;
  if (t.numberMinimum > 0) view['number_minimum'] = t.numberMinimum;
  if (c.validFromMs !== undefined) view['valid_from'] = formatJosTimestamp(c.validFromMs);
  if (c.validToMs !== undefined) view['valid_to'] = formatJosTimestamp(c.validToMs);
  view['acquired_time'] = formatJosTimestamp(c.acquiredAtMs);
  view['via'] = c.via;
  view['status'] = platform.statusOf(c);
  if (c.used) {
    view['order_code'] = c.used.orderCode;
    view['used_time'] = formatJosTimestamp(c.used.atMs);
  }
  return view;
}

function orderLines(v: Values): OrderLine[] {
  const lines = (v['order_lines'] as readonly Record<string, unknown>[] | undefined) ?? [];
  return lines.map((l) => ({
    skuId: String(l['sku_id']),
    ...(l['spu_id'] === undefined ? {} : { spuId: String(l['spu_id']) }),
    quantity: Number(l['quantity']),
    priceFen: Number(l['price_fen']),
  }));
}

function verification(r: Redemption): Record<string, unknown> {
  return {
    coupon_code: r.coupon.code,
    order_fen: r.deduction.orderFen,
    eligible_fen: r.deduction.eligibleFen,
    deduction_fen: r.deduction.deductionFen,
    payable_fen: r.deduction.payableFen,
  };
}

const HANDLERS: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  [
    CPN.claim,
    (p, v) => {
      const r = p.claim({
        batch: batchOf(v),
        uid: Number(v['uid']),
        ...(v['request_id'] === undefined ? {} : { requestId: String(v['request_id']) }),
      });
      const answer = (x: Awaited<typeof r>) => (x.ok ? ok({ coupon: couponView(p, x.coupon) }) : refused(x));
      return r instanceof Promise ? r.then(answer) : answer(r);
    },
  ],
  [
    CPN.issue,
    (p, v) => {
      const requestId = text(v['request_id']);
      const r = p.issue({
        batch: batchOf(v),
        rule: v['rule'] as 'new-user' | 'campaign',
        uids: v['uids'] as number[],
        ...(requestId === undefined ? {} : { requestId }),
      });
      if (!r.ok) return refused(r);
      return ok({
        issued: r.issued.map((c) => ({ uid: c.uid, coupon_code: c.code })),
        refused: r.refused.map((x) => ({ uid: x.uid, code: x.code, message: x.message })),
      });
    },
  ],
  [
    CPN.list,
    (p, v, faults) => {
      const uid = Number(v['uid']);
      const status = text(v['status']);
      const all = p.couponsOf(uid).filter((c) => status === undefined || p.statusOf(c) === status);
      const page = Number(v['page'] ?? 1);
      const size = Number(v['page_size'] ?? 20);
      const shown = all.slice((page - 1) * size, page * size);
      const view = (c: UserCoupon) => {
        const full = couponView(p, c);
        if (!faults.listWithoutValidity) return full;
        const { valid_from: _from, valid_to: _to, ...rest } = full;
        return rest;
      };
      return ok({ coupons: shown.map(view), total: all.length, page, page_size: size });
    },
  ],
  [
    CPN.verify,
    (p, v) => {
      const r = p.verify({ code: String(v['coupon_code']), uid: Number(v['uid']), lines: orderLines(v), stacked: v['stacked'] === 1 });
      return r.ok ? ok(verification(r)) : refused(r);
    },
  ],
  [
    CPN.redeem,
    async (p, v) => {
      const r = await p.redeem({
        code: String(v['coupon_code']),
        uid: Number(v['uid']),
        orderCode: String(v['order_code']),
        lines: orderLines(v),
        stacked: v['stacked'] === 1,
      });
      if (!r.ok) return refused(r);
      const used = r.coupon.used;
      return ok({
        coupon_code: r.coupon.code,
        order_code: used?.orderCode ?? String(v['order_code']),
        order_fen: r.deduction.orderFen,
        deduction_fen: r.deduction.deductionFen,
        actually_paid_fen: r.deduction.payableFen,
        used_time: formatJosTimestamp(used?.atMs ?? p.now()),
      });
    },
  ],
  [
    CPN.revoke,
    (p, v) => {
      const r = p.revoke(String(v['coupon_code']));
      return r.ok ? ok({ coupon_code: r.coupon.code, status: 'revoked' }) : refused(r);
    },
  ],
  [
    CPN.statistics,
    (p, v) => {
      const r = p.statistics(batchOf(v));
      if (!r.ok) return refused(r);
      const s = r.stats;
      const opt = (key: string, n: number | undefined) => (n === undefined ? {} : { [key]: n });
      return ok({
        statistics: {
          data_source_id: s.batch.dataSourceId,
          batch_id: s.batch.batchId,
          ...opt('offered', s.offered),
          ...opt('plan_count', s.planCount),
          issued: s.issued,
          claimed: s.claimed,
          used: s.used,
          expired: s.expired,
          revoked: s.revoked,
          ...opt('remaining', s.remaining),
          ...(s.claimRate ? { claim_rate: s.claimRate } : {}),
          use_rate: s.useRate,
        },
      });
    },
  ],
]);

export class CouponLifecycleService implements JosService {
  constructor(
    private readonly api: CompiledApi,
    private readonly platform: CouponPlatform,
    private readonly faults: CouponServiceFaults = {},
  ) {}

  has(method: string): boolean {
    return HANDLERS.has(method) && this.api.operations.has(method);
  }

  describeError(code: string): { readonly zh: string; readonly en: string } | undefined {
    return this.api.spec.errors[code];
  }

  call(method: string, raw: Values): JosServiceResult | Promise<JosServiceResult> {
    const op = this.api.operations.get(method);
    const handler = HANDLERS.get(method);
    if (!op || !handler) return { ok: false, code: 'system.exception', message: `no handler for ${method}` };
    if (
      this.faults.badFilterCrashes &&
      method === CPN.list &&
      raw['status'] !== undefined &&
      !['unused', 'used', 'expired', 'revoked'].includes(String(raw['status']))
    )
      throw new FaultCrash('a status filter outside its set');
    const checked = validateRequest(op, raw, { nowMs: this.platform.now() });
    const notes =
      checked.ignored.length > 0 || checked.blank.length > 0 ? { notes: { ignored: checked.ignored, blank: checked.blank } } : {};
    if (!checked.ok) return { ok: false, code: checked.violation.error, message: checked.violation.message, ...notes };
    const answer = handler(this.platform, checked.values, this.faults);
    // Nothing left out (every claim of a well-behaved client): the answer as it is, without a copy and
    // a promise more per request.
    if (!notes.notes) return answer;
    return answer instanceof Promise ? answer.then((a) => ({ ...a, ...notes })) : { ...answer, ...notes };
  }
}
