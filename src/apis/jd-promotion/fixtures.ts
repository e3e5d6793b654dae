/**
 * The JD promotion service's catalogue fixtures: the SKUs and the SKU pool its scenarios pick from
 * (src/scenario/sku-roles.ts). The reference serves its seeded catalogue and pool; another target
 * declares its own in its config (`fixtures.skus`, `fixtures.skuPool`, or `referenceCatalogue: true`).
 */
import { yuanToFen } from '../../core/money.js';
import type { FixtureSku } from '../../scenario/template.js';
import type { FixturesHook, TargetFixtures } from '../types.js';
import { REFERENCE_SKU_POOL, seedCatalogue } from './catalogue.js';

/** The `fixtures:` block of a target config (specs/schema/target-config.schema.json). */
interface FixturesDoc {
  readonly skus?: readonly { readonly id: number; readonly ware: number; readonly price: string }[];
  readonly referenceCatalogue?: boolean;
  readonly skuPool?: { readonly first: number; readonly count: number; readonly price?: string };
}

/** The reference's seeded catalogue as scenario fixtures. */
export function referenceSkus(): FixtureSku[] {
  return seedCatalogue().map((s) => ({ id: s.skuId, ware: s.wareId, priceFen: s.jdPriceFen }));
}

function referenceFixtures(): TargetFixtures {
  return { skus: referenceSkus(), skuPool: REFERENCE_SKU_POOL };
}

function configFixtures(raw: Readonly<Record<string, unknown>>): TargetFixtures {
  const doc = raw as FixturesDoc;
  const skus = doc.referenceCatalogue
    ? referenceSkus()
    : (doc.skus ?? []).map((s) => ({ id: s.id, ware: s.ware, priceFen: yuanToFen(Number(s.price)) }));
  const pool = doc.skuPool
    ? { first: doc.skuPool.first, count: doc.skuPool.count, price: doc.skuPool.price ?? '99.0' }
    : doc.referenceCatalogue
      ? REFERENCE_SKU_POOL
      : undefined;
  return { skus, ...(pool ? { skuPool: pool } : {}) };
}

export const PROMOTION_FIXTURES: FixturesHook = { reference: referenceFixtures, fromConfig: configFixtures };
