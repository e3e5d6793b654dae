import { createHash, createHmac } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ADD_COUPON_PATH,
  addCouponPath,
  buildTencentQuery,
  resignTencentQuery,
  TENCENT_QUERY_PARAMS,
  tencentSign,
  tencentSignatureMatches,
  tencentSignBase,
  verifyTencentQuery,
} from '../../../src/protocols/tencent-data-api/sign.js';

// The official vector of PROTOCOLS.md §2b (lingshou.tencent.com/doc/bi/api_safe_report.html).
const OFFICIAL = {
  secret: 'xyz',
  fields: { app_id: 'abc', nonce: '407313d23c3f7', timestamp: '1542951251' },
  base: 'app_id=abc&nonce=407313d23c3f7&sign=sha256&timestamp=1542951251',
  signature: '6e54c38c7e9c382a5295c3885503fa4a9ee37cabc884350d84973fc1b843126d',
  // hex(sha256(base)), what the vendor's prose literally says; PROTOCOLS.md §2b: "the prose is loose".
  plainSha256: '6e5b1bb3f1c07f88a7eed182f697d6c89eff9b7f512fa28378aa3eec1de46947',
};

// The request-parameter table of the seed (tencent-add-coupon-api.zh.txt). The seed gives no secret;
// the signature reproduces with the official vector's secret `xyz` (checked with Python's hmac too).
const SEED = {
  secret: 'xyz',
  fields: { app_id: 'abc', nonce: '61794670f155b', timestamp: '1569232087' },
  signature: 'aee30792812d7b09ba7d3aa67c24e16c6a7ea81282ac728ad5966dd1b3eef6d5',
};

// Multibyte in every signed value and in the secret; computed with Python hmac/hashlib over UTF-8.
const MULTIBYTE = {
  secret: '密钥xyz',
  fields: { app_id: '有数应用', nonce: '随机串ü€😀', timestamp: '1700000000' },
  signature: '44868b2b2305140735146a89be471d6c9e49095790cf0f528dec7b0a19839f6c',
};

describe('tencent-data-api signing (PROTOCOLS.md §2b)', () => {
  it('builds the official sign base byte for byte', () => {
    expect(tencentSignBase(OFFICIAL.fields)).toBe(OFFICIAL.base);
    expect(tencentSignBase({ ...OFFICIAL.fields, sign: 'sha256' })).toBe(OFFICIAL.base);
  });

  it('reproduces the official vector', () => {
    expect(tencentSign(OFFICIAL.fields, OFFICIAL.secret)).toBe(OFFICIAL.signature);
  });

  it('is HMAC keyed with the secret, not the plain SHA-256 of the prose', () => {
    expect(createHash('sha256').update(OFFICIAL.base, 'utf8').digest('hex')).toBe(OFFICIAL.plainSha256);
    expect(tencentSign(OFFICIAL.fields, OFFICIAL.secret)).not.toBe(OFFICIAL.plainSha256);
  });

  it("reproduces the seed's sample signature", () => {
    expect(tencentSign(SEED.fields, SEED.secret)).toBe(SEED.signature);
  });

  it('signs UTF-8 bytes of multibyte values and secrets, values not URL-encoded', () => {
    expect(tencentSignBase(MULTIBYTE.fields)).toBe('app_id=有数应用&nonce=随机串ü€😀&sign=sha256&timestamp=1700000000');
    expect(tencentSign(MULTIBYTE.fields, MULTIBYTE.secret)).toBe(MULTIBYTE.signature);
    // Latin-1 or UTF-16 bytes would give something else.
    const base = tencentSignBase(MULTIBYTE.fields);
    expect(createHmac('sha256', Buffer.from(MULTIBYTE.secret, 'latin1')).update(Buffer.from(base, 'latin1')).digest('hex')).not.toBe(
      MULTIBYTE.signature,
    );
    expect(createHmac('sha256', MULTIBYTE.secret).update(Buffer.from(base, 'utf16le')).digest('hex')).not.toBe(MULTIBYTE.signature);
    // A value that URL-encoding would change is signed raw.
    expect(tencentSignBase({ app_id: 'a b', nonce: 'n+/=', timestamp: '1' })).toBe('app_id=a b&nonce=n+/=&sign=sha256&timestamp=1');
  });

  it('is lower-case hex, 64 characters', () => {
    for (const v of [OFFICIAL, SEED, MULTIBYTE]) expect(tencentSign(v.fields, v.secret)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when any signed field or the secret changes', () => {
    const variants = [
      { ...OFFICIAL.fields, app_id: 'abd' },
      { ...OFFICIAL.fields, nonce: '407313d23c3f8' },
      { ...OFFICIAL.fields, timestamp: '1542951252' },
      // The same instant written with a leading zero is another text, so another signature.
      { ...OFFICIAL.fields, timestamp: '01542951251' },
      { ...OFFICIAL.fields, sign: 'SHA256' },
    ];
    const signatures = new Set(variants.map((f) => tencentSign(f, OFFICIAL.secret)));
    expect(signatures.size).toBe(variants.length);
    expect(signatures.has(OFFICIAL.signature)).toBe(false);
    expect(tencentSign(OFFICIAL.fields, 'xyZ')).not.toBe(OFFICIAL.signature);
    expect(tencentSign(OFFICIAL.fields, '')).not.toBe(OFFICIAL.signature);
  });

  it('compares signatures exactly and in constant time', () => {
    expect(tencentSignatureMatches(OFFICIAL.fields, OFFICIAL.secret, OFFICIAL.signature)).toBe(true);
    expect(tencentSignatureMatches(OFFICIAL.fields, OFFICIAL.secret, OFFICIAL.signature.toUpperCase())).toBe(false);
    expect(tencentSignatureMatches(OFFICIAL.fields, OFFICIAL.secret, OFFICIAL.signature.slice(0, 63))).toBe(false);
    expect(tencentSignatureMatches(OFFICIAL.fields, OFFICIAL.secret, `${OFFICIAL.signature}0`)).toBe(false);
    expect(tencentSignatureMatches(OFFICIAL.fields, OFFICIAL.secret, `${OFFICIAL.signature.slice(0, 63)}e`)).toBe(false);
    expect(tencentSignatureMatches(OFFICIAL.fields, OFFICIAL.secret, '')).toBe(false);
    expect(tencentSignatureMatches(OFFICIAL.fields, 'other', OFFICIAL.signature)).toBe(false);
  });
});

describe('the signed add_coupon query (PROTOCOLS.md §2a)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('builds the official vector as a query, in the document order', () => {
    const query = buildTencentQuery({ appId: 'abc', appSecret: 'xyz', nonce: '407313d23c3f7', timestampMs: 1542951251_000 });
    expect(query).toEqual({ ...OFFICIAL.fields, sign: 'sha256', signature: OFFICIAL.signature });
    expect(Object.keys(query)).toEqual([...TENCENT_QUERY_PARAMS]);
    expect(addCouponPath(query)).toBe(
      '/data-api/v1/order/add_coupon?app_id=abc&nonce=407313d23c3f7&sign=sha256&timestamp=1542951251&signature=6e54c38c7e9c382a5295c3885503fa4a9ee37cabc884350d84973fc1b843126d',
    );
    expect(ADD_COUPON_PATH).toBe('/data-api/v1/order/add_coupon');
  });

  it('sends whole seconds, rounding the milliseconds down, and signs a literal timestamp text as it is', () => {
    expect(buildTencentQuery({ appId: 'abc', appSecret: 'xyz', nonce: '407313d23c3f7', timestampMs: 1542951251_999 }).signature).toBe(
      OFFICIAL.signature,
    );
    const literal = buildTencentQuery({ appId: 'abc', appSecret: 'xyz', nonce: 'n', timestampMs: 0, timestampText: '2018-11-23' });
    expect(literal.timestamp).toBe('2018-11-23');
    expect(literal.signature).toBe(tencentSign({ app_id: 'abc', nonce: 'n', timestamp: '2018-11-23' }, 'xyz'));
  });

  it('defaults to a fresh 32-character hex nonce and the current second', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date(1569232087_456));
    const a = buildTencentQuery({ appId: 'abc', appSecret: 'xyz' });
    const b = buildTencentQuery({ appId: 'abc', appSecret: 'xyz' });
    expect(a.timestamp).toBe('1569232087');
    expect(a.nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(b.nonce).not.toBe(a.nonce);
    expect(verifyTencentQuery(a, 'xyz').ok).toBe(true);
  });

  it('URL-encodes multibyte values for transport; decoding gives back what was signed', () => {
    const query = buildTencentQuery({
      appId: MULTIBYTE.fields.app_id,
      appSecret: MULTIBYTE.secret,
      nonce: MULTIBYTE.fields.nonce,
      timestampMs: 1700000000_000,
    });
    expect(query.signature).toBe(MULTIBYTE.signature);
    const path = addCouponPath(query);
    expect(path).toMatch(/^[\x21-\x7e]+$/);
    expect(path).toContain('app_id=%E6%9C%89%E6%95%B0%E5%BA%94%E7%94%A8');
    const decoded = Object.fromEntries(new URL(path, 'https://test.zhls.qq.com').searchParams);
    expect(decoded).toEqual(query);
    expect(verifyTencentQuery(decoded, MULTIBYTE.secret)).toEqual({ ok: true, fields: { ...MULTIBYTE.fields, sign: 'sha256' } });
  });

  it('re-signs after a deliberate change', () => {
    const query = buildTencentQuery({ appId: 'abc', appSecret: 'xyz', nonce: 'x', timestampMs: 1542951251_000 });
    const stale = resignTencentQuery({ ...query, nonce: '407313d23c3f7' }, 'xyz');
    expect(stale.signature).toBe(OFFICIAL.signature);
    expect(Object.keys(stale)).toEqual([...TENCENT_QUERY_PARAMS]);
  });
});

describe('verifyTencentQuery (the reference side)', () => {
  const good = { ...OFFICIAL.fields, sign: 'sha256', signature: OFFICIAL.signature };

  it('accepts the official vector and returns the signed fields', () => {
    expect(verifyTencentQuery(good, 'xyz')).toEqual({ ok: true, fields: { ...OFFICIAL.fields, sign: 'sha256' } });
    // Other parameters do not take part.
    expect(verifyTencentQuery({ ...good, extra: '1' }, 'xyz').ok).toBe(true);
  });

  it.each(TENCENT_QUERY_PARAMS)('names a missing %s', (param) => {
    const { [param]: _gone, ...rest } = good;
    expect(verifyTencentQuery(rest, 'xyz')).toEqual({ ok: false, problem: 'missing', param });
  });

  it.each(TENCENT_QUERY_PARAMS)('names a repeated %s', (param) => {
    expect(verifyTencentQuery({ ...good, [param]: [good[param], good[param]] }, 'xyz')).toEqual({ ok: false, problem: 'repeated', param });
  });

  it.each(['SHA256', 'md5', 'hmac-sha256', ''])('refuses sign=%j, the only algorithm being sha256', (sign) => {
    expect(verifyTencentQuery({ ...good, sign }, 'xyz')).toEqual({ ok: false, problem: 'unsupported_sign', sign });
  });

  it('refuses a signature that does not match', () => {
    expect(verifyTencentQuery({ ...good, signature: OFFICIAL.signature.toUpperCase() }, 'xyz')).toEqual({
      ok: false,
      problem: 'bad_signature',
    });
    expect(verifyTencentQuery({ ...good, timestamp: '1542951252' }, 'xyz')).toEqual({ ok: false, problem: 'bad_signature' });
    expect(verifyTencentQuery(good, 'xy')).toEqual({ ok: false, problem: 'bad_signature' });
    expect(verifyTencentQuery({ ...good, signature: '' }, 'xyz')).toEqual({ ok: false, problem: 'bad_signature' });
  });
});
