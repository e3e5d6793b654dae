import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { yohoAdapter } from '../../../src/protocols/yoho-gateway/adapter.js';
import { YOHO_TEST_CREDENTIALS } from '../../../src/protocols/yoho-gateway/credentials.js';
import { YOHO_DEV_SALT, yohoDataMd5, yohoSuccessText } from '../../../src/protocols/yoho-gateway/envelope.js';
import {
  buildYohoParams,
  sendYoho,
  YOHO_APP_VERSION,
  yohoAppParams,
  yohoCurl,
  type YohoTransport,
} from '../../../src/protocols/yoho-gateway/send.js';
import { yohoSignatureMatchesKey, yohoSignWithKey } from '../../../src/protocols/yoho-gateway/sign.js';
import type { Exchange, SendInput } from '../../../src/protocols/types.js';
import type { Transport } from '../../../src/scenario/types.js';
import { closedPort } from '../../helpers/http-server.js';
import { type Seen, startYohoServer, type YohoTestServer } from './fixtures.js';

const KEY = YOHO_TEST_CREDENTIALS.privateKey;
const OTHER = { clientType: 'iphone', privateKey: 'shop-private-key-0123456789', salt: YOHO_DEV_SALT };
const APP = { uid: 7893817, type: 'use' };

let server: YohoTestServer;
let gateway: string;

beforeAll(async () => {
  server = await startYohoServer();
  gateway = `${server.origin}/gateway`;
});
afterAll(() => server.close());
beforeEach(() => {
  server.seen = [];
  server.answer = undefined;
});

function input(
  transport: YohoTransport = {},
  credentials: Record<string, string> = { ...YOHO_TEST_CREDENTIALS },
  url = gateway,
): SendInput {
  return {
    endpoint: { url, credentials },
    operation: 'app.coupons.total',
    app: APP,
    // The shared type does not list `upper-case`; sendYoho reads it (see send.ts).
    transport: transport as Transport,
    clockOffsetMs: 0,
    timeoutMs: 5_000,
    maxBodyBytes: 1 << 20,
  };
}

/** The parameters of a request as the gateway reads them (query, then form body). */
function paramsOf(req: Seen): Record<string, string> {
  const form = req.method === 'POST' ? new URLSearchParams(req.body) : new URLSearchParams();
  return { ...Object.fromEntries(form), ...Object.fromEntries(req.query) };
}

async function send(
  transport: YohoTransport = {},
  credentials: Record<string, string> = { ...YOHO_TEST_CREDENTIALS },
): Promise<{ ex: Exchange; req: Seen; params: Record<string, string>; before: number; after: number }> {
  const before = Date.now();
  const ex = await sendYoho(input(transport, credentials));
  const after = Date.now();
  expect(ex.outcome.ok, JSON.stringify(ex.outcome)).toBe(true);
  expect(server.seen).toHaveLength(1);
  const req = server.seen[0];
  if (!req) throw new Error('no request recorded');
  server.seen = [];
  return { ex, req, params: paramsOf(req), before, after };
}

const without = (p: Record<string, string>, ...keys: string[]) => Object.fromEntries(Object.entries(p).filter(([k]) => !keys.includes(k)));
const body = (ex: Exchange) => (ex.outcome.ok ? ex.outcome.body : '');

describe('sendYoho: the request', () => {
  it('POSTs every parameter as a form body to the gateway URL, signed with the private key (PROTOCOLS.md §3a)', async () => {
    const { ex, req, params, before, after } = await send();
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/gateway');
    expect([...req.query.keys()]).toEqual([]);
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    expect([...new URLSearchParams(req.body).keys()]).toEqual(['method', 'uid', 'type', 'client_type', 'app_version', 'client_secret']);
    expect(without(params, 'client_secret')).toEqual({
      method: 'app.coupons.total',
      uid: '7893817',
      type: 'use',
      client_type: 'android',
      app_version: '5.0.0',
    });
    expect(params['client_secret']).toMatch(/^[0-9a-f]{32}$/);
    expect(params['client_secret']).toBe(yohoSignWithKey(without(params, 'client_secret'), KEY));
    // The gateway verified it and answered.
    expect(body(ex)).toBe(yohoSuccessText({ total: 17, type: 'use' }, 'coupons total'));
    expect(ex.timestampMs).toBeGreaterThanOrEqual(before);
    expect(ex.timestampMs).toBeLessThanOrEqual(after);
    expect(YOHO_APP_VERSION).toBe('5.0.0');
  });

  it("httpMethod: 'GET' sends the same parameters as the query, without a body or content type", async () => {
    const post = await send();
    const { ex, req, params } = await send({ httpMethod: 'GET' });
    expect(req.method).toBe('GET');
    expect(req.path).toBe('/gateway');
    expect(req.body).toBe('');
    expect(req.headers['content-type']).toBeUndefined();
    expect(params).toEqual(post.params);
    expect(body(ex)).toBe(body(post.ex));
    expect(ex.request.httpMethod).toBe('GET');
    expect(ex.request.url).toBe(gateway);
    expect(ex.curl).toMatch(/^curl -sS -G '/);
  });

  it('GET to a URL that has a query already appends with &', async () => {
    const ex = await sendYoho(input({ httpMethod: 'GET' }, { ...YOHO_TEST_CREDENTIALS }, `${gateway}?debug_data=1`));
    expect(ex.outcome.ok).toBe(true);
    const req = server.seen[0];
    expect(req?.query.get('debug_data')).toBe('1');
    expect(req?.query.get('method')).toBe('app.coupons.total');
    // debug_data is not signed: the call still verifies.
    expect(body(ex)).toContain('"code":200');
  });

  it('writes application parameters as strings: numbers, booleans, arrays joined by a comma, objects as JSON; null left out', () => {
    expect(
      yohoAppParams({ a: 1, b: 2.5, c: true, d: [1, 'x', null, false], e: { k: [1] }, f: null, g: undefined, h: '满100减10', i: [] }),
    ).toEqual([
      ['a', '1'],
      ['b', '2.5'],
      ['c', 'true'],
      ['d', '1,x,,false'],
      ['e', '{"k":[1]}'],
      ['h', '满100减10'],
      ['i', ''],
    ]);
    expect(yohoAppParams({ d: [[1, 2], { a: 1 }] })).toEqual([['d', '[1,2],{"a":1}']]);
  });

  it('sends Chinese as UTF-8, signed as the text (the gateway decodes, then verifies)', async () => {
    const ex = await sendYoho({ ...input(), app: { uid: 1, type: 'use', note: '生日券 & =?' } });
    const req = server.seen[0];
    expect(req && new URLSearchParams(req.body).get('note')).toBe('生日券 & =?');
    expect(req?.body).toContain('note=%E7%94%9F%E6%97%A5%E5%88%B8+%26+%3D%3F');
    expect(body(ex)).toContain('"code":200');
  });

  it('application parameters cannot replace the system ones', () => {
    const p = buildYohoParams(
      'app.x',
      { method: 'evil', client_type: 'yoho', app_version: '9', client_secret: 'x', uid: 1 },
      {},
      YOHO_TEST_CREDENTIALS,
    );
    expect(without(p, 'client_secret')).toEqual({ method: 'app.x', uid: '1', client_type: 'android', app_version: '5.0.0' });
    expect(p['client_secret']).toBe(yohoSignWithKey(without(p, 'client_secret'), KEY));
  });

  it('keeps a __proto__ parameter a parameter', () => {
    const p = buildYohoParams(
      'app.x',
      JSON.parse('{"__proto__":"1"}') as Record<string, unknown>,
      { set: JSON.parse('{"__proto__":"2"}') },
      YOHO_TEST_CREDENTIALS,
    );
    expect(Object.getPrototypeOf(p)).toBe(Object.prototype);
    expect(Object.keys(p)).toContain('__proto__');
    expect(Object.getOwnPropertyDescriptor(p, '__proto__')?.value).toBe('2');
  });
});

describe('sendYoho: transport deviations', () => {
  it('set: replaces or adds parameters before signing, so the signature covers them', async () => {
    const { params, ex } = await send({ set: { uid: '42', client_type: 'iphone', app_version: '6.1.0', extra: 'e' } });
    expect(params).toMatchObject({ uid: '42', client_type: 'iphone', app_version: '6.1.0', extra: 'e' });
    // Signed with our key whatever client_type says: the gateway, which holds another key for iphone, refuses.
    expect(yohoSignatureMatchesKey(params, KEY)).toBe(true);
    expect(body(ex)).toBe('{"code":500,"message":"数据验证错误."}');
    const uid = await send({ set: { uid: '42' } });
    expect(body(uid.ex)).toBe(yohoSuccessText({ total: 42, type: 'use' }, 'coupons total'));
  });

  it('omit: leaves parameters out before signing (client_type, method, app_version), or sends no client_secret', async () => {
    for (const name of ['client_type', 'method', 'app_version', 'uid']) {
      const { params } = await send({ omit: [name] });
      expect(params, name).not.toHaveProperty(name);
      expect(params['client_secret'], name).toBe(yohoSignWithKey(without(params, 'client_secret'), KEY));
    }
    const noType = await send({ omit: ['client_type'] });
    expect(body(noType.ex)).toBe('{"code":500,"message":"数据验证错误."}');
    const noMethod = await send({ omit: ['method'] });
    expect(body(noMethod.ex)).toBe('{"code":404,"message":"method not found"}');
    const { params, ex } = await send({ omit: ['client_secret'] });
    expect(params).not.toHaveProperty('client_secret');
    expect(params['method']).toBe('app.coupons.total');
    expect(body(ex)).toBe('{"code":500,"message":"缺少client_secret"}');
  });

  it('alter: replaces parameters after signing, so the signature no longer covers them', async () => {
    const { params, ex } = await send({ alter: { uid: '7893818' } });
    expect(params['uid']).toBe('7893818');
    expect(yohoSignatureMatchesKey(params, KEY)).toBe(false);
    expect(yohoSignatureMatchesKey({ ...params, uid: '7893817' }, KEY)).toBe(true);
    expect(body(ex)).toBe('{"code":500,"message":"数据验证错误."}');
    const secret = await send({ alter: { client_secret: 'literal' } });
    expect(secret.params['client_secret']).toBe('literal');
  });

  it("signature: 'wrong' signs other bytes, 'omit' sends none, 'stale' signs without the application parameters", async () => {
    const right = (await send()).params['client_secret'];
    const wrong = await send({ signature: 'wrong' });
    expect(wrong.params['client_secret']).toMatch(/^[0-9a-f]{32}$/);
    expect(wrong.params['client_secret']).not.toBe(right);
    expect(without(wrong.params, 'client_secret')).toEqual(without((await send()).params, 'client_secret'));
    expect(body(wrong.ex)).toBe('{"code":500,"message":"数据验证错误."}');
    const omitted = await send({ signature: 'omit' });
    expect(omitted.params).not.toHaveProperty('client_secret');
    expect(body(omitted.ex)).toBe('{"code":500,"message":"缺少client_secret"}');
    const stale = await send({ signature: 'stale' });
    expect(stale.params['client_secret']).toBe(yohoSignWithKey(without(stale.params, 'client_secret', 'uid', 'type'), KEY));
    expect(body(stale.ex)).toBe('{"code":500,"message":"数据验证错误."}');
    const valid = await send({ signature: 'valid' });
    expect(valid.params['client_secret']).toBe(right);
  });

  it("signature: 'upper-case' sends the right signature in upper case, which the gateway accepts", async () => {
    const right = (await send()).params['client_secret'] ?? '';
    const { params, ex } = await send({ signature: 'upper-case' });
    expect(params['client_secret']).toBe(right.toUpperCase());
    expect(params['client_secret']).toMatch(/^[0-9A-F]{32}$/);
    expect(body(ex)).toContain('"code":200');
  });

  it("signature: 'last-digit-changed' and 'truncated' send a near miss of the right signature, which the gateway refuses", async () => {
    const right = (await send()).params['client_secret'] ?? '';
    const changed = await send({ signature: 'last-digit-changed' });
    expect(changed.params['client_secret']?.slice(0, 31)).toBe(right.slice(0, 31));
    expect(changed.params['client_secret']?.toLowerCase()).not.toBe(right.toLowerCase());
    expect(body(changed.ex)).toBe('{"code":500,"message":"数据验证错误."}');
    const truncated = await send({ signature: 'truncated' });
    expect(truncated.params['client_secret']).toBe(right.slice(0, 31));
    expect(body(truncated.ex)).toBe('{"code":500,"message":"数据验证错误."}');
  });

  it("secret: 'wrong' signs with another key; 'right' with the key", async () => {
    const { params, ex } = await send({ secret: 'wrong' });
    expect(yohoSignatureMatchesKey(params, KEY)).toBe(false);
    expect(yohoSignatureMatchesKey(params, `${KEY}-wrong`)).toBe(true);
    expect(body(ex)).toBe('{"code":500,"message":"数据验证错误."}');
    expect(yohoSignatureMatchesKey((await send({ secret: 'right' })).params, KEY)).toBe(true);
  });
});

describe('sendYoho: the recorded request and curl line', () => {
  it('with the test credentials: shows the client_secret sent, and a curl line that replays it', async () => {
    const { ex, params } = await send();
    expect(ex.request).toEqual({ httpMethod: 'POST', url: gateway, operation: 'app.coupons.total', params });
    expect(ex.curl).toBe(
      `curl -sS -X POST '${gateway}'${Object.entries(params)
        .map(([k, v]) => ` --data-urlencode '${k}=${v}'`)
        .join('')}`,
    );
    // The key itself never travels, so it is in no record either.
    expect(JSON.stringify(ex)).not.toContain(KEY);
  });

  it('with other credentials: client_secret is *** in params and curl; neither the key nor the signature is in the exchange', async () => {
    const { ex, params } = await send({}, { ...OTHER });
    expect(params['client_type']).toBe('iphone');
    expect(yohoSignatureMatchesKey(params, OTHER.privateKey)).toBe(true);
    expect(ex.request.params['client_secret']).toBe('***');
    expect(ex.request.params['uid']).toBe('7893817');
    expect(ex.curl).toContain(`--data-urlencode 'client_secret=***'`);
    const all = JSON.stringify(ex.request) + ex.curl;
    expect(all).not.toContain(OTHER.privateKey);
    expect(all).not.toContain(params['client_secret']);
    const wrong = await send({ secret: 'wrong' }, { ...OTHER });
    expect(JSON.stringify(wrong.ex.request) + wrong.ex.curl).not.toContain(OTHER.privateKey);
    expect(JSON.stringify(wrong.ex.request) + wrong.ex.curl).not.toContain(wrong.params['client_secret']);
  });

  it('the test client type with another key is redacted too (the test credentials are the pair)', async () => {
    const { ex } = await send({}, { clientType: 'android', privateKey: 'not-the-test-key', salt: YOHO_TEST_CREDENTIALS.salt });
    expect(ex.request.params['client_secret']).toBe('***');
    expect(JSON.stringify(ex)).not.toContain('not-the-test-key');
  });

  it('quotes a value holding a single quote so that each curl argument stays one shell word', () => {
    expect(yohoCurl('POST', 'http://h/gateway', { note: "it's" })).toBe(
      `curl -sS -X POST 'http://h/gateway' --data-urlencode 'note=it'\\''s'`,
    );
    expect(yohoCurl('GET', "http://h/g'", {})).toBe(`curl -sS -G 'http://h/g'\\'''`);
  });
});

describe('sendYoho: transport problems are data', () => {
  it('a closed port gives an outcome that is not ok, without throwing', async () => {
    const port = await closedPort();
    const ex = await sendYoho(input({}, { ...YOHO_TEST_CREDENTIALS }, `http://127.0.0.1:${port}/gateway`));
    expect(ex.outcome.ok).toBe(false);
    expect(!ex.outcome.ok && ex.outcome.kind).toBe('network');
    expect(ex.request.url).toBe(`http://127.0.0.1:${port}/gateway`);
    expect(ex.curl).toMatch(/^curl /);
  });
});

describe('yohoAdapter', () => {
  it('send is sendYoho', async () => {
    const ex = await yohoAdapter.send(input());
    expect(body(ex)).toContain('"code":200');
  });

  it('names its fields, path, test credentials; nothing is timed', () => {
    expect(yohoAdapter.id).toBe('yoho-gateway');
    expect(yohoAdapter.specFile).toBe('yoho-gateway/protocol.yaml');
    expect(yohoAdapter.endpointPath).toBe('/gateway');
    expect([...yohoAdapter.credentialFields]).toEqual(['clientType', 'privateKey', 'salt']);
    expect(yohoAdapter.testCredentials).toEqual({
      clientType: 'android',
      privateKey: 'promoproof-yoho-test-key',
      salt: 'fd4ad5fcsa0de589af23234ks1923ks',
    });
    expect([...yohoAdapter.transportFields].sort()).toEqual(['alter', 'httpMethod', 'omit', 'secret', 'set', 'signature']);
    expect(yohoAdapter.skewS()).toBe(0);
  });

  it('secretValues: none for the test credentials, the private key otherwise (never the public salt)', () => {
    expect(yohoAdapter.secretValues({ ...YOHO_TEST_CREDENTIALS })).toEqual([]);
    expect(yohoAdapter.secretValues({ ...OTHER })).toEqual([OTHER.privateKey]);
    expect(yohoAdapter.secretValues({ ...YOHO_TEST_CREDENTIALS, privateKey: 'k' })).toEqual(['k']);
    expect(yohoAdapter.secretValues({ ...YOHO_TEST_CREDENTIALS, clientType: 'iphone' })).toEqual([YOHO_TEST_CREDENTIALS.privateKey]);
  });

  it('decode verifies with the endpoint’s salt when given one, with the test salt otherwise', () => {
    const dev = yohoSuccessText({ total: 1 }, 'x', 200, YOHO_DEV_SALT);
    const decode = yohoAdapter.decode as (
      op: string,
      json: unknown,
      raw: string,
      endpoint?: SendInput['endpoint'],
    ) => ReturnType<typeof yohoAdapter.decode>;
    expect(decode('app.coupons.total', JSON.parse(dev), dev)).toMatchObject({
      kind: 'malformed',
      reason: expect.stringContaining(yohoDataMd5('{"total":1}')),
    });
    expect(decode('app.coupons.total', JSON.parse(dev), dev, { url: gateway, credentials: { ...OTHER } })).toEqual({
      kind: 'success',
      body: { total: 1 },
    });
    const master = yohoSuccessText({ total: 1 });
    expect(decode('app.coupons.total', JSON.parse(master), master)).toEqual({ kind: 'success', body: { total: 1 } });
    // An endpoint without a salt field reads with the master salt.
    expect(
      decode('app.coupons.total', JSON.parse(master), master, { url: gateway, credentials: { clientType: 'a', privateKey: 'b' } }),
    ).toEqual({
      kind: 'success',
      body: { total: 1 },
    });
  });
});
