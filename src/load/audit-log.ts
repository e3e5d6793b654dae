/**
 * What a load run keeps for the audit after it (src/load/audit.ts), recorded as answers arrive: for each
 * acknowledged claim its user, request id, batch and coupon code; for each claim whose effect is unknown
 * (a timeout, a reset, an answer that was not one: the target may have acted) its user, request id and
 * batch, to look up; for each acknowledged redeem its coupon and order; for each verification the
 * deduction answered for its coupon and order. Only operations with an audit role are read (the API's
 * audit hooks say how: src/apis/audit-hooks.ts).
 *
 * Of a claim operation with deliberate re-sends (mix.ts), the refusals of request ids sent more than once
 * are kept too: a re-send refused after its first was acknowledged breaks idempotency as much as a second
 * coupon does (the audit's `idempotent-retries`). A first send's refusal is held among the recent ones
 * until a re-send of it answers (mix.ts re-sends only its last RESEND_POOL first sends), then kept.
 *
 * Memory is bounded: in a correct target acknowledged claims are bounded by the stock; beyond
 * AUDIT_LIMITS the answers are counted, not kept, and the audit says which invariants that limits.
 * The kept data is plain (AuditData), so worker threads post theirs back and the main thread absorbs it.
 */
import { APIS } from '../apis/index.js';
import type { ApiAuditHooks, AuditBatch, AuditRead, AuditRole } from '../apis/audit-hooks.js';
import type { ClassifiedAnswer } from '../protocols/types.js';
import { RESEND_POOL } from './mix.js';
import type { LoadProfileDoc } from './types.js';

/** The bounds of what a run keeps for its audit. */
export const AUDIT_LIMITS = {
  /** Claims (acknowledged or unknown) and redeems kept, each: beyond, counted only. */
  maxKept: 200_000,
  /** Distinct (coupon, order) verifications kept: beyond, counted only. */
  maxVerifications: 50_000,
  /** Differing deductions kept per (coupon, order). */
  maxDiffering: 10,
  /**
   * First sends' refusals held, and re-sent request keys remembered, per collector: a re-send repeats one of
   * its operation's last RESEND_POOL first sends, answered at most the requests in flight earlier.
   */
  recentRetries: 4 * RESEND_POOL,
} as const;

/** An acknowledged claim, or one whose effect is unknown (no coupon code then). */
export interface ClaimRecord {
  readonly api: string;
  readonly user: string;
  readonly batch: string;
  readonly requestId?: string;
  readonly couponCode?: string;
  /** The coupon's value toward a daily amount limit, fen (an acknowledged claim whose answer says it). */
  readonly amountFen?: number;
  /** When the answer came, epoch ms (acknowledged and refused claims): the day it counts toward. */
  readonly atMs?: number;
  /**
   * When it was sent, epoch ms, as the load model measures latency (acknowledged claims with a latency): the
   * answer's time less it. The open model measures from the intended instant, a little before the write.
   */
  readonly sentAtMs?: number;
  /** The refusal's code (a refused claim whose request id was sent more than once). */
  readonly refusalCode?: string;
}

export interface RedeemRecord {
  readonly user: string;
  readonly couponCode: string;
  readonly order: string;
}

/** Every verification of one coupon against one order: the first deduction, and any that differed. */
export interface VerifyRecord {
  readonly user: string;
  readonly couponCode: string;
  readonly order: string;
  readonly deductionFen: number | undefined;
  readonly orderFen: number | undefined;
  /** The part of the order the first answer found in the coupon's scope, fen. */
  readonly eligibleFen?: number | undefined;
  count: number;
  /** Deductions that differed from the first (null: an answer without one), at most AUDIT_LIMITS.maxDiffering. */
  readonly differing: (number | null)[];
}

/** What a run kept for its audit: plain data (structured-cloned from worker threads). */
export interface AuditData {
  /** Batches seen, by `api` + key. */
  readonly batches: Record<string, { readonly api: string; readonly batch: AuditBatch }>;
  readonly claims: ClaimRecord[];
  readonly unknownClaims: ClaimRecord[];
  readonly redeems: RedeemRecord[];
  readonly unknownRedeems: RedeemRecord[];
  readonly verifications: VerifyRecord[];
  /** Refused claims whose request id was sent more than once; beyond AUDIT_LIMITS.maxKept counted in notKept. */
  readonly retryRefusals: { readonly kept: ClaimRecord[]; notKept: number };
  /** Acknowledged claims per batch (`api` + key), counted whether kept or not. */
  readonly claimsByBatch: Record<string, number>;
  readonly counts: {
    claims: number;
    redeems: number;
    verifications: number;
    unknownClaims: number;
    unknownRedeems: number;
    notKept: number;
  };
  /**
   * Set when records the run kept did not all reach the audit (an Artillery worker's records lost on their
   * way back: src/load/artillery/records.ts): the invariants that need every record are not passed on the
   * ones that came. `countsExact`: the counts above (and claimsByBatch) are still whole.
   */
  incomplete?: { readonly reason: string; readonly countsExact: boolean };
  /**
   * Distinct coupons acknowledged per batch (a re-send answered with its first coupon counts once), as
   * counted where the claims were answered: an Artillery worker tells it with its answers, so the `stock`
   * is judged from it when the records did not all come back.
   */
  distinctByBatch?: Record<string, number>;
  /**
   * Acknowledged claims per batch that were deliberate re-sends (counted in claimsByBatch too). Beyond the
   * audit's memory (counts.notKept) coupons cannot be told apart by code: claimsByBatch less these is the
   * count of first sends acknowledged, distinct claims, which a re-send answered again does not inflate.
   */
  resentAcksByBatch?: Record<string, number>;
}

/** One thing a collector kept, told as it keeps it (AuditCollector.onKept): an Artillery worker streams these back. */
export type KeptEvent =
  | { readonly kind: 'batch'; readonly api: string; readonly batch: AuditBatch }
  | { readonly kind: 'claim' | 'unknownClaim' | 'retryRefusal'; readonly record: ClaimRecord }
  | { readonly kind: 'redeem' | 'unknownRedeem'; readonly record: RedeemRecord }
  /** A (coupon, order) verified the first time: its first answer. */
  | { readonly kind: 'verification'; readonly record: Omit<VerifyRecord, 'count' | 'differing'> }
  /** A deduction that differed from the first of its (coupon, order), kept in its `differing`. */
  | { readonly kind: 'differing'; readonly couponCode: string; readonly order: string; readonly deductionFen: number | null };

/** The key of a batch of an API (batch keys are unique within their API only). */
export function batchKeyOf(api: string, key: string): string {
  return `${api}\u0000${key}`;
}

/** The role and the API of each operation of a profile's mix that the audit reads (undefined: not read). */
export function auditRoles(
  doc: LoadProfileDoc,
): ({ readonly api: string; readonly hooks: ApiAuditHooks; readonly read: AuditRead } | undefined)[] {
  return doc.mix.map((o) => {
    if (o.audit === 'none') return undefined;
    const api = o.api ?? doc.apis[0] ?? '';
    const hooks = APIS.get(api)?.audit;
    const read = hooks?.reads[o.call];
    if (hooks === undefined || read === undefined) return undefined;
    // The profile's loader refuses a role its API cannot read; a role it names is the one the API reads.
    return o.audit === undefined || o.audit === read.role ? { api, hooks, read } : undefined;
  });
}

/** The roles a profile's mix plays for the audit (none: nothing to audit). */
export function rolesOf(doc: LoadProfileDoc): Set<AuditRole> {
  return new Set(auditRoles(doc).flatMap((r) => (r ? [r.read.role] : [])));
}

/** Records the answers the audit needs (see the module comment). */
export class AuditCollector {
  private readonly roles: ReturnType<typeof auditRoles>;
  private readonly data: AuditData = emptyAuditData();
  private readonly verifyIndex = new Map<string, VerifyRecord>();
  /** Refused first sends of operations with re-sends, by request key, held until a re-send answers (bounded, oldest out). */
  private readonly firstRefusals = new Map<
    number,
    { readonly op: number; readonly params: Params; readonly code: string; readonly atMs: number }
  >();
  /** Request keys a re-send of which has answered (bounded, oldest out). */
  private readonly resentKeys = new Set<number>();
  /** Told each thing kept, as it is kept: how an Artillery worker streams its records back (src/load/artillery/records.ts). */
  onKept: ((event: KeptEvent) => void) | undefined;

  constructor(doc: LoadProfileDoc) {
    this.roles = auditRoles(doc);
  }

  /** Whether any operation of the mix is read. */
  get active(): boolean {
    return this.roles.some((r) => r !== undefined);
  }

  /**
   * One answer of mix operation `op`, with the application parameters it was sent with. Cheap for an
   * operation not read. `key` and `resend` as BuiltRequest's (an operation with re-sends); `latencyUs` as
   * the load model measures it, for an acknowledged claim's send time.
   */
  answer(op: number, params: Params, answer: ClassifiedAnswer, key?: number, resend?: boolean, latencyUs?: number): void {
    const role = this.roles[op];
    if (role === undefined) return;
    if (key !== undefined && role.read.role === 'claim') this.retryAnswer(op, params, answer, key, resend === true);
    // A refusal, or nothing sent: the target did nothing. Anything but a success or a refusal may have acted.
    if (answer.kind === 'refusal' || answer.kind === 'transport') return;
    const acked = answer.kind === 'success';
    const body = acked ? answer.body : undefined;
    const d = this.data;
    switch (role.read.role) {
      case 'claim': {
        const c = role.read.read(params, body);
        if (c === undefined) return;
        const batch = batchKeyOf(role.api, c.batch.key);
        if (d.batches[batch] === undefined) {
          d.batches[batch] = { api: role.api, batch: c.batch };
          this.onKept?.({ kind: 'batch', api: role.api, batch: c.batch });
        }
        const rec: ClaimRecord = {
          api: role.api,
          user: c.user,
          batch,
          ...(c.requestId !== undefined ? { requestId: c.requestId } : {}),
          ...(acked && c.couponCode !== undefined ? { couponCode: c.couponCode } : {}),
          ...(acked && c.amountFen !== undefined ? { amountFen: c.amountFen } : {}),
          ...(acked ? answerTimes(latencyUs) : {}),
        };
        if (acked) {
          d.counts.claims++;
          d.claimsByBatch[batch] = (d.claimsByBatch[batch] ?? 0) + 1;
          if (resend === true) {
            const resent = d.resentAcksByBatch ?? {};
            d.resentAcksByBatch = resent;
            resent[batch] = (resent[batch] ?? 0) + 1;
          }
          if (this.keep(d.claims, rec)) this.onKept?.({ kind: 'claim', record: rec });
        } else {
          d.counts.unknownClaims++;
          if (this.keep(d.unknownClaims, rec)) this.onKept?.({ kind: 'unknownClaim', record: rec });
        }
        return;
      }
      case 'redeem': {
        const r = role.read.read(params, body);
        if (r === undefined) return;
        if (acked) d.counts.redeems++;
        else d.counts.unknownRedeems++;
        const rec: RedeemRecord = { user: r.user, couponCode: r.couponCode, order: r.order };
        if (this.keep(acked ? d.redeems : d.unknownRedeems, rec)) this.onKept?.({ kind: acked ? 'redeem' : 'unknownRedeem', record: rec });
        return;
      }
      case 'verify': {
        if (!acked) return; // a verification changes nothing: an unknown one needs no lookup
        const v = role.read.read(params, body);
        if (v === undefined) return;
        d.counts.verifications++;
        this.verified(v.user, v.couponCode, v.order, v.deductionFen, v.orderFen, 0, v.eligibleFen);
        return;
      }
    }
  }

  /** Adds what another collector of the same run kept (a worker thread's). */
  absorb(other: AuditData): void {
    const d = this.data;
    for (const [k, b] of Object.entries(other.batches)) if (d.batches[k] === undefined) d.batches[k] = b;
    for (const [k, n] of Object.entries(other.claimsByBatch)) d.claimsByBatch[k] = (d.claimsByBatch[k] ?? 0) + n;
    for (const c of other.claims) this.keep(d.claims, c);
    for (const c of other.unknownClaims) this.keep(d.unknownClaims, c);
    for (const r of other.redeems) this.keep(d.redeems, r);
    for (const r of other.unknownRedeems) this.keep(d.unknownRedeems, r);
    for (const r of other.retryRefusals.kept) this.keepRefusal(r);
    d.retryRefusals.notKept += other.retryRefusals.notKept;
    for (const v of other.verifications) {
      const mine = this.verified(v.user, v.couponCode, v.order, v.deductionFen, v.orderFen, v.count - 1, v.eligibleFen);
      for (const x of v.differing) if (mine && mine.differing.length < AUDIT_LIMITS.maxDiffering) mine.differing.push(x);
    }
    const c = d.counts;
    c.claims += other.counts.claims;
    c.redeems += other.counts.redeems;
    c.verifications += other.counts.verifications;
    c.unknownClaims += other.counts.unknownClaims;
    c.unknownRedeems += other.counts.unknownRedeems;
    c.notKept += other.counts.notKept;
    if (other.resentAcksByBatch !== undefined) {
      const mine = d.resentAcksByBatch ?? {};
      d.resentAcksByBatch = mine;
      for (const [k, n] of Object.entries(other.resentAcksByBatch)) mine[k] = (mine[k] ?? 0) + n;
    }
    if (other.distinctByBatch !== undefined) {
      const mine = d.distinctByBatch ?? {};
      d.distinctByBatch = mine;
      for (const [k, n] of Object.entries(other.distinctByBatch)) mine[k] = (mine[k] ?? 0) + n;
    }
    if (other.incomplete !== undefined)
      d.incomplete = {
        reason: d.incomplete === undefined ? other.incomplete.reason : `${d.incomplete.reason}; ${other.incomplete.reason}`,
        countsExact: other.incomplete.countsExact && (d.incomplete?.countsExact ?? true),
      };
  }

  /** What was kept, as plain data (the collector's own: not a copy). */
  kept(): AuditData {
    return this.data;
  }

  /**
   * Watches the answers of an operation with re-sends for refusals the audit needs: a re-send's, and its
   * first send's whether it answered before or after the re-send.
   */
  private retryAnswer(op: number, params: Params, answer: ClassifiedAnswer, key: number, resend: boolean): void {
    if (resend && !this.resentKeys.has(key)) {
      this.resentKeys.add(key);
      if (this.resentKeys.size > AUDIT_LIMITS.recentRetries) this.resentKeys.delete(first(this.resentKeys.keys()) ?? key);
      const held = this.firstRefusals.get(key);
      if (held !== undefined) {
        this.firstRefusals.delete(key);
        this.refused(held.op, held.params, held.code, held.atMs);
      }
    }
    if (answer.kind !== 'refusal') return;
    const atMs = Date.now();
    if (resend || this.resentKeys.has(key)) {
      this.refused(op, params, answer.code, atMs);
      return;
    }
    this.firstRefusals.set(key, { op, params, code: answer.code, atMs });
    if (this.firstRefusals.size > AUDIT_LIMITS.recentRetries) this.firstRefusals.delete(first(this.firstRefusals.keys()) ?? key);
  }

  /** Keeps a refused claim of a request id sent more than once. */
  private refused(op: number, params: Params, code: string, atMs: number): void {
    const role = this.roles[op];
    if (role?.read.role !== 'claim') return;
    const c = role.read.read(params, undefined);
    if (c?.requestId === undefined) return;
    const rec: ClaimRecord = {
      api: role.api,
      user: c.user,
      batch: batchKeyOf(role.api, c.batch.key),
      requestId: c.requestId,
      refusalCode: code,
      atMs,
    };
    if (this.keepRefusal(rec)) this.onKept?.({ kind: 'retryRefusal', record: rec });
  }

  private keepRefusal(r: ClaimRecord): boolean {
    const kept = this.data.retryRefusals;
    if (kept.kept.length < AUDIT_LIMITS.maxKept) {
      kept.kept.push(r);
      return true;
    }
    kept.notKept++;
    return false;
  }

  /** Keeps `item` unless the list is full (then counted in notKept): whether it was kept. */
  private keep<T>(list: T[], item: T): boolean {
    if (list.length < AUDIT_LIMITS.maxKept) {
      list.push(item);
      return true;
    }
    this.data.counts.notKept++;
    return false;
  }

  /** Counts one verification (plus `more` of the same answer) of a coupon against an order; undefined when not kept. */
  private verified(
    user: string,
    couponCode: string,
    order: string,
    deductionFen: number | undefined,
    orderFen: number | undefined,
    more = 0,
    eligibleFen?: number,
  ): VerifyRecord | undefined {
    const key = `${couponCode}\u0000${order}`;
    const seen = this.verifyIndex.get(key);
    if (seen !== undefined) {
      seen.count += 1 + more;
      if (deductionFen !== seen.deductionFen && seen.differing.length < AUDIT_LIMITS.maxDiffering) {
        seen.differing.push(deductionFen ?? null);
        this.onKept?.({ kind: 'differing', couponCode, order, deductionFen: deductionFen ?? null });
      }
      return seen;
    }
    if (this.data.verifications.length >= AUDIT_LIMITS.maxVerifications) {
      this.data.counts.notKept++;
      return undefined;
    }
    const rec: VerifyRecord = { user, couponCode, order, deductionFen, orderFen, eligibleFen, count: 1 + more, differing: [] };
    this.verifyIndex.set(key, rec);
    this.data.verifications.push(rec);
    this.onKept?.({ kind: 'verification', record: { user, couponCode, order, deductionFen, orderFen, eligibleFen } });
    return rec;
  }
}

/** No answer kept yet. */
export function emptyAuditData(): AuditData {
  return {
    batches: {},
    claims: [],
    unknownClaims: [],
    redeems: [],
    unknownRedeems: [],
    verifications: [],
    retryRefusals: { kept: [], notKept: 0 },
    claimsByBatch: {},
    counts: { claims: 0, redeems: 0, verifications: 0, unknownClaims: 0, unknownRedeems: 0, notKept: 0 },
  };
}

type Params = Readonly<Record<string, unknown>>;

/** An acknowledged claim's answer time and, with a latency, its send time (epoch ms). */
function answerTimes(latencyUs: number | undefined): { atMs: number; sentAtMs?: number } {
  const atMs = Date.now();
  return latencyUs === undefined ? { atMs } : { atMs, sentAtMs: atMs - latencyUs / 1000 };
}

function first<T>(it: Iterator<T>): T | undefined {
  return it.next().value;
}
