/**
 * The coupon batches the reference has been sent, keyed by (dataSourceId, external_coupon_id): an
 * upload of a known id replaces the stored coupon and counts a version (TCC-03, TCC-REF-14). The coupon
 * platform claims from these batches later; it reads them through `get` / `list` only.
 */

/**
 * One stored coupon batch; the coupon is a frozen copy of what was sent (unknown fields included).
 * Never changed once stored: an update stores a new object, so its identity stands for its version
 * (the coupon platform derives a batch's terms once per stored object).
 */
export interface StoredCoupon {
  readonly dataSourceId: string;
  readonly externalCouponId: string;
  /** 1 after the first upload, +1 per update. */
  readonly version: number;
  /** The app_id of the upload that wrote this version. */
  readonly appId: string;
  /** When this version was written, epoch ms (the store's clock). */
  readonly updatedAtMs: number;
  readonly coupon: Readonly<Record<string, unknown>>;
}

export interface UpsertInput {
  readonly appId: string;
  readonly dataSourceId: string;
  readonly coupon: Readonly<Record<string, unknown>> & { readonly external_coupon_id: string };
}

export interface CouponBatchStore {
  /** Adds the coupon, or replaces the stored one of the same (dataSourceId, external_coupon_id). */
  upsert(input: UpsertInput): { readonly action: 'added' | 'updated'; readonly stored: StoredCoupon };
  get(dataSourceId: string, externalCouponId: string): StoredCoupon | undefined;
  has(dataSourceId: string, externalCouponId: string): boolean;
  /** Every stored coupon (of one data source when given), in first-upload order. */
  list(dataSourceId?: string): StoredCoupon[];
  /** How many coupons are stored. */
  readonly size: number;
  /** Forgets every coupon. */
  reset(): void;
}

/** A new, empty store; `now` (epoch ms) stamps versions, Date.now by default. */
export function createCouponBatchStore(now: () => number = Date.now): CouponBatchStore {
  // Nested maps, so no separator can make two keys collide.
  const sources = new Map<string, Map<string, StoredCoupon>>();
  let size = 0;
  return {
    upsert({ appId, dataSourceId, coupon }) {
      let batches = sources.get(dataSourceId);
      if (!batches) {
        batches = new Map();
        sources.set(dataSourceId, batches);
      }
      const id = coupon.external_coupon_id;
      const before = batches.get(id);
      const stored: StoredCoupon = Object.freeze({
        dataSourceId,
        externalCouponId: id,
        version: (before?.version ?? 0) + 1,
        appId,
        updatedAtMs: now(),
        coupon: deepFreeze(structuredClone(coupon)),
      });
      batches.set(id, stored);
      if (!before) size++;
      return { action: before ? 'updated' : 'added', stored };
    },
    get: (dataSourceId, externalCouponId) => sources.get(dataSourceId)?.get(externalCouponId),
    has: (dataSourceId, externalCouponId) => sources.get(dataSourceId)?.has(externalCouponId) ?? false,
    list(dataSourceId) {
      const maps = dataSourceId === undefined ? [...sources.values()] : [sources.get(dataSourceId) ?? new Map()];
      return maps.flatMap((m) => [...m.values()]);
    },
    get size() {
      return size;
    },
    reset() {
      sources.clear();
      size = 0;
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}
