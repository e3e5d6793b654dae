/**
 * The audit after a load run (src/load/audit.ts): small storms against the reference in this process,
 * correct and with each race fault on, reconciled through the target's own API. Each fault fails the
 * audit naming the invariant it breaks; the correct reference passes; a target whose lookups are not
 * served gets `partial`, never a pass. Counts only: no timing is asserted.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { LoadError } from '../../src/core/errors.js';
import type { Target } from '../../src/engine/target.js';
import { AuditCollector } from '../../src/load/audit-log.js';
import { createLoadAudit } from '../../src/load/audit.js';
import { parseProfile } from '../../src/load/profile.js';
import { runLoad } from '../../src/load/run-load.js';
import type { AuditResult, LoadProfileDoc, LoadResult } from '../../src/load/types.js';
import { cli } from '../helpers/cli.js';
import { startHttpServer } from '../helpers/http-server.js';
import { BATCH, claimsProfile, uploadStep } from './upload-step.js';
import { embeddedPerTest } from './embedded-per-test.js';

const embedded = embeddedPerTest();
const reference = embedded.reference;

/** A 秒杀 of `requests` claims at one instant from `users` users on a batch of `stock`, `perUser` each. */
function claimStorm(o: { stock: number; perUser: number; users: number; requests: number }): LoadProfileDoc {
  return claimsProfile({
    ...o,
    profile: 'audit-claims',
    title: 'audit test: a claim spike',
    phases: [{ phase: 'spike', requests: o.requests, operation: 'claim' }],
  });
}

/** A pool of 5 coupons claimed in the setup, then `requests` redeems at one instant, each for its own order. */
function redeemStorm(requests: number): LoadProfileDoc {
  return {
    profile: 'audit-redeems',
    title: 'audit test: a redeem spike',
    description: 'redeems at one instant over a pool of 5 coupons',
    apis: ['jd-coupon', 'tencent-coupon-batch'],
    vars: { batch: 'pp-${fresh.name}', buyer: '${fresh.int}' },
    setup: [
      uploadStep({
        external_coupon_id: '${batch}',
        coupon_name: '结算券',
        coupon_type: 1,
        coupon_sub_type: 1,
        amount_coupon: 5,
        store_count: 100,
      }),
      {
        parallel: {
          times: 5,
          call: 'promoproof.coupon.claim',
          params: { ...BATCH, uid: '${buyer}' },
        },
        expect: { successes: 5 },
        capture: { codes: 'successes[*].coupon.coupon_code' },
      },
    ],
    users: { count: 1 },
    mix: [
      {
        name: 'redeem',
        call: 'promoproof.coupon.redeem',
        weight: 1,
        params: {
          uid: '${buyer}',
          coupon_code: { $cycle: '${codes}' },
          order_code: '${requestId}',
          order_lines: [{ sku_id: 'A100', quantity: 1, price_fen: 12900 }],
          stacked: 0,
        },
        refusals: ['coupon.used'],
        audit: 'redeem',
      },
    ],
    phases: [{ phase: 'spike', requests, operation: 'redeem' }],
    audit: { batches: [{ batch: BATCH }] },
  } as LoadProfileDoc;
}

async function audited(doc: LoadProfileDoc, target: Target, timeoutMs?: number): Promise<AuditResult> {
  const audit = createLoadAudit({ profile: doc, target });
  const overrides = { seed: 7, ...(timeoutMs !== undefined ? { timeoutMs } : {}) };
  const result = await runLoad({ profile: { doc, file: `${doc.profile}.yaml` }, target, overrides, audit });
  expect(result.stoppedBy).toBe('completed');
  return audit.finish();
}

const status = (a: AuditResult, id: string) => a.invariants.find((i) => i.id === id)?.status;

describe('the audit of a claim storm', () => {
  it('passes against the correct reference: exactly the stock handed out, each listed, statistics in step', async () => {
    const a = await audited(claimStorm({ stock: 40, perUser: 1, users: 200, requests: 300 }), await reference());
    expect(a.status, a.reason).toBe('passed');
    expect(a.invariants.map((i) => [i.id, i.status])).toEqual([
      ['stock', 'held'],
      ['per-user', 'held'],
      ['codes-unique', 'held'],
      ['claims-listed', 'held'],
      ['nothing-unacknowledged', 'held'],
      ['statistics-claimed', 'held'],
    ]);
    expect(a.acknowledged.claims).toBe(40);
    expect(a.invariants.find((i) => i.id === 'statistics-claimed')?.observed).toContain('+40 (0 → 40)');
    expect(a.queries.failed).toBe(0);
  });

  it('fails with cpn-claim-race on `stock`, with the claims beyond it as examples', async () => {
    const a = await audited(claimStorm({ stock: 20, perUser: 5, users: 300, requests: 200 }), await reference('cpn-claim-race'));
    expect(a.status).toBe('failed');
    const stock = a.invariants.find((i) => i.id === 'stock');
    expect(stock?.status).toBe('violated');
    expect(stock?.counts).toBe(true);
    expect(stock?.rule).toBe('CPN-05');
    expect(stock?.examples.length).toBeGreaterThan(0);
    expect(stock?.examples.length).toBeLessThanOrEqual(10);
    expect(stock?.examples[0]?.couponCode).toBeTruthy();
    expect(stock?.examples[0]?.requestId).toBeTruthy();
    expect(a.reason).toContain('stock');
  });

  it('fails with cpn-per-user-off-by-one on `per-user` alone', async () => {
    const a = await audited(claimStorm({ stock: 1000, perUser: 1, users: 10, requests: 100 }), await reference('cpn-per-user-off-by-one'));
    expect(a.status).toBe('failed');
    expect(status(a, 'per-user')).toBe('violated');
    expect(a.invariants.find((i) => i.id === 'per-user')?.observed).toContain('the most held 2');
    expect(a.invariants.filter((i) => i.status === 'violated').map((i) => i.id)).toEqual(['per-user']);
  });

  it('audits a closed run over worker threads: each thread posts back what it kept, merged into one audit', async () => {
    const doc = {
      ...claimStorm({ stock: 25, perUser: 1, users: 200, requests: 120 }),
      run: { model: 'closed', workers: 2 },
    } as LoadProfileDoc;
    const a = await audited(doc, await reference());
    expect(a.status, a.reason).toBe('passed');
    expect(a.acknowledged.claims).toBe(25);
    expect(a.invariants.find((i) => i.id === 'statistics-claimed')?.observed).toContain('+25 (0 → 25)');
  }, 30_000);

  it('is partial, never passed, when the target does not serve the lookups', async () => {
    const target = await reference();
    const coupon = target.endpoints['jd-coupon'];
    if (coupon === undefined) throw new Error('no coupon endpoint');
    const blind: Target = {
      ...target,
      endpoints: {
        ...target.endpoints,
        'jd-coupon': {
          ...coupon,
          methods: {
            'promoproof.coupon.statistics': 'promoproof.coupon.nostats',
            'promoproof.coupon.user.list': 'promoproof.coupon.nolist',
          },
        },
      },
    };
    const a = await audited(claimStorm({ stock: 20, perUser: 1, users: 100, requests: 50 }), blind);
    expect(a.status).toBe('partial');
    for (const id of ['claims-listed', 'nothing-unacknowledged', 'statistics-claimed']) expect(status(a, id)).toBe('not-checked');
    expect(a.invariants.find((i) => i.id === 'claims-listed')?.reason).toContain('promoproof.coupon.user.list');
    // What needs no lookup is still judged.
    expect(status(a, 'stock')).toBe('held');
  });
});

/**
 * The reference's coupon face behind a proxy: `hold` delays an answer (ms), `rewrite` changes one (the
 * JOS success data of `method`), so that a test makes a target that loses answers, or lies in its lists.
 */
async function proxied(
  target: Target,
  opts: { hold?: (method: string) => number; rewrite?: (method: string, data: Record<string, unknown>) => void },
): Promise<{ target: Target; close: () => Promise<void> }> {
  const proxy = await startHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const method = new URLSearchParams(body).get('method') ?? '';
      const answer = await fetch(`${embedded.current()?.origin}${req.url}`, {
        method: req.method ?? 'POST',
        headers: { 'content-type': String(req.headers['content-type'] ?? '') },
        ...(body === '' ? {} : { body }),
      });
      let text = await answer.text();
      if (opts.rewrite) {
        const json = JSON.parse(text) as Record<string, Record<string, unknown>>;
        const key = Object.keys(json).find((k) => k.endsWith('_responce') || k.endsWith('_response'));
        const data = key === undefined ? undefined : json[key];
        if (data !== undefined) {
          opts.rewrite(method, data);
          text = JSON.stringify(json);
        }
      }
      const hold = opts.hold?.(method) ?? 0;
      if (hold > 0) await new Promise((r) => setTimeout(r, hold));
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(text);
    });
  });
  const coupon = target.endpoints['jd-coupon'];
  if (coupon === undefined) throw new Error('no coupon endpoint');
  return {
    target: { ...target, endpoints: { ...target.endpoints, 'jd-coupon': { ...coupon, url: `${proxy.origin}/routerjson` } } },
    close: () => proxy.close(),
  };
}

describe('unknown outcomes', () => {
  it('are looked up after the run: claims made whose answers never came are found in the lists, the counts still add up', async () => {
    // Every claim's answer held past the run's timeout: the claim is made, its answer lost.
    const slow = await proxied(await reference(), { hold: (m) => (m === 'promoproof.coupon.claim' ? 400 : 0) });
    try {
      const a = await audited(claimStorm({ stock: 1000, perUser: 100, users: 500, requests: 30 }), slow.target, 200);
      expect(a.acknowledged).toMatchObject({ claims: 0, unknownClaims: 30 });
      expect(a.unknownResolved).toEqual({ made: 30, notMade: 0, unresolved: 0 });
      expect(status(a, 'nothing-unacknowledged')).toBe('held');
      expect(a.invariants.find((i) => i.id === 'statistics-claimed')).toMatchObject({
        status: 'held',
        observed: expect.stringContaining('+30'),
      });
      expect(a.invariants.find((i) => i.id === 'stock')?.observed).toContain('30 of unknown outcome found made');
    } finally {
      await slow.close();
    }
  });
});

describe('a target whose account disagrees with what it acknowledged', () => {
  it('fails claims-listed, nothing-unacknowledged and statistics-claimed, each on its own evidence', async () => {
    let statisticsRead = 0;
    const lying = await proxied(await reference(), {
      rewrite: (method, data) => {
        // Each user's first coupon listed under another code; the claimed count one higher after the run than before it.
        const first = (data['coupons'] as Record<string, unknown>[] | undefined)?.[0];
        if (method === 'promoproof.coupon.user.list' && first) first['coupon_code'] = `ppFORGED${String(first['uid'])}`;
        const stats = data['statistics'] as Record<string, number> | undefined;
        if (method === 'promoproof.coupon.statistics' && stats) stats['claimed'] = Number(stats['claimed']) + statisticsRead++;
      },
    });
    try {
      const a = await audited(claimStorm({ stock: 1000, perUser: 1, users: 50, requests: 30 }), lying.target);
      expect(a.status).toBe('failed');
      expect(a.invariants.filter((i) => i.status === 'violated').map((i) => i.id)).toEqual([
        'claims-listed',
        'nothing-unacknowledged',
        'statistics-claimed',
      ]);
      const forged = a.invariants.find((i) => i.id === 'nothing-unacknowledged')?.examples[0];
      expect(forged?.couponCode).toMatch(/^ppFORGED/);
      const acked = a.acknowledged.claims;
      expect(a.invariants.find((i) => i.id === 'statistics-claimed')).toMatchObject({
        expected: expect.stringContaining(`+${acked}`),
        observed: expect.stringContaining(`+${acked + 1} `),
      });
    } finally {
      await lying.close();
    }
  });
});

describe('the audit of a redeem storm', () => {
  it('passes against the correct reference: each coupon redeemed once, the used count moved by 5', async () => {
    const a = await audited(redeemStorm(100), await reference());
    expect(a.status, a.reason).toBe('passed');
    expect(status(a, 'redeemed-once')).toBe('held');
    expect(a.invariants.find((i) => i.id === 'statistics-used')?.observed).toContain('+5 (0 → 5)');
  });

  it('fails with cpn-redeem-race on `redeemed-once`, naming the coupon and its orders', async () => {
    const a = await audited(redeemStorm(100), await reference('cpn-redeem-race'));
    expect(a.status).toBe('failed');
    const once = a.invariants.find((i) => i.id === 'redeemed-once');
    expect(once?.status).toBe('violated');
    expect(once?.examples[0]?.note).toMatch(/^redeemed for orders .+, .+/);
  });
});

describe('AuditCollector', () => {
  it('keeps acknowledged and unknown claims apart, ignores refusals, and absorbs a thread’s data', () => {
    const doc = claimStorm({ stock: 1, perUser: 1, users: 1, requests: 1 });
    const params = { data_source_id: '101', batch_id: 'b', uid: 7, request_id: 'r1' };
    const a = new AuditCollector(doc);
    a.answer(0, params, { kind: 'success', body: { coupon: { coupon_code: 'C1' } } });
    a.answer(0, { ...params, request_id: 'r2' }, { kind: 'refusal', code: 'coupon.stock.empty', message: '', body: null });
    a.answer(0, { ...params, request_id: 'r3' }, { kind: 'unknown', reason: 'timeout' });
    const b = new AuditCollector(doc);
    b.answer(0, { ...params, request_id: 'r4' }, { kind: 'success', body: { coupon: { coupon_code: 'C2' } } });
    a.absorb(b.kept());
    const kept = a.kept();
    expect(kept.counts).toMatchObject({ claims: 2, unknownClaims: 1 });
    expect(kept.claims.map((c) => c.couponCode)).toEqual(['C1', 'C2']);
    expect(kept.unknownClaims).toEqual([expect.objectContaining({ user: '7', requestId: 'r3' })]);
    expect(Object.values(kept.claimsByBatch)).toEqual([2]);
  });
});

describe('a profile names audit roles its API can read', () => {
  it('refuses a role the audit cannot read of that call, at its line', () => {
    const text = `profile: bad-role
title: t
description: d
apis: [jd-coupon]
users: { count: 1 }
mix:
  - { name: claim, call: promoproof.coupon.claim, weight: 1, audit: redeem }
phases: [{ phase: spike, requests: 1 }]
`;
    let problems: LoadError['problems'] = [];
    try {
      parseProfile('bad-role.yaml', text);
    } catch (e) {
      if (e instanceof LoadError) problems = e.problems;
      else throw e;
    }
    expect(problems.map((p) => [p.code, p.pos.line])).toEqual([['PP_PROFILE', 7]]);
    expect(problems[0]?.message).toContain('promoproof.coupon.claim: claim');
  });
});

describe('promoproof load with the audit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-load-audit-'));
  const profile = join(dir, 'audit-storm.yaml');
  writeFileSync(
    profile,
    `profile: audit-storm
title: A tiny claim storm for the audit
description: Five coupons for a spike of 200 claims.
apis: [jd-coupon, tencent-coupon-batch]
vars: { batch: "pp-\${fresh.name}", stock: 5 }
setup:
  - call: order/add_coupon
    api: tencent-coupon-batch
    params:
      dataSourceId: "\${target.dataSourceId}"
      coupons:
        - { external_coupon_id: "\${batch}", coupon_name: 秒杀券, coupon_type: 1, coupon_sub_type: 1, amount_coupon: 10, store_count: "\${stock}", max_coupon_number_per_user: 5 }
users: { count: 300 }
mix:
  - name: claim
    call: promoproof.coupon.claim
    weight: 1
    params: { data_source_id: "\${target.dataSourceId}", batch_id: "\${batch}", uid: "\${user}", request_id: "\${requestId}" }
    refusals: [coupon.stock.empty, coupon.user.limit]
    audit: claim
phases:
  - { phase: spike, requests: 200, operation: claim }
audit:
  batches:
    - { batch: { data_source_id: "\${target.dataSourceId}", batch_id: "\${batch}" }, stock: "\${stock}", perUser: 5 }
`,
  );
  const validate = new Ajv({ allErrors: true, strict: false }).compile(
    JSON.parse(readFileSync(new URL('../../specs/schema/load-report.schema.json', import.meta.url), 'utf8')) as object,
  );

  it('exits 1 naming the violated invariant when the target over-issues (cpn-claim-race); the report holds the audit', async () => {
    const out = join(dir, 'race.json');
    const r = await cli(['load', '--profile', profile, '--fault', 'cpn-claim-race', '--report', `json=${out}`]);
    expect(r.code, r.stderr + r.stdout).toBe(EXIT.checkFailed);
    expect(r.stdout).toContain('Audit FAILED — violated: stock');
    expect(r.stdout).toMatch(/VIOLATED\s+stock\s+pp-\S+: \d+ handed out/);
    const report = JSON.parse(readFileSync(out, 'utf8')) as LoadResult;
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.audit?.status).toBe('failed');
    expect(report.audit?.invariants.find((i) => i.id === 'stock')?.examples.length).toBeGreaterThan(0);
  }, 60_000);

  it('--no-audit skips it and the report says why', async () => {
    const out = join(dir, 'skipped.json');
    const r = await cli(['load', '--profile', profile, '--no-audit', '--report', `json=${out}`]);
    expect([EXIT.ok, EXIT.invalidRun], r.stderr + r.stdout).toContain(r.code);
    const report = JSON.parse(readFileSync(out, 'utf8')) as LoadResult;
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.audit).toMatchObject({ status: 'skipped', reason: expect.stringContaining('--no-audit') });
    expect(r.stdout).toContain('Audit skipped — --no-audit');
  }, 60_000);
});
