import { describe, expect, it } from 'vitest';
import { signYohoParams, yohoSign, yohoSignatureMatches, yohoSignBase } from '../../../src/protocols/yoho-gateway/sign.js';

// PROTOCOLS.md §3a, the worked example (made-up key k1).
const PARAMS = {
  method: 'app.coupons.lists',
  uid: '123',
  type: 'notuse',
  limit: '10',
  page: '1',
  client_type: 'android',
  app_version: '5.0.0',
};
const KEYS = { android: 'k1' };

describe('yoho-gateway client_secret (PROTOCOLS.md §3a)', () => {
  it('signs the worked example byte-exact', () => {
    expect(yohoSignBase(PARAMS, KEYS)).toBe(
      'app_version=5.0.0&client_type=android&limit=10&method=app.coupons.lists&page=1&private_key=k1&type=notuse&uid=123',
    );
    expect(yohoSign(PARAMS, KEYS)).toBe('b7a9b7b85516dbe3b6cd5eff15564c9d');
  });

  it('leaves out /api, client_secret, q and debug_data', () => {
    const noisy = { ...PARAMS, '/api': 'x', client_secret: 'y', q: 'z', debug_data: '1' };
    expect(yohoSign(noisy, KEYS)).toBe('b7a9b7b85516dbe3b6cd5eff15564c9d');
  });

  it('signs private_key=null for an unknown or missing client_type, as the Java gateway does', () => {
    expect(yohoSignBase({ ...PARAMS, client_type: 'fridge' }, KEYS)).toContain('&private_key=null&');
    const { client_type: _ct, ...without } = PARAMS;
    expect(yohoSignBase(without, KEYS)).toContain('private_key=null');
  });

  it('trims each pair and sorts as Java sorts (upper case before lower case)', () => {
    expect(yohoSignBase({ b: ' 2 ', A: '1', client_type: 'android' }, KEYS)).toBe('A=1&b= 2&client_type=android&private_key=k1');
  });

  it('verifies case-insensitively, and refuses another key, a changed parameter, a missing secret', () => {
    const signed = signYohoParams(PARAMS, KEYS);
    expect(yohoSignatureMatches(signed, KEYS)).toBe(true);
    expect(yohoSignatureMatches({ ...signed, client_secret: (signed['client_secret'] ?? '').toUpperCase() }, KEYS)).toBe(true);
    expect(yohoSignatureMatches(signed, { android: 'k2' })).toBe(false);
    expect(yohoSignatureMatches({ ...signed, uid: '124' }, KEYS)).toBe(false);
    expect(yohoSignatureMatches(PARAMS, KEYS)).toBe(false);
    expect(yohoSignatureMatches({ ...signed, client_secret: 'short' }, KEYS)).toBe(false);
  });

  it('replaces an earlier client_secret when signing', () => {
    expect(signYohoParams({ ...PARAMS, client_secret: 'old' }, KEYS).client_secret).toBe('b7a9b7b85516dbe3b6cd5eff15564c9d');
  });
});
