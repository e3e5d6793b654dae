/**
 * A coupon batch's terms, read once from what the Tencent face stored (the coupon as uploaded, unknown
 * fields included): money in integer fen, rates in basis points, times in epoch ms. Pure.
 */
import type { StoredCoupon } from '../tencent-coupon-batch/store.js';

/** Which batch: the data source and the uploader's id (external_coupon_id). */
export interface BatchKey {
  readonly dataSourceId: string;
  readonly batchId: string;
}

export type Validity =
  | { readonly kind: 'fixed'; readonly startMs: number; readonly endMs: number }
  /** From the start of the claim day (UTC+8) plus `startOffsetS`, for `durationS` (fixed_valid_start_time, fixed_valid_time). */
  | { readonly kind: 'relative'; readonly startOffsetS: number; readonly durationS: number }
  | { readonly kind: 'none' };

export interface BatchTerms extends BatchKey {
  readonly version: number;
  readonly name: string;
  /** coupon_sub_type: 1 amount off (满减), 2 discount (打折); other types are stored but never verified. */
  readonly subType: number;
  /** amount_coupon, fen (sub type 1). */
  readonly amountFen?: number;
  /** The share of the eligible amount paid, basis points (sub type 2; both readings of discount_coupon, CPN-REF-04). */
  readonly paidShareBp?: number;
  /** amount_minimum, fen (0 when absent). */
  readonly minimumFen: number;
  /** max_discount_amount, fen. */
  readonly maxDiscountFen?: number;
  /** number_minimum, items (0 when absent). */
  readonly numberMinimum: number;
  /** product scope: every product (is_all, or no list), or these SKU and SPU ids. */
  readonly scope:
    | { readonly all: true }
    | { readonly all: false; readonly skuIds: ReadonlySet<string>; readonly spuIds: ReadonlySet<string> };
  readonly validity: Validity;
  /** added_status 1: may be combined with other discounts (叠加); 2 (or absent… see CPN-REF-06) not. */
  readonly stackable: boolean;
  /** store_count (库存量): the most coupons of this batch the platform ever hands out; undefined: no limit. */
  readonly stock?: number;
  readonly planCount?: number;
  readonly perUser?: number;
  readonly perUserDaily?: number;
  readonly perDayCount?: number;
  readonly perDayAmountFen?: number;
  /** On shelf (available_status ≠ 2), released (release_status 1 or absent), not deleted (is_deleted ≠ 1). */
  readonly available: boolean;
  /** Tagged 生日券 (a custom tag of that name): claimable only through the birthday rules (UCP-05). */
  readonly birthday: boolean;
}

export const BIRTHDAY_TAG = '生日券';

/**
 * Yuan with at most two decimals (a JSON number or numeric text) to integer fen, exact: read from the
 * number's decimal text, never multiplied in floating point. Undefined for anything else.
 */
export function decimalToFen(v: unknown): number | undefined {
  const text = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : typeof v === 'string' ? v.trim() : '';
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) return undefined;
  const whole = Number(m[1]);
  const cents = Number((m[2] ?? '').padEnd(2, '0'));
  const fen = whole * 100 + cents;
  return Number.isSafeInteger(fen) ? fen : undefined;
}

/**
 * discount_coupon as the share paid, basis points: the document's example sends 0.7 for 7 折 (a
 * fraction) while its table says 99.99 means 99.99% (a percentage). A value up to 1 is a fraction,
 * above 1 a percentage (CPN-REF-04). Undefined outside (0, 100].
 */
export function paidShareBp(discount: unknown): number | undefined {
  const hundredths = decimalToFen(discount);
  if (hundredths === undefined || hundredths <= 0) return undefined;
  const bp = hundredths <= 100 ? hundredths * 100 : hundredths;
  return bp <= 10_000 ? bp : undefined;
}

const int = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
};

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' || typeof x === 'number').map(String) : [];

const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

function validityOf(c: Readonly<Record<string, unknown>>): Validity {
  const start = int(c['start_time']);
  const end = int(c['end_time']);
  if (start !== undefined && end !== undefined) return { kind: 'fixed', startMs: start, endMs: end };
  const duration = int(c['fixed_valid_time']);
  if (duration !== undefined) return { kind: 'relative', startOffsetS: int(c['fixed_valid_start_time']) ?? 0, durationS: duration };
  return { kind: 'none' };
}

/** The terms of a stored batch. */
export function batchTerms(stored: StoredCoupon): BatchTerms {
  const c = stored.coupon;
  const product = obj(c['product']);
  const skuIds = strings(product['sku_ids']);
  const spuIds = strings(product['spu_ids']);
  const all = product['is_all'] === true || (skuIds.length === 0 && spuIds.length === 0);
  const tags = Array.isArray(obj(c['tag_info'])['custom_tag']) ? (obj(c['tag_info'])['custom_tag'] as unknown[]) : [];
  const optional = <K extends string>(key: K, value: number | undefined) =>
    value === undefined ? {} : ({ [key]: value } as Record<K, number>);
  const amountFen = decimalToFen(c['amount_coupon']);
  const paid = paidShareBp(c['discount_coupon']);
  return {
    dataSourceId: stored.dataSourceId,
    batchId: stored.externalCouponId,
    version: stored.version,
    name: typeof c['coupon_name'] === 'string' ? c['coupon_name'] : stored.externalCouponId,
    subType: int(c['coupon_sub_type']) ?? 0,
    ...optional('amountFen', amountFen),
    ...optional('paidShareBp', paid),
    minimumFen: decimalToFen(c['amount_minimum']) ?? 0,
    ...optional('maxDiscountFen', decimalToFen(c['max_discount_amount'])),
    numberMinimum: int(c['number_minimum']) ?? 0,
    scope: all ? { all: true } : { all: false, skuIds: new Set(skuIds), spuIds: new Set(spuIds) },
    validity: validityOf(c),
    stackable: int(c['added_status']) === 1,
    ...optional('stock', int(c['store_count'])),
    ...optional('planCount', int(c['plan_count'])),
    ...optional('perUser', int(c['max_coupon_number_per_user'])),
    ...optional('perUserDaily', int(c['max_coupon_number_per_user_daily'])),
    ...optional('perDayCount', int(c['max_coupons_by_day'])),
    ...optional('perDayAmountFen', decimalToFen(c['max_amount_by_day'])),
    available: int(c['available_status']) !== 2 && [undefined, 1].includes(int(c['release_status'])) && int(c['is_deleted']) !== 1,
    birthday: tags.some((t) => obj(t)['tag_name'] === BIRTHDAY_TAG),
  };
}
