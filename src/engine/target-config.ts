import { readFileSync } from 'node:fs';
import { REFERENCE_SKU_POOL, seedCatalogue } from '../reference/catalogue.js';
import { LoadError, type LoadProblem } from '../scenario/errors.js';
import { schemaProblems } from '../scenario/schema-check.js';
import type { FixtureSku } from '../scenario/template.js';
import type { Capability } from '../scenario/types.js';
import { parseYamlSource } from '../scenario/yaml-source.js';
import { yuanToFen } from '../util/money.js';
import type { Target } from './target.js';

interface TargetConfigDoc {
  readonly url: string;
  readonly credentials: { readonly jos: { readonly appKey: string; readonly appSecret: string; readonly accessToken: string } };
  readonly capabilities?: readonly Capability[];
  readonly testControlUrl?: string;
  readonly fixtures?: {
    readonly skus?: readonly { id: number; ware: number; price: string }[];
    readonly referenceCatalogue?: boolean;
    readonly skuPool?: { readonly first: number; readonly count: number; readonly price?: string };
  };
}

/** The reference's seeded catalogue as scenario fixtures. */
export function referenceSkus(): FixtureSku[] {
  return seedCatalogue().map((s) => ({ id: s.skuId, ware: s.wareId, priceFen: s.jdPriceFen }));
}

/**
 * Loads a target config (YAML, specs/schema/target-config.schema.json). `${env:NAME}` in a string is
 * replaced from `env`; a missing variable is a load error naming file, line and column.
 */
export function loadTargetConfig(
  file: string,
  env: Readonly<Record<string, string | undefined>>,
  text: string = readFileSync(file, 'utf8'),
): Target {
  const source = parseYamlSource(file, text);
  const schema = schemaProblems(source, 'target-config.schema.json');
  if (schema.length > 0) throw new LoadError(schema);
  const problems: LoadProblem[] = [];
  const resolve = (v: string, path: (string | number)[]): string =>
    v.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
      const value = env[name];
      if (value === undefined || value === '') {
        problems.push(source.problem('PP_SCHEMA', `environment variable ${name} is not set`, path));
        return '';
      }
      return value;
    });
  const doc = source.value as TargetConfigDoc;
  const jos = doc.credentials.jos;
  const url = resolve(doc.url, ['url']);
  const creds = {
    appKey: resolve(jos.appKey, ['credentials', 'jos', 'appKey']),
    appSecret: resolve(jos.appSecret, ['credentials', 'jos', 'appSecret']),
    accessToken: resolve(jos.accessToken, ['credentials', 'jos', 'accessToken']),
  };
  if (problems.length > 0) throw new LoadError(problems);
  const capabilities = doc.capabilities ?? [];
  const skus = doc.fixtures?.referenceCatalogue
    ? referenceSkus()
    : (doc.fixtures?.skus ?? []).map((s) => ({ id: s.id, ware: s.ware, priceFen: yuanToFen(Number(s.price)) }));
  const pool = doc.fixtures?.skuPool
    ? { first: doc.fixtures.skuPool.first, count: doc.fixtures.skuPool.count, price: doc.fixtures.skuPool.price ?? '99.0' }
    : doc.fixtures?.referenceCatalogue
      ? REFERENCE_SKU_POOL
      : undefined;
  return {
    url,
    embedded: false,
    jos: creds,
    capabilities,
    ...(pool ? { skuPool: pool } : {}),
    ...(capabilities.includes('test-control') ? { testControlUrl: doc.testControlUrl ?? `${new URL(url).origin}/__promoproof` } : {}),
    skus,
  };
}

/** A target given only by URL: no capabilities, the reference's seeded catalogue and SKU pool. */
export function targetFromUrl(url: string, creds: Target['jos']): Target {
  return { url, embedded: false, jos: creds, capabilities: [], skus: referenceSkus(), skuPool: REFERENCE_SKU_POOL };
}
