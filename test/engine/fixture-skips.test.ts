import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { planChecks, runConformance } from '../../src/engine/conformance.js';
import { executeCheck } from '../../src/engine/execute-check.js';
import type { Target } from '../../src/engine/target.js';
import type { CatalogueSku } from '../../src/apis/jd-promotion/catalogue.js';
import { DEFAULT_CREDENTIALS } from '../../src/protocols/jos/credentials.js';
import { buildServer } from '../../src/reference/server.js';
import { promotionApiCompiled } from '../../src/spec/compile.js';

/** The gift, bundle and sku.list scenarios: those whose SKUs are named by role. */
const checks = planChecks({ rules: ['JDP-SKU-03', 'JDP-SKU-04', 'JDP-SKU-05', 'JDP-SKU-10'], generated: false });
const byId = (id: string) => {
  const c = checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id}`);
  return c;
};

let servers: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

/** A catalogue of `n` SKUs, two per ware, priced from `fromFen` up in steps of `stepFen`. */
function catalogue(n: number, fromFen: number, stepFen: number): CatalogueSku[] {
  return Array.from({ length: n }, (_, i) => ({
    skuId: 600_000 + i,
    wareId: 9_000 + Math.floor(i / 2),
    name: `s${i}`,
    itemNum: `S-${i}`,
    jdPriceFen: fromFen + i * stepFen,
  }));
}

async function targetWith(skus: CatalogueSku[]): Promise<{ target: Target; requests: () => number }> {
  const server = buildServer({ catalogue: skus });
  let requests = 0;
  server.addHook('onRequest', async () => {
    requests++;
  });
  servers.push(server);
  const address = await server.listen({ port: 0, host: '127.0.0.1' });
  return {
    target: {
      endpoints: { 'jd-promotion': { url: `${address}/routerjson`, credentials: { ...DEFAULT_CREDENTIALS } } },
      embedded: false,
      capabilities: [],
      skus: skus.map((s) => ({ id: s.skuId, ware: s.wareId, priceFen: s.jdPriceFen })),
      clock: { offsetMs: 0, uncertaintyMs: 0, method: 'same process' },
    },
    requests: () => requests,
  };
}

const OPTS = { timeoutMs: 5_000, maxBodyBytes: 1 << 20, skewS: 360 };

describe('checks the fixtures cannot serve are skipped before any request', () => {
  it('skips a check whose roles the fixtures cannot serve, saying why and what to add, sending nothing', async () => {
    const { target, requests } = await targetWith(catalogue(40, 10_000, 10)); // 100.0 … 103.9 yuan
    const r = await executeCheck(byId('gift-five-gifts'), target, promotionApiCompiled(), OPTS);
    expect(r.status).toBe('skipped');
    expect(r.message).toMatch(
      /^fixtures cannot serve this check: skus\.gifts needs 5 SKUs whose price total is below another SKU's price .*; add 5 SKUs priced above 1\.0 yuan and at most 20\.\d yuan each$/,
    );
    expect(requests()).toBe(0);
  });

  it('skips a check that names a position beyond the fixtures', async () => {
    const { target, requests } = await targetWith(catalogue(3, 1_000, 100));
    const r = await executeCheck(byId('gift-none-refused'), target, promotionApiCompiled(), OPTS); // names sku[400]
    expect(r).toMatchObject({
      status: 'skipped',
      message:
        'fixtures cannot serve this check: it names sku[400] by position, the fixtures list 3 SKUs; add 398 SKUs (the check names sku[0] … sku[400] by position)',
    });
    expect(requests()).toBe(0);
  });

  it('runs the same scenarios with SKUs picked from a catalogue unlike the reference’s, and passes them', async () => {
    // 500 SKUs, two per ware, 10.0 … 509.0 yuan: other ids, other wares, other prices than the seeded ones.
    const { target } = await targetWith(catalogue(500, 1_000, 100));
    const report = await runConformance({ checks, target, strictRef: false });
    const notPassed = report.results.filter((r) => r.status !== 'passed').map((r) => `${r.id}: ${r.status} ${r.message}`);
    // Only what a catalogue of two SKUs per ware cannot serve (three SKUs of one product), and the
    // positions beyond its 500 SKUs, are skipped; nothing fails.
    expect(notPassed.filter((x) => !x.includes(': skipped fixtures cannot serve this check: '))).toEqual([]);
    expect(notPassed.find((x) => x.startsWith('bundle-seven-products:'))).toContain(
      'skus.product needs 3 SKUs priced above 15.0 yuan, of one ware: no ware has 3 such SKUs (at most 2)',
    );
    expect(notPassed.map((x) => x.split(':')[0]).sort()).toEqual(
      checks
        .filter((c) => (c.skuReach ?? 0) > 500 || c.id === 'bundle-seven-products' || c.id === 'sku-list-filters-and-pages')
        .map((c) => c.id)
        .sort(),
    );
  });
});
