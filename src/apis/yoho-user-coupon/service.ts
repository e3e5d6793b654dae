/**
 * The five user coupon queries (user-coupon-api.zh.txt) over the coupon platform's store, behind the
 * Yoho gateway's service interface: parameters validated with specs/yoho-user-coupon/spec.yaml, data
 * in the document's field names, money in yuan as the document writes it (computed from fen exactly).
 */
import type { CompiledApi } from '../../spec/compile.js';
import { validateRequest } from '../../spec/validate-request.js';
import { formatJosTimestamp } from '../../protocols/jos/timestamp.js';
import type { CouponPlatform, CouponStatus, UserCoupon } from '../coupon-platform/platform.js';
import type { UserCouponServiceFaults } from './faults.js';

/** What a Yoho method answers: its data, or a code other than 200 with a message. */
export type YohoCallResult =
  | { readonly ok: true; readonly data: unknown; readonly message?: string }
  | { readonly ok: false; readonly code: number; readonly message: string };

type Values = Readonly<Record<string, unknown>>;

/** The document's `type` of lists and total, to the platform's status (revoked coupons are of no type: UCP-REF-05). */
const TYPE_STATUS: Readonly<Record<string, CouponStatus>> = { use: 'used', notuse: 'unused', overtime: 'expired' };
const LI_STATUS: Readonly<Record<number, CouponStatus>> = { 0: 'unused', 1: 'used' };
/** The numbers the `ucp-numbers-lenient` fault reads with parseInt. */
const LENIENT: ReadonlySet<string> = new Set(['uid', 'limit', 'page', 'status']);

/** Fen as a yuan number: 1100 → 11, 1895 → 18.95 (exact: two decimals of an integer). */
const yuan = (fen: number): number => Number((fen / 100).toFixed(2));
const seconds = (ms: number | undefined) => (ms === undefined ? undefined : Math.floor(ms / 1000));
/** `yyyy.MM.dd` in UTC+8, as couponValidity writes dates. */
const dotted = (ms: number) => formatJosTimestamp(ms).slice(0, 10).replace(/-/g, '.');

const REASONS: Readonly<Record<1 | 2 | 3 | 4, { title: string; message: string }>> = {
  1: { title: '您已经领取过', message: '生日福利一年内(365天)仅可领取一次哦' },
  2: { title: '信息未完善', message: '请完善生日信息' },
  3: { title: '非VIP', message: '升级VIP享专属生日券' },
  4: { title: '非生日期间', message: '生日当月可领取' },
};

export class UserCouponService {
  constructor(
    private readonly api: CompiledApi,
    private readonly platform: CouponPlatform,
    private readonly faults: UserCouponServiceFaults = {},
  ) {}

  has(method: string): boolean {
    return this.api.operations.has(method);
  }

  call(method: string, raw: Readonly<Record<string, string>>): YohoCallResult {
    const op = this.api.operations.get(method);
    if (!op) return { ok: false, code: 404, message: `method not found: ${method}` };
    // Only the operation's own parameters: the gateway's (method, client_type, client_secret, app_version …) are not the API's.
    const own = Object.fromEntries(
      Object.entries(raw)
        .filter(([k]) => op.paramNames.has(k))
        .map(([k, v]) => [k, this.faults.numbersLenient && LENIENT.has(k) ? String(Number.parseInt(v, 10) || 1) : v]),
    );
    const checked = validateRequest(op, own, { nowMs: this.platform.now() });
    if (!checked.ok) {
      if (!(this.faults.couponTypeUnchecked && checked.violation.param === 'couponType'))
        return { ok: false, code: Number(checked.violation.error) || 400, message: checked.violation.message };
    }
    const v: Values = checked.ok ? checked.values : { ...own, uid: Number(own['uid']) };
    switch (method) {
      case 'app.coupons.lists':
        return this.lists(v);
      case 'app.coupons.li':
        return this.li(v);
      case 'app.coupons.total':
        return {
          ok: true,
          data: { total: this.ofStatus(Number(v['uid']), TYPE_STATUS[String(v['type'])], true).length },
          message: 'coupons total',
        };
      case 'app.promotion.validateGetBirthCoupon':
        return this.validateBirthday(Number(v['uid']));
      case 'app.promotion.queryBirthCoupon':
        return this.queryBirthday(Number(v['uid']));
      default:
        return { ok: false, code: 404, message: `method not found: ${method}` };
    }
  }

  private ofStatus(uid: number, status: CouponStatus | undefined, forTotal = false): UserCoupon[] {
    const now = this.platform.now(uid);
    return this.platform.couponsOf(uid).filter((c) => {
      const s = this.platform.statusOf(c, now);
      if (forTotal && this.faults.totalDisagrees && status === 'unused' && s === 'revoked') return true;
      if (this.faults.expiredListedUnused && status === 'unused' && s === 'expired') return true;
      return s === status;
    });
  }

  private view(c: UserCoupon): Record<string, unknown> {
    const t = c.terms;
    const now = this.platform.now(c.uid);
    const value =
      t.subType === 1 && t.amountFen !== undefined ? yuan(t.amountFen) : t.paidShareBp !== undefined ? t.paidShareBp / 10_000 : 0;
    const opt = (key: string, n: number | undefined) => (n === undefined ? {} : { [key]: n });
    return {
      couponCode: c.code,
      couponDetailInfomation: t.name,
      couponId: this.platform.batchNumber(c.batch),
      couponType: String(t.subType),
      couponValidity: c.validFromMs !== undefined && c.validToMs !== undefined ? `${dotted(c.validFromMs)}-${dotted(c.validToMs)}` : '',
      couponValue: value,
      ...opt('startTime', seconds(c.validFromMs)),
      ...opt('endTime', seconds(c.validToMs)),
      ...opt('overTime', seconds(c.validToMs)),
      id: c.id,
      isValidity: this.platform.statusOf(c, now) === 'unused' && (c.validFromMs === undefined || now >= c.validFromMs) ? 'Y' : 'N',
      rule4ShortName: t.minimumFen > 0 ? `满${yuan(t.minimumFen)}可用` : '',
      isNoLimit: t.scope.all ? 'true' : 'false',
      multipleFlag: t.stackable,
    };
  }

  private page(v: Values, all: readonly UserCoupon[]): { shown: UserCoupon[]; limit: number } {
    const limit = Number(v['limit']);
    const size = this.faults.pageOffByOne ? Math.max(1, limit - 1) : limit;
    const page = Number(v['page']);
    return { shown: all.slice((page - 1) * size, page * size), limit };
  }

  private lists(v: Values): YohoCallResult {
    const all = this.ofStatus(Number(v['uid']), TYPE_STATUS[String(v['type'])]);
    const { shown, limit } = this.page(v, all);
    return {
      ok: true,
      message: '优惠券列表',
      data: { couponList: shown.map((c) => this.view(c)), pageSize: limit, total: all.length, totalPageNum: Math.ceil(all.length / limit) },
    };
  }

  private li(v: Values): YohoCallResult {
    const status = LI_STATUS[Number(v['status'])];
    const all = this.ofStatus(Number(v['uid']), status);
    const { shown } = this.page(v, all);
    const list = shown.map((c) => {
      const u = c.used;
      if (!u || this.faults.usedWithoutOrder) return this.view(c);
      return {
        ...this.view(c),
        actuallyPaid: yuan(u.paidFen),
        orderCode: /^\d+$/.test(u.orderCode) ? Number(u.orderCode) : u.orderCode,
        orderPrice: yuan(u.orderFen),
        usedTime: formatJosTimestamp(u.atMs),
      };
    });
    return { ok: true, data: { couponList: list, total: all.length } };
  }

  private validateBirthday(uid: number): YohoCallResult {
    const e = this.platform.birthdayEligibility(uid);
    if (e.ok || (this.faults.incompleteProfileSupported && e.reason === 2)) return { ok: true, data: { is_support: 'Y' } };
    const r = REASONS[e.reason];
    const title =
      e.reason === 1 && e.takenAtMs !== undefined
        ? `您在${formatJosTimestamp(e.takenAtMs).slice(2, 10).replace('-', '年').replace('-', '月')}日已经领取过`
        : r.title;
    return {
      ok: true,
      data: {
        is_support: 'N',
        not_support_reasons: String(e.reason),
        not_support_reasons_title: title,
        not_support_reasons_message: r.message,
      },
    };
  }

  private queryBirthday(uid: number): YohoCallResult {
    const e = this.platform.birthdayEligibility(uid);
    if (!e.ok) {
      if (e.reason === 2) return { ok: false, code: 201, message: '用户生日信息不存在' };
      if (e.reason === 3)
        return this.faults.notVipAs411
          ? { ok: false, code: 411, message: '您没有可领取的生日券哦' }
          : { ok: false, code: 410, message: '您还不是VIP哦~升级VIP享专属生日券!' };
      return { ok: false, code: 411, message: '您没有可领取的生日券哦' };
    }
    const batches = this.platform.birthdayBatches().filter((t) => this.platform.terms(t) !== undefined);
    if (batches.length === 0) return { ok: false, code: 411, message: '您没有可领取的生日券哦' };
    return {
      ok: true,
      message: '请求成功',
      data: batches.map((t) => ({
        couponAmount: t.subType === 1 && t.amountFen !== undefined ? yuan(t.amountFen) : 0,
        couponCode: '',
        couponName: t.name,
        endTime: t.validity.kind === 'fixed' ? formatJosTimestamp(t.validity.endMs) : '',
        id: this.platform.batchNumber(t),
        startTime: t.validity.kind === 'fixed' ? formatJosTimestamp(t.validity.startMs) : '',
        status: 1,
        useLimit: String(yuan(t.minimumFen)),
        useLimitType: '2',
        // Ours: what a client claims it with (the coupon life cycle's claim names a batch by these).
        dataSourceId: t.dataSourceId,
        batchId: t.batchId,
      })),
    };
  }
}
