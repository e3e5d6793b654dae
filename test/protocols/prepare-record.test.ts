import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PROTOCOLS } from '../../src/protocols/index.js';
import { josAdapter } from '../../src/protocols/jos/adapter.js';
import { DEFAULT_CREDENTIALS } from '../../src/protocols/jos/credentials.js';
import { josSign } from '../../src/protocols/jos/sign.js';
import { exchangeWire, prepareInputOf, sendPrepared } from '../../src/protocols/send-prepared.js';
import { tencentAdapter } from '../../src/protocols/tencent-data-api/adapter.js';
import { TENCENT_TEST_CREDENTIALS } from '../../src/protocols/tencent-data-api/credentials.js';
import { tencentSign } from '../../src/protocols/tencent-data-api/sign.js';
import type { Endpoint, PrepareInput, ProtocolAdapter, RecordedCall, WireRequest } from '../../src/protocols/types.js';
import { yohoAdapter } from '../../src/protocols/yoho-gateway/adapter.js';
import { YOHO_TEST_CREDENTIALS } from '../../src/protocols/yoho-gateway/credentials.js';
import { yohoSignWithKey } from '../../src/protocols/yoho-gateway/sign.js';
import type { Transport } from '../../src/scenario/types.js';
import { closedPort, startHttpServer, type TestHttpServer } from '../helpers/http-server.js';

/**
 * prepare / record / send: a request is built by a synchronous, pure `prepare` (the load engine's
 * synchronous hook calls it alone), the report's copy of it by `record` only when a result reads it,
 * and `send` is the one HTTP exchange of what prepare built.
 */

/** 2024-05-01 10:00:00 in UTC+8 (JOS's zone), whole seconds. */
const NOW_MS = Date.UTC(2024, 4, 1, 2, 0, 0);
const NONCE = '0123456789abcdef0123456789abcdef';
const URL_JOS = 'http://127.0.0.1:9/routerjson';
const URL_TENCENT = 'http://127.0.0.1:9';
const URL_YOHO = 'http://127.0.0.1:9/gateway';

const CLAIM = { data_source_id: '101', batch_id: 'pp-Pab1', uid: 10001 };
const UPLOAD = {
  dataSourceId: '101',
  coupons: [{ external_coupon_id: 'pp-Pab1', coupon_name: '满100减10', coupon_type: 1, coupon_sub_type: 1, amount_coupon: 10 }],
};
const QUERY = { uid: 7893817, type: 'use' };

/** A claim-sized call of each protocol, with the test credentials (or `credentials`). */
const CALLS: readonly {
  readonly adapter: ProtocolAdapter;
  readonly input: (credentials?: Record<string, string>, transport?: Transport) => PrepareInput;
}[] = [
  {
    adapter: josAdapter,
    input: (credentials = { ...DEFAULT_CREDENTIALS }, transport = {}) =>
      prepareInput(URL_JOS, credentials, 'promoproof.coupon.claim', CLAIM, transport),
  },
  {
    adapter: tencentAdapter,
    input: (credentials = { ...TENCENT_TEST_CREDENTIALS }, transport = {}) =>
      prepareInput(URL_TENCENT, credentials, 'order/add_coupon', UPLOAD, transport),
  },
  {
    adapter: yohoAdapter,
    input: (credentials = { ...YOHO_TEST_CREDENTIALS }, transport = {}) =>
      prepareInput(URL_YOHO, credentials, 'app.coupons.li', QUERY, transport),
  },
];

const [JOS_CALL, TENCENT_CALL, YOHO_CALL] = CALLS.map((c) => c.input) as [
  (typeof CALLS)[number]['input'],
  (typeof CALLS)[number]['input'],
  (typeof CALLS)[number]['input'],
];

function prepareInput(
  url: string,
  credentials: Record<string, string>,
  operation: string,
  app: Record<string, unknown>,
  transport: Transport,
): PrepareInput {
  return { endpoint: { url, credentials }, operation, app, transport, clockOffsetMs: 0, nowMs: NOW_MS, nonce: NONCE };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('prepare: synchronous and pure', () => {
  it('every registered protocol has prepare and record', () => {
    expect([...PROTOCOLS.keys()].sort()).toEqual(CALLS.map((c) => c.adapter.id).sort());
  });

  for (const { adapter, input } of CALLS) {
    it(`${adapter.id}: the same input and clock build the same bytes, reading no clock, sending nothing, recording nothing`, () => {
      // The protocol spec is read once per process; after that, prepare touches nothing outside its input.
      adapter.prepare(input());
      const fetchSpy = vi.spyOn(globalThis, 'fetch');
      const nowSpy = vi.spyOn(Date, 'now');
      const perfSpy = vi.spyOn(performance, 'now');
      const recordSpy = vi.spyOn(adapter, 'record');
      const a = adapter.prepare(input());
      const b = adapter.prepare(input());
      expect(a).not.toBeInstanceOf(Promise);
      expect(b).toEqual(a);
      expect(b.url).toBe(a.url);
      expect(b.body).toBe(a.body);
      expect(fetchSpy).not.toHaveBeenCalled();
      expect(nowSpy).not.toHaveBeenCalled();
      expect(perfSpy).not.toHaveBeenCalled();
      expect(recordSpy).not.toHaveBeenCalled();
    });

    it(`${adapter.id}: another clock builds another request, whose timestamp is the one reported`, () => {
      const a = adapter.prepare(input());
      const later = adapter.prepare({ ...input(), nowMs: NOW_MS + 60_000 });
      expect(a.timestampMs).toBe(NOW_MS);
      expect(later.timestampMs).toBe(NOW_MS + 60_000);
      // Yoho signs no timestamp: its bytes do not depend on the clock.
      if (adapter.id === 'yoho-gateway') expect(later.url + later.body).toBe(a.url + a.body);
      else expect(later.url + later.body).not.toBe(a.url + a.body);
    });
  }
});

describe('prepare: the wire request', () => {
  it('jos: the signed form, POSTed to the router, byte-exact', () => {
    const wire = josAdapter.prepare(JOS_CALL());
    const unsigned = {
      method: 'promoproof.coupon.claim',
      app_key: DEFAULT_CREDENTIALS.appKey,
      timestamp: '2024-05-01 10:00:00',
      access_token: DEFAULT_CREDENTIALS.accessToken,
      format: 'json',
      v: '2.0',
      '360buy_param_json': JSON.stringify(CLAIM),
    };
    const params = { ...unsigned, sign: josSign(unsigned, DEFAULT_CREDENTIALS.appSecret) };
    expect(wire).toEqual({
      method: 'POST',
      url: URL_JOS,
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' },
      body: new URLSearchParams(params).toString(),
      timestampMs: NOW_MS,
      operation: 'promoproof.coupon.claim',
      params,
    });
  });

  it('jos: deviations are decided in prepare (a skewed timestamp, an omitted parameter, a wrong signature, GET)', () => {
    const wire = josAdapter.prepare(JOS_CALL(undefined, { clockOffsetS: -400, omit: ['v'], signature: 'wrong', httpMethod: 'GET' }));
    expect(wire.timestampMs).toBe(NOW_MS - 400_000);
    expect(wire.params['timestamp']).toBe('2024-05-01 09:53:20');
    expect(wire.params).not.toHaveProperty('v');
    const { sign, ...rest } = wire.params;
    expect(sign).toMatch(/^[0-9A-F]{32}$/);
    expect(sign).not.toBe(josSign(rest, DEFAULT_CREDENTIALS.appSecret));
    expect(wire.method).toBe('GET');
    expect(wire.body).toBeUndefined();
    expect(wire.url).toBe(`${URL_JOS}?${new URLSearchParams(wire.params).toString()}`);
    expect(wire.headers).toEqual({ accept: 'application/json' });
  });

  it('tencent-data-api: the nonce is the input’s (unless set gives one), the body the JSON of app or rawBody', () => {
    const wire = tencentAdapter.prepare(TENCENT_CALL());
    const fields = { app_id: TENCENT_TEST_CREDENTIALS.appId, nonce: NONCE, sign: 'sha256', timestamp: String(NOW_MS / 1000) };
    const query = { ...fields, signature: tencentSign(fields, TENCENT_TEST_CREDENTIALS.appSecret) };
    expect(wire).toEqual({
      method: 'POST',
      url: `${URL_TENCENT}/data-api/v1/order/add_coupon?${new URLSearchParams(query).toString()}`,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(UPLOAD),
      timestampMs: NOW_MS,
      operation: 'order/add_coupon',
      params: query,
    });
    expect(tencentAdapter.prepare({ ...TENCENT_CALL(), nonce: 'f'.repeat(32) }).params['nonce']).toBe('f'.repeat(32));
    const raw = tencentAdapter.prepare(TENCENT_CALL(undefined, { set: { nonce: 'fixed' }, rawBody: '{"x":', contentType: 'text/plain' }));
    expect(raw.params['nonce']).toBe('fixed');
    expect(raw.body).toBe('{"x":');
    expect(raw.headers['content-type']).toBe('text/plain');
  });

  it('yoho-gateway: the signed flat parameters, the build time as the timestamp', () => {
    const wire = yohoAdapter.prepare(YOHO_CALL());
    const unsigned = { method: 'app.coupons.li', uid: '7893817', type: 'use', client_type: 'android', app_version: '5.0.0' };
    const params = { ...unsigned, client_secret: yohoSignWithKey(unsigned, YOHO_TEST_CREDENTIALS.privateKey) };
    expect(wire).toEqual({
      method: 'POST',
      url: URL_YOHO,
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' },
      body: new URLSearchParams(params).toString(),
      timestampMs: NOW_MS,
      operation: 'app.coupons.li',
      params,
    });
  });
});

describe('record: the report’s copy, as the reports have always shown it', () => {
  const OTHER_JOS = { appKey: 'shop-key', appSecret: 'shop-secret-0123456789', accessToken: 'shop-token-0123456789' };
  const OTHER_TENCENT = { appId: 'shop-app', appSecret: 'shop-secret-0123456789' };
  const OTHER_YOHO = { clientType: 'iphone', privateKey: 'shop-private-key-0123456789' };
  const shown = (r: RecordedCall) => JSON.stringify(r);

  it('jos, other credentials: token and signature are ***; the curl line names every parameter', () => {
    const input = JOS_CALL({ ...OTHER_JOS });
    const wire = josAdapter.prepare(input);
    const params = {
      method: 'promoproof.coupon.claim',
      app_key: 'shop-key',
      timestamp: '2024-05-01 10:00:00',
      access_token: '***',
      format: 'json',
      v: '2.0',
      '360buy_param_json': JSON.stringify(CLAIM),
      sign: '***',
    };
    const r = josAdapter.record(wire, input.endpoint);
    expect(r.request).toEqual({ httpMethod: 'POST', url: URL_JOS, operation: 'promoproof.coupon.claim', params });
    expect(r.curl).toBe(
      `curl -sS -X POST '${URL_JOS}' ${Object.entries(params)
        .map(([k, v]) => `--data-urlencode '${k}=${v}'`)
        .join(' ')}`,
    );
    expect(shown(r)).not.toContain(OTHER_JOS.accessToken);
    expect(shown(r)).not.toContain(OTHER_JOS.appSecret);
    expect(shown(r)).not.toContain(wire.params['sign']);
  });

  it('jos, test credentials: token and signature shown as sent, so the curl line replays; GET is a -G line', () => {
    const input = JOS_CALL(undefined, { httpMethod: 'GET' });
    const wire = josAdapter.prepare(input);
    const r = josAdapter.record(wire, input.endpoint);
    expect(r.request).toEqual({ httpMethod: 'GET', url: URL_JOS, operation: 'promoproof.coupon.claim', params: wire.params });
    expect(r.curl.startsWith(`curl -sS -G '${URL_JOS}' --data-urlencode 'method=promoproof.coupon.claim'`)).toBe(true);
    expect(r.curl).toContain(`--data-urlencode 'sign=${wire.params['sign']}'`);
  });

  it('tencent-data-api, other credentials: the signature is *** in params, URL and curl; the body shown', () => {
    const input = TENCENT_CALL({ ...OTHER_TENCENT });
    const wire = tencentAdapter.prepare(input);
    const params = { app_id: 'shop-app', nonce: NONCE, sign: 'sha256', timestamp: String(NOW_MS / 1000), signature: '***' };
    const r = tencentAdapter.record(wire, input.endpoint);
    const path = `${URL_TENCENT}/data-api/v1/order/add_coupon`;
    expect(r.request).toEqual({ httpMethod: 'POST', url: path, operation: 'order/add_coupon', params, body: JSON.stringify(UPLOAD) });
    expect(r.curl).toBe(
      `curl -sS -X POST '${path}?${new URLSearchParams(params).toString()}' -H 'content-type: application/json' --data-binary '${JSON.stringify(UPLOAD)}'`,
    );
    expect(shown(r)).not.toContain(wire.params['signature']);
    expect(shown(r)).not.toContain(OTHER_TENCENT.appSecret);
  });

  it('tencent-data-api: a body longer than 4 KiB is cut in the request, whole in the curl line; GET has neither body nor -X POST', () => {
    const long = `{"pad":"${'x'.repeat(5000)}"}`;
    const input = TENCENT_CALL(undefined, { rawBody: long });
    const r = tencentAdapter.record(tencentAdapter.prepare(input), input.endpoint);
    expect(r.request.body).toBe(`${long.slice(0, 4096)}…`);
    expect(r.curl).toContain(`--data-binary '${long}'`);
    const get = TENCENT_CALL(undefined, { httpMethod: 'GET' });
    const g = tencentAdapter.record(tencentAdapter.prepare(get), get.endpoint);
    expect(g.request).not.toHaveProperty('body');
    expect(g.curl).toMatch(/^curl -sS 'http:\/\/127\.0\.0\.1:9\/data-api\/v1\/order\/add_coupon\?app_id=/);
  });

  it('yoho-gateway, other credentials: client_secret is ***, the private key nowhere', () => {
    const input = YOHO_CALL({ ...OTHER_YOHO });
    const wire = yohoAdapter.prepare(input);
    const params = {
      method: 'app.coupons.li',
      uid: '7893817',
      type: 'use',
      client_type: 'iphone',
      app_version: '5.0.0',
      client_secret: '***',
    };
    const r = yohoAdapter.record(wire, input.endpoint);
    expect(r.request).toEqual({ httpMethod: 'POST', url: URL_YOHO, operation: 'app.coupons.li', params });
    expect(r.curl).toBe(
      `curl -sS -X POST '${URL_YOHO}'${Object.entries(params)
        .map(([k, v]) => ` --data-urlencode '${k}=${v}'`)
        .join('')}`,
    );
    expect(shown(r)).not.toContain(OTHER_YOHO.privateKey);
    expect(shown(r)).not.toContain(wire.params['client_secret']);
  });
});

describe('send: the one exchange of a prepared request, its record lazy', () => {
  let server: TestHttpServer;
  let seen: { method: string; url: string; contentType: string | undefined; body: string }[] = [];
  beforeAll(async () => {
    server = await startHttpServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          contentType: req.headers['content-type'],
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
  });
  afterAll(() => server.close());

  it('exchangeWire sends exactly the prepared method, URL, content type and body', async () => {
    for (const { adapter, input } of CALLS) {
      for (const httpMethod of ['POST', 'GET'] as const) {
        seen = [];
        const base = input(undefined, { httpMethod });
        const url = new URL(base.endpoint.url);
        const wire = adapter.prepare({
          ...base,
          endpoint: { ...base.endpoint, url: `${server.origin}${url.pathname === '/' ? '' : url.pathname}` },
        });
        const out = await exchangeWire(wire, { timeoutMs: 5_000, maxBodyBytes: 1 << 16 });
        expect(out.ok, adapter.id).toBe(true);
        expect(seen, `${adapter.id} ${httpMethod}`).toEqual([
          {
            method: httpMethod,
            url: wire.url.slice(server.origin.length),
            contentType: wire.headers['content-type'],
            body: wire.body ?? '',
          },
        ]);
      }
    }
  });

  it('builds the record on first read only, once, from the prepared request', async () => {
    const record = vi.fn(josAdapter.record);
    let prepared: WireRequest | undefined;
    const builder = {
      prepare: (i: PrepareInput) => {
        prepared = josAdapter.prepare(i);
        return prepared;
      },
      record,
    };
    const endpoint: Endpoint = { url: `${server.origin}/routerjson`, credentials: { ...DEFAULT_CREDENTIALS } };
    const ex = await sendPrepared(builder, {
      endpoint,
      operation: 'promoproof.coupon.claim',
      app: CLAIM,
      transport: {},
      clockOffsetMs: 0,
      timeoutMs: 5_000,
      maxBodyBytes: 1 << 16,
    });
    expect(ex.outcome.ok).toBe(true);
    expect(record).not.toHaveBeenCalled();
    expect(ex.timestampMs).toBe(prepared?.timestampMs);
    const request = ex.request;
    expect(record).toHaveBeenCalledTimes(1);
    expect(record).toHaveBeenCalledWith(prepared, endpoint);
    expect(ex.curl).toBe(ex.record().curl);
    expect(ex.record().request).toBe(request);
    expect(record).toHaveBeenCalledTimes(1);
    expect(request.params).toEqual(prepared?.params);
  });

  it('a transport failure is an exchange too, whose record names the request', async () => {
    const port = await closedPort();
    const ex = await yohoAdapter.send({
      endpoint: { url: `http://127.0.0.1:${port}/gateway`, credentials: { ...YOHO_TEST_CREDENTIALS } },
      operation: 'app.coupons.li',
      app: QUERY,
      transport: {},
      clockOffsetMs: 0,
      timeoutMs: 5_000,
      maxBodyBytes: 1 << 16,
    });
    expect(ex.outcome.ok).toBe(false);
    expect(ex.request.url).toBe(`http://127.0.0.1:${port}/gateway`);
    expect(ex.curl).toMatch(/^curl -sS -X POST /);
  });

  it('prepareInputOf reads the clock once and draws a fresh nonce per call', () => {
    const call = { ...TENCENT_CALL(), timeoutMs: 1, maxBodyBytes: 1 };
    const a = prepareInputOf(call);
    const b = prepareInputOf(call);
    expect(a.nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(b.nonce).not.toBe(a.nonce);
    expect(Math.abs(a.nowMs - Date.now())).toBeLessThan(5_000);
    expect(prepareInputOf(call, 5, 'n')).toMatchObject({ nowMs: 5, nonce: 'n', operation: 'order/add_coupon' });
    expect(prepareInputOf(call)).not.toHaveProperty('timeoutMs');
  });
});
