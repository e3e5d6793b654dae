import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { planChecks, runConformance } from '../../src/engine/conformance.js';
import type { Target } from '../../src/engine/target.js';
import type { CatalogueSku } from '../../src/apis/jd-promotion/catalogue.js';
import { ALL_READINGS, READINGS, type ReadingId } from '../../src/apis/jd-promotion/readings.js';
import type { CheckResult } from '../../src/report/types.js';
import type { Capability } from '../../src/scenario/types.js';
import { referenceAsTarget } from '../helpers/reference-target.js';

/**
 * "Never stricter than the document", by construction: the reference with every reading the
 * documents allow switched on, and a catalogue unlike its own (arbitrary prices between 100 and 149
 * yuan, other ids, other wares), stands in for an independent correct implementation. Given its
 * catalogue only as fixtures, no `must` check may fail against it.
 */

/** 1,600 SKUs, three per ware, ids and wares unlike the seeded catalogue's, prices 100.0 … 149.9 yuan from a seeded generator. */
function foreignCatalogue(seed = 7): CatalogueSku[] {
  let x = seed;
  const next = () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x;
  };
  return Array.from({ length: 1600 }, (_, i) => ({
    skuId: 300_000_000 + i * 7,
    wareId: 7_000_000 + Math.floor(i / 3),
    name: `外部商品${i}`,
    itemNum: `EXT-${i}`,
    jdPriceFen: 10_000 + (next() % 500) * 10,
  }));
}

let servers: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function independent(
  readings: readonly ReadingId[],
  capabilities: readonly Capability[],
  catalogue = foreignCatalogue(),
): Promise<Target> {
  const { server, target } = await referenceAsTarget({ readings, catalogue }, [...capabilities, 'sku-pool']);
  servers.push(server);
  return target;
}

const falseAlarms = (results: readonly CheckResult[]) =>
  results.filter((r) => r.level === 'must' && (r.status === 'failed' || r.status === 'errored')).map((r) => `${r.id}: ${r.message}`);

describe('an independent correct implementation (the reference under every reading, a foreign catalogue)', () => {
  const checks = planChecks({});

  it('fails no must check, with test control', async () => {
    const report = await runConformance({ checks, target: await independent(ALL_READINGS, ['test-control']) });
    expect(falseAlarms(report.results)).toEqual([]);
    // The readings depart from our own choices: ref checks notice, and are reported apart.
    expect(report.results.some((r) => r.level === 'ref' && r.status === 'failed')).toBe(true);
  }, 120_000);

  it('fails no must check, without test control', async () => {
    const report = await runConformance({ checks, target: await independent(ALL_READINGS, []) });
    expect(falseAlarms(report.results)).toEqual([]);
  }, 120_000);

  it('fails no must check under each reading alone', async () => {
    for (const reading of ALL_READINGS) {
      const report = await runConformance({ checks, target: await independent([reading], ['test-control']) });
      expect(falseAlarms(report.results), `${reading}: ${READINGS[reading].description}`).toEqual([]);
    }
  }, 300_000);
});
