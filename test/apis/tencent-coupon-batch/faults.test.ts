import { describe, expect, it } from 'vitest';
import {
  loadTencentProtocol,
  TENCENT_FAULTS,
  type TencentFaultId,
  tencentProtocolFor,
} from '../../../src/apis/tencent-coupon-batch/index.js';
import { type SignatureVariant, signatureVariant } from '../../../src/protocols/signature-variant.js';
import { loadRules } from '../../../src/spec/load.js';
import { addCoupons, body, buildFace, type CallResult, coupon, type Face, signedQuery } from './call.js';

const many = (n: number) => body(...Array.from({ length: n }, (_, i) => coupon({ external_coupon_id: `C-${i}` })));
const one = (patch: Record<string, unknown>) => (face: Face) => addCoupons(face, body(coupon(patch)));
const sub2 = { coupon_sub_type: 2, amount_coupon: undefined };
const S = (face: Face) => Math.floor(face.clock.nowMs / 1000);
const at = (offsetS: number) => (face: Face) => addCoupons(face, body(coupon()), { overrides: { timestamp: String(S(face) + offsetS) } });
const twice = (first: Record<string, unknown>[], second: Record<string, unknown>[]) => async (face: Face) => {
  await addCoupons(face, body(...first));
  return addCoupons(face, body(...second));
};
const unsigned = (face: Face) => {
  const q = new URLSearchParams(signedQuery(face.clock.nowMs));
  q.delete('signature');
  return addCoupons(face, body(coupon()), { query: q.toString() });
};
const replayed = async (face: Face) => {
  const query = signedQuery(face.clock.nowMs);
  await addCoupons(face, body(coupon()), { query });
  return addCoupons(face, body(coupon()), { query });
};
/** A call whose signature is `change` of the right one (same fields, same secret). */
const nearMiss = (change: (signature: string) => string) => (face: Face) => {
  const q = new URLSearchParams(signedQuery(face.clock.nowMs));
  q.set('signature', change(q.get('signature') ?? ''));
  return addCoupons(face, body(coupon()), { query: q.toString() });
};
const retcodeAt = async (face: Face, offsetS: number) => (await at(offsetS)(face)).json.retcode;
const actions = (r: CallResult) => r.json.data['coupons'];
const errors = (r: CallResult) => r.json.data['errors'];

/**
 * Per fault: a call the correct face answers with `fixed`, the faulty one with `faulty`: a retcode
 * (in HTTP 200), or an expectation on the whole answer where the retcode stays the same.
 */
type Outcome = number | ((r: CallResult) => void);
const CASES: Record<TencentFaultId, { call: (face: Face) => Promise<CallResult>; fixed: Outcome; faulty: Outcome }> = {
  'tcc-signature-unchecked': {
    call: (f) => addCoupons(f, body(coupon()), { overrides: { signature: 'ab'.repeat(32) } }),
    fixed: 40004,
    faulty: 0,
  },
  'tcc-auth-off': { call: unsigned, fixed: 40001, faulty: 0 },
  'tcc-app-id-unchecked': { call: (f) => addCoupons(f, body(coupon()), { overrides: { app_id: 'nobody' } }), fixed: 40003, faulty: 0 },
  'tcc-body-signed': { call: one({}), fixed: 0, faulty: 40004 },
  'tcc-sign-algorithm-unchecked': { call: (f) => addCoupons(f, body(coupon()), { overrides: { sign: 'md5' } }), fixed: 40002, faulty: 0 },
  'tcc-signature-prefix': { call: nearMiss((s) => s.slice(0, 63)), fixed: 40004, faulty: 0 },
  'tcc-signature-first-32': { call: nearMiss((s) => `${s.slice(0, 32)}${'0'.repeat(32)}`), fixed: 40004, faulty: 0 },
  'tcc-signature-case-insensitive': { call: nearMiss((s) => s.toUpperCase()), fixed: 40004, faulty: 0 },
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
  'tcc-discount-fraction-only': { call: one({ ...sub2, discount_coupon: 70 }), fixed: 0, faulty: 41002 },
  'tcc-start-without-end': { call: one({ start_time: '1572395131732' }), fixed: 41002, faulty: 0 },
  'tcc-available-status-3': { call: one({ available_status: 3 }), fixed: 41002, faulty: 0 },
  'tcc-limits-not-integers': {
    // All five at once: the faulty face accepts the call only if none of them is checked.
    call: one({
      max_coupon_number_per_user: 1.5,
      max_coupon_number_per_user_daily: 1.5,
      max_coupons_by_day: 1.5,
      plan_count: 1.5,
      store_count: 1.5,
    }),
    fixed: (r) => expect(errors(r)).toHaveLength(5),
    faulty: 0,
  },
  'tcc-amount-by-day-integer': { call: one({ max_amount_by_day: 1000.5 }), fixed: 0, faulty: 41002 },
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
  'tcc-window-360': { call: at(-301), fixed: 40005, faulty: 0 },
  'tcc-window-240': { call: at(299), fixed: 0, faulty: 40005 },
  'tcc-nonce-replay-accepted': { call: replayed, fixed: 40006, faulty: 0 },
  'tcc-nonce-33': { call: (f) => addCoupons(f, body(coupon()), { overrides: { nonce: 'n'.repeat(33) } }), fixed: 40008, faulty: 0 },
  'tcc-nonce-31': { call: (f) => addCoupons(f, body(coupon()), { overrides: { nonce: 'n'.repeat(32) } }), fixed: 0, faulty: 40008 },
  'tcc-content-type-415': {
    call: (f) => addCoupons(f, null, { raw: 'dataSourceId=101', contentType: 'application/x-www-form-urlencoded' }),
    fixed: 41001,
    faulty: (r) => {
      expect(r.status).toBe(415);
      expect(r.json).not.toHaveProperty('retcode');
    },
  },
  'tcc-retcodes-shifted': { call: (f) => addCoupons(f, body(coupon()), { overrides: { signature: 'bad' } }), fixed: 40004, faulty: 40003 },
  'tcc-errors-without-index': {
    call: (f) => addCoupons(f, body(coupon(), coupon({ external_coupon_id: 'C-2', amount_coupon: undefined }))),
    fixed: (r) => {
      expect(r.json.retcode).toBe(41002);
      expect(errors(r)).toEqual([{ index: 1, path: 'coupons[1].amount_coupon', message: 'is required' }]);
      expect(r.json.errmsg).toContain('coupons[1].amount_coupon');
    },
    faulty: (r) => {
      expect(r.json.retcode).toBe(41002);
      expect(errors(r)).toEqual([{ path: 'amount_coupon', message: 'is required' }]);
      expect(r.json.errmsg).not.toContain('coupons[');
    },
  },
  'tcc-update-answered-added': {
    call: twice([coupon()], [coupon({ coupon_name: 'again' })]),
    fixed: (r) => expect(actions(r)).toEqual([{ external_coupon_id: 'C-1', action: 'updated' }]),
    faulty: (r) => expect(actions(r)).toEqual([{ external_coupon_id: 'C-1', action: 'added' }]),
  },
  'tcc-timestamp-millis-accepted': {
    call: (f) => addCoupons(f, body(coupon()), { overrides: { timestamp: String(f.clock.nowMs) } }),
    fixed: 40005,
    faulty: 0,
  },
  'tcc-body-times-any-text': {
    call: one({ start_time: '2019-10-30', end_time: '2019-11-30', show_start_time: 'today', show_end_time: '1e12' }),
    fixed: (r) => expect(errors(r)).toHaveLength(4),
    faulty: 0,
  },
  'tcc-first-of-twins-wins': {
    call: (f) => addCoupons(f, body(coupon(), coupon({ coupon_name: 'later' }))),
    fixed: (r) =>
      expect(actions(r)).toEqual([
        { external_coupon_id: 'C-1', action: 'added' },
        { external_coupon_id: 'C-1', action: 'updated' },
      ]),
    faulty: (r) => expect(actions(r)).toEqual([{ external_coupon_id: 'C-1', action: 'added' }]),
  },
};

function expectOutcome(r: CallResult, outcome: Outcome): void {
  if (typeof outcome === 'function') outcome(r);
  else expect([r.status, r.json.retcode]).toEqual([200, outcome]);
}

describe('tencent coupon batch faults', () => {
  const rules = new Map(loadRules().map((r) => [r.id, r.level] as const));

  it('the table: ids prefixed tcc-, each on a known rule, every must rule TCC-01..13 broken by one at least', () => {
    for (const [id, f] of Object.entries(TENCENT_FAULTS)) {
      expect(id).toMatch(/^tcc-[a-z0-9-]+$/);
      expect(f.rule, id).toMatch(/^TCC-(REF-)?\d\d$/);
      expect(rules.get(f.rule), id).toBe(f.rule.startsWith('TCC-REF-') ? 'ref' : 'must');
      expect(f.layer === 'validator', id).toBe('patch' in f);
      if ('protocol' in f) expect(f.layer, id).toBe('gateway');
    }
    const broken = new Set<string>(Object.values(TENCENT_FAULTS).map((f) => f.rule));
    for (let i = 1; i <= 13; i++) expect(broken.has(`TCC-${String(i).padStart(2, '0')}`), `TCC-${i}`).toBe(true);
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(TENCENT_FAULTS).sort());
  });

  for (const [id, c] of Object.entries(CASES) as [TencentFaultId, (typeof CASES)[TencentFaultId]][]) {
    it(`${id} (${TENCENT_FAULTS[id].rule}) changes the answer`, async () => {
      const fixed = await c.call(buildFace());
      const faulty = await c.call(buildFace({ fault: id }));
      expectOutcome(fixed, c.fixed);
      expectOutcome(faulty, c.faulty);
    });
  }

  it('the near misses of a signature: each comparison fault lets through only what its flaw does', async () => {
    // The must cases (last digit changed, truncated) refuse nothing a case-insensitive server accepts:
    // only the ref case (upper case, TCC-REF-15) tells it apart from the reference.
    const variants: readonly SignatureVariant[] = ['last-digit-changed', 'truncated', 'upper-case'];
    const accepted: Record<string, readonly SignatureVariant[]> = {
      none: [],
      'tcc-signature-prefix': ['truncated'],
      'tcc-signature-first-32': ['last-digit-changed', 'truncated'],
      'tcc-signature-case-insensitive': ['upper-case'],
    };
    for (const [fault, through] of Object.entries(accepted)) {
      for (const v of variants) {
        const face = buildFace(fault === 'none' ? {} : { fault });
        const r = await nearMiss((sig) => signatureVariant(sig, v))(face);
        expect(r.json.retcode, `${fault} ${v}`).toBe(through.includes(v) ? 0 : 40004);
      }
    }
  });

  it('a faulty face still serves a correct client (99.5 reading of a discount), but where the fault refuses it', async () => {
    const refusing: Partial<Record<TencentFaultId, number>> = { 'tcc-body-signed': 40004, 'tcc-discount-fraction-only': 41002 };
    for (const id of Object.keys(TENCENT_FAULTS) as TencentFaultId[]) {
      const face = buildFace({ fault: id });
      const answer = await addCoupons(face, body(coupon({ coupon_sub_type: 2, amount_coupon: undefined, discount_coupon: 99.5 })));
      expect(answer.json.retcode, id).toBe(refusing[id] ?? 0);
    }
  });

  it('a protocol fault runs on a patched copy: the shipped protocol spec is left as it is', async () => {
    const face = buildFace({ fault: 'tcc-window-360', testControl: true });
    const info = await face.app.inject({ method: 'GET', url: '/__promoproof/tencent-data-api/info' });
    expect(info.json()).toMatchObject({ skewS: 360, fault: 'tcc-window-360' });
    expect(tencentProtocolFor(loadTencentProtocol(), 'tcc-window-360').skewS).toBe(360);
    expect(loadTencentProtocol().skewS).toBe(300);
    expect(tencentProtocolFor(loadTencentProtocol(), 'tcc-auth-off')).toBe(loadTencentProtocol());
    expect(await retcodeAt(buildFace({ fault: 'tcc-window-360' }), -361)).toBe(40005);
  });

  it('a fault of another API is ignored', async () => {
    const face = buildFace({ fault: 'comment-counted-in-characters' });
    expect(face.mounted.fault).toBeUndefined();
    expect((await addCoupons(face, body(coupon({ coupon_type: 9 })))).json.retcode).toBe(41002);
  });
});
