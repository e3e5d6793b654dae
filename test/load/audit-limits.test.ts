/**
 * The audit's later invariants (src/load/audit.ts), each against the reference in this process, correct
 * and with the fault that breaks it: re-sends with one request id never issue twice nor are refused once
 * acknowledged (`idempotent-retries`, the recorder counting a re-sent success once), the batch's daily limits (`daily-count`, `daily-amount`,
 * `per-user-daily`), and each verified order's deduction as the coupon's terms give it (`verify-deduction`).
 * Counts only: no timing is asserted.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Target } from '../../src/engine/target.js';
import { jdCouponAudit } from '../../src/apis/jd-coupon/audit.js';
import { yohoUserCouponAudit } from '../../src/apis/yoho-user-coupon/audit.js';
import { createLoadAudit } from '../../src/load/audit.js';
import { AUDIT_LIMITS, AuditCollector } from '../../src/load/audit-log.js';
import { LoadError } from '../../src/core/errors.js';
import { compileMix } from '../../src/load/mix.js';
import { parseProfile } from '../../src/load/profile.js';
import { runLoad } from '../../src/load/run-load.js';
import type { AuditResult, LoadOperationDoc, LoadProfileDoc, LoadResult } from '../../src/load/types.js';
import { uploadStep } from './upload-step.js';
import { embeddedPerTest } from './embedded-per-test.js';

const embedded = embeddedPerTest();
const reference = embedded.reference;

const BATCH = { data_source_id: '${target.dataSourceId}', batch_id: '${batch}' };

/** A claim spike on one batch with the given upload terms, audit limits and re-sends. */
function claims(o: {
  requests: number;
  users: number;
  terms: Record<string, unknown>;
  limits: Record<string, unknown>;
  retries?: LoadOperationDoc['retries'];
}): LoadProfileDoc {
  return {
    profile: 'audit-limits',
    title: 'audit test: limits',
    description: 'claims at one instant',
    apis: ['jd-coupon', 'tencent-coupon-batch'],
    vars: { batch: 'pp-${fresh.name}' },
    setup: [
      uploadStep({
        external_coupon_id: '${batch}',
        coupon_name: '限量券',
        coupon_type: 1,
        coupon_sub_type: 1,
        amount_coupon: 10,
        ...o.terms,
      }),
    ],
    users: { count: o.users },
    mix: [
      {
        name: 'claim',
        call: 'promoproof.coupon.claim',
        weight: 1,
        params: { ...BATCH, uid: '${user}', request_id: '${requestId}' },
        refusals: 'any',
        audit: 'claim',
        ...(o.retries ? { retries: o.retries } : {}),
      },
    ],
    phases: [{ phase: 'spike', requests: o.requests, operation: 'claim' }],
    audit: { batches: [{ batch: BATCH, ...o.limits }], sampleUsers: 3 },
  } as LoadProfileDoc;
}

async function audited(doc: LoadProfileDoc, target: Target): Promise<{ audit: AuditResult; result: LoadResult }> {
  const audit = createLoadAudit({ profile: doc, target });
  const result = await runLoad({ profile: { doc, file: `${doc.profile}.yaml` }, target, overrides: { seed: 11 }, audit });
  expect(result.stoppedBy).toBe('completed');
  return { audit: await audit.finish(), result };
}

const inv = (a: AuditResult, id: string) => a.invariants.find((i) => i.id === id);
const nonConformant = (r: LoadResult) => Object.values(r.totals.operations).reduce((s, o) => s + o.classes['non-conformant'].count, 0);

describe('re-sends with one request id', () => {
  it('the mix re-sends an earlier claim’s parameters, signed again, keyed by the first send', async () => {
    const doc = claims({ requests: 1, users: 50, terms: {}, limits: {}, retries: { share: 0.3, when: 'concurrent' } });
    const target = await reference();
    const mix = compileMix({ profile: doc, target, vars: { batch: 'b' }, maxBodyBytes: 1 << 20, seed: 3, runTag: 't' });
    const built = Array.from({ length: 400 }, (_, i) => mix.build(i));
    const resends = built.filter((b) => b.resend);
    expect(resends.length / built.length).toBeGreaterThan(0.2);
    expect(resends.length / built.length).toBeLessThan(0.4);
    for (const r of resends) {
      const first = built[r.key ?? -1];
      // `concurrent`: the first send just before it, with its request id and user, not yet another request.
      expect(first?.resend).toBeFalsy();
      expect(r.app).toBe(first?.app);
      expect(r.wire.body).toContain(String(first?.app['request_id']));
    }
    expect(
      built.filter((b) => !b.resend).every((b, _, all) => b.key !== undefined && all.filter((x) => x.key === b.key).length === 1),
    ).toBe(true);
  });

  it('a profile whose re-sent operation sends no request id is refused at its line; a share beyond 0.5 by the schema', () => {
    const problems = (retries: string, params = '{ data_source_id: "1", batch_id: b, uid: "${user}" }') => {
      try {
        parseProfile(
          'retries.yaml',
          `profile: retries\ntitle: t\ndescription: d\napis: [jd-coupon]\nusers: { count: 1 }\nmix:\n  - name: claim\n    call: promoproof.coupon.claim\n    weight: 1\n    params: ${params}\n    retries: ${retries}\nphases: [{ phase: spike, requests: 1 }]\n`,
        );
        return [];
      } catch (e) {
        if (e instanceof LoadError) return e.problems.map((p) => [p.code, p.pos.line, p.pos.column]);
        throw e;
      }
    };
    expect(problems('{ share: 0.05 }')).toEqual([['PP_PROFILE', 11, 14]]);
    expect(problems('{ share: 0.9 }', '{ uid: "${user}", request_id: "${requestId}", data_source_id: "1", batch_id: b }')).toEqual([
      ['PP_SCHEMA', 11, expect.any(Number)],
    ]);
  });

  /** 300 claims of 100 users on a batch of 30, a fifth of them re-sends: acknowledged more often than the stock. */
  const resentBeyondStock = () =>
    claims({
      requests: 300,
      users: 100,
      terms: { store_count: 30, max_coupon_number_per_user: 5 },
      limits: { stock: 30, perUser: 5 },
      retries: { share: 0.2 },
    });

  it('the reference answers a re-send with its first coupon: idempotent-retries holds, no success counted beyond the stock', async () => {
    const doc = resentBeyondStock();
    const { audit, result } = await audited(doc, await reference());
    expect(audit.status, audit.reason).toBe('passed');
    expect(inv(audit, 'idempotent-retries')).toMatchObject({ status: 'held', level: 'ref', rule: 'CPN-REF-07' });
    // Re-sends of claims that got a coupon answered it again: acknowledged more than the stock, handed out exactly it.
    expect(audit.acknowledged.claims).toBeGreaterThan(30);
    expect(inv(audit, 'stock')?.observed).toContain('30 handed out');
    expect(nonConformant(result)).toBe(0);
  });

  it('beyond the audit’s memory, re-sends answered again are not counted as coupons: stock and statistics hold; over-issuance still fails', async () => {
    const limits = AUDIT_LIMITS as { maxKept: number };
    const kept = limits.maxKept;
    limits.maxKept = 5;
    try {
      const doc = resentBeyondStock();
      const { audit } = await audited(doc, await reference());
      // Acknowledged beyond the stock (the re-sends answered again), counted not kept: the first sends alone are the coupons.
      expect(audit.acknowledged.claims).toBeGreaterThan(30);
      expect(inv(audit, 'stock')?.status, inv(audit, 'stock')?.reason).not.toBe('violated');
      expect(inv(audit, 'statistics-claimed')?.status, inv(audit, 'statistics-claimed')?.observed).toBe('held');
      const raced = await audited(doc, await reference('cpn-claim-race'));
      expect(inv(raced.audit, 'stock')?.status).toBe('violated');
    } finally {
      limits.maxKept = kept;
    }
  });

  it('fails idempotent-retries with cpn-retry-issues-twice, naming the request ids', async () => {
    const doc = claims({
      requests: 200,
      users: 50,
      terms: { store_count: 1000, max_coupon_number_per_user: 100 },
      limits: { stock: 1000, perUser: 100 },
      retries: { share: 0.2, when: 'after', afterMs: 1 },
    });
    const { audit } = await audited(doc, await reference('cpn-retry-issues-twice'));
    const retries = inv(audit, 'idempotent-retries');
    expect(retries?.status).toBe('violated');
    expect(retries?.observed).toMatch(/^[1-9]\d* of \d+ request ids/);
    expect(retries?.examples[0]?.requestId).toBeTruthy();
    expect(retries?.examples[0]?.couponCode).toBeTruthy();
    // Against the embedded reference a ref invariant counts (as `check` counts ref checks).
    expect(audit.status).toBe('failed');
  });

  /** claim-storm's terms: one coupon per user, so a re-send that gets no second coupon is refused instead. */
  const onePerUser = (retries: LoadOperationDoc['retries']) =>
    claims({
      requests: 300,
      users: 60,
      terms: { store_count: 1000, max_coupon_number_per_user: 1 },
      limits: { stock: 1000, perUser: 1 },
      retries,
    });

  it('fails idempotent-retries with cpn-retry-issues-twice under one coupon per user: the re-send refused once acknowledged', async () => {
    const { audit } = await audited(onePerUser({ share: 0.2, when: 'after', afterMs: 1 }), await reference('cpn-retry-issues-twice'));
    const retries = inv(audit, 'idempotent-retries');
    expect(retries?.status).toBe('violated');
    // No second coupon (the per-user limit holds), only refusals where the first coupon was due again.
    expect(retries?.observed).toMatch(
      /^0 of [1-9]\d* request ids sent more than once got more than one coupon; [1-9]\d* were acknowledged and refused$/,
    );
    expect(retries?.examples[0]).toEqual({
      user: expect.any(String),
      requestId: expect.any(String),
      couponCode: expect.any(String),
      refusalCode: 'coupon.user.limit',
    });
    expect(inv(audit, 'per-user')?.status).toBe('held');
    expect(audit.status).toBe('failed');
    expect(audit.reason).toContain('idempotent-retries');
  });

  it('holds against the reference when re-sends race their first (one coupon per user, sent while the first is in flight)', async () => {
    const { audit, result } = await audited(onePerUser({ share: 0.3, when: 'concurrent' }), await reference());
    const retries = inv(audit, 'idempotent-retries');
    expect(retries?.status, retries?.observed).toBe('held');
    expect(retries?.observed).toMatch(/^0 of [1-9]\d* request ids .*; 0 were acknowledged and refused$/);
    // The spike sends its 300 at one instant: a `concurrent` re-send leaves while its first is still unanswered.
    expect(audit.status, audit.reason).toBe('passed');
    expect(nonConformant(result)).toBe(0);
  });

  describe('the refusals kept for it', () => {
    const doc = () => onePerUser({ share: 0.2 });
    const params = (requestId: string) => ({ data_source_id: '101', batch_id: 'b', uid: 7, request_id: requestId });
    const ok = (code: string) => ({ kind: 'success', body: { coupon: { coupon_code: code } } }) as const;
    const no = (code: string) => ({ kind: 'refusal', code, message: '', body: null }) as const;

    it('keeps a re-sent request id’s refusals, its first send’s whether answered before or after the re-send, and no other', () => {
      const a = new AuditCollector(doc());
      a.answer(0, params('r0'), no('coupon.stock.empty'), 0, false); // never re-sent: not kept
      a.answer(0, params('r1'), no('coupon.user.limit'), 1, false); // held until its re-send answers
      a.answer(0, params('r1'), ok('C1'), 1, true, 2_000);
      a.answer(0, params('r2'), no('coupon.user.limit'), 2, true); // the re-send answers first
      a.answer(0, params('r2'), no('coupon.user.limit'), 2, false);
      a.answer(0, params('r3'), ok('C3'), 3, false, 1_000);
      const b = new AuditCollector(doc());
      b.answer(0, params('r4'), no('coupon.stock.empty'), 4, true);
      a.absorb(b.kept());
      const kept = a.kept();
      expect(kept.retryRefusals.kept.map((r) => [r.requestId, r.refusalCode])).toEqual([
        ['r1', 'coupon.user.limit'],
        ['r2', 'coupon.user.limit'],
        ['r2', 'coupon.user.limit'],
        ['r4', 'coupon.stock.empty'],
      ]);
      expect(kept.retryRefusals.kept.every((r) => r.user === '7' && typeof r.atMs === 'number')).toBe(true);
      // An acknowledged claim's send time is its answer's less the latency the model measured.
      const r3 = kept.claims.find((c) => c.requestId === 'r3');
      expect((r3?.atMs ?? 0) - (r3?.sentAtMs ?? 0)).toBeCloseTo(1, 6);
      expect(kept.counts.claims).toBe(2);
    });

    it('holds only a bounded number of first sends’ refusals', () => {
      const a = new AuditCollector(doc());
      const n = AUDIT_LIMITS.recentRetries + 10;
      for (let k = 0; k < n; k++) a.answer(0, params(`r${k}`), no('coupon.stock.empty'), k, false);
      // The oldest were let go: their re-sends find nothing to keep but their own refusal.
      a.answer(0, params('r0'), no('coupon.stock.empty'), 0, true);
      a.answer(0, params(`r${n - 1}`), no('coupon.stock.empty'), n - 1, true);
      expect(a.kept().retryRefusals.kept.map((r) => r.requestId)).toEqual(['r0', `r${n - 1}`, `r${n - 1}`]);
    });

    it('judges a refusal by when it came: after the acknowledged send left, violated; answered before, a retry granted later', async () => {
      const d = doc();
      const audit = createLoadAudit({ profile: d, target: await reference() });
      await audit.begin({ vars: { batch: 'b' }, userBase: 7 });
      const now = vi.spyOn(Date, 'now');
      try {
        // r1: refused at t=1000, re-sent and granted, sent at t=1990: CPN-REF-07's refused claim reserves nothing.
        now.mockReturnValue(1_000);
        audit.collector.answer(0, params('r1'), no('coupon.user.limit'), 1, false);
        now.mockReturnValue(2_000);
        audit.collector.answer(0, params('r1'), ok('C1'), 1, true, 10_000);
        // r2: granted (sent at t=2990), its re-send refused at t=3005: idempotency broken.
        now.mockReturnValue(3_000);
        audit.collector.answer(0, params('r2'), ok('C2'), 2, false, 10_000);
        now.mockReturnValue(3_005);
        audit.collector.answer(0, params('r2'), no('coupon.user.limit'), 2, true);
      } finally {
        now.mockRestore();
      }
      const retries = inv(await audit.finish(), 'idempotent-retries');
      expect(retries?.observed).toBe('0 of 2 request ids sent more than once got more than one coupon; 1 were acknowledged and refused');
      expect(retries?.examples).toEqual([{ user: '7', requestId: 'r2', couponCode: 'C2', refusalCode: 'coupon.user.limit' }]);
    });
  });
});

describe('daily limits', () => {
  const dayTerms = { store_count: 1000, max_coupon_number_per_user: 10, max_coupons_by_day: 12, max_amount_by_day: 150 };
  const dayLimits = { stock: 1000, perUser: 10, perDay: 12, amountPerDayFen: 15_000 };

  it('hold against the reference: 12 coupons, 120 yuan handed out the day of the run', async () => {
    const { audit } = await audited(claims({ requests: 100, users: 100, terms: dayTerms, limits: dayLimits }), await reference());
    expect(audit.status, audit.reason).toBe('passed');
    expect(inv(audit, 'daily-count')).toMatchObject({ status: 'held', level: 'ref', rule: 'CPN-REF-03' });
    expect(inv(audit, 'daily-count')?.observed).toMatch(/: 12$/);
    expect(inv(audit, 'daily-amount')?.observed).toMatch(/: 12000 fen$/);
  });

  it('fail with cpn-day-limits-ignored, count and amount', async () => {
    const { audit } = await audited(
      claims({ requests: 100, users: 100, terms: dayTerms, limits: dayLimits }),
      await reference('cpn-day-limits-ignored'),
    );
    expect(inv(audit, 'daily-count')?.status).toBe('violated');
    expect(inv(audit, 'daily-amount')?.status).toBe('violated');
    expect(inv(audit, 'daily-count')?.examples.length).toBeGreaterThan(0);
  });

  it('per user: max_coupon_number_per_user_daily holds, and fails with cpn-daily-limit-ignored', async () => {
    const doc = () =>
      claims({
        requests: 60,
        users: 5,
        terms: { store_count: 1000, max_coupon_number_per_user: 50, max_coupon_number_per_user_daily: 2 },
        limits: { stock: 1000, perUserDaily: 2 },
      });
    const correct = await audited(doc(), await reference());
    expect(inv(correct.audit, 'per-user-daily')?.status).toBe('held');
    const broken = await audited(doc(), await reference('cpn-daily-limit-ignored'));
    expect(inv(broken.audit, 'per-user-daily')?.status).toBe('violated');
    expect(inv(broken.audit, 'per-user-daily')?.observed).toMatch(/over the limit/);
  });
});

/** A pool of 5 discount coupons (7 折: 70 % paid) claimed in the setup, then verifications of one order at one instant. */
function verifyStorm(): LoadProfileDoc {
  return {
    profile: 'audit-verify',
    title: 'audit test: verifications',
    description: 'verifications at one instant over a pool of 5 discount coupons',
    apis: ['jd-coupon', 'tencent-coupon-batch'],
    vars: { batch: 'pp-${fresh.name}', buyer: '${fresh.int}' },
    setup: [
      uploadStep({
        external_coupon_id: '${batch}',
        coupon_name: '七折券',
        coupon_type: 1,
        coupon_sub_type: 2,
        discount_coupon: 70,
        max_discount_amount: 100,
        store_count: 100,
      }),
      {
        parallel: { times: 5, call: 'promoproof.coupon.claim', params: { ...BATCH, uid: '${buyer}' } },
        expect: { successes: 5 },
        capture: { codes: 'successes[*].coupon.coupon_code' },
      },
    ],
    users: { count: 1 },
    mix: [
      {
        name: 'verify',
        call: 'promoproof.coupon.verify',
        weight: 1,
        params: {
          uid: '${buyer}',
          coupon_code: { $cycle: '${codes}' },
          order_lines: [
            { sku_id: 'A100', quantity: 1, price_fen: 12900 },
            { sku_id: 'B200', quantity: 3, price_fen: 1990 },
          ],
          stacked: 0,
        },
        audit: 'verify',
      },
    ],
    phases: [{ phase: 'spike', requests: 40, operation: 'verify' }],
  } as LoadProfileDoc;
}

describe('verification storms', () => {
  it('each deduction is what the terms give (30 % of 188.70 yuan, rounded down: 5,661 fen) against the reference', async () => {
    const { audit } = await audited(verifyStorm(), await reference());
    expect(audit.status, audit.reason).toBe('passed');
    expect(inv(audit, 'verify-deduction')).toMatchObject({ status: 'held', observed: '0 of 5 (coupon, order) pairs deducted otherwise' });
  });

  it('fails verify-deduction with cpn-discount-share-off (70 % taken off), naming the coupon and both amounts', async () => {
    const { audit } = await audited(verifyStorm(), await reference('cpn-discount-share-off'));
    const d = inv(audit, 'verify-deduction');
    expect(d?.status).toBe('violated');
    expect(d?.examples[0]?.note).toBe('deducted 10000 fen where its terms give 5661 fen');
    // Consistent, only wrong: the consistency check alone would pass it.
    expect(inv(audit, 'verify-consistent')?.status).toBe('held');
  });
});

describe('rule levels', () => {
  it('gives must level only where the seed fixes the invariant', () => {
    expect(jdCouponAudit.rules['claims-listed']).toEqual({ rule: 'CPN-02', level: 'must' });
    expect(jdCouponAudit.rules['codes-unique']?.level).toBe('ref');
    expect(jdCouponAudit.rules['nothing-unacknowledged']?.level).toBe('ref');
    expect(Object.values(yohoUserCouponAudit.rules).map((r) => r.level)).toEqual(['ref', 'ref']);
  });
});
