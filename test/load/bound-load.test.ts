/**
 * A claim storm through a binding: the load run's setup uploads through the service's own create call,
 * the mix's claims are built by the binding's adapter (the service's ids, paths and token), and the
 * audit reconciles through the service's own list and statistics. The correct service passes the audit;
 * with its over-issuance fault it fails. Counts only: no timing is asserted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createLoadAudit } from '../../src/load/audit.js';
import { runLoad } from '../../src/load/run-load.js';
import type { AuditResult, LoadProfileDoc } from '../../src/load/types.js';
import { restBindingTarget } from '../helpers/rest-binding.js';
import { startRestCouponService } from '../helpers/rest-coupon-service.js';
import { claimsProfile } from './upload-step.js';

const TOKEN = 'load-token-51c2';
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

async function audited(overIssue: boolean): Promise<{ audit: AuditResult; successes: number }> {
  service = await startRestCouponService({ token: TOKEN, overIssue });
  const target = restBindingTarget(service.origin, TOKEN);
  const doc = claimStorm({ stock: 30, perUser: 2, users: 20, requests: 200 });
  const audit = createLoadAudit({ profile: doc, target });
  const result = await runLoad({ profile: { doc, file: `${doc.profile}.yaml` }, target, overrides: { seed: 5 }, audit });
  expect(result.stoppedBy).toBe('completed');
  const successes = result.phases.flatMap((p) => Object.values(p.operations)).reduce((n, op) => n + (op.classes['success']?.count ?? 0), 0);
  return { audit: await audit.finish(), successes };
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
});
