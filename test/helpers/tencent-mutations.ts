/** The Tencent body mutations and the generated cases they turn around, for the tests that prove them. */
import {
  addCouponOperation,
  type BodyMutation,
  bodyMutations,
  type TencentMutationId,
  validateCouponBatchBody,
} from '../../src/apis/tencent-coupon-batch/index.js';
import { type BodyCase, generateBodyCases } from '../../src/generate/body-cases.js';
import type { Json } from '../../src/scenario/types.js';

export const op = addCouponOperation();
export const generated = generateBodyCases(op.body, op.example as Json);
export const mutations = bodyMutations(op.body);

/** The reference's verdict on a case's body under a mutation (or none), as the case states it. */
export const verdict = (c: BodyCase, fault?: string) =>
  validateCouponBatchBody(c.body, fault as TencentMutationId | undefined).ok ? 'accepted' : 'refused';

/** Per mutation, the generated cases of its rules whose verdict it turns around (what the self-test runs it against). */
export function turnedAround(m: BodyMutation): readonly BodyCase[] {
  let hit = turnedCache.get(m.id);
  if (!hit) {
    hit = generated.cases.filter((c) => c.rules.some((r) => m.rules.includes(r)) && verdict(c, m.id) !== c.expect);
    turnedCache.set(m.id, hit);
  }
  return hit;
}
const turnedCache = new Map<string, readonly BodyCase[]>();
