/**
 * protocolRuleIds: the rules a protocol's own spec names, the ones a check through a binding of
 * another wire format cannot judge (src/engine/execute-check.ts skips a check covering one).
 */
import { describe, expect, it } from 'vitest';
import { protocolRuleIds } from '../../src/spec/protocol-rules.js';

describe('protocolRuleIds', () => {
  it("names the Yoho gateway's envelope, md5, signature and refusals, not the queries' own rules", () => {
    const yoho = protocolRuleIds('yoho-gateway/protocol.yaml');
    for (const id of ['UCP-01', 'UCP-REF-01', 'UCP-REF-02', 'UCP-REF-03']) expect(yoho.has(id), id).toBe(true);
    for (const id of ['UCP-02', 'UCP-03', 'UCP-04', 'UCP-REF-05', 'UCP-REF-06']) expect(yoho.has(id), id).toBe(false);
  });

  it('names the JOS system rules and none of the coupon life cycle’s', () => {
    const jos = protocolRuleIds('jos/protocol.yaml');
    expect(jos.has('JOS-06')).toBe(true);
    expect([...jos].some((id) => id.startsWith('CPN-'))).toBe(false);
  });
});
