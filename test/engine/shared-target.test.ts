import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { planChecks, runConformance } from '../../src/engine/conformance.js';
import { targetFromUrl } from '../../src/engine/targets/config.js';
import type { Target } from '../../src/engine/target.js';
import { DEFAULT_CREDENTIALS } from '../../src/protocols/jos/credentials.js';
import { buildServer } from '../../src/reference/server.js';

/** Runs on one long-lived target, one after another and at the same time, never count each other's promotions. */
describe('a shared, long-lived target', () => {
  let server: FastifyInstance;
  let target: Target;
  beforeAll(async () => {
    server = buildServer({ testControl: true });
    const address = await server.listen({ port: 0, host: '127.0.0.1' });
    target = {
      ...targetFromUrl(`${address}/routerjson`, DEFAULT_CREDENTIALS),
      capabilities: ['test-control'],
      testControlUrl: `${address}/__promoproof`,
    };
  });
  afterAll(async () => server.close());

  const checks = () => planChecks({ tags: ['list', 'draft'] });

  it('passes the list and draft scenarios three runs in a row', async () => {
    expect(checks().length).toBeGreaterThan(10);
    for (let i = 0; i < 3; i++) {
      const report = await runConformance({ target, checks: checks() });
      expect(
        report.results.filter((r) => r.status !== 'passed').map((r) => `${r.id}: ${r.message}`),
        `run ${i + 1}`,
      ).toEqual([]);
    }
  });

  it('passes two runs at the same time', async () => {
    const [a, b] = await Promise.all([runConformance({ target, checks: checks() }), runConformance({ target, checks: checks() })]);
    for (const report of [a, b]) expect(report.results.filter((r) => r.status !== 'passed').map((r) => r.id)).toEqual([]);
  });

  it('skips the counting scenarios, with the reason, on a target without a SKU pool', async () => {
    const { skuPool: _none, ...withoutPool } = target;
    const report = await runConformance({ target: withoutPool, checks: checks() });
    const skipped = report.results.filter((r) => r.status === 'skipped');
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped[0]!.message).toContain('sku-pool');
    expect(report.results.filter((r) => r.status === 'failed' || r.status === 'errored')).toEqual([]);
  });
});
