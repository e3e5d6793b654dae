/**
 * What the load audit (src/load/audit.ts) needs of an API, so that the load layer names none: how to
 * read an acknowledged claim, redeem or verification from its request and answer, how to ask the
 * target for a batch's statistics and a user's coupons, and which of the API's rules each invariant
 * stands for. An API without these hooks is not audited; one with some of them is audited as far as
 * they reach (the rest is reported `not-checked`, never passed).
 */
import type { Json } from '../scenario/types.js';

/** The role an operation of a load mix plays for the audit. */
export type AuditRole = 'claim' | 'redeem' | 'verify';

export const AUDIT_ROLES: readonly AuditRole[] = ['claim', 'redeem', 'verify'];

/** The invariants the audit checks (src/load/audit.ts says how each is judged). */
export type AuditInvariantId =
  | 'stock'
  | 'per-user'
  | 'codes-unique'
  | 'idempotent-retries'
  | 'claims-listed'
  | 'nothing-unacknowledged'
  | 'statistics-claimed'
  | 'redeemed-once'
  | 'statistics-used'
  | 'verify-consistent'
  | 'verify-deduction'
  | 'daily-count'
  | 'daily-amount'
  | 'per-user-daily';

type Params = Readonly<Record<string, unknown>>;

/** A batch as the audit keys it: unique within the API, a label for people, and what its statistics query takes. */
export interface AuditBatch {
  readonly key: string;
  readonly label: string;
  readonly params: Readonly<Record<string, Json>>;
}

/** A claim as the audit keeps it. `couponCode` only from an acknowledged answer. */
export interface AuditedClaim {
  readonly user: string;
  readonly batch: AuditBatch;
  readonly requestId?: string;
  readonly couponCode?: string;
  /** What the coupon handed out counts toward a daily amount limit, fen (its value as the answer says it). */
  readonly amountFen?: number;
}

/** A redeem: which coupon, for which order. */
export interface AuditedRedeem {
  readonly user: string;
  readonly couponCode: string;
  readonly order: string;
}

/** A verification: which coupon, against which order (a canonical text of its lines), and what the answer deducted. */
export interface AuditedVerify {
  readonly user: string;
  readonly couponCode: string;
  readonly order: string;
  readonly deductionFen?: number;
  readonly orderFen?: number;
  /** The part of the order the answer says the coupon applied to, fen. */
  readonly eligibleFen?: number;
}

/** How to read one call's requests (and, when acknowledged, its answers' data) for the audit. */
export type AuditRead =
  | { readonly role: 'claim'; readonly read: (params: Params, body?: Json) => AuditedClaim | undefined }
  | { readonly role: 'redeem'; readonly read: (params: Params, body?: Json) => AuditedRedeem | undefined }
  | { readonly role: 'verify'; readonly read: (params: Params, body?: Json) => AuditedVerify | undefined };

/** One query the audit sends: an operation of the API's spec and its application parameters. */
export interface AuditQuery {
  readonly call: string;
  readonly params: Readonly<Record<string, Json>>;
}

/** A coupon as a user's list shows it: its code, and where the face says so its batch (AuditBatch.key), status and order. */
export interface ListedCoupon {
  readonly couponCode: string;
  readonly batch?: string;
  readonly status?: string;
  readonly order?: string;
  /** What the coupon is worth to an order as the list shows it (its value, threshold, cap), fen: the API's own record, for `deductionOf`. */
  readonly terms?: Json;
}

export interface ApiAuditHooks {
  /** The calls the audit reads, by the spec's operation name. */
  readonly reads: Readonly<Record<string, AuditRead>>;
  /** The batch that a set of parameters names (a profile's `audit.batches[].batch`, written as the claims send it). */
  readonly batchOf?: (params: Params) => AuditBatch | undefined;
  /** A batch's statistics: the counts of claimed and used coupons the target reports. */
  readonly statistics?: {
    readonly query: (batch: AuditBatch) => AuditQuery;
    readonly read: (body: Json) => { readonly claimed?: number; readonly used?: number } | undefined;
  };
  /** A user's coupons, page by page (1-based): every query of a page together lists every coupon of the user once. */
  readonly userCoupons?: {
    readonly pageSize: number;
    readonly queries: (user: string, page: number) => readonly AuditQuery[];
    readonly read: (body: Json) => { readonly coupons: readonly ListedCoupon[]; readonly total: number } | undefined;
    /** Whether the listed coupons carry their batch (a face that does not is compared with every claim of the user). */
    readonly batches: boolean;
  };
  /**
   * What `coupon` (as its user's list shows it) deducts from the verified `order` (AuditedVerify.order), fen,
   * by the same arithmetic the conformance suites check; undefined when the list does not say enough.
   */
  readonly deductionOf?: (coupon: ListedCoupon, order: string) => number | undefined;
  /** The rule of this API each invariant stands for, and its level (a violated `ref` invariant counts only where ref rules do). */
  readonly rules: Readonly<Partial<Record<AuditInvariantId, { readonly rule: string; readonly level: 'must' | 'ref' }>>>;
  /**
   * The answer fields each invariant reads (by the spec's names, paths as the matchers write them), and
   * under `list-batch` those a user's list names a coupon's batch by. At an endpoint that does not give
   * one of an invariant's (a binding that maps no such answer field: the service has none), that
   * invariant is skipped with the reason; without one of `list-batch`, the list is read as one that
   * names no batch (userCoupons.batches false). Absent: the target answers the spec's whole shape.
   */
  readonly answerFields?: Readonly<Partial<Record<AuditInvariantId | 'list-batch', readonly AuditField[]>>>;
}

/** One answer field an invariant reads: of a success of `call`, at `field` (`coupons[*].coupon_code`). */
export interface AuditField {
  readonly call: string;
  readonly field: string;
}
