/**
 * The `templates` section of `npm run bench`: what evaluating a call's templates costs per request,
 * compiled once (src/scenario/compile-template.ts) against interpreted (parsed at every evaluation, as
 * before), and both against building and signing the JOS request they go into (buildJosParams, which
 * signs with josSign): the per-request work a load run repeats hundreds of thousands of times.
 */
import { Bench } from 'tinybench';
import { buildJosParams } from '../src/protocols/jos/client.js';
import { DEFAULT_CREDENTIALS } from '../src/protocols/jos/credentials.js';
import { compileTemplate, interpretTemplate, type TemplateContext } from '../src/scenario/template.js';
import type { Json } from '../src/scenario/types.js';

/** A row of the bench table (the shape of bench/run.ts's Row). */
export interface TemplatesRow {
  readonly name: string;
  readonly unit: 'ms';
  readonly median: number;
  readonly baseline: string;
  readonly baselineMedian: number;
  readonly ratio: number;
  readonly note: string;
}

/** A coupon claim's params as a claim storm writes them: every field a template. */
const CLAIM_BODY: Json = { data_source_id: '${target.dataSourceId}', batch_id: '${batch}', uid: '${uid}', request_id: '${fresh.name}' };

export async function benchTemplates(): Promise<TemplatesRow[]> {
  let n = 0;
  const ctx: TemplateContext = {
    vars: { target: { dataSourceId: 'pp-ds-1' }, batch: 'pp-P3a91', uid: 424242 },
    nowMs: () => Date.now(),
    fresh: { name: () => `P3a9${(++n).toString(36)}`.slice(0, 10), int: () => ++n },
    skus: [],
  };
  const compiled = compileTemplate(CLAIM_BODY);
  const app = compiled(ctx) as Record<string, Json>;
  const timestampMs = Date.now();
  const interpreted = 'evaluate a claim body of 4 templates, interpreted';
  const compiledName = 'evaluate a claim body of 4 templates, compiled';
  const signing = 'build and sign its JOS request';
  const bench = new Bench({ time: 600, warmupTime: 150 });
  bench
    .add(interpreted, () => {
      interpretTemplate(CLAIM_BODY, ctx);
    })
    .add(compiledName, () => {
      compiled(ctx);
    })
    .add(signing, () => {
      buildJosParams({ method: 'promoproof.coupon.claim', app, credentials: DEFAULT_CREDENTIALS, timestampMs });
    });
  await bench.run();
  const med = (name: string) => bench.getTask(name)?.result?.latency.p50 ?? NaN;
  const row = (name: string, baseline: string, note: string): TemplatesRow => ({
    name,
    unit: 'ms',
    median: med(name),
    baseline,
    baselineMedian: med(baseline),
    ratio: med(name) / med(baseline),
    note,
  });
  return [
    row(compiledName, interpreted, 'templates compiled once at plan time instead of parsed at every evaluation'),
    row(interpreted, signing, 'templates parsed per request, as before compiling'),
    row(compiledName, signing, 'what a request pays for its templates now'),
  ];
}
