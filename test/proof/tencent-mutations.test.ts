import { describe, expect, it } from 'vitest';
import type { BodyMutation } from '../../src/apis/tencent-coupon-batch/index.js';
import { generated, mutations, turnedAround } from '../helpers/tencent-mutations.js';

/**
 * In process, for every body mutation of specs/tencent-coupon-batch/spec.yaml (npm run self-test; the
 * self-test proper runs each against the suite): each turns around a generated case of its rules, and
 * each generated case is turned around by some mutation of its rules.
 */
describe('every Tencent body mutation and every generated body case', () => {
  it('every mutation turns around a generated case of its rules (the self-test catches each)', () => {
    const missed = mutations.filter((m: BodyMutation) => turnedAround(m).length === 0).map((m) => m.id);
    expect(missed).toEqual([]);
  }, 120_000);

  it('every generated case is turned around by a mutation of its rules (no body check is left unproven)', () => {
    const proven = new Set(mutations.flatMap((m) => turnedAround(m).map((c) => c.id)));
    expect(generated.cases.filter((c) => !proven.has(c.id)).map((c) => c.id)).toEqual([]);
  });
});
