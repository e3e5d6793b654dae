import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildJosParams, resign } from '../../../src/protocols/jos/client.js';
import { josSign, josSignBase, parseSignMethod } from '../../../src/protocols/jos/sign.js';

// The worked example of PROTOCOLS.md §1c.
const VECTOR = {
  secret: 'test_secret',
  params: {
    method: 'jingdong.seller.promotion.add',
    access_token: 'test_token',
    app_key: 'test_app_key',
    timestamp: '2024-01-02 03:04:05',
    format: 'json',
    v: '2.0',
    '360buy_param_json': '{"begin_time":"2024-01-03 00:00:00","end_time":"2024-01-10 00:00:00","name":"test","type":1}',
  },
  base: '360buy_param_json{"begin_time":"2024-01-03 00:00:00","end_time":"2024-01-10 00:00:00","name":"test","type":1}access_tokentest_tokenapp_keytest_app_keyformatjsonmethodjingdong.seller.promotion.addtimestamp2024-01-02 03:04:05v2.0',
  sign: 'F4BA4D8C0E91CBCF478918D5A316B8BD',
};

describe('JOS signing (PROTOCOLS.md §1c)', () => {
  it('builds the pre-sign string of the vector byte for byte', () => {
    expect(josSignBase(VECTOR.params)).toBe(VECTOR.base);
  });

  it('reproduces the md5 vector', () => {
    expect(josSign(VECTOR.params, VECTOR.secret)).toBe(VECTOR.sign);
    expect(josSign(VECTOR.params, VECTOR.secret, 'md5')).toBe(VECTOR.sign);
  });

  it('ignores an existing sign parameter and empty or blank values', () => {
    expect(josSign({ ...VECTOR.params, sign: 'WHATEVER', access_token2: '', zz: '   ' }, VECTOR.secret)).toBe(VECTOR.sign);
  });

  it('changes when any signed byte changes', () => {
    const altered = { ...VECTOR.params, '360buy_param_json': VECTOR.params['360buy_param_json'].replace('"test"', '"tesT"') };
    expect(josSign(altered, VECTOR.secret)).not.toBe(VECTOR.sign);
    expect(josSign(VECTOR.params, 'other_secret')).not.toBe(VECTOR.sign);
  });

  it('computes hmacmd5 and hmacsha256 over the unwrapped base, upper-case hex', () => {
    expect(josSign(VECTOR.params, VECTOR.secret, 'hmacmd5')).toBe(
      createHmac('md5', VECTOR.secret).update(VECTOR.base).digest('hex').toUpperCase(),
    );
    expect(josSign(VECTOR.params, VECTOR.secret, 'hmacsha256')).toBe(
      createHmac('sha256', VECTOR.secret).update(VECTOR.base).digest('hex').toUpperCase(),
    );
    expect(josSign(VECTOR.params, VECTOR.secret, 'hmacsha256')).toMatch(/^[0-9A-F]{64}$/);
  });

  it('hashes UTF-8 bytes of Chinese text', () => {
    const params = { method: 'm', '360buy_param_json': '{"name":"优惠促销"}' };
    const expected = createHash('md5')
      .update(Buffer.from('s360buy_param_json{"name":"优惠促销"}methodms', 'utf8'))
      .digest('hex')
      .toUpperCase();
    expect(josSign(params, 's')).toBe(expected);
  });

  it('sorts keys by code unit, so 360buy_param_json comes first and upper case before lower', () => {
    expect(josSignBase({ b: '2', a: '1', B: '3', '360buy_param_json': '{}' })).toBe('360buy_param_json{}B3a1b2');
  });

  it('puts any set of names in code-unit order, whatever order they arrive in (surrogates and all)', () => {
    const names = ['timestamp', 'v', 'app_key', 'sign_method', 'Z', 'a', 'ab', 'aa', '_', '0', 'é', '\uD83D\uDE00', 'method', 'format'];
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let round = 0; round < 50; round++) {
      // A seeded shuffle: each round the names in another order, some left out.
      const picked = names.filter(() => next() % 3 !== 0);
      const shuffled = [...picked].sort(() => (next() % 2 === 0 ? -1 : 1));
      const params = Object.fromEntries(shuffled.map((n, i) => [n, `v${i}`]));
      const expected = [...picked]
        .sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))
        .map((n) => n + params[n])
        .join('');
      expect(josSignBase(params)).toBe(expected);
    }
  });

  it('reads sign_method like the Java SDK', () => {
    expect(parseSignMethod(undefined)).toBe('md5');
    expect(parseSignMethod('')).toBe('md5');
    expect(parseSignMethod('HMACSHA256')).toBe('hmacsha256');
    expect(parseSignMethod('hmac-sha256')).toBeUndefined();
  });

  it('client signs the JSON it sends, byte-exact, and re-signs after a change', () => {
    const params = buildJosParams({
      method: VECTOR.params.method,
      app: VECTOR.params['360buy_param_json'],
      credentials: { appKey: 'test_app_key', appSecret: 'test_secret', accessToken: 'test_token' },
      timestampText: '2024-01-02 03:04:05',
    });
    expect(params['sign']).toBe(VECTOR.sign);
    const { v: _v, ...withoutV } = params;
    expect(resign(withoutV, 'test_secret')['sign']).toBe(josSign(withoutV, 'test_secret'));
    expect(resign(withoutV, 'test_secret')['sign']).not.toBe(VECTOR.sign);
  });
});
