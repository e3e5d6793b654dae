/**
 * The coupon platform's indexes: every coupon by number, by (user, request id), by user and by batch,
 * and per batch the counts a claim checks (per user, per user and day, per day with the face value
 * handed out), kept as coupons are handed out and change state — so that no operation scans every
 * coupon ever issued. Synchronous and exact: the platform's atomicity on one process holds.
 *
 * Nothing here depends on the clock: days are the UTC+8 day numbers the platform passes in, looked up
 * exactly (a user's clock may run ahead of another's), and `expired` is never stored — it is derived
 * from a coupon's validity at read time, so no index goes stale as time moves.
 */
import type { BatchKey } from './terms.js';

/** The stored states of a coupon (`expired` is derived at read time from its validity). */
export type StoredState = 'unused' | 'used' | 'revoked';

/** What the ledger reads of a coupon. */
export interface LedgerCoupon {
  /** The platform's sequence number: each coupon filed numbered one more than the one before. */
  readonly id: number;
  readonly uid: number;
  readonly batch: BatchKey;
  readonly via: 'claim' | 'issue';
  readonly requestId: string | undefined;
  readonly state: StoredState;
}

/** One user's coupons of one batch: how many, and how many per day (the latest day inline, others in a map). */
interface UserCount {
  readonly batch: object;
  count: number;
  day: number;
  dayCount: number;
  /** The days other than `day`, created only when a second day appears (a user's clock may also run back). */
  other?: Map<number, number>;
}

/**
 * Everything filed under one user, so that a claim looks its user up once: the coupons, the request
 * ids answered, and the counts per batch (a short list: a user holds coupons of few batches).
 */
interface UserEntry<C> {
  readonly coupons: C[];
  /** Request id → the coupon it was last answered with; only past REQUESTS_INLINE coupons (a map per user is heavy). */
  requests: Map<string, C> | undefined;
  /** Assigned, not pushed, for the first batch: an array literal is sized to fit, a first push reserves 17 slots. */
  counts: UserCount[];
}

/** Up to this many coupons a user's request ids are found by reading the user's coupons from the last. */
const REQUESTS_INLINE = 8;

const countOf = (entry: UserEntry<unknown> | undefined, batch: object): UserCount | undefined => {
  if (!entry) return undefined;
  for (const c of entry.counts) if (c.batch === batch) return c;
  return undefined;
};

/** One batch's coupons and counts, as a claim and the statistics read them. */
export interface BatchLedger<C extends LedgerCoupon> {
  /** The batch's coupons in the order they were handed out. */
  readonly coupons: readonly C[];
  /** Handed out by a claim (the rest by a rule). */
  readonly claimed: number;
  /** Coupons per stored state (an unused coupon past its validity is still counted unused here). */
  readonly states: Readonly<Record<StoredState, number>>;
  /** Used coupons that were claimed (what the statsUsedMiscounted fault counts). */
  readonly usedClaimed: number;
  /** How many coupons of the batch `uid` holds, whatever their state. */
  userCount(uid: number): number;
  /** How many coupons of the batch `uid` took on `day` (a UTC+8 day number). */
  userDayCount(uid: number, day: number): number;
  /** How many coupons of the batch were handed out on `day`, and their face value in fen. */
  dayTotals(day: number): { readonly count: number; readonly faceFen: number };
}

class Batch<C extends LedgerCoupon> implements BatchLedger<C> {
  readonly coupons: C[] = [];
  claimed = 0;
  usedClaimed = 0;
  readonly states: Record<StoredState, number> = { unused: 0, used: 0, revoked: 0 };
  private readonly days = new Map<number, { count: number; faceFen: number }>();

  constructor(private readonly users: ReadonlyMap<number, UserEntry<C>>) {}

  userCount(uid: number): number {
    return countOf(this.users.get(uid), this)?.count ?? 0;
  }

  userDayCount(uid: number, day: number): number {
    const u = countOf(this.users.get(uid), this);
    if (!u) return 0;
    return u.day === day ? u.dayCount : (u.other?.get(day) ?? 0);
  }

  dayTotals(day: number): { readonly count: number; readonly faceFen: number } {
    return this.days.get(day) ?? { count: 0, faceFen: 0 };
  }

  add(coupon: C, user: UserEntry<C>, day: number, faceFen: number): void {
    this.coupons.push(coupon);
    if (coupon.via === 'claim') this.claimed++;
    this.states[coupon.state]++;
    if (coupon.state === 'used' && coupon.via === 'claim') this.usedClaimed++;
    const u = countOf(user, this);
    if (!u) {
      if (user.counts.length === 0) user.counts = [{ batch: this, count: 1, day, dayCount: 1 }];
      else user.counts.push({ batch: this, count: 1, day, dayCount: 1 });
    } else {
      u.count++;
      if (u.day === day) u.dayCount++;
      else {
        // Another day for this user: the current one moves to the map, the new one comes inline.
        u.other ??= new Map();
        u.other.set(u.day, u.dayCount);
        u.dayCount = (u.other.get(day) ?? 0) + 1;
        u.other.delete(day);
        u.day = day;
      }
    }
    const d = this.days.get(day);
    if (d) {
      d.count++;
      d.faceFen += faceFen;
    } else this.days.set(day, { count: 1, faceFen });
  }

  moved(coupon: C, from: StoredState): void {
    if (from === coupon.state) return;
    this.states[from]--;
    this.states[coupon.state]++;
    if (coupon.via === 'claim') {
      if (from === 'used') this.usedClaimed--;
      if (coupon.state === 'used') this.usedClaimed++;
    }
  }
}

/** Every coupon of the platform, indexed; the platform owns the coupons, the ledger only files them. */
export class CouponLedger<C extends LedgerCoupon> {
  /** Coupons by number: ids[n] is numbered first + n (dense: the numbers follow one another). */
  private readonly ids: C[] = [];
  private first = 0;
  private readonly users = new Map<number, UserEntry<C>>();
  // Nested maps, so no separator can make two batch keys collide.
  private readonly batches = new Map<string, Map<string, Batch<C>>>();

  /** Files a coupon just handed out, on `day` (UTC+8 day number), worth `faceFen` towards max_amount_by_day. */
  add(coupon: C, day: number, faceFen: number): void {
    if (this.ids.length === 0) this.first = coupon.id;
    else if (coupon.id !== this.first + this.ids.length)
      throw new Error(`coupon ${coupon.id} filed after ${this.first + this.ids.length - 1}: numbers must follow one another`);
    this.ids.push(coupon);
    let user = this.users.get(coupon.uid);
    if (!user) {
      // Most users of a storm hold one coupon: arrays sized to fit (see counts).
      user = { coupons: [coupon], requests: undefined, counts: [] };
      this.users.set(coupon.uid, user);
    } else user.coupons.push(coupon);
    if (user.requests) {
      if (coupon.requestId !== undefined) user.requests.set(coupon.requestId, coupon);
    } else if (user.coupons.length > REQUESTS_INLINE) {
      // In order, so that a request id answered twice (a fault ignoring them) maps to the last coupon.
      user.requests = new Map();
      for (const c of user.coupons) if (c.requestId !== undefined) user.requests.set(c.requestId, c);
    }
    this.batchOf(coupon.batch, true).add(coupon, user, day, faceFen);
  }

  /** Records that `coupon` (already changed) left the state `from`. */
  moved(coupon: C, from: StoredState): void {
    this.batchOf(coupon.batch, true).moved(coupon, from);
  }

  /** The coupon numbered `id`. */
  byId(id: number): C | undefined {
    return this.ids[id - this.first];
  }

  /** The coupon a user's request id was last answered with, if any. */
  byRequest(uid: number, requestId: string): C | undefined {
    const user = this.users.get(uid);
    if (!user) return undefined;
    if (user.requests) return user.requests.get(requestId);
    for (let i = user.coupons.length - 1; i >= 0; i--) if (user.coupons[i]?.requestId === requestId) return user.coupons[i];
    return undefined;
  }

  /** A user's coupons in the order they were handed out (a copy). */
  ofUser(uid: number): C[] {
    return [...(this.users.get(uid)?.coupons ?? [])];
  }

  /** Whether the user holds any coupon at all. */
  hasUser(uid: number): boolean {
    return this.users.has(uid);
  }

  /** One batch's coupons and counts (empty when none was handed out). */
  batch(key: BatchKey): BatchLedger<C> {
    return this.batchOf(key, false) ?? EMPTY;
  }

  /** Forgets every coupon. */
  clear(): void {
    this.ids.length = 0;
    this.users.clear();
    this.batches.clear();
  }

  private batchOf(key: BatchKey, create: true): Batch<C>;
  private batchOf(key: BatchKey, create: false): Batch<C> | undefined;
  private batchOf(key: BatchKey, create: boolean): Batch<C> | undefined {
    let source = this.batches.get(key.dataSourceId);
    if (!source) {
      if (!create) return undefined;
      source = new Map();
      this.batches.set(key.dataSourceId, source);
    }
    let b = source.get(key.batchId);
    if (!b && create) {
      b = new Batch<C>(this.users);
      source.set(key.batchId, b);
    }
    return b;
  }
}

/** The ledger of a batch nothing was handed out of (frozen: never written). */
const EMPTY: BatchLedger<never> = Object.freeze(new Batch<never>(new Map()));
