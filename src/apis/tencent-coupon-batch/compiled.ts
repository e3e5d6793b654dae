import { compileApi, type CompiledApi } from '../../spec/compile.js';
import type { ApiSpec } from '../../spec/types.js';
import { loadCouponBatchSpec } from './spec.js';

let compiled: CompiledApi | undefined;

/**
 * The coupon batch spec as the harness reads every API: body operations with no parameters, no
 * statuses or transitions. Compiled once per process (answer schemas; the body schema is the
 * reference's, compiled in validate.ts, and the case generator's).
 */
export function couponBatchApiCompiled(): CompiledApi {
  if (compiled) return compiled;
  const spec = loadCouponBatchSpec();
  const operations: ApiSpec['operations'] = Object.fromEntries(
    Object.entries(spec.operations).map(([name, op]) => [
      name,
      { title: op.title, rules: op.rules, errors: [], params: [], answer: op.answer, body: op.body, example: op.example },
    ]),
  );
  compiled = compileApi({
    id: spec.id,
    title: spec.title,
    protocol: spec.protocol,
    source: spec.source,
    timeZone: spec.timeZone,
    errors: {},
    statuses: {},
    transitions: {},
    limits: {},
    definitions: spec.definitions,
    operations,
  });
  return compiled;
}
