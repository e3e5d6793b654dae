import { describe, expect, it } from 'vitest';
import { buildJosParams, resign } from '../../src/protocols/jos/client.js';
import { createTestClient, CREDS, outcome, P, ts } from '../helpers/jos.js';

const FIXED = Date.UTC(2026, 10, 23, 4, 0, 0);

function signed(over: Parameters<typeof buildJosParams>[0] extends infer T ? Partial<T> : never = {}) {
  return buildJosParams({ method: P + 'list', app: {}, credentials: CREDS, timestampMs: FIXED, ...over });
}

describe('JOS gateway: system parameters (JOS-01 … JOS-09)', () => {
  const c = createTestClient({ now: () => FIXED });

  it('answers a signed call with the <method>_responce envelope (the live spelling) and HTTP 200', async () => {
    const a = await c.send(signed());
    expect(a.status).toBe(200);
    expect(a.kind).toBe('success');
    expect(JSON.parse(a.raw)).toHaveProperty('jingdong_seller_promotion_list_responce.code', '0');
  });

  it('spells the success key as the document shows when asked (successSuffix _response)', async () => {
    const d = createTestClient({ now: () => FIXED, successSuffix: '_response' });
    const a = await d.send(signed());
    expect(a.kind).toBe('success');
    expect(Object.keys(JSON.parse(a.raw) as object)).toEqual(['jingdong_seller_promotion_list_response']);
  });

  it('reads parameters from the query of a GET as well as from a form body', async () => {
    expect((await c.send(signed(), 'GET')).kind).toBe('success');
  });

  it.each([
    ['method', '14'],
    ['app_key', '20'],
    ['access_token', '18'],
    ['v', '4'],
    ['timestamp', '7'],
    ['sign', '11'],
  ])('refuses a request without %s with code %s', async (name, code) => {
    const { [name]: _gone, ...rest } = signed();
    const params = name === 'sign' ? rest : resign(rest, CREDS.appSecret);
    const a = await c.send(params);
    expect(a.status).toBe(200);
    expect(outcome(a)).toBe(code);
  });

  it.each([
    ['method', 'jingdong.seller.promotion.nope', '15'],
    ['app_key', 'someone-else', '21'],
    ['access_token', 'expired-token', '19'],
    ['v', '3.0', '5'],
    ['format', 'xml', '6'],
    ['timestamp', '2026/11/23 12:00:00', '8'],
    ['sign_method', 'sha1', '9'],
    ['360buy_param_json', '{"page":', '3'],
    ['360buy_param_json', '[1,2]', '3'],
  ])('refuses %s = %j with code %s', async (name, value, code) => {
    const a = await c.send(resign({ ...signed(), [name]: value }, CREDS.appSecret));
    expect(outcome(a)).toBe(code);
  });

  it('refuses a wrong signature and a request altered after signing (JOS-06)', async () => {
    expect(outcome(await c.send({ ...signed(), sign: 'F4BA4D8C0E91CBCF478918D5A316B8BD' }))).toBe('12');
    const params = signed({ app: { page: 1 } });
    expect(outcome(await c.send({ ...params, '360buy_param_json': '{"page":2}' }))).toBe('12');
    expect(outcome(await c.send({ ...params, timestamp: ts(FIXED + 1000) }))).toBe('12');
  });

  it('accepts a lower-case sign and the hmac sign methods', async () => {
    const p = signed();
    expect((await c.send({ ...p, sign: p['sign']!.toLowerCase() })).kind).toBe('success');
    expect((await c.send(signed({ signMethod: 'hmacmd5' }))).kind).toBe('success');
    expect((await c.send(signed({ signMethod: 'hmacsha256' }))).kind).toBe('success');
  });

  it('accepts a request without format, as the old Java SDK sends it (JOS-04)', async () => {
    expect((await c.send(signed({ format: null }))).kind).toBe('success');
  });

  describe('timestamp window of 6 minutes (JOS-03), against the real clock', () => {
    it.each([
      ['5:59 in the past', -359_000, 'success'],
      ['6:00 in the past', -360_000, 'success'],
      ['6:01 in the past', -361_000, '8'],
      ['5:59 in the future', 359_000, 'success'],
      ['6:01 in the future', 361_000, '8'],
      ['a day off', 86_400_000, '8'],
    ])('%s → %s', async (_label, offsetMs, expected) => {
      expect(outcome(await c.send(signed({ timestampMs: FIXED + offsetMs })))).toBe(expected);
    });

    it('reads the SDK form yyyy-MM-dd HH:mm:ss.SSS±hhmm in its own offset (JOS-02)', async () => {
      expect(outcome(await c.send(signed({ timestampText: '2026-11-23 12:00:00.000+0800' })))).toBe('success');
      expect(outcome(await c.send(signed({ timestampText: '2026-11-23 04:00:00.000+0000' })))).toBe('success');
      // The same wall-clock text read as UTC+8 would be 8 hours off.
      expect(outcome(await c.send(signed({ timestampText: '2026-11-23 12:00:00.000+0000' })))).toBe('8');
    });

    it('ignores the test-control clock: moving the business clock does not move the window', async () => {
      const moved = createTestClient({ now: () => FIXED });
      await moved.control('clock', { advanceS: 3600 });
      expect(outcome(await moved.send(signed()))).toBe('success');
    });
  });
});

describe('JOS gateway: hostile requests never give a 500 (JOS-REF-02)', () => {
  const c = createTestClient();

  it('answers garbage bodies, broken JSON bodies and unknown content types with the JOS envelope', async () => {
    for (const [payload, type] of [
      ['%%%garbage&&==', 'application/x-www-form-urlencoded'],
      ['{"method": ', 'application/json'],
      ['["a"]', 'application/json'],
      ['\u0000\u0001binary', 'application/octet-stream'],
      ['<xml/>', 'text/xml'],
    ] as const) {
      const res = await c.app.inject({ method: 'POST', url: '/routerjson', payload, headers: { 'content-type': type } });
      expect(res.statusCode).toBe(200);
      expect(JSON.parse(res.body)).toHaveProperty('error_response.code');
    }
  });

  it('answers a body over the limit with system error 1', async () => {
    const res = await c.app.inject({
      method: 'POST',
      url: '/routerjson',
      payload: `a=${'x'.repeat(1_100_000)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ error_response: { code: '1', zh_desc: '请求无法解析', en_desc: 'Unreadable Request' } });
  });

  it('answers other paths with 404 and the envelope', async () => {
    const res = await c.app.inject({ method: 'GET', url: '/nope?x=1' });
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body)).toHaveProperty('error_response.code', '1');
  });

  it('answers repeated query keys by their first value', async () => {
    const params = buildJosParams({ method: P + 'list', app: {}, credentials: CREDS });
    const qs = `${new URLSearchParams(params).toString()}&method=other`;
    const res = await c.app.inject({ method: 'GET', url: `/routerjson?${qs}` });
    expect(JSON.parse(res.body)).toHaveProperty('jingdong_seller_promotion_list_responce');
  });

  it('answers wrong types and unknown fields with the parameter codes', async () => {
    expect(outcome(await c.call('add', { name: 12, type: 1, begin_time: ts(Date.now()), end_time: ts(Date.now() + 3_600_000) }))).toBe(
      'promo.name.invalid',
    );
    expect(outcome(await c.call('add', { name: 'x', type: 'one', begin_time: ts(Date.now()), end_time: ts(Date.now() + 3_600_000) }))).toBe(
      'promo.type.invalid',
    );
    expect(outcome(await c.call('get', { promo_id: { nested: true } }))).toBe('promo.id.invalid');
    // An undeclared field is ignored (JOS-REF-04): the unknown promotion answers its own code.
    expect(outcome(await c.call('get', { promo_id: 1, surprise: 'field' }))).toBe('promo.id.invalid');
    expect(outcome(await c.call('list', { page: 1.5 }))).toBe('param.error');
    expect(outcome(await c.call('list', { page: '1e3' }))).toBe('param.error');
  });

  it('keeps serving after a thousand hostile requests', async () => {
    const bodies = Array.from(
      { length: 1000 },
      (_, i) => `method=${'m'.repeat(i % 50)}&360buy_param_json=${encodeURIComponent('{'.repeat(i % 7))}`,
    );
    for (const payload of bodies) {
      const res = await c.app.inject({
        method: 'POST',
        url: '/routerjson',
        payload,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(res.statusCode).toBe(200);
    }
    expect((await c.call('list', {})).kind).toBe('success');
  });
});
