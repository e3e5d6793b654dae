/** In-memory state of the reference promotion service. Money in integer fen, times in epoch ms. */

export type ReviewRoute = 'auto' | 'manual' | 'pending';

export interface ActivityMode {
  readonly id: number;
  readonly numBound: number;
  readonly freqBound: number;
  readonly perMaxNum: number;
  readonly perMinNum: number;
}

export interface PromoProp {
  readonly type: number;
  readonly num: number;
  readonly usedWay: number;
}

export interface PromoSku {
  readonly skuId: number;
  readonly wareId: number;
  readonly skuName: string;
  readonly itemNum: string;
  readonly jdPriceFen: number;
  /** Undefined when not given (single-item promotions then default to the jd price). */
  readonly promoPriceFen: number | undefined;
  readonly seq: number | undefined;
  readonly num: number | undefined;
  readonly bindType: number;
}

export interface OrderMode {
  readonly favorMode: number;
  /** Yuan (13 allows one decimal) or items, as given. */
  readonly quota: number;
  readonly rate: number | undefined;
  readonly plus: number | undefined;
  readonly minus: number | undefined;
  readonly link: string | undefined;
}

export interface Promotion {
  readonly id: number;
  readonly name: string;
  readonly type: number;
  /** As given, `yyyy-MM-dd HH:mm:ss` UTC+8. */
  readonly beginTime: string;
  readonly endTime: string;
  readonly beginMs: number;
  readonly endMs: number;
  readonly bound: number | null;
  readonly member: number;
  readonly slogan: string;
  readonly comment: string;
  readonly favorMode: number | null;
  /** Business time of creation, for the 30-minute draft lifetime. */
  readonly createdMs: number;
  committed: boolean;
  /** Stored status; null while a draft. Approved (4) reads as 5 once begin_time has come. */
  status: number | null;
  reviewRoute: ReviewRoute;
  /** Test-control shift of this promotion's own clock, added to the business clock. */
  clockOffsetMs: number;
  activityMode: ActivityMode | undefined;
  props: PromoProp[];
  skus: Map<number, PromoSku>;
  orderModes: OrderMode[];
  /** Number of sku.add batches accepted (kept for the batch fault). */
  skuBatches: number;
}

export interface PromotionStore {
  readonly promotions: Map<number, Promotion>;
  /** Ids of uncommitted drafts, oldest first, so expired ones can be swept without scanning the store. */
  readonly drafts: Set<number>;
  /** Review route new drafts start with (the test control may change it). */
  defaultReviewRoute: ReviewRoute;
  nextPromotionId(): number;
  nextRuleId(): number;
}

export function createStore(firstId = 2_300_001): PromotionStore {
  let id = firstId - 1;
  let rule = 650_000;
  return {
    promotions: new Map(),
    drafts: new Set(),
    defaultReviewRoute: 'auto',
    nextPromotionId: () => ++id,
    nextRuleId: () => ++rule,
  };
}
