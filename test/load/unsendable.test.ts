/**
 * What a load run refuses up front through a binding (src/load/unsendable.ts): an API the target does
 * not serve, an operation the binding does not map, a parameter it cannot express, a call that creates
 * what the service names (the setup's business), each named with why;
 * a parameter at the spec's default (`stacked: 0`) is no such parameter, and runLoad refuses before its
 * setup touches the target.
 */
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../src/load/profile.js';
import { runLoad } from '../../src/load/run-load.js';
import type { LoadProfileDoc } from '../../src/load/types.js';
import { unsendableMessage, unsendableOperations } from '../../src/load/unsendable.js';
import { restBindingTarget } from '../helpers/rest-binding.js';

// Nothing listens there: every case is decided before a request.
const target = restBindingTarget('http://127.0.0.1:9', 'tok');

function withMix(base: LoadProfileDoc, mix: LoadProfileDoc['mix']): LoadProfileDoc {
  return { ...base, mix };
}

describe('the mix operations a bound target cannot be sent', () => {
  it('claim-storm, verify-steady and mixed-sale-day can be sent whole: verify-steady’s stacked: 0 is the spec’s default, which a call without it means; mixed-sale-day’s Yoho reads are bound', () => {
    expect(unsendableOperations(loadProfile('claim-storm').doc, target)).toEqual([]);
    expect(unsendableOperations(loadProfile('verify-steady').doc, target)).toEqual([]);
    expect(unsendableOperations(loadProfile('mixed-sale-day').doc, target)).toEqual([]);
  });

  it('promotion-read: its two reads, of the API the target config does not serve', () => {
    const found = unsendableOperations(loadProfile('promotion-read').doc, target);
    expect(found.map((u) => [u.name, u.api, u.call])).toEqual([
      ['get', 'jd-promotion', 'jingdong.seller.promotion.get'],
      ['list', 'jd-promotion', 'jingdong.seller.promotion.list'],
    ]);
    expect(found[0]?.reason).toBe('the target does not serve the API jd-promotion (its target config has no apis.jd-promotion)');
    const message = unsendableMessage('promotion-read', found);
    expect(message).toMatch(/^profile promotion-read: the target cannot be sent 2 operations of its mix, so nothing was sent:/);
    expect(message).toContain("map each operation in the target's binding");
  });

  it('an operation the binding does not map, and a parameter off its default that it cannot express', () => {
    const base = loadProfile('verify-steady').doc;
    const verify = base.mix[0];
    if (verify === undefined) throw new Error('verify-steady has no mix');
    const found = unsendableOperations(
      withMix(base, [
        { ...verify, params: { ...verify.params, stacked: 1 } },
        { name: 'revoke', call: 'promoproof.coupon.revoke', weight: 1, params: { coupon_code: '${codes}' } },
      ]),
      target,
    );
    expect(found.map((u) => u.name)).toEqual(['verify', 'revoke']);
    expect(found[0]?.reason).toMatch(/cannot express the parameter stacked/);
    expect(found[1]?.reason).toMatch(/maps no operation promoproof\.coupon\.revoke/);
  });

  it('a batch upload in the mix: the binding sends it as one call per coupon and learns the ids it creates, which only the setup does', () => {
    const base = loadProfile('claim-storm').doc;
    const setup = base.setup?.[0] as { params: Record<string, unknown> } | undefined;
    const found = unsendableOperations(
      withMix(base, [
        ...base.mix,
        { name: 'upload', api: 'tencent-coupon-batch', call: 'order/add_coupon', weight: 1, params: setup?.params as never },
      ]),
      target,
    );
    expect(found.map((u) => u.name)).toEqual(['upload']);
    expect(found[0]?.reason).toMatch(/sends order\/add_coupon as one service call per entry of \/coupons: .*profile's setup/);
  });

  it('runLoad refuses such a mix before its setup sends anything', async () => {
    const { doc, file } = loadProfile('promotion-read');
    // The setup would fail to reach the closed port; the refusal comes first, naming the operations.
    await expect(runLoad({ profile: { doc, file }, target })).rejects.toThrow(/cannot be sent 2 operations[\s\S]*get/);
  });
});
