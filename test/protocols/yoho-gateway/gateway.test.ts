import { describe, expect, it } from 'vitest';
import { YOHO_TEST_CREDENTIALS } from '../../../src/protocols/yoho-gateway/credentials.js';
import {
  decodeYoho,
  readYohoAnswer,
  YOHO_DEV_SALT,
  YOHO_MASTER_SALT,
  yohoDataMd5,
  yohoSuccessText,
} from '../../../src/protocols/yoho-gateway/envelope.js';
import { isYohoFault, YOHO_FAULTS, type YohoFaultName } from '../../../src/protocols/yoho-gateway/faults.js';
import {
  handleYoho,
  YOHO_CONTENT_TYPE,
  type YohoGatewayDeps,
  type YohoIncomingParams,
  type YohoService,
} from '../../../src/protocols/yoho-gateway/gateway.js';
import { yohoSignWithKey } from '../../../src/protocols/yoho-gateway/sign.js';
import { deps, FAKE_SERVICE, KEYS } from './fixtures.js';
import { rng as prng } from '../../helpers/rng.js';

const BASE = { method: 'app.coupons.total', uid: '7893817', type: 'use', client_type: 'android', app_version: '5.0.0' };

/** `params` with the client_secret of `key` (android's by default), whatever client_type says. */
function signed(params: Record<string, string> = BASE, key: string | undefined = KEYS.android): Record<string, string> {
  return { ...params, client_secret: yohoSignWithKey(params, key) };
}

function call(params: YohoIncomingParams, d: YohoGatewayDeps = deps()): string {
  const a = handleYoho(d, params);
  expect(a.status).toBe(200);
  expect(a.contentType).toBe(YOHO_CONTENT_TYPE);
  return a.body;
}

const json = (body: string) => JSON.parse(body) as Record<string, unknown>;
const SUCCESS = yohoSuccessText({ total: 17, type: 'use' }, 'coupons total');
const NOT_VERIFIED = '{"code":500,"message":"数据验证错误."}';
const NO_SECRET = '{"code":500,"message":"缺少client_secret"}';

describe('handleYoho: a correctly signed call', () => {
  it('answers the service’s data in the SALT_MD5 envelope, byte for byte', () => {
    expect(call(signed())).toBe(SUCCESS);
    expect(decodeYoho('app.coupons.total', JSON.parse(SUCCESS), SUCCESS, YOHO_MASTER_SALT)).toEqual({
      kind: 'success',
      body: { total: 17, type: 'use' },
    });
  });

  it('takes each client type’s own key, and the signature in upper case', () => {
    expect(call(signed({ ...BASE, client_type: 'iphone' }, KEYS.iphone))).toBe(SUCCESS);
    expect(call(signed({ ...BASE, client_type: 'yoho' }, KEYS.yoho))).toBe(SUCCESS);
    const s = signed();
    expect(call({ ...s, client_secret: (s['client_secret'] ?? '').toUpperCase() })).toBe(SUCCESS);
  });

  it('ignores the unsigned parameters (/api, q, debug_data) added after signing', () => {
    expect(call({ ...signed(), q: 'x', debug_data: '1', '/api': 'y' })).toBe(SUCCESS);
  });

  it('writes null data as [] with its md5, and 操作成功 when the service gives no message', () => {
    const body = call(signed({ ...BASE, method: 'app.null' }));
    expect(body).toBe(`{"alg":"SALT_MD5","code":200,"data":[],"md5":"${yohoDataMd5('[]')}","message":"操作成功"}`);
  });

  it('signs with the configured salt', () => {
    const body = call(signed(), { ...deps(), salt: YOHO_DEV_SALT });
    expect(body).toBe(yohoSuccessText({ total: 17, type: 'use' }, 'coupons total', 200, YOHO_DEV_SALT));
  });

  it('passes a service refusal on as {code, message}, no md5', () => {
    expect(call(signed({ ...BASE, method: 'app.promotion.queryBirthCoupon' }))).toBe('{"code":411,"message":"您没有可领取的生日券哦"}');
    expect(call(signed({ ...BASE, uid: 'abc' }))).toBe('{"code":400,"message":"bad request"}');
  });

  it('reads the first value of a repeated parameter and leaves non-strings out', () => {
    const s = signed();
    expect(call({ ...s, uid: ['7893817', '1'] })).toBe(SUCCESS);
    const noType = { ...s, type: 7 as unknown as string };
    expect(call(noType)).toBe(NOT_VERIFIED);
    expect(call({ ...s, method: [] })).toBe('{"code":404,"message":"method not found"}');
  });
});

describe('handleYoho: refusals, in order (HTTP 200 each, no md5)', () => {
  it('method missing or empty → 404, before anything else', () => {
    expect(call({})).toBe('{"code":404,"message":"method not found"}');
    expect(call({ ...BASE, method: '' })).toBe('{"code":404,"message":"method not found"}');
    const { method: _m, ...noMethod } = BASE;
    expect(call(signed(noMethod))).toBe('{"code":404,"message":"method not found"}');
  });

  it('client_secret missing or empty → 500 缺少client_secret', () => {
    expect(call(BASE)).toBe(NO_SECRET);
    expect(call({ ...BASE, client_secret: '' })).toBe(NO_SECRET);
    // Before the method is looked up: an unsigned caller learns nothing of the methods.
    expect(call({ ...BASE, method: 'app.nope' })).toBe(NO_SECRET);
  });

  it('client_type missing, or without a key → 500 数据验证错误., even signed with private_key=null as Java would verify', () => {
    const { client_type: _ct, ...noType } = BASE;
    expect(call(signed(noType))).toBe(NOT_VERIFIED);
    expect(call(signed(noType, undefined))).toBe(NOT_VERIFIED);
    for (const t of ['fridge', 'ipad', 'toString', '__proto__', 'constructor', '']) {
      expect(call(signed({ ...BASE, client_type: t }, undefined)), t).toBe(NOT_VERIFIED);
      expect(call(signed({ ...BASE, client_type: t })), t).toBe(NOT_VERIFIED);
    }
  });

  it('a client_secret that is not the signature → 500 数据验证错误.', () => {
    expect(call({ ...BASE, client_secret: 'x' })).toBe(NOT_VERIFIED);
    expect(call({ ...signed(), uid: '7893818' })).toBe(NOT_VERIFIED);
    expect(call(signed(BASE, 'another-key'))).toBe(NOT_VERIFIED);
    // Another client type's key.
    expect(call(signed({ ...BASE, client_type: 'iphone' }, KEYS.android))).toBe(NOT_VERIFIED);
  });

  it('a method the service does not have → 404 method not found: <method>, clipped', () => {
    expect(call(signed({ ...BASE, method: 'app.nope' }))).toBe('{"code":404,"message":"method not found: app.nope"}');
    const long = `app.${'x'.repeat(100)}`;
    expect(json(call(signed({ ...BASE, method: long })))['message']).toBe(`method not found: ${long.slice(0, 64)}…`);
  });

  it('a service that throws, refuses with code 200, or answers data JSON cannot write → 500 system exception', () => {
    const exception = '{"code":500,"message":"system exception"}';
    expect(call(signed({ ...BASE, method: 'app.fail' }))).toBe(exception);
    const odd = (result: ReturnType<YohoService['call']>): YohoGatewayDeps => ({
      ...deps(),
      service: { has: () => true, call: () => result },
    });
    expect(call(signed(), odd({ ok: false, code: 200, message: 'ok?' }))).toBe(exception);
    expect(call(signed(), odd({ ok: false, code: 1.5, message: 'x' }))).toBe(exception);
    expect(call(signed(), odd({ ok: true, data: 10n }))).toBe(exception);
    expect(call(signed(), odd({ ok: true, data: () => 1 }))).toBe(exception);
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    expect(call(signed(), odd({ ok: true, data: cycle }))).toBe(exception);
    expect(
      call(signed(), {
        ...deps(),
        service: {
          has: () => {
            throw new Error('x');
          },
          call: FAKE_SERVICE.call,
        },
      }),
    ).toBe(exception);
    expect(call(signed(), odd({ ok: true, data: { a: 1 }, message: '' }))).toBe(yohoSuccessText({ a: 1 }));
  });
});

describe('handleYoho: faults (each breaks what it names, and nothing else for a correctly signed call)', () => {
  const faulty = (f: YohoFaultName) => deps(f);

  it('lists each fault with a rule and a description', () => {
    expect(Object.keys(YOHO_FAULTS).sort()).toEqual([
      'yoho-client-type-ignored',
      'yoho-error-code-200',
      'yoho-get-refused',
      'yoho-key-appended',
      'yoho-md5-missing',
      'yoho-md5-reserialised',
      'yoho-md5-wrong-salt',
      'yoho-sign-not-checked',
      'yoho-signature-case-sensitive',
    ]);
    for (const [id, f] of Object.entries(YOHO_FAULTS)) {
      expect(f.rule, id).toMatch(/^UCP-(01|REF-0[1-4])$/);
      expect(f.description.length, id).toBeGreaterThan(10);
      expect(isYohoFault(id)).toBe(true);
    }
    expect(isYohoFault('tcc-auth-off')).toBe(false);
    expect(isYohoFault('toString')).toBe(false);
    expect(isYohoFault(undefined)).toBe(false);
    // Another API's fault changes nothing here.
    expect(call(signed(), deps('tcc-auth-off'))).toBe(SUCCESS);
    expect(call(BASE, deps('tcc-auth-off'))).toBe(NO_SECRET);
  });

  it('yoho-sign-not-checked: any client_secret, or none, and any client_type are accepted', () => {
    const d = faulty('yoho-sign-not-checked');
    expect(call(signed(), d)).toBe(SUCCESS);
    expect(call(BASE, d)).toBe(SUCCESS);
    expect(call({ ...BASE, client_secret: 'x' }, d)).toBe(SUCCESS);
    expect(call({ ...BASE, client_type: 'fridge' }, d)).toBe(SUCCESS);
    // The rest stands: method checks, the service's refusals, the envelope.
    expect(call({ ...BASE, method: '' }, d)).toBe('{"code":404,"message":"method not found"}');
    expect(call({ ...BASE, method: 'app.nope' }, d)).toBe('{"code":404,"message":"method not found: app.nope"}');
    expect(call({ ...BASE, uid: 'x' }, d)).toBe('{"code":400,"message":"bad request"}');
  });

  it('yoho-md5-wrong-salt: the md5 is the dev salt’s (the master’s when the dev salt is configured); data and the rest unchanged', () => {
    const body = call(signed(), faulty('yoho-md5-wrong-salt'));
    expect(body).toBe(SUCCESS.replace(yohoDataMd5('{"total":17,"type":"use"}'), yohoDataMd5('{"total":17,"type":"use"}', YOHO_DEV_SALT)));
    expect(body).not.toBe(SUCCESS);
    expect(decodeYoho('app.coupons.total', JSON.parse(body), body, YOHO_MASTER_SALT)).toMatchObject({ kind: 'malformed' });
    const onDev = call(signed(), { ...faulty('yoho-md5-wrong-salt'), salt: YOHO_DEV_SALT });
    expect(readYohoAnswer(JSON.parse(onDev), onDev, YOHO_DEV_SALT)).toMatchObject({ kind: 'success', md5Valid: false });
    expect(readYohoAnswer(JSON.parse(onDev), onDev, YOHO_MASTER_SALT)).toMatchObject({ kind: 'success', md5Valid: true });
    expect(call(BASE, faulty('yoho-md5-wrong-salt'))).toBe(NO_SECRET);
  });

  it('yoho-md5-reserialised: data written indented, md5 over the compact text; the parsed answer unchanged', () => {
    const body = call(signed(), faulty('yoho-md5-reserialised'));
    expect(body).not.toBe(SUCCESS);
    expect(JSON.parse(body)).toEqual(JSON.parse(SUCCESS));
    expect(body).toContain('"data":{\n "total": 17,\n "type": "use"\n}');
    expect(decodeYoho('app.coupons.total', JSON.parse(body), body, YOHO_MASTER_SALT)).toMatchObject({
      kind: 'malformed',
      reason: expect.stringContaining(yohoDataMd5('{\n "total": 17,\n "type": "use"\n}')),
    });
    expect(call(BASE, faulty('yoho-md5-reserialised'))).toBe(NO_SECRET);
  });

  it('yoho-md5-missing: success without alg and md5; code, data and message unchanged', () => {
    const body = call(signed(), faulty('yoho-md5-missing'));
    expect(body).toBe('{"code":200,"data":{"total":17,"type":"use"},"message":"coupons total"}');
    const { alg: _a, md5: _m, ...rest } = JSON.parse(SUCCESS) as Record<string, unknown>;
    expect(JSON.parse(body)).toEqual(rest);
    expect(decodeYoho('app.coupons.total', JSON.parse(body), body, YOHO_MASTER_SALT)).toMatchObject({ kind: 'malformed' });
    expect(call(BASE, faulty('yoho-md5-missing'))).toBe(NO_SECRET);
  });

  it('yoho-error-code-200: every refusal carries code 200 and its message, no md5; a success unchanged', () => {
    const d = faulty('yoho-error-code-200');
    expect(call(signed(), d)).toBe(SUCCESS);
    expect(call(BASE, d)).toBe('{"code":200,"message":"缺少client_secret"}');
    expect(call({ ...BASE, client_secret: 'x' }, d)).toBe('{"code":200,"message":"数据验证错误."}');
    expect(call(signed({ ...BASE, method: 'app.promotion.queryBirthCoupon' }), d)).toBe('{"code":200,"message":"您没有可领取的生日券哦"}');
    expect(call(signed({ ...BASE, method: 'app.fail' }), d)).toBe('{"code":200,"message":"system exception"}');
    const body = call(BASE, d);
    expect(decodeYoho('app.coupons.total', JSON.parse(body), body, YOHO_MASTER_SALT)).toMatchObject({ kind: 'malformed' });
  });

  it('yoho-client-type-ignored: the android key checks every call, whatever client_type says', () => {
    const d = faulty('yoho-client-type-ignored');
    expect(call(signed(), d)).toBe(SUCCESS);
    expect(call(signed({ ...BASE, client_type: 'fridge' }), d)).toBe(SUCCESS);
    const { client_type: _ct, ...noType } = BASE;
    expect(call(signed(noType), d)).toBe(SUCCESS);
    // iphone's own key no longer verifies.
    expect(call(signed({ ...BASE, client_type: 'iphone' }, KEYS.iphone), d)).toBe(NOT_VERIFIED);
    expect(call({ ...signed(), uid: '1' }, d)).toBe(NOT_VERIFIED);
    expect(call(BASE, d)).toBe(NO_SECRET);
    // Without an android key nothing verifies.
    expect(call(signed(), { ...d, privateKeys: { iphone: KEYS.iphone } })).toBe(NOT_VERIFIED);
  });
});

describe('handleYoho: hostile input', () => {
  it('never throws, always answers HTTP 200 with a JSON envelope whose code is an integer (500 random parameter maps, every fault)', () => {
    const rnd = prng(20240601);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const keys = [
      'method',
      'client_secret',
      'client_type',
      'uid',
      'type',
      'app_version',
      'q',
      '__proto__',
      'constructor',
      'toString',
      '',
      '/api',
      'private_key',
    ];
    const strings = () =>
      pick([
        '',
        ' ',
        'app.coupons.total',
        'app.fail',
        'app.null',
        'android',
        'iphone',
        '满100减10',
        '\u0000',
        '\ud800',
        '"}{',
        'x'.repeat(5000),
        String(Math.floor(rnd() * 1e9)),
        'use',
        '__proto__',
      ]);
    const value = (): unknown => pick([strings(), strings(), [strings(), strings()], [], 7, null, undefined, { a: 1 }, true]);
    const faults: (string | undefined)[] = [undefined, ...Object.keys(YOHO_FAULTS), 'nonsense'];
    let successes = 0;
    for (let n = 0; n < 500; n++) {
      const entries: [string, unknown][] = [];
      const count = Math.floor(rnd() * 8);
      for (let i = 0; i < count; i++) entries.push([pick(keys), value()]);
      let params = Object.fromEntries(entries) as Record<string, string>;
      // A third are signed, so that hostile values reach the service too.
      if (rnd() < 0.33) {
        const strs = Object.fromEntries(Object.entries(params).filter(([, v]) => typeof v === 'string'));
        params = {
          ...params,
          ...signed({ ...strs, method: pick(['app.coupons.total', 'app.fail', 'app.null', strings()]), client_type: 'android' }),
        };
      }
      const fault = pick(faults);
      const d = deps(fault);
      let a: ReturnType<typeof handleYoho> | undefined;
      expect(() => {
        a = handleYoho(d, params);
      }, `case ${n}`).not.toThrow();
      expect(a?.status, `case ${n}`).toBe(200);
      const body = a?.body ?? '';
      const parsed = JSON.parse(body) as { code: unknown; md5?: unknown };
      expect(Number.isInteger(parsed.code), `case ${n}: ${body.slice(0, 100)}`).toBe(true);
      const answer = readYohoAnswer(parsed, body, YOHO_MASTER_SALT);
      if (fault === undefined || fault === 'nonsense' || fault === 'yoho-sign-not-checked' || fault === 'yoho-client-type-ignored') {
        // Every answer of a gateway whose envelope is right is well-formed: errors without md5, successes that verify.
        expect(answer.kind, `case ${n}: ${body.slice(0, 100)}`).not.toBe('malformed');
        if (answer.kind === 'success') {
          successes++;
          expect(answer.md5Valid, `case ${n}`).toBe(true);
        } else expect(parsed.md5, `case ${n}`).toBeUndefined();
      }
    }
    expect(successes).toBeGreaterThan(10);
  });

  it('takes a null or odd parameter object without throwing', () => {
    expect(handleYoho(deps(), null as unknown as YohoIncomingParams).body).toBe('{"code":404,"message":"method not found"}');
    expect(handleYoho(deps(), Object.create({ method: 'app.coupons.total' }) as YohoIncomingParams).body).toBe(
      '{"code":404,"message":"method not found"}',
    );
  });
});

describe('YOHO_TEST_CREDENTIALS', () => {
  it('are public test values: the android client type, the master salt', () => {
    expect(YOHO_TEST_CREDENTIALS).toEqual({ clientType: 'android', privateKey: 'promoproof-yoho-test-key', salt: YOHO_MASTER_SALT });
    expect(Object.isFrozen(YOHO_TEST_CREDENTIALS)).toBe(true);
  });
});
