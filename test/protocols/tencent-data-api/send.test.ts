import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tencentAdapter } from '../../../src/protocols/tencent-data-api/adapter.js';
import { TENCENT_TEST_CREDENTIALS } from '../../../src/protocols/tencent-data-api/credentials.js';
import { sendTencent } from '../../../src/protocols/tencent-data-api/send.js';
import { ADD_COUPON_PATH, tencentSign, verifyTencentQuery } from '../../../src/protocols/tencent-data-api/sign.js';
import type { Exchange, SendInput } from '../../../src/protocols/types.js';
import type { Transport } from '../../../src/scenario/types.js';
import { closedPort, startHttpServer, type TestHttpServer } from '../../helpers/http-server.js';

/** What the server saw of one request. */
interface Seen {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

const OTHER = { appId: 'shop-app', appSecret: 'shop-secret-0123456789' };
const APP = { dataSourceId: '77', coupons: [{ external_coupon_id: 'pp-1', coupon_name: '满100减10' }] };
const SKEW_S = 300;
const OPTS = { pathPrefix: '/data-api/v1', skewS: SKEW_S };

let server: TestHttpServer;
let seen: Seen[] = [];
let answer = '{"retcode":0,"errmsg":"","data":{}}';

beforeAll(async () => {
  server = await startHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      seen.push({
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
      res.end(answer);
    });
  });
});
afterAll(() => server.close());
beforeEach(() => {
  seen = [];
  answer = '{"retcode":0,"errmsg":"","data":{}}';
});

function input(
  transport: Transport = {},
  credentials: Record<string, string> = { ...TENCENT_TEST_CREDENTIALS },
  url = server.origin,
): SendInput {
  return {
    endpoint: { url, credentials },
    operation: 'order/add_coupon',
    app: APP,
    transport,
    clockOffsetMs: 0,
    timeoutMs: 5_000,
    maxBodyBytes: 1 << 20,
  };
}

/** Sends one call and returns the exchange, the request the server saw, and our clock around the send. */
async function send(
  transport: Transport = {},
  credentials: Record<string, string> = { ...TENCENT_TEST_CREDENTIALS },
): Promise<{ ex: Exchange; req: Seen; before: number; after: number }> {
  const before = Date.now();
  const ex = await sendTencent(input(transport, credentials), OPTS);
  const after = Date.now();
  expect(ex.outcome.ok, JSON.stringify(ex.outcome)).toBe(true);
  expect(seen).toHaveLength(1);
  const req = seen[0];
  if (!req) throw new Error('no request recorded');
  seen = [];
  return { ex, req, before, after };
}

const queryObject = (q: URLSearchParams): Record<string, string> => Object.fromEntries(q.entries());
const verify = (q: URLSearchParams, secret: string = TENCENT_TEST_CREDENTIALS.appSecret) => verifyTencentQuery(queryObject(q), secret);

describe('sendTencent: the request', () => {
  it('POSTs the JSON of app to <origin>/data-api/v1/order/add_coupon with the five signed query parameters', async () => {
    const { ex, req, before, after } = await send();
    expect(req.method).toBe('POST');
    expect(req.path).toBe(ADD_COUPON_PATH);
    expect([...req.query.keys()]).toEqual(['app_id', 'nonce', 'sign', 'timestamp', 'signature']);
    expect(req.query.get('app_id')).toBe(TENCENT_TEST_CREDENTIALS.appId);
    expect(req.query.get('sign')).toBe('sha256');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.body).toBe(JSON.stringify(APP));
    expect(JSON.parse(req.body)).toEqual(APP);
    // Whole seconds, near now.
    const ts = req.query.get('timestamp') ?? '';
    expect(ts).toMatch(/^[0-9]{10}$/);
    expect(Number(ts) * 1000).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);
    expect(Number(ts) * 1000).toBeLessThanOrEqual(after + 1000);
    expect(ex.timestampMs).toBe(Number(ts) * 1000);
    // The signature is the HMAC of the four fields under the app secret.
    expect(verify(req.query)).toMatchObject({ ok: true });
    expect(req.query.get('signature')).toBe(
      tencentSign(
        { app_id: TENCENT_TEST_CREDENTIALS.appId, nonce: req.query.get('nonce') ?? '', timestamp: ts },
        TENCENT_TEST_CREDENTIALS.appSecret,
      ),
    );
    expect(verify(req.query, 'another-secret')).toEqual({ ok: false, problem: 'bad_signature' });
    expect(ex.outcome.ok && ex.outcome.status).toBe(200);
    expect(ex.outcome.ok && ex.outcome.body).toBe('{"retcode":0,"errmsg":"","data":{}}');
  });

  it('sends a fresh nonce on every call', async () => {
    const a = await send();
    const b = await send();
    const na = a.req.query.get('nonce') ?? '';
    const nb = b.req.query.get('nonce') ?? '';
    expect(na).toMatch(/^[0-9a-f]{32}$/);
    expect(nb).toMatch(/^[0-9a-f]{32}$/);
    expect(na).not.toBe(nb);
    expect(a.req.query.get('signature')).not.toBe(b.req.query.get('signature'));
  });

  it('appends the path to an origin given with a trailing slash, once', async () => {
    const ex = await sendTencent(input({}, { ...TENCENT_TEST_CREDENTIALS }, `${server.origin}/`), OPTS);
    expect(ex.outcome.ok).toBe(true);
    expect(seen[0]?.path).toBe(ADD_COUPON_PATH);
    expect(ex.request.url).toBe(`${server.origin}${ADD_COUPON_PATH}`);
  });

  it('is what tencentAdapter.send does, with the protocol spec’s path prefix', async () => {
    const ex = await tencentAdapter.send(input());
    expect(ex.outcome.ok).toBe(true);
    const req = seen[0];
    expect(req?.path).toBe(ADD_COUPON_PATH);
    expect(req && verify(req.query)).toMatchObject({ ok: true });
  });
});

describe('sendTencent: transport deviations', () => {
  it('set: replaces values before signing, so the signature covers them', async () => {
    const { req } = await send({ set: { app_id: 'someone-else', nonce: 'fixed-nonce', timestamp: '1700000000' } });
    expect(req.query.get('app_id')).toBe('someone-else');
    expect(req.query.get('nonce')).toBe('fixed-nonce');
    expect(req.query.get('timestamp')).toBe('1700000000');
    expect(verify(req.query)).toMatchObject({
      ok: true,
      fields: { app_id: 'someone-else', nonce: 'fixed-nonce', timestamp: '1700000000' },
    });
  });

  it('set: a sign other than sha256 is sent and signed as it is', async () => {
    const { req } = await send({ set: { sign: 'md5' } });
    expect(req.query.get('sign')).toBe('md5');
    expect(verify(req.query)).toEqual({ ok: false, problem: 'unsupported_sign', sign: 'md5' });
    const q = queryObject(req.query);
    expect(q['signature']).toBe(
      tencentSign(
        { app_id: q['app_id'] ?? '', nonce: q['nonce'] ?? '', sign: 'md5', timestamp: q['timestamp'] ?? '' },
        TENCENT_TEST_CREDENTIALS.appSecret,
      ),
    );
  });

  it('alter: changes a value after signing, so the signature no longer verifies', async () => {
    const { req } = await send({ alter: { nonce: 'changed-after-signing' } });
    expect(req.query.get('nonce')).toBe('changed-after-signing');
    expect(verify(req.query)).toEqual({ ok: false, problem: 'bad_signature' });
    const ts = await send({ alter: { timestamp: '1' } });
    expect(ts.req.query.get('timestamp')).toBe('1');
    expect(verify(ts.req.query)).toEqual({ ok: false, problem: 'bad_signature' });
  });

  it('omit: leaves the parameters out', async () => {
    for (const name of ['app_id', 'nonce', 'sign', 'timestamp'] as const) {
      const { req } = await send({ omit: [name] });
      expect(req.query.has(name), name).toBe(false);
      expect(req.query.has('signature'), name).toBe(true);
      expect(verify(req.query)).toEqual({ ok: false, problem: 'missing', param: name });
    }
  });

  it("signature: 'wrong' and secret: 'wrong' do not verify under the app secret", async () => {
    const wrongSig = await send({ signature: 'wrong' });
    expect(wrongSig.req.query.get('signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(verify(wrongSig.req.query)).toEqual({ ok: false, problem: 'bad_signature' });
    const wrongSecret = await send({ secret: 'wrong' });
    expect(wrongSecret.req.query.get('signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(verify(wrongSecret.req.query)).toEqual({ ok: false, problem: 'bad_signature' });
    // The rest of the query is as usual.
    expect(wrongSecret.req.query.get('app_id')).toBe(TENCENT_TEST_CREDENTIALS.appId);
    expect(wrongSecret.req.query.get('sign')).toBe('sha256');
  });

  it("signature: 'last-digit-changed', 'truncated', 'upper-case' send a near miss of the right signature", async () => {
    const right = (q: URLSearchParams) =>
      tencentSign(
        { app_id: q.get('app_id') ?? '', nonce: q.get('nonce') ?? '', timestamp: q.get('timestamp') ?? '' },
        TENCENT_TEST_CREDENTIALS.appSecret,
      );
    for (let i = 0; i < 8; i++) {
      const changed = (await send({ signature: 'last-digit-changed' })).req.query;
      const sig = changed.get('signature') ?? '';
      const good = right(changed);
      // The first 63 digits kept; the last a digit that is not the right one's in any case.
      expect(sig.slice(0, 63)).toBe(good.slice(0, 63));
      expect(sig.at(-1)).toMatch(/^[01]$/);
      expect(sig.toLowerCase()).not.toBe(good.toLowerCase());
      expect(verify(changed)).toEqual({ ok: false, problem: 'bad_signature' });
    }
    const truncated = (await send({ signature: 'truncated' })).req.query;
    expect(truncated.get('signature')).toBe(right(truncated).slice(0, 63));
    expect(verify(truncated)).toEqual({ ok: false, problem: 'bad_signature' });
    const upper = (await send({ signature: 'upper-case' })).req.query;
    expect(upper.get('signature')).toBe(right(upper).toUpperCase());
    expect(upper.get('signature')).toMatch(/^[0-9A-F]{64}$/);
    expect(verify(upper)).toEqual({ ok: false, problem: 'bad_signature' }); // exact, ours (TCC-REF-15)
    // The rest of the query is as usual.
    expect([...upper.keys()]).toEqual(['app_id', 'nonce', 'sign', 'timestamp', 'signature']);
  });

  it("signature: 'omit' sends no signature, the rest as usual", async () => {
    const { req, ex } = await send({ signature: 'omit' });
    expect(req.query.has('signature')).toBe(false);
    expect([...req.query.keys()]).toEqual(['app_id', 'nonce', 'sign', 'timestamp']);
    expect(verify(req.query)).toEqual({ ok: false, problem: 'missing', param: 'signature' });
    expect(ex.request.params).not.toHaveProperty('signature');
  });

  it('clockOffsetS -299 (inside the 300 s window): the timestamp is now − 299 s rounded toward now, never beyond', async () => {
    const { req, ex, before, after } = await send({ clockOffsetS: -299 });
    const tsMs = Number(req.query.get('timestamp')) * 1000;
    expect(ex.timestampMs).toBe(tsMs);
    // Rounded up (toward now): at most 299 s behind our clock at the send, and less than a second more.
    expect(tsMs).toBeGreaterThanOrEqual(before - 299_000);
    expect(tsMs).toBeLessThan(after - 299_000 + 1000);
    expect(verify(req.query)).toMatchObject({ ok: true });
  });

  it('clockOffsetS -301 / +301 (outside the window): rounded away from now, at least 301 s off', async () => {
    const behind = await send({ clockOffsetS: -301 });
    const b = Number(behind.req.query.get('timestamp')) * 1000;
    expect(b).toBeLessThanOrEqual(behind.after - 301_000);
    expect(b).toBeGreaterThan(behind.before - 302_000);
    const ahead = await send({ clockOffsetS: 301 });
    const a = Number(ahead.req.query.get('timestamp')) * 1000;
    expect(a).toBeGreaterThanOrEqual(ahead.before + 301_000);
    expect(a).toBeLessThan(ahead.after + 302_000);
  });

  it('clockOffsetS +299: rounded down (toward now)', async () => {
    const { req, before, after } = await send({ clockOffsetS: 299 });
    const tsMs = Number(req.query.get('timestamp')) * 1000;
    expect(tsMs).toBeLessThanOrEqual(after + 299_000);
    expect(tsMs).toBeGreaterThan(before + 299_000 - 1000);
  });

  it("timestampForm: 'millis' sends epoch milliseconds, signed as sent", async () => {
    const { req, ex, before, after } = await send({ timestampForm: 'millis' });
    const ts = req.query.get('timestamp') ?? '';
    expect(ts).toMatch(/^[0-9]{13}$/);
    expect(ts).toBe(String(ex.timestampMs));
    expect(Number(ts)).toBeGreaterThanOrEqual(before - 1000);
    expect(Number(ts)).toBeLessThanOrEqual(after + 1000);
    expect(verify(req.query)).toMatchObject({ ok: true, fields: { timestamp: ts } });
  });

  it('rawBody and contentType replace the body and its type; the query is still signed', async () => {
    const { req, ex } = await send({ rawBody: '{"coupons": [', contentType: 'text/plain' });
    expect(req.method).toBe('POST');
    expect(req.body).toBe('{"coupons": [');
    expect(req.headers['content-type']).toBe('text/plain');
    expect(verify(req.query)).toMatchObject({ ok: true });
    expect(ex.request.body).toBe('{"coupons": [');
    expect(ex.curl).toContain(`'content-type: text/plain'`);
    expect(ex.curl).toContain(`--data-binary '{"coupons": ['`);
  });

  it("httpMethod: 'GET' sends no body and no content type", async () => {
    const { req, ex } = await send({ httpMethod: 'GET' });
    expect(req.method).toBe('GET');
    expect(req.path).toBe(ADD_COUPON_PATH);
    expect(req.body).toBe('');
    expect(req.headers['content-type']).toBeUndefined();
    expect(verify(req.query)).toMatchObject({ ok: true });
    expect(ex.request.httpMethod).toBe('GET');
    expect(ex.request).not.toHaveProperty('body');
    expect(ex.curl).not.toContain('--data-binary');
    expect(ex.curl).not.toContain('-X POST');
  });
});

describe('sendTencent: the recorded request and curl line', () => {
  it('with the test credentials: shows the signature that was sent, and a curl line with the URL and body', async () => {
    const { ex, req } = await send();
    const sentSignature = req.query.get('signature') ?? '';
    expect(ex.request).toEqual({
      httpMethod: 'POST',
      url: `${server.origin}${ADD_COUPON_PATH}`,
      operation: 'order/add_coupon',
      params: queryObject(req.query),
      body: JSON.stringify(APP),
    });
    expect(ex.request.params['signature']).toBe(sentSignature);
    const sentUrl = `${server.origin}${ADD_COUPON_PATH}?${req.query.toString()}`;
    expect(ex.curl).toContain(`'${sentUrl}'`);
    expect(ex.curl).toMatch(/^curl /);
    expect(ex.curl).toContain('-X POST');
    expect(ex.curl).toContain(`--data-binary '${JSON.stringify(APP)}'`);
  });

  it('with other credentials: the signature is *** in params and curl, and neither the secret nor the signature is in the exchange', async () => {
    const { ex, req } = await send({}, { ...OTHER });
    const sentSignature = req.query.get('signature') ?? '';
    expect(verify(req.query, OTHER.appSecret)).toMatchObject({ ok: true });
    expect(req.query.get('app_id')).toBe(OTHER.appId);
    expect(ex.request.params['signature']).toBe('***');
    expect(ex.request.params['nonce']).toBe(req.query.get('nonce'));
    expect(ex.curl).toContain('signature=***');
    expect(ex.curl).toContain(`${server.origin}${ADD_COUPON_PATH}?`);
    expect(ex.curl).toContain('--data-binary');
    const all = JSON.stringify(ex);
    expect(all).not.toContain(OTHER.appSecret);
    expect(all).not.toContain(sentSignature);
  });

  it('with the test app id but another secret: still redacted (the test credentials are the pair)', async () => {
    const { ex } = await send({}, { appId: TENCENT_TEST_CREDENTIALS.appId, appSecret: 'not-the-test-secret' });
    expect(ex.request.params['signature']).toBe('***');
    expect(JSON.stringify(ex)).not.toContain('not-the-test-secret');
  });

  it("secret: 'wrong' under other credentials: the derived wrong secret is in no report either", async () => {
    const { ex } = await send({ secret: 'wrong' }, { ...OTHER });
    expect(ex.request.params['signature']).toBe('***');
    expect(JSON.stringify(ex)).not.toContain(OTHER.appSecret);
  });

  it('quotes a body holding a single quote so that the curl line stays one shell word', async () => {
    const { ex } = await send({ rawBody: `{"coupon_name":"it's"}` });
    expect(ex.curl).toContain(`--data-binary '{"coupon_name":"it'\\''s"}'`);
  });
});

describe('sendTencent: transport problems are data', () => {
  it('a closed port gives an outcome that is not ok, without throwing', async () => {
    const port = await closedPort();
    const ex = await sendTencent(input({}, { ...TENCENT_TEST_CREDENTIALS }, `http://127.0.0.1:${port}`), OPTS);
    expect(ex.outcome.ok).toBe(false);
    expect(!ex.outcome.ok && ex.outcome.kind).toBe('network');
    expect(ex.request.url).toBe(`http://127.0.0.1:${port}${ADD_COUPON_PATH}`);
    expect(ex.curl).toMatch(/^curl /);
  });

  it('a server answering slower than timeoutMs gives a timeout outcome', async () => {
    const slow = await startHttpServer(() => {
      // Never answers.
    });
    try {
      const ex = await sendTencent({ ...input({}, { ...TENCENT_TEST_CREDENTIALS }, slow.origin), timeoutMs: 150 }, OPTS);
      expect(ex.outcome.ok).toBe(false);
      expect(!ex.outcome.ok && ex.outcome.kind).toBe('timeout');
    } finally {
      await slow.close();
    }
  });
});

describe('tencentAdapter.decode', () => {
  const decode = (json: unknown) => tencentAdapter.decode('order/add_coupon', json, JSON.stringify(json));

  it('a success is its data', () => {
    const data = { coupons: [{ external_coupon_id: 'pp-1', action: 'added' }] };
    expect(decode({ retcode: 0, errmsg: '', data })).toEqual({ kind: 'success', body: data });
    expect(decode({ retcode: 0, data: {} })).toEqual({ kind: 'success', body: {} });
  });

  it('a non-zero retcode is an error with its code as a string and errmsg as the message', () => {
    const json = { retcode: 40004, errmsg: 'x', data: {} };
    expect(decode(json)).toEqual({ kind: 'error', code: '40004', message: 'x', body: json });
    expect(decode({ retcode: -1 })).toMatchObject({ kind: 'error', code: '-1', message: '' });
  });

  it('anything else is malformed, with the reason', () => {
    const malformed = (json: unknown) => {
      const d = decode(json);
      expect(d.kind, JSON.stringify(json)).toBe('malformed');
      return d.kind === 'malformed' ? d.reason : '';
    };
    expect(malformed({ errmsg: '', data: {} })).toContain('retcode');
    expect(malformed({ retcode: '0', errmsg: '', data: {} })).toContain('retcode');
    expect(malformed({ retcode: 0, errmsg: '' })).toContain('data');
    expect(malformed({ retcode: 0, errmsg: '', data: [] })).toContain('data');
    expect(malformed({ retcode: 1.5, errmsg: '' })).toContain('retcode');
    expect(malformed({ retcode: 0, errmsg: 7, data: {} })).toContain('errmsg');
    expect(malformed([])).toContain('object');
    expect(malformed(null)).toContain('object');
    expect(malformed('ok')).toContain('object');
  });
});

describe('tencentAdapter credentials', () => {
  it('secretValues: none for the test credentials, the app secret otherwise', () => {
    expect(tencentAdapter.secretValues({ ...TENCENT_TEST_CREDENTIALS })).toEqual([]);
    expect(tencentAdapter.secretValues(OTHER)).toEqual([OTHER.appSecret]);
    expect(tencentAdapter.secretValues({ appId: TENCENT_TEST_CREDENTIALS.appId, appSecret: 'other' })).toEqual(['other']);
  });

  it('names its credential fields and test credentials', () => {
    expect([...tencentAdapter.credentialFields]).toEqual(['appId', 'appSecret']);
    expect(tencentAdapter.testCredentials).toEqual({ ...TENCENT_TEST_CREDENTIALS });
    expect(tencentAdapter.id).toBe('tencent-data-api');
  });
});
