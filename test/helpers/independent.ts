import type { FastifyInstance } from 'fastify';
import type { Target } from '../../src/engine/target.js';
import type { CatalogueSku } from '../../src/apis/jd-promotion/catalogue.js';
import type { ReadingId } from '../../src/apis/readings.js';
import type { CheckResult } from '../../src/report/types.js';
import type { Capability } from '../../src/scenario/types.js';
import { referenceAsTarget } from './reference-target.js';

/**
 * "Never stricter than the document", by construction: the reference with every reading the
 * documents allow switched on, and a catalogue unlike its own (arbitrary prices between 100 and 149
 * yuan, other ids, other wares), stands in for an independent correct implementation. Given its
 * catalogue only as fixtures, no `must` check may fail against it.
 */

/** 1,600 SKUs, three per ware, ids and wares unlike the seeded catalogue's, prices 100.0 … 149.9 yuan from a seeded generator. */
export function foreignCatalogue(seed = 7): CatalogueSku[] {
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

/** Closes every reference `independent` started (call it in afterEach). */
export async function closeIndependents(): Promise<void> {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
}

export async function independent(
  readings: readonly ReadingId[],
  capabilities: readonly Capability[],
  catalogue = foreignCatalogue(),
): Promise<Target> {
  const { server, target } = await referenceAsTarget({ readings, catalogue }, [...capabilities, 'sku-pool']);
  servers.push(server);
  return target;
}

export const falseAlarms = (results: readonly CheckResult[]) =>
  results.filter((r) => r.level === 'must' && (r.status === 'failed' || r.status === 'errored')).map((r) => `${r.id}: ${r.message}`);
