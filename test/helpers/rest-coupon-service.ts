/**
 * A small coupon service written for the tests in a deliberately different shape from promoproof's
 * own wire format: REST paths per resource, camelCase fields, amounts in yuan as decimal strings, times
 * in epoch milliseconds and ISO 8601, its own error codes, a bearer token, ids it assigns itself
 * (`act_1`), claims made idempotent by a request id, its own coupon statuses (`AVAILABLE`, `USED`,
 * `EXPIRED`; it revokes nothing), one kind of coupon only (`kind: CASH`, issued by the shop: `issuer:
 * MERCHANT`; any other is refused). A user's coupons are listed by status, their count is the list's
 * `total`. Its binding is test/fixtures/bindings/rest-coupon.yaml.
 *
 * Its fault switches: `overIssue`, a claim reads the stock and the user's count, waits a store's round
 * trip, then takes them (read-then-write), so claims at once hand out more than the stock and the limit;
 * `authOff`, any caller is let through, with any token or none.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

export interface RestCouponOptions {
  readonly token: string;
  /** Read-then-write stock: over-issues under concurrent claims. */
  readonly overIssue?: boolean;
  /** Authorisation off: any token, or none, is let through (the fault CPN-06's checks catch). */
  readonly authOff?: boolean;
}

interface Activity {
  readonly activityId: string;
  readonly externalId: string;
  readonly title: string;
  readonly amountFen: number;
  readonly minSpendFen: number;
  readonly stock: number;
  readonly perUserLimit: number | undefined;
  readonly validFrom: number | undefined;
  readonly validTo: number | undefined;
  readonly validSeconds: number | undefined;
  claimed: number;
}

interface Coupon {
  readonly couponNo: string;
  readonly couponId: number;
  readonly activity: Activity;
  readonly userId: number;
  readonly claimedAt: number;
  readonly validFrom: number;
  readonly validTo: number;
  used?: { readonly orderNo: string; readonly total: number; readonly discount: number; readonly at: number };
}

/** The one kind of coupon the service has (an amount off above a minimum spend, 满减) and who issues it (the shop). */
const KINDS = ['CASH'] as const;
const ISSUERS = ['MERCHANT'] as const;

/** The service's own names of a coupon's status (the spec's unused, used, expired). */
const STATUSES = ['AVAILABLE', 'USED', 'EXPIRED'] as const;
type CouponStatus = (typeof STATUSES)[number];

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const FAR_FUTURE = Date.UTC(2099, 0, 1);
/** How long the faulty claim holds what it read before it writes. */
const OVER_ISSUE_WINDOW_MS = 5;

/** Yuan with two decimals, exact: 2000 → "20.00". */
function yuan(fen: number): string {
  return `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

/** "20.00", "20.5", 20 → 2000, 2050, 2000; a Refusal for anything else. */
function fenOf(v: unknown, field: string): number {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(String(v ?? ''));
  if (m === null) throw new Refusal(400, 'INVALID_ARGUMENT', `${field} is not an amount in yuan`);
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

function positiveInt(v: unknown, field: string): number {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1)
    throw new Refusal(400, 'INVALID_ARGUMENT', `${field} must be a positive integer`);
  return n;
}

/** A Refusal unless `v` is absent or one of `values`. */
function oneOf(v: unknown, values: readonly string[], field: string): void {
  if (v !== undefined && !values.includes(String(v))) throw new Refusal(400, 'INVALID_ARGUMENT', `${field} is one of ${values.join(', ')}`);
}

/** Builds the service (not listening). */
export function buildRestCouponService(opts: RestCouponOptions): FastifyInstance {
  const app = Fastify({ logger: false });
  const activities = new Map<string, Activity>();
  const coupons = new Map<string, Coupon>();
  const byRequest = new Map<string, Coupon>();
  let next = 0;

  app.addHook('onRequest', async (req, reply) => {
    // No JSON in the refusal, as many gateways answer: a bare 401 with a WWW-Authenticate challenge.
    if (!opts.authOff && req.headers.authorization !== `Bearer ${opts.token}`)
      return reply.code(401).header('www-authenticate', 'Bearer').send();
    return undefined;
  });
  app.setErrorHandler((e, _req, reply) => {
    if (e instanceof Refusal) return reply.code(e.status).send({ error: { code: e.code, message: e.message } });
    return reply.code(500).send({ error: { code: 'INTERNAL', message: String(e) } });
  });

  const activityOf = (id: string): Activity => {
    const a = activities.get(id);
    if (a === undefined) throw new Refusal(404, 'ACTIVITY_NOT_FOUND', `no activity ${id}`);
    return a;
  };
  const couponOf = (code: string, userId: unknown): Coupon => {
    const c = coupons.get(code);
    if (c === undefined) throw new Refusal(404, 'COUPON_NOT_FOUND', `no coupon ${code}`);
    if (c.userId !== positiveInt(userId, 'userId')) throw new Refusal(403, 'NOT_YOUR_COUPON', 'the coupon belongs to another user');
    return c;
  };
  const statusOf = (c: Coupon, now: number): CouponStatus => (c.used ? 'USED' : now > c.validTo ? 'EXPIRED' : 'AVAILABLE');
  const view = (c: Coupon) => ({
    couponNo: c.couponNo,
    couponId: c.couponId,
    activityId: c.activity.activityId,
    userId: c.userId,
    title: c.activity.title,
    amount: yuan(c.activity.amountFen),
    minSpend: yuan(c.activity.minSpendFen),
    validFrom: c.validFrom,
    validTo: c.validTo,
    claimedAt: c.claimedAt,
    status: statusOf(c, Date.now()),
    ...(c.used ? { orderNo: c.used.orderNo, usedAt: new Date(c.used.at).toISOString() } : {}),
  });
  /** The order's total and the coupon's discount, in fen; a Refusal when the coupon does not apply. */
  const priced = (c: Coupon, items: unknown) => {
    if (!Array.isArray(items) || items.length === 0) throw new Refusal(400, 'INVALID_ARGUMENT', 'items must be a non-empty list');
    const total = items.reduce(
      (sum: number, it: { qty?: unknown; unitPrice?: unknown }) => sum + positiveInt(it.qty, 'qty') * fenOf(it.unitPrice, 'unitPrice'),
      0,
    );
    const now = Date.now();
    if (c.used) throw new Refusal(409, 'ALREADY_USED', 'the coupon was used');
    if (now > c.validTo) throw new Refusal(410, 'EXPIRED', 'the coupon expired');
    if (now < c.validFrom) throw new Refusal(409, 'NOT_YET_VALID', 'the coupon is not valid yet');
    if (total < c.activity.minSpendFen) throw new Refusal(422, 'MIN_SPEND_NOT_MET', `the order is below ${yuan(c.activity.minSpendFen)}`);
    return { total, discount: Math.min(c.activity.amountFen, total) };
  };

  app.post('/activities', async (req: FastifyRequest<{ Body: Record<string, unknown> }>, reply: FastifyReply) => {
    const b = req.body ?? {};
    if (typeof b['title'] !== 'string' || b['title'] === '') throw new Refusal(400, 'INVALID_ARGUMENT', 'title is required');
    // Absent means its one kind and issuer; any other is refused, never created as a cash coupon.
    oneOf(b['kind'], KINDS, 'kind');
    oneOf(b['issuer'], ISSUERS, 'issuer');
    const activity: Activity = {
      activityId: `act_${++next}`,
      externalId: String(b['externalId'] ?? ''),
      title: b['title'],
      amountFen: fenOf(b['amount'], 'amount'),
      minSpendFen: b['minSpend'] === undefined ? 0 : fenOf(b['minSpend'], 'minSpend'),
      stock: positiveInt(b['stock'], 'stock'),
      perUserLimit: b['perUserLimit'] === undefined ? undefined : positiveInt(b['perUserLimit'], 'perUserLimit'),
      validFrom: typeof b['validFrom'] === 'number' ? b['validFrom'] : undefined,
      validTo: typeof b['validTo'] === 'number' ? b['validTo'] : undefined,
      validSeconds: b['validSeconds'] === undefined ? undefined : positiveInt(b['validSeconds'], 'validSeconds'),
      claimed: 0,
    };
    activities.set(activity.activityId, activity);
    return reply.code(201).send({ activityId: activity.activityId, externalId: activity.externalId });
  });

  app.post('/activities/:id/claims', async (req: FastifyRequest<{ Params: { id: string }; Body: Record<string, unknown> }>, reply) => {
    const a = activityOf(req.params.id);
    const userId = positiveInt(req.body?.['userId'], 'userId');
    const requestId = req.body?.['requestId'];
    if (typeof requestId === 'string') {
      const seen = byRequest.get(requestId);
      if (seen !== undefined) {
        if (seen.activity !== a || seen.userId !== userId)
          throw new Refusal(409, 'REQUEST_ID_REUSED', 'the request id was used for another claim');
        return reply.code(200).send({ coupon: view(seen) });
      }
    }
    if (a.claimed >= a.stock) throw new Refusal(409, 'SOLD_OUT', 'no stock left');
    const held = [...coupons.values()].filter((c) => c.activity === a && c.userId === userId).length;
    if (a.perUserLimit !== undefined && held >= a.perUserLimit) throw new Refusal(409, 'LIMIT_REACHED', 'per-user limit reached');
    // The fault: the stock and the user's coupons were read above, and are taken after a store's round
    // trip (5 ms), as a read-then-write store does: claims arriving meanwhile read the same counts.
    if (opts.overIssue) await new Promise((r) => setTimeout(r, OVER_ISSUE_WINDOW_MS));
    a.claimed++;
    const now = Date.now();
    const coupon: Coupon = {
      couponNo: `RC${String(++next).padStart(8, '0')}`,
      couponId: next,
      activity: a,
      userId,
      claimedAt: now,
      validFrom: a.validFrom ?? now,
      validTo: a.validTo ?? (a.validSeconds !== undefined ? now + a.validSeconds * 1000 : FAR_FUTURE),
    };
    coupons.set(coupon.couponNo, coupon);
    if (typeof requestId === 'string') byRequest.set(requestId, coupon);
    return reply.code(201).send({ coupon: view(coupon) });
  });

  app.get('/users/:uid/coupons', async (req: FastifyRequest<{ Params: { uid: string }; Querystring: Record<string, string> }>) => {
    const userId = positiveInt(req.params.uid, 'uid');
    const page = req.query['page'] === undefined ? 1 : positiveInt(req.query['page'], 'page');
    const size = req.query['size'] === undefined ? 20 : positiveInt(req.query['size'], 'size');
    if (size > 100) throw new Refusal(400, 'INVALID_ARGUMENT', 'size is at most 100');
    // Its own names only: a filter in the spec's words (unused) is refused, so a binding must map it.
    const status = req.query['status'];
    if (status !== undefined && !(STATUSES as readonly string[]).includes(status))
      throw new Refusal(400, 'INVALID_ARGUMENT', `status is one of ${STATUSES.join(', ')}`);
    const now = Date.now();
    const mine = [...coupons.values()].filter(
      (c) => c.userId === userId && (req.query['status'] === undefined || statusOf(c, now) === req.query['status']),
    );
    return {
      items: mine.slice((page - 1) * size, page * size).map(view),
      total: mine.length,
      page,
      size,
      pages: Math.ceil(mine.length / size),
    };
  });

  app.post('/coupons/:code/verify', async (req: FastifyRequest<{ Params: { code: string }; Body: Record<string, unknown> }>) => {
    const c = couponOf(req.params.code, req.body?.['userId']);
    const { total, discount } = priced(c, req.body?.['items']);
    return {
      couponNo: c.couponNo,
      orderTotal: yuan(total),
      eligible: yuan(total),
      discount: yuan(discount),
      payable: yuan(total - discount),
    };
  });

  app.post('/coupons/:code/redeem', async (req: FastifyRequest<{ Params: { code: string }; Body: Record<string, unknown> }>) => {
    const c = couponOf(req.params.code, req.body?.['userId']);
    const orderNo = String(req.body?.['orderNo'] ?? '');
    if (orderNo === '') throw new Refusal(400, 'INVALID_ARGUMENT', 'orderNo is required');
    // The same order again answers the same redemption.
    if (c.used?.orderNo === orderNo) return redemption(c);
    const { total, discount } = priced(c, req.body?.['items']);
    c.used = { orderNo, total, discount, at: Date.now() };
    return redemption(c);
  });

  app.get('/activities/:id/stats', async (req: FastifyRequest<{ Params: { id: string } }>) => {
    const a = activityOf(req.params.id);
    const mine = [...coupons.values()].filter((c) => c.activity === a);
    const now = Date.now();
    return {
      activityId: a.activityId,
      claimed: mine.length,
      used: mine.filter((c) => c.used).length,
      expired: mine.filter((c) => statusOf(c, now) === 'EXPIRED').length,
      remaining: a.stock - a.claimed,
    };
  });

  return app;
}

function redemption(c: Coupon) {
  const u = c.used;
  if (u === undefined) throw new Refusal(500, 'INTERNAL', 'not redeemed');
  return {
    couponNo: c.couponNo,
    orderNo: u.orderNo,
    orderTotal: yuan(u.total),
    discount: yuan(u.discount),
    paid: yuan(u.total - u.discount),
    usedAt: new Date(u.at).toISOString(),
  };
}

/** Starts the service on a free loopback port; answers its origin and a stop. */
export async function startRestCouponService(opts: RestCouponOptions): Promise<{ origin: string; close: () => Promise<void> }> {
  const app = buildRestCouponService(opts);
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  return { origin, close: () => app.close() };
}
