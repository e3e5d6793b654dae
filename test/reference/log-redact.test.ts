import { describe, expect, it } from 'vitest';
import { buildJosParams, toFormBody } from '../../src/protocols/jos/client.js';
import { redactText, redactUrl } from '../../src/reference/log-redact.js';
import { buildServer } from '../../src/reference/server.js';
import { formatJosTimestamp } from '../../src/protocols/jos/timestamp.js';

const SECRET = 'my-very-private-secret';
const TOKEN = 'tok/en+with&odd=chars';
const CREDS = { appKey: 'log-app-key', appSecret: SECRET, accessToken: TOKEN };
const METHOD = 'jingdong.seller.promotion.get';

function logged() {
  const lines: string[] = [];
  const app = buildServer({ logger: true, logStream: { write: (l: string) => lines.push(l) }, credentials: CREDS });
  return { app, lines };
}

function params() {
  return buildJosParams({ method: METHOD, app: { promo_id: 2300001 }, credentials: CREDS, timestampMs: Date.now() });
}

function assertClean(lines: string[], sign: string) {
  const all = lines.join('');
  expect(lines.length).toBeGreaterThan(0);
  for (const s of [SECRET, TOKEN, encodeURIComponent(TOKEN), sign]) expect(all).not.toContain(s);
  expect(all).toContain(METHOD);
}

describe('reference request log redaction', () => {
  it('redacts the query string of a GET request', async () => {
    const { app, lines } = logged();
    const p = params();
    await app.inject({ method: 'GET', url: `/routerjson?${toFormBody(p)}` });
    assertClean(lines, p['sign']!);
    expect(lines.join('')).toContain('access_token=***');
    expect(lines.join('')).toContain('sign=***');
  });

  it('redacts a Yoho client_secret, in a GET query and in a form body (it replays forever: no timestamp)', async () => {
    const { app, lines } = logged();
    const secret = '0123456789abcdef0123456789abcdef';
    const query = new URLSearchParams({
      method: 'app.coupons.total',
      uid: '1',
      type: 'use',
      client_type: 'iphone',
      client_secret: secret,
    }).toString();
    await app.inject({ method: 'GET', url: `/gateway?${query}` });
    await app.inject({ method: 'POST', url: '/gateway', payload: query, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const all = lines.join('');
    expect(all).toContain('/gateway');
    expect(all).not.toContain(secret);
    expect(all).toContain('client_secret=***');
  });

  it('redacts a form request', async () => {
    const { app, lines } = logged();
    const p = params();
    await app.inject({
      method: 'POST',
      url: '/routerjson',
      payload: toFormBody(p),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assertClean(lines, p['sign']!);
  });

  it('redacts a mixed request (credentials in the query, the rest in the form)', async () => {
    const { app, lines } = logged();
    const p = params();
    const query = toFormBody({ access_token: p['access_token']!, sign: p['sign']!, method: p['method']! });
    const { access_token: _a, sign: _s, ...rest } = p;
    await app.inject({
      method: 'POST',
      url: `/routerjson?${query}`,
      payload: toFormBody(rest),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assertClean(lines, p['sign']!);
  });

  it('redacts the secret and sign in a not-found URL and a secret sent as a parameter', async () => {
    const { app, lines } = logged();
    await app.inject({ method: 'GET', url: `/nowhere?sign=ABCDEF0123&method=${METHOD}&x=${encodeURIComponent(SECRET)}` });
    await app.inject({
      method: 'GET',
      url: `/routerjson?method=${METHOD}&app_secret=${encodeURIComponent(SECRET)}&timestamp=${encodeURIComponent(formatJosTimestamp(Date.now()))}`,
    });
    assertClean(lines, 'ABCDEF0123');
  });

  it('helpers: redactUrl and redactText', () => {
    expect(redactUrl('/r?a=1&access_token=T&sign=S&method=m', [])).toBe('/r?a=1&access_token=***&sign=***&method=m');
    expect(redactUrl('/r?x=hello-SECRET', ['SECRET'])).toBe('/r?x=***');
    expect(redactText('Route GET:/r?sign=abc&v=2.0 not found', [])).toBe('Route GET:/r?sign=***&v=2.0 not found');
    expect(redactText('bad token "T\\"x"', ['T"x'])).toBe('bad token "***"');
  });
});

describe('reference request log: parameters left out (JOS-REF-04)', () => {
  it('names each undeclared parameter it ignored and each optional "" it read as absent, never their values', async () => {
    const { app, lines } = logged();
    const p = buildJosParams({
      method: 'jingdong.seller.promotion.list',
      app: { favor_mode: 'private-value', type: '', page: 1 },
      credentials: CREDS,
      timestampMs: Date.now(),
    });
    const res = await app.inject({ method: 'GET', url: `/routerjson?${toFormBody(p)}` });
    expect(JSON.parse(res.body)).toHaveProperty('jingdong_seller_promotion_list_responce.code', '0');
    const left = lines.find((l) => l.includes('"ignored"'));
    expect(JSON.parse(left ?? '{}')).toMatchObject({ jos: { ignored: ['favor_mode'], blank: ['type'] } });
    expect(left).not.toContain('private-value');
    for (const secret of [SECRET, TOKEN, encodeURIComponent(TOKEN), p['sign']!]) expect(lines.join('')).not.toContain(secret);
  });

  it('answers #promo_id (a generator bug of two PHP SDKs) as a missing promotion id and logs it ignored', async () => {
    const { app, lines } = logged();
    const p = buildJosParams({
      method: 'jingdong.seller.promotion.sku.add',
      app: { '#promo_id': 2300001, sku_ids: [1], jd_prices: [10], promo_prices: [5] },
      credentials: CREDS,
      timestampMs: Date.now(),
    });
    const res = await app.inject({
      method: 'POST',
      url: '/routerjson',
      payload: toFormBody(p),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(200);
    const err = (JSON.parse(res.body) as { error_response: { code: string; zh_desc: string; en_desc: string } }).error_response;
    expect(err.code).toBe('promoId.invalid');
    expect(err.en_desc).toContain('promo_id is required');
    expect(err.en_desc).toContain('ignored undeclared #promo_id');
    expect(err.zh_desc).toBe('促销编号无效（已忽略未声明的参数：#promo_id）');
    expect(lines.join('')).toContain('"ignored":["#promo_id"]');
  });

  it('refuses them under strictParams, as it did before', async () => {
    const app = buildServer({ credentials: CREDS, strictParams: true });
    const p = buildJosParams({
      method: 'jingdong.seller.promotion.list',
      app: { favor_mode: '', page: 1 },
      credentials: CREDS,
      timestampMs: Date.now(),
    });
    const res = await app.inject({ method: 'GET', url: `/routerjson?${toFormBody(p)}` });
    expect(JSON.parse(res.body)).toHaveProperty('error_response.code', 'param.error');
  });
});
