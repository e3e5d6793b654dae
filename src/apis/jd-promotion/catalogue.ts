import { readFileSync } from 'node:fs';
import { LoadError } from '../../core/errors.js';
import { schemaProblems } from '../../core/schema-check.js';
import { parseYamlSource } from '../../core/yaml-source.js';
import { yuanToFen } from '../../core/money.js';
import type { SkuPool } from '../../scenario/types.js';

/** One SKU of the seller's catalogue (商品 ware → SKU). Prices in integer fen. */
export interface CatalogueSku {
  readonly skuId: number;
  readonly wareId: number;
  readonly name: string;
  /** 商品货号 */
  readonly itemNum: string;
  readonly jdPriceFen: number;
}

export interface Catalogue {
  readonly get: (skuId: number) => CatalogueSku | undefined;
  /** SKUs listed (the pool, synthesised on demand, is not counted). */
  readonly size: number;
  readonly skus: readonly CatalogueSku[];
}

export type { SkuPool };

/**
 * The SKU ids the reference also accepts, each its own product at 99.0 yuan, synthesised on demand: a
 * run draws its list-filter SKUs from a random spot of it, so runs on one long-lived reference never
 * count each other's promotions.
 */
export const REFERENCE_SKU_POOL: SkuPool = Object.freeze({ first: 80_000_000, count: 10_000_000, price: '99.0' });

export const SEED_FIRST_SKU_ID = 10_000_001;
export const SEED_FIRST_WARE_ID = 5_001;
export const SEED_WARES = 400;
export const SEED_SKUS_PER_WARE = 4;

/**
 * The seeded test catalogue: 400 wares × 4 SKUs = 1,600 SKUs, ids 10000001 … 10001600, ware
 * 5001 + ⌊i/4⌋, prices 10.0 … 409.0 yuan (whole yuan + 0.0 … 0.3 by SKU), so tests can reach the
 * 1,000-SKU cap of a promotion and build bundles of 8 products.
 */
export function seedCatalogue(): CatalogueSku[] {
  const skus: CatalogueSku[] = [];
  for (let w = 0; w < SEED_WARES; w++) {
    for (let k = 0; k < SEED_SKUS_PER_WARE; k++) {
      const i = w * SEED_SKUS_PER_WARE + k;
      skus.push({
        skuId: SEED_FIRST_SKU_ID + i,
        wareId: SEED_FIRST_WARE_ID + w,
        name: `测试商品${w + 1}-规格${k + 1}`,
        itemNum: `PP-${String(w + 1).padStart(4, '0')}-${k + 1}`,
        jdPriceFen: (10 + w) * 100 + k * 10,
      });
    }
  }
  return skus;
}

export function createCatalogue(
  skus: readonly CatalogueSku[] = seedCatalogue(),
  pool: SkuPool | undefined = REFERENCE_SKU_POOL,
): Catalogue {
  const byId = new Map(skus.map((s) => [s.skuId, s]));
  const fromPool = (id: number): CatalogueSku | undefined =>
    pool && Number.isSafeInteger(id) && id >= pool.first && id < pool.first + pool.count
      ? { skuId: id, wareId: id, name: `池SKU-${id}`, itemNum: `POOL-${id}`, jdPriceFen: yuanToFen(Number(pool.price)) }
      : undefined;
  return { get: (id) => byId.get(id) ?? fromPool(id), size: byId.size, skus };
}

/** Loads a catalogue file (YAML or JSON, specs/schema/catalogue.schema.json); problems name file, line and column. */
export function loadCatalogueFile(file: string, text: string = readFileSync(file, 'utf8')): CatalogueSku[] {
  const source = parseYamlSource(file, text);
  const problems = schemaProblems(source, 'catalogue.schema.json');
  if (problems.length > 0) throw new LoadError(problems);
  const rows = (source.value as { skus: { skuId: number; wareId: number; name: string; itemNum?: string; jdPrice: string }[] }).skus;
  const seen = new Set<number>();
  const dupes = rows.flatMap((r, i) => {
    if (!seen.has(r.skuId)) {
      seen.add(r.skuId);
      return [];
    }
    return [source.problem('PP_DUPLICATE_ID', `skuId ${r.skuId} is listed twice`, ['skus', i, 'skuId'])];
  });
  if (dupes.length > 0) throw new LoadError(dupes);
  return rows.map((r) => ({
    skuId: r.skuId,
    wareId: r.wareId,
    name: r.name,
    itemNum: r.itemNum ?? '',
    jdPriceFen: yuanToFen(Number(r.jdPrice)),
  }));
}
