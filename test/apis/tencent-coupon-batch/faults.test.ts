import { describe, expect, it } from 'vitest';
import { TENCENT_FAULTS, type TencentFaultId } from '../../../src/apis/tencent-coupon-batch/index.js';
import { loadRules } from '../../../src/spec/load.js';
import { addCoupons, body, buildFace, type CallResult, coupon, type Face } from './call.js';

const many = (n: number) => body(...Array.from({ length: n }, (_, i) => coupon({ external_coupon_id: `C-${i}` })));
const one = (patch: Record<string, unknown>) => (face: Face) => addCoupons(face, body(coupon(patch)));
const sub2 = { coupon_sub_type: 2, amount_coupon: undefined };

/** Per fault: a call the correct face answers with `fixed`, the faulty one with `faulty` (retcodes). */
const CASES: Record<TencentFaultId, { call: (face: Face) => Promise<CallResult>; fixed: number; faulty: number }> = {
  'tcc-signature-unchecked': {
    call: (f) => addCoupons(f, body(coupon()), { overrides: { signature: 'ab'.repeat(32) } }),
    fixed: 40004,
    faulty: 0,
  },
  'tcc-body-signed': { call: one({}), fixed: 0, faulty: 40004 },
  'tcc-sign-algorithm-unchecked': { call: (f) => addCoupons(f, body(coupon()), { overrides: { sign: 'md5' } }), fixed: 40002, faulty: 0 },
  'tcc-coupons-cap-51': { call: (f) => addCoupons(f, many(51)), fixed: 41002, faulty: 0 },
  'tcc-empty-coupons-accepted': { call: (f) => addCoupons(f, body()), fixed: 41002, faulty: 0 },
  'tcc-datasource-optional': { call: (f) => addCoupons(f, { coupons: [coupon()] }), fixed: 41002, faulty: 0 },
  'tcc-id-chars-not-bytes': { call: one({ external_coupon_id: '券'.repeat(40) }), fixed: 41002, faulty: 0 },
  'tcc-duplicate-id-refused': {
    call: async (f) => {
      await addCoupons(f, body(coupon()));
      return addCoupons(f, body(coupon({ coupon_name: 'again' })));
    },
    fixed: 0,
    faulty: 41002,
  },
  'tcc-name-chars-not-bytes': { call: one({ coupon_name: '券'.repeat(40) }), fixed: 41002, faulty: 0 },
  'tcc-rule-description-1001': { call: one({ rule_description: 'r'.repeat(1001) }), fixed: 41002, faulty: 0 },
  'tcc-sub-type-8-accepted': { call: one({ coupon_sub_type: 8 }), fixed: 41002, faulty: 0 },
  'tcc-amount-optional': { call: one({ amount_coupon: undefined }), fixed: 41002, faulty: 0 },
  'tcc-discount-percent-only': { call: one({ ...sub2, discount_coupon: 0.7 }), fixed: 0, faulty: 41002 },
  'tcc-start-without-end': { call: one({ start_time: '1572395131732' }), fixed: 41002, faulty: 0 },
  'tcc-available-status-3': { call: one({ available_status: 3 }), fixed: 41002, faulty: 0 },
  'tcc-limits-not-integers': { call: one({ max_coupon_number_per_user: 1.5 }), fixed: 41002, faulty: 0 },
  'tcc-imgs-11': { call: one({ media_info: { imgs: Array.from({ length: 11 }, () => ({ img_url: 'u' })) } }), fixed: 41002, faulty: 0 },
  'tcc-custom-tag-51': {
    call: one({ tag_info: { custom_tag: Array.from({ length: 51 }, () => ({ tag_name: 't' })) } }),
    fixed: 41002,
    faulty: 0,
  },
  'tcc-store-pair-unchecked': { call: one({ store: { store_info: [{ store_name: '店' }] } }), fixed: 41002, faulty: 0 },
  'tcc-miniprogram-pair-unchecked': { call: one({ target_url: { url_miniprogram: 'p' } }), fixed: 41002, faulty: 0 },
  'tcc-cps-unchecked': { call: one({ third_promotion_info: { promote_status: 1 } }), fixed: 41002, faulty: 0 },
  'tcc-refusal-retcode-zero': { call: one({ coupon_type: 9 }), fixed: 41002, faulty: 0 },
};

describe('tencent coupon batch faults', () => {
  const rules = new Map(loadRules().map((r) => [r.id, r.level] as const));

  it('the table: ids prefixed tcc-, each on a known rule, every must rule TCC-01..13 broken by one at least', () => {
    for (const [id, f] of Object.entries(TENCENT_FAULTS)) {
      expect(id).toMatch(/^tcc-[a-z0-9-]+$/);
      expect(rules.get(f.rule), id).toBe('must');
      expect(f.layer === 'validator', id).toBe('patch' in f);
    }
    const broken = new Set<string>(Object.values(TENCENT_FAULTS).map((f) => f.rule));
    for (let i = 1; i <= 13; i++) expect(broken.has(`TCC-${String(i).padStart(2, '0')}`), `TCC-${i}`).toBe(true);
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(TENCENT_FAULTS).sort());
  });

  for (const [id, c] of Object.entries(CASES) as [TencentFaultId, (typeof CASES)[TencentFaultId]][]) {
    it(`${id} (${TENCENT_FAULTS[id].rule}) changes the answer`, async () => {
      const fixed = await c.call(buildFace());
      const faulty = await c.call(buildFace({ fault: id }));
      expect([fixed.status, fixed.json.retcode]).toEqual([200, c.fixed]);
      expect([faulty.status, faulty.json.retcode]).toEqual([200, c.faulty]);
    });
  }

  it('a faulty face still serves a correct client (99.5 reading of a discount), but under tcc-body-signed', async () => {
    for (const id of Object.keys(TENCENT_FAULTS)) {
      const face = buildFace({ fault: id });
      const answer = await addCoupons(face, body(coupon({ coupon_sub_type: 2, amount_coupon: undefined, discount_coupon: 99.5 })));
      expect(answer.json.retcode, id).toBe(id === 'tcc-body-signed' ? 40004 : 0);
    }
  });

  it('a fault of another API is ignored', async () => {
    const face = buildFace({ fault: 'comment-counted-in-characters' });
    expect(face.mounted.fault).toBeUndefined();
    expect((await addCoupons(face, body(coupon({ coupon_type: 9 })))).json.retcode).toBe(41002);
  });
});
