/**
 * The `templates` section of `npm run bench`: what evaluating a call's templates costs per request,
 * compiled once (src/scenario/compile-template.ts) against interpreted (parsed at every evaluation, as
 * before), and both against building and signing the JOS request they go into (buildJosParams, which
 * signs with josSign): the per-request work a load run repeats hundreds of thousands of times.
 */
import { Bench } from 'tinybench';
import { type Row, tinybenchRow } from './row.js';
import { buildJosParams } from '../src/protocols/jos/client.js';
import { DEFAULT_CREDENTIALS } from '../src/protocols/jos/credentials.js';
import { compileTemplate, interpretTemplate, type TemplateContext } from '../src/scenario/template.js';
import type { Json } from '../src/scenario/types.js';

/** A coupon claim's params as a claim storm writes them: every field a template. */
const CLAIM_BODY: Json = { data_source_id: '${target.dataSourceId}', batch_id: '${batch}', uid: '${uid}', request_id: '${fresh.name}' };

export async function benchTemplates(): Promise<Row[]> {
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
  const row = tinybenchRow(bench);
  return [
    row(compiledName, interpreted, 'templates compiled once at plan time instead of parsed at every evaluation'),
    row(interpreted, signing, 'templates parsed per request, as before compiling'),
    row(compiledName, signing, 'what a request pays for its templates now'),
  ];
}
