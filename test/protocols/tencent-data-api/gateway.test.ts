import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createCouponBatchService, createCouponBatchStore, loadTencentProtocol } from '../../../src/apis/tencent-coupon-batch/index.js';
import { TENCENT_TEST_CREDENTIALS } from '../../../src/protocols/tencent-data-api/credentials.js';
import { MAX_REMEMBERED_NONCES, NonceMemory, registerTencentGateway } from '../../../src/protocols/tencent-data-api/gateway.js';
import { ADD_COUPON_PATH, tencentSign } from '../../../src/protocols/tencent-data-api/sign.js';
import { addCoupons, body, buildFace, coupon, signedQuery, T0 } from '../../apis/tencent-coupon-batch/call.js';

const S = Math.floor(T0 / 1000);
const retcode = async (p: Promise<{ status: number; json: { retcode: number } }>) => {
  const r = await p;
  expect(r.status).toBe(200);
  return r.json.retcode;
};

describe('tencent data-api gateway: the query (TCC-01, TCC-REF-01..05, TCC-REF-10)', () => {
  it('accepts a correctly signed call and answers the envelope (TCC-13)', async () => {
    const face = buildFace();
    const r = await addCoupons(face, body(coupon()));
    expect(r).toEqual({
      status: 200,
      json: { retcode: 0, errmsg: '', data: { coupons: [{ external_coupon_id: 'C-1', action: 'added' }] } },
    });
  });

  it('refuses a missing, blank or repeated parameter with 40001, naming it', async () => {
    const face = buildFace();
    const full = new URLSearchParams(signedQuery(face.clock.nowMs));
    for (const name of ['app_id', 'nonce', 'sign', 'timestamp', 'signature']) {
      const missing = new URLSearchParams(full);
      missing.delete(name);
      const r = await addCoupons(face, body(coupon()), { query: missing.toString() });
      expect([r.json.retcode, r.json.errmsg]).toEqual([40001, `Missing or blank query parameter: ${name} is missing`]);
      const blank = new URLSearchParams(full);
      blank.set(name, ' ');
      expect(await retcode(addCoupons(face, body(coupon()), { query: blank.toString() }))).toBe(40001);
    }
    const repeated = `${full.toString()}&nonce=again`;
    expect((await addCoupons(face, body(coupon()), { query: repeated })).json.errmsg).toContain('nonce is repeated');
  });

  it('checks in order: sign algorithm 40002, app_id 40003, nonce length 40008, timestamp form 40007, window 40005, signature 40004', async () => {
    const face = buildFace();
    const call = (o: Parameters<typeof signedQuery>[1]) => retcode(addCoupons(face, body(coupon()), { overrides: o }));
    expect(await call({ sign: 'md5', app_id: 'nobody' })).toBe(40002);
    expect(await call({ sign: 'SHA256' })).toBe(40002);
    expect(await call({ app_id: 'nobody', nonce: 'n'.repeat(40) })).toBe(40003);
    expect(await call({ nonce: 'n'.repeat(33), timestamp: 'x' })).toBe(40008);
    expect(await call({ nonce: '随'.repeat(32) })).toBe(0);
    expect(await call({ timestamp: `${S}.5`, signature: 'bad' })).toBe(40007);
    expect(await call({ timestamp: ` ${S}` })).toBe(40007);
    expect(await call({ timestamp: String(T0), signature: 'bad' })).toBe(40005);
    expect(await call({ timestamp: '9'.repeat(30) })).toBe(40005);
    expect(await call({ signature: 'bad' })).toBe(40004);
    expect(
      await call({ signature: tencentSign({ app_id: TENCENT_TEST_CREDENTIALS.appId, nonce: 'n1', timestamp: String(S) }, 'xyz') }),
    ).toBe(40004);
    expect(await call({ secret: 'wrong-secret' })).toBe(40004);
  });

  it('accepts 300 s off either way, refuses 301 s (whole seconds; TCC-REF-01)', async () => {
    const face = buildFace();
    const at = (s: number) => retcode(addCoupons(face, body(coupon()), { overrides: { timestamp: String(s) } }));
    expect([await at(S - 300), await at(S + 300), await at(S - 301), await at(S + 301)]).toEqual([0, 0, 40005, 40005]);
    face.clock.nowMs = S * 1000 + 999;
    expect(await at(S - 300)).toBe(0);
  });

  it('refuses a nonce spent by the same app_id within the window, even re-signed (TCC-REF-02)', async () => {
    const face = buildFace();
    const query = signedQuery(face.clock.nowMs, { nonce: 'once' });
    expect(await retcode(addCoupons(face, body(coupon()), { query }))).toBe(0);
    const replay = await addCoupons(face, body(coupon()), { query });
    expect([replay.json.retcode, replay.json.errmsg]).toEqual([
      40006,
      'Nonce used twice within the window: nonce "once" was used within 300 s',
    ]);
    face.clock.nowMs += 299_000;
    expect(await retcode(addCoupons(face, body(coupon()), { overrides: { nonce: 'once' } }))).toBe(40006);
    // the replay of the first request is refused by the window once the nonce is forgotten
    face.clock.nowMs = T0 + 301_000;
    expect(await retcode(addCoupons(face, body(coupon()), { query }))).toBe(40005);
    expect(await retcode(addCoupons(face, body(coupon()), { overrides: { nonce: 'once' } }))).toBe(0);
    // a refused call spends no nonce
    expect(await retcode(addCoupons(face, body(coupon()), { overrides: { nonce: 'fresh', signature: 'bad' } }))).toBe(40004);
    expect(await retcode(addCoupons(face, body(coupon()), { overrides: { nonce: 'fresh' } }))).toBe(0);
  });

  it('remembers nonces with bounded memory', () => {
    const m = new NonceMemory(300_000, 3);
    expect([m.spend('a', '1', 0, 0), m.spend('a', '1', 0, 10), m.spend('b', '1', 0, 10)]).toEqual([true, false, true]);
    expect(m.spend('a', '1', 0, 300_001)).toBe(true);
    for (const n of ['2', '3', '4', '5']) m.spend('a', n, 300_001, 300_001);
    expect(m.size).toBe(3);
    expect(m.spend('a', '9', 0, 10_000_000)).toBe(true);
    expect(m.size).toBe(1);
    expect(MAX_REMEMBERED_NONCES).toBeGreaterThan(10_000);
  });
});

describe('tencent data-api gateway: paths, methods, bodies (TCC-REF-04)', () => {
  it('answers unknown paths under /data-api/ with 40400 and other methods with 40500, HTTP 200', async () => {
    const face = buildFace();
    for (const url of ['/data-api/v1/order/nope', '/data-api/v2/order/add_coupon', '/data-api/', '/data-api']) {
      const res = await face.app.inject({ method: 'POST', url });
      expect([url, res.statusCode, res.json().retcode]).toEqual([url, 200, 40400]);
    }
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const) {
      const res = await face.app.inject({ method, url: `${ADD_COUPON_PATH}?${signedQuery(face.clock.nowMs)}` });
      expect([method, res.statusCode, res.json().retcode]).toEqual([method, 200, 40500]);
    }
  });

  it('refuses a body that is not a JSON object, of another type, absent or too big with 41001', async () => {
    const face = buildFace();
    const raw = async (payload: string | undefined, contentType?: string) => {
      const res = await face.app.inject({
        method: 'POST',
        url: `${ADD_COUPON_PATH}?${signedQuery(face.clock.nowMs)}`,
        ...(contentType ? { headers: { 'content-type': contentType } } : {}),
        ...(payload === undefined ? {} : { payload }),
      });
      expect(res.statusCode).toBe(200);
      return [res.json().retcode, res.json().errmsg];
    };
    expect(await raw('{"dataSourceId":', 'application/json')).toEqual([41001, 'Body is not a JSON object: body is not JSON']);
    expect(await raw('', 'application/json')).toEqual([41001, 'Body is not a JSON object: body is not JSON']);
    expect(await raw('[1]', 'application/json')).toEqual([41001, 'Body is not a JSON object: body is not a JSON object']);
    expect(await raw('null', 'application/json; charset=utf-8')).toEqual([41001, 'Body is not a JSON object: body is not a JSON object']);
    expect(await raw('dataSourceId=1', 'application/x-www-form-urlencoded')).toEqual([
      41001,
      'Body is not a JSON object: content type application/x-www-form-urlencoded is not application/json',
    ]);
    expect(await raw(undefined)).toEqual([41001, 'Body is not a JSON object: no body']);
    const big = JSON.stringify({ dataSourceId: '1', coupons: [], pad: 'x'.repeat(loadTencentProtocol().maxBodyBytes) });
    expect(await raw(big, 'application/json')).toEqual([41001, 'Body is not a JSON object: body is larger than 1048576 bytes']);
  });

  it('never answers a 5xx: fuzzed bodies, and a throwing service is 50000', async () => {
    const face = buildFace();
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const deepObject = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
    const payloads = [
      deep,
      deepObject,
      '{"dataSourceId":"1","coupons":' + deep + '}',
      JSON.stringify({ dataSourceId: '1', coupons: Array.from({ length: 60 }, () => null) }),
      JSON.stringify({ dataSourceId: null, coupons: [{ coupon_name: 'x'.repeat(500_000) }] }),
      JSON.stringify({
        dataSourceId: '1',
        coupons: [{ ...coupon(), media_info: { imgs: 'x' }, target_url: [], store: { store_info: [1, null] } }],
      }),
      JSON.stringify({ dataSourceId: '1', coupons: [coupon({ amount_coupon: 1e308, plan_count: -0 })] }),
      '123',
      '"text"',
      '{"__proto__":{"x":1},"constructor":{"prototype":{}}}',
    ];
    for (const p of payloads) {
      const r = await addCoupons(face, undefined, { raw: p });
      expect(r.status).toBe(200);
      expect(Number.isInteger(r.json.retcode)).toBe(true);
    }
    const app = Fastify();
    registerTencentGateway(app, {
      service: {
        addCoupons: () => {
          throw new Error('boom');
        },
      },
      credentials: TENCENT_TEST_CREDENTIALS,
      now: () => T0,
      protocol: loadTencentProtocol(),
    });
    const res = await app.inject({
      method: 'POST',
      url: `${ADD_COUPON_PATH}?${signedQuery(T0)}`,
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    expect([res.statusCode, res.json()]).toEqual([200, { retcode: 50000, errmsg: 'Internal error', data: {} }]);
  });

  it('leaves the other routes of the server alone (form bodies, their own 404)', async () => {
    const app = Fastify();
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, b, done) =>
      done(null, Object.fromEntries(new URLSearchParams(b as string))),
    );
    app.post('/routerjson', async (req) => ({ got: req.body }));
    app.setNotFoundHandler((_req, reply) => void reply.code(404).send({ jos: 'not found' }));
    registerTencentGateway(app, {
      service: createCouponBatchService({ store: createCouponBatchStore() }),
      credentials: TENCENT_TEST_CREDENTIALS,
      now: () => T0,
      protocol: loadTencentProtocol(),
    });
    const form = await app.inject({
      method: 'POST',
      url: '/routerjson',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'a=1',
    });
    expect(form.json()).toEqual({ got: { a: '1' } });
    const elsewhere = await app.inject({ method: 'GET', url: '/nope' });
    expect([elsewhere.statusCode, elsewhere.json()]).toEqual([404, { jos: 'not found' }]);
    const ok = await app.inject({
      method: 'POST',
      url: `${ADD_COUPON_PATH}?${signedQuery(T0)}`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(body(coupon())),
    });
    expect(ok.json().retcode).toBe(0);
  });
});

describe('tencent data-api gateway: the rest', () => {
  const protocol = loadTencentProtocol();
  const post = (app: ReturnType<typeof Fastify>, query: string) =>
    app.inject({ method: 'POST', url: `${ADD_COUPON_PATH}?${query}`, headers: { 'content-type': 'application/json' }, payload: '{}' });

  it('reads a 4xx error of the service as an unreadable body, clips long values in errmsg', async () => {
    const app = Fastify({ logger: false });
    registerTencentGateway(app, {
      service: {
        addCoupons: () => {
          throw Object.assign(new Error('bad'), { statusCode: 400 });
        },
      },
      credentials: TENCENT_TEST_CREDENTIALS,
      now: () => T0,
      protocol,
    });
    expect((await post(app, signedQuery(T0))).json()).toEqual({
      retcode: 41001,
      errmsg: 'Body is not a JSON object: body could not be read',
      data: {},
    });
    const long = (await post(app, signedQuery(T0, { timestamp: 'x'.repeat(100) }))).json().errmsg as string;
    expect(long).toBe(`Timestamp is not whole seconds: timestamp "${'x'.repeat(64)}…" is not whole seconds`);
  });

  it('lets an optional query parameter be absent when the protocol spec says so', async () => {
    const lenient = { ...protocol, queryParams: [...protocol.queryParams, { name: 'extra', required: false, rules: [] }] };
    const app = Fastify();
    registerTencentGateway(app, {
      service: createCouponBatchService({ store: createCouponBatchStore() }),
      credentials: TENCENT_TEST_CREDENTIALS,
      now: () => T0,
      protocol: lenient,
    });
    expect((await post(app, signedQuery(T0))).json().retcode).toBe(41002);
  });

  it('knows its test credentials, and names a retcode missing from the table by its name', async () => {
    const { isTencentTestCredentials } = await import('../../../src/protocols/tencent-data-api/credentials.js');
    const { tencentError } = await import('../../../src/protocols/tencent-data-api/retcodes.js');
    expect(isTencentTestCredentials(TENCENT_TEST_CREDENTIALS)).toBe(true);
    expect(isTencentTestCredentials({ ...TENCENT_TEST_CREDENTIALS, appSecret: 'real' })).toBe(false);
    expect(tencentError({ ...protocol, retcodes: {} }, 'internal')).toEqual({ retcode: 50000, errmsg: 'internal', data: {} });
  });
});
