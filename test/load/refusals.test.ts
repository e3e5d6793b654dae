/**
 * Refusal codes as the gates read them (src/load/refusals.ts): a code a binding does not map
 * (`service:X`) is no error of the run and is named in the notice unless the profile expects it; the
 * flag survives merging the results of threads or processes.
 */
import { describe, expect, it } from 'vitest';
import { unexpectedRefusalsOf, unmappedNotice, unmappedRefusals } from '../../src/load/refusals.js';
import { mergeOperations } from '../../src/load/result.js';
import { OUTCOME_CLASSES, type OperationResult } from '../../src/load/types.js';

const NO_LATENCY = { count: 0, minMs: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0, hdr: '' };

function op(refusalCodes: OperationResult['refusalCodes']): OperationResult {
  const refusals = Object.values(refusalCodes).reduce((s, r) => s + r.count, 0);
  const classes = Object.fromEntries(
    OUTCOME_CLASSES.map((c) => [c, { count: c === 'refusal' ? refusals : 0, latency: NO_LATENCY }]),
  ) as OperationResult['classes'];
  return { count: refusals, classes, refusalCodes, nonConformant: {} };
}

describe('refusal codes a binding does not map', () => {
  const claim = op({
    'coupon.stock.empty': { count: 40, expected: true },
    'service:LIMIT_REACHED': { count: 7, expected: false, unmapped: true },
    'coupon.batch.not.exist': { count: 2, expected: false },
  });
  const redeem = op({
    'service:GONE': { count: 3, expected: false, unmapped: true },
    'service:USED': { count: 1, expected: true, unmapped: true },
  });

  it('are no error of the run; a code neither expected nor unmapped still is', () => {
    expect(unexpectedRefusalsOf(claim)).toBe(2);
    expect(unexpectedRefusalsOf(redeem)).toBe(0);
  });

  it('are named, most first, unless the profile expects them, in a notice that says how they were counted and what to do', () => {
    expect(unmappedRefusals({ claim, redeem })).toEqual([
      ['claim', 'service:LIMIT_REACHED', 7],
      ['redeem', 'service:GONE', 3],
    ]);
    expect(unmappedNotice({ claim, redeem })).toBe(
      '10 refusals with a code the binding does not map (claim: service:LIMIT_REACHED ×7, redeem: service:GONE ×3): ' +
        'counted apart, neither an expected refusal nor an error of any SLO, never a success; ' +
        "map each code in the binding's answer.codes to the spec's error name so the run can judge it",
    );
    expect(unmappedNotice({ redeem: op({ 'coupon.used': { count: 1, expected: true } }) })).toBeUndefined();
  });

  it('stay flagged when the results of threads merge', () => {
    const merged = mergeOperations([{ claim }, { claim: op({ 'service:LIMIT_REACHED': { count: 5, expected: false, unmapped: true } }) }]);
    expect(merged['claim']?.refusalCodes['service:LIMIT_REACHED']).toEqual({ count: 12, expected: false, unmapped: true });
    expect(merged['claim']?.refusalCodes['coupon.stock.empty']).toEqual({ count: 40, expected: true });
  });
});
