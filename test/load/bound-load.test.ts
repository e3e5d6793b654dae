/**
 * A claim storm through a binding: the load run's setup uploads through the service's own create call,
 * the mix's claims are built by the binding's adapter (the service's ids, paths and token), and the
 * audit reconciles through the service's own list and statistics. The correct service passes the audit;
 * with its over-issuance fault it fails. Counts only: no timing is asserted.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTargetConfig } from '../../src/engine/targets/config.js';
import { createLoadAudit } from '../../src/load/audit.js';
import { parseSlo } from '../../src/load/profile.js';
import { unexpectedRefusalsOf } from '../../src/load/refusals.js';
import { renderLoadConsole } from '../../src/load/render.js';
import { renderLoadHtml } from '../../src/load/render-html.js';
import { renderLoadJunit } from '../../src/load/render-junit.js';
import { renderLoadMarkdown } from '../../src/load/render-markdown.js';
import { runLoad } from '../../src/load/run-load.js';
import { evaluateSlo } from '../../src/load/slo.js';
import type { AuditResult, LoadProfileDoc } from '../../src/load/types.js';
import { loadVerdict } from '../../src/load/verdict.js';
import { REST_BINDING_FILE, restBindingTarget, restBindingText } from '../helpers/rest-binding.js';
import { startRestCouponService } from '../helpers/rest-coupon-service.js';
import { claimsProfile } from './upload-step.js';

const TOKEN = 'load-token-51c2';
const validateReport = new Ajv({ allErrors: true, strict: false }).compile(
  JSON.parse(readFileSync(new URL('../../specs/schema/load-report.schema.json', import.meta.url), 'utf8')) as object,
);
let service: { origin: string; close: () => Promise<void> } | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
});

/** A 秒杀 of `requests` claims at one instant from `users` users on a batch of `stock`, `perUser` each. */
function claimStorm(o: { stock: number; perUser: number; users: number; requests: number }): LoadProfileDoc {
  return claimsProfile({
    ...o,
    profile: 'bound-claims',
    title: 'binding test: a claim spike on a bound service',
    phases: [{ phase: 'spike', requests: o.requests, operation: 'claim' }],
  });
}

/** The storm's audit and figures; `workers`: a closed run over that many threads (each rebuilds the binding's adapters). */
async function audited(
  overIssue: boolean,
  workers?: number,
): Promise<{ audit: AuditResult; successes: number; refusals: Record<string, number>; processes: number }> {
  service = await startRestCouponService({ token: TOKEN, overIssue });
  const target = restBindingTarget(service.origin, TOKEN);
  const doc = claimStorm({ stock: 30, perUser: 2, users: 20, requests: 200 });
  const audit = createLoadAudit({ profile: doc, target });
  const overrides = workers === undefined ? { seed: 5 } : { seed: 5, model: 'closed' as const, workers };
  const result = await runLoad({ profile: { doc, file: `${doc.profile}.yaml` }, target, overrides, audit });
  expect(result.stoppedBy).toBe('completed');
  const ops = result.phases.flatMap((p) => Object.values(p.operations));
  const successes = ops.reduce((n, op) => n + (op.classes['success']?.count ?? 0), 0);
  const refusals: Record<string, number> = {};
  for (const op of ops) for (const [code, r] of Object.entries(op.refusalCodes)) refusals[code] = (refusals[code] ?? 0) + r.count;
  return { audit: await audit.finish(), successes, refusals, processes: result.processes };
}

describe('a claim storm through a binding', () => {
  it('against the correct service: exactly the stock handed out, every invariant held', async () => {
    const { audit, successes } = await audited(false);
    expect(audit.status, audit.reason).toBe('passed');
    expect(successes).toBe(30);
    expect(audit.acknowledged.claims).toBe(30);
    const held = Object.fromEntries(audit.invariants.map((i) => [i.id, i.status]));
    expect(held).toMatchObject({ stock: 'held', 'per-user': 'held', 'claims-listed': 'held', 'statistics-claimed': 'held' });
    expect(audit.queries.failed).toBe(0);
  });

  it('with over-issuance on, the audit fails on the stock or the per-user limit', async () => {
    const { audit } = await audited(true);
    expect(audit.status).toBe('failed');
    const violated = audit.invariants.filter((i) => i.status === 'violated').map((i) => i.id);
    expect(
      violated.some((id) => id === 'stock' || id === 'per-user'),
      violated.join(', '),
    ).toBe(true);
  });

  describe('over worker threads (--workers 2 --model closed)', () => {
    it("each thread sends the service's own activity id: exactly the stock handed out, the audit passes", async () => {
      const { audit, successes, refusals, processes } = await audited(false, 2);
      expect(processes).toBe(2);
      // A thread sending the suite's id would be answered ACTIVITY_NOT_FOUND (coupon.batch.not.exist).
      expect(refusals).not.toHaveProperty(['coupon.batch.not.exist']);
      for (const code of Object.keys(refusals)) expect(['coupon.stock.empty', 'coupon.user.limit']).toContain(code);
      expect(successes).toBe(30);
      expect(audit.status, audit.reason).toBe('passed');
      expect(audit.acknowledged.claims).toBe(30);
    }, 30_000);

    it('with over-issuance on, the audit fails', async () => {
      const { audit } = await audited(true, 2);
      expect(audit.status).toBe('failed');
      const violated = audit.invariants.filter((i) => i.status === 'violated').map((i) => i.id);
      expect(
        violated.some((id) => id === 'stock' || id === 'per-user'),
        violated.join(', '),
      ).toBe(true);
    }, 30_000);
  });

  it("a refusal code the binding does not map is counted apart: named, flagged, no SLO's error, never a success", async () => {
    service = await startRestCouponService({ token: TOKEN });
    // A binding that forgot the service's per-user code: its refusals arrive as service:LIMIT_REACHED (any error).
    const text = restBindingText(service.origin).replace(/^\s+LIMIT_REACHED: coupon\.user\.limit\n/m, '');
    expect(text).not.toContain('LIMIT_REACHED');
    const target = {
      ...loadTargetConfig(REST_BINDING_FILE, { REST_COUPON_TOKEN: TOKEN }, text),
      clock: { offsetMs: 0, uncertaintyMs: 0, method: 'same process' },
    };
    const doc = claimStorm({ stock: 30, perUser: 1, users: 10, requests: 60 });
    const result = await runLoad({ profile: { doc, file: `${doc.profile}.yaml` }, target, overrides: { seed: 5 } });
    const claim = result.totals.operations['claim'];
    if (claim === undefined) throw new Error('no claim operation');
    // 10 users, one coupon each: 10 successes; the rest of the 60 are over the limit.
    expect(claim.classes.success.count).toBe(10);
    expect(claim.refusalCodes['service:LIMIT_REACHED']).toEqual({ count: 50, expected: false, unmapped: true });
    expect(unexpectedRefusalsOf(claim)).toBe(0);
    expect(validateReport(JSON.parse(JSON.stringify(result))), JSON.stringify(validateReport.errors)).toBe(true);
    const errors = evaluateSlo(result, { ...parseSlo('errors < 1%'), text: 'errors < 1%', source: 'profile' });
    expect(errors.held, errors.reason).toBe(true);
    const verdict = loadVerdict(result);
    // Not a failure of the target (a generator saturated on a busy machine makes it invalid, not failed).
    expect(['pass', 'invalid']).toContain(verdict.status);
    const notice = verdict.notes.find((n) => n.includes('does not map'));
    expect(notice).toContain('claim: service:LIMIT_REACHED ×50');
    expect(notice).toContain('answer.codes');
    const shown = renderLoadConsole(result, { color: false });
    expect(shown).toContain('service:LIMIT_REACHED ×50 (not mapped by the binding)');
    expect(shown).toMatch(/notice: 50 refusals with a code the binding does not map/);
    expect(renderLoadMarkdown(result)).toContain('(not mapped by the binding)');
    expect(renderLoadHtml(result)).toContain('(not mapped by the binding)');
    expect(renderLoadJunit(result)).toContain('notice: 50 refusals with a code the binding does not map');
  });
});
