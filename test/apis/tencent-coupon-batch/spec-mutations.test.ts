import { describe, expect, it } from 'vitest';
import { bodyMutations, bodyMutationsById, isTencentFault, isTencentMutation } from '../../../src/apis/tencent-coupon-batch/index.js';
import { addCoupons, body, buildFace, coupon } from './call.js';
import { generated, mutations, op, turnedAround, verdict } from '../../helpers/tencent-mutations.js';

describe('body mutations of specs/tencent-coupon-batch/spec.yaml', () => {
  it('ids are unique, prefixed, stable, and the shipped map holds them all', () => {
    const ids = mutations.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id.startsWith('spec:tcc:'))).toBe(true);
    expect(bodyMutations(structuredClone(op.body)).map((m) => m.id)).toEqual(ids);
    expect([...bodyMutationsById().keys()]).toEqual(ids);
    expect(ids).toEqual(
      expect.arrayContaining([
        'spec:tcc:dataSourceId.not-required',
        'spec:tcc:coupons.maxItems+1',
        'spec:tcc:coupons.minItems-unchecked',
        'spec:tcc:coupons[].coupon_name.maxBytes+1',
        'spec:tcc:coupons[].coupon_name.maxBytes-1',
        'spec:tcc:coupons[].coupon_name.maxBytes-unchecked',
        'spec:tcc:coupons[].coupon_type.enum+3',
        'spec:tcc:coupons[].coupon_type.enum-2',
        'spec:tcc:coupons[].external_coupon_id.not-required',
        'spec:tcc:coupons[].dependencies(start_time)-unchecked',
        'spec:tcc:coupons[].dependencies(start_time)-required',
        'spec:tcc:coupons[].if(coupon_sub_type=1)-unchecked',
        'spec:tcc:coupons[].amount_coupon.decimalPlaces-1',
        'spec:tcc:coupons[].discount_coupon.exclusiveMinimum+0.01',
        'spec:tcc:coupons[].discount_coupon.exclusiveMaximum+0.01',
        'spec:tcc:coupons[].discount_coupon.appliesIf-unchecked',
        'spec:tcc:coupons[].amount_coupon.appliesIf-unchecked',
        'spec:tcc:coupons[].media_info.imgs.maxItems-1',
        'spec:tcc:coupons[].target_url.dependencies(url_miniprogram,miniprogram_appid,miniprogram_username)-unchecked',
      ]),
    );
  });

  it('mutates nothing the generated cases cannot see (type, pattern, default, middle enum members)', () => {
    const ids = mutations.map((m) => m.id);
    expect(ids.filter((id) => /\.(type|pattern|default|const)\b/.test(id))).toEqual([]);
    expect(ids).not.toContain('spec:tcc:coupons[].coupon_sub_type.enum-3');
    // Ignored where it has no effect, but with no limit a case refuses: no case could see it validated there.
    expect(ids).not.toContain('spec:tcc:coupons[].amount_minimum.appliesIf-unchecked');
    // Masked by the other two entries of its group: only dropped with them.
    expect(ids).not.toContain('spec:tcc:coupons[].target_url.dependencies(url_miniprogram)-unchecked');
  });

  it('rules: the refused side for a looser mutation, the accepted side too for a stricter one', () => {
    const rules = (id: string) => bodyMutationsById().get(id)?.rules;
    expect(rules('spec:tcc:coupons[].promotion_ids[].maxBytes+1')).toEqual(['TCC-04']);
    expect(rules('spec:tcc:coupons[].promotion_ids[].maxBytes-1')).toEqual(['TCC-04', 'TCC-REF-12']);
    expect(rules('spec:tcc:coupons[].discount_coupon.exclusiveMinimum-0.01')).toEqual(['TCC-REF-08']);
    expect(rules('spec:tcc:coupons[].discount_coupon.exclusiveMinimum+0.01')).toEqual(['TCC-REF-08', 'TCC-06']);
    expect(rules('spec:tcc:coupons[].dependencies(start_time)-unchecked')).toEqual(['TCC-07']);
    expect(rules('spec:tcc:coupons[].if(coupon_sub_type=2)-unchecked')).toEqual(['TCC-06']);
    expect(rules('spec:tcc:coupons[].discount_coupon.appliesIf-unchecked')).toEqual(['TCC-REF-16']);
    expect(rules('spec:tcc:coupons[].coupon_name.not-required')).toEqual(['TCC-04']);
    expect(rules('spec:tcc:coupons.minItems+1')).toEqual(['TCC-02']);
    // Its accepted body is the required-when's case (coupon_sub_type 1 with amount_coupon), kept under TCC-06.
    expect(rules('spec:tcc:coupons[].coupon_sub_type.enum-1')).toEqual(['TCC-05', 'TCC-06']);
  });

  it('each patch edits a copy of the body schema and changes it', () => {
    const before = JSON.stringify(op.body);
    for (const m of mutations) {
      const copy = structuredClone(op.body) as Record<string, unknown>;
      m.patch(copy);
      expect(JSON.stringify(copy), m.id).not.toBe(before);
    }
    expect(JSON.stringify(op.body)).toBe(before);
  });

  it('the unmutated reference agrees with every generated case (and the generator has no gaps)', () => {
    expect(generated.gaps).toEqual([]);
    expect(generated.cases.filter((c) => verdict(c) !== c.expect).map((c) => c.id)).toEqual([]);
  });

  it('isTencentMutation: ids of the shipped spec only', () => {
    expect(isTencentMutation('spec:tcc:coupons[].coupon_name.maxBytes-1')).toBe(true);
    expect(isTencentMutation('spec:tcc:coupons[].coupon_name.maxBytes-7')).toBe(false);
    expect(isTencentMutation('tcc-coupons-cap-51')).toBe(false);
    expect(isTencentMutation('spec:add.promo_name.maxLength+1')).toBe(false);
    expect(isTencentMutation(undefined)).toBe(false);
    expect(isTencentFault('spec:tcc:coupons[].coupon_name.maxBytes-1')).toBe(false);
  });
});

describe('the reference run with a body mutation', () => {
  it('mounts with it and validates against the mutated schema', async () => {
    const id = 'spec:tcc:coupons[].coupon_name.maxBytes-1';
    const name = 'n'.repeat(100);
    const plain = buildFace();
    expect((await addCoupons(plain, body(coupon({ coupon_name: name })))).json.retcode).toBe(0);
    const face = buildFace({ fault: id });
    expect(face.mounted.fault).toBe(id);
    const refused = await addCoupons(face, body(coupon({ coupon_name: name })));
    expect(refused.json.retcode).not.toBe(0);
    expect(refused.json.errmsg).toContain('coupons[0].coupon_name');
    expect((await addCoupons(face, body(coupon({ coupon_name: 'n'.repeat(99) })))).json.retcode).toBe(0);
  });

  // Over the wire for one mutation of each kind (keyword and change): the in-process test above holds for
  // all of them, and the self-test (npm run self-test) runs every one against the suite.
  it("answers one mutation of each kind's turned-around case the other way over the wire (success, or 41002 bodyInvalid)", async () => {
    const wrong: string[] = [];
    const kinds = new Map<string, (typeof mutations)[number]>();
    for (const m of mutations) {
      const kind = m.id.replace(/^.*\.(?=[^.]*$)/, '').replace(/\(.*\)/, '()');
      if (!kinds.has(kind)) kinds.set(kind, m);
    }
    expect(kinds.size).toBeGreaterThan(10);
    for (const m of kinds.values()) {
      const c = turnedAround(m)[0];
      if (!c) continue;
      const face = buildFace({ fault: m.id });
      const { retcode } = (await addCoupons(face, c.body)).json;
      if (retcode !== (c.expect === 'accepted' ? 41002 : 0)) wrong.push(`${m.id}: ${c.id} answered ${retcode}`);
      await face.app.close();
    }
    expect(wrong).toEqual([]);
  });

  it('ignores an id that is no mutation of the shipped spec', () => {
    expect(buildFace({ fault: 'spec:tcc:coupons[].coupon_name.maxBytes-9' }).mounted.fault).toBeUndefined();
  });
});
