import { describe, expect, it } from 'vitest';
import {
  signYohoParams,
  yohoKeyOf,
  yohoSign,
  yohoSignatureMatches,
  yohoSignatureMatchesKey,
  yohoSignBase,
  yohoSignBaseWithKey,
  yohoSignWithKey,
} from '../../../src/protocols/yoho-gateway/sign.js';

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

describe('yoho-gateway client_secret with one key (a client signs with its own, whatever client_type says)', () => {
  it('puts private_key=<key> in the sorted list, or null for no key', () => {
    expect(yohoSignBaseWithKey(PARAMS, 'k1')).toBe(yohoSignBase(PARAMS, KEYS));
    expect(yohoSignWithKey(PARAMS, 'k1')).toBe('b7a9b7b85516dbe3b6cd5eff15564c9d');
    const { client_type: _ct, ...without } = PARAMS;
    expect(yohoSignBaseWithKey(without, 'k1')).toBe(
      'app_version=5.0.0&limit=10&method=app.coupons.lists&page=1&private_key=k1&type=notuse&uid=123',
    );
    expect(yohoSignBaseWithKey({ client_type: 'x' }, undefined)).toBe('client_type=x&private_key=null');
    // private_key given as a parameter is replaced by the key (the Java TreeMap put overwrites it).
    expect(yohoSignBaseWithKey({ private_key: 'sent', a: '1' }, 'k1')).toBe('a=1&private_key=k1');
  });

  it('picks the key of client_type from own keys only (no key for __proto__ or toString)', () => {
    expect(yohoKeyOf(PARAMS, KEYS)).toBe('k1');
    expect(yohoKeyOf({ client_type: 'iphone' }, KEYS)).toBeUndefined();
    expect(yohoKeyOf({}, KEYS)).toBeUndefined();
    expect(yohoKeyOf({ client_type: 'toString' }, KEYS)).toBeUndefined();
    expect(yohoKeyOf(Object.fromEntries([['client_type', '__proto__']]), KEYS)).toBeUndefined();
    expect(yohoSignBase({ client_type: 'constructor' }, KEYS)).toBe('client_type=constructor&private_key=null');
  });

  it('verifies under one key, whatever client_type names', () => {
    const signed = { ...PARAMS, client_type: 'fridge', client_secret: yohoSignWithKey({ ...PARAMS, client_type: 'fridge' }, 'k1') };
    expect(yohoSignatureMatchesKey(signed, 'k1')).toBe(true);
    expect(yohoSignatureMatches(signed, KEYS)).toBe(false);
    expect(yohoSignatureMatchesKey(signed, 'k2')).toBe(false);
    expect(yohoSignatureMatchesKey(PARAMS, 'k1')).toBe(false);
    // A secret whose lower-casing changes its length (non-ASCII) does not verify, and does not throw.
    expect(yohoSignatureMatchesKey({ ...PARAMS, client_secret: 'İ'.repeat(32) }, 'k1')).toBe(false);
  });
});
