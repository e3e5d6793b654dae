import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { planChecks, runConformance } from '../../src/engine/conformance.js';
import type { Target } from '../../src/engine/target.js';
import type { FaultName } from '../../src/apis/jd-promotion/fault-table.js';
import { referenceAsTarget } from '../helpers/reference-target.js';

/**
 * Statuses 4, 5 and 6 are reachable through the public API alone: against a target without test
 * control, the transition faults that once went unnoticed for want of it are caught.
 */
let servers: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function publicOnly(fault?: FaultName): Promise<Target> {
  const { server, target } = await referenceAsTarget(fault ? { fault } : {});
  servers.push(server);
  return target;
}

describe('status transitions through the public API, without test control', () => {
  const checks = planChecks({ tags: ['public'] });

  it('all run and pass against the reference (none skipped)', async () => {
    const report = await runConformance({ checks, target: await publicOnly() });
    expect(report.results.filter((r) => r.status !== 'passed').map((r) => `${r.id}: ${r.status} ${r.message}`)).toEqual([]);
    expect(report.results.length).toBeGreaterThanOrEqual(10);
  });

  for (const fault of ['suspend-from-4', 'resume-from-5', 'delete-from-4', 'check-any-status'] as const) {
    it(`catch ${fault} at the asserting step`, async () => {
      const report = await runConformance({ checks, target: await publicOnly(fault) });
      const caught = report.results.filter((r) => r.status === 'failed' && r.failure?.asserting === true);
      expect(caught.map((r) => r.id).length, fault).toBeGreaterThan(0);
    });
  }

  it('skip with the reason, not fail, where the target reviews promotions by hand', async () => {
    // The reference with test control, to route every review by hand, described to the runner without it.
    const { server, target: withControl } = await referenceAsTarget({}, ['test-control']);
    servers.push(server);
    const route = await fetch(`${withControl.testControlUrl}/review`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ route: 'manual' }),
    });
    expect(route.status).toBe(200);
    const { testControlUrl: _hidden, ...target } = { ...withControl, capabilities: [] };
    const report = await runConformance({ checks, target });
    expect(report.results.every((r) => r.status === 'skipped')).toBe(true);
    expect(report.results[0]!.message).toMatch(/needs promotion_v_o.status = [45], and the target answered promotion_v_o.status = "3"/);
  });
});
