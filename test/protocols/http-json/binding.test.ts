/**
 * The http-json protocol through a binding: the binding loads from a target config (and a broken one
 * reports every problem at file:line:column), prepare builds the service's requests exactly under each
 * kind of auth, decode reads success, mapped and unmapped refusals, and the ids the service assigns
 * round-trip through the run's id map.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { classify, readerFor } from '../../../src/engine/answer.js';
import { LoadError, formatProblem } from '../../../src/core/errors.js';
import { loadTargetConfig } from '../../../src/engine/targets/config.js';
import { targetSecrets } from '../../../src/engine/targets/secrets.js';
import { adapterFor } from '../../../src/protocols/index.js';
import { UnsupportedCall } from '../../../src/protocols/http-json/adapter.js';
import type { Endpoint, PrepareInput, ProtocolAdapter } from '../../../src/protocols/types.js';
import { SUITES } from '../../../src/scenario/suites.js';
import { REST_BINDING_FILE, restBindingText } from '../../helpers/rest-binding.js';
import { startRestCouponService } from '../../helpers/rest-coupon-service.js';

const TOKEN = 'tok-3f9a-secret';
const NOW = Date.UTC(2026, 11, 7, 10, 0, 0);
const NONCE = '0123456789abcdef0123456789abcdef';

function bound(text: string = restBindingText(), env: Record<string, string> = { REST_COUPON_TOKEN: TOKEN }) {
  const target = loadTargetConfig(REST_BINDING_FILE, env, text);
  const at = (api: string): { endpoint: Endpoint; adapter: ProtocolAdapter } => {
    const endpoint = target.endpoints[api];
    if (endpoint === undefined) throw new Error(`no endpoint ${api}`);
    return { endpoint, adapter: adapterFor('jos', endpoint) };
  };
  return { target, at };
}

function input(endpoint: Endpoint, operation: string, app: Record<string, unknown>): PrepareInput {
  return { endpoint, operation, app, transport: {}, clockOffsetMs: 0, nowMs: NOW, nonce: NONCE };
}

/** An HTTP answer as classify reads it. */
const answer = (status: number, body: unknown) => ({
  ok: true as const,
  status,
  contentType: 'application/json',
  body: JSON.stringify(body),
  truncated: false,
});

function loadProblems(text: string): string[] {
  try {
    bound(text);
  } catch (e) {
    if (e instanceof LoadError) return e.problems.map(formatProblem);
    throw e;
  }
  return [];
}

describe('a binding in a target config', () => {
  it('loads: each bound API gets its own http-json adapter, and its credentials are secrets', () => {
    const { target, at } = bound();
    expect(at('jd-coupon').adapter.id).toBe('http-json');
    expect(at('tencent-coupon-batch').adapter.id).toBe('http-json');
    expect(at('jd-coupon').endpoint.credentials).toEqual({ token: TOKEN });
    expect(targetSecrets(target)).toEqual([TOKEN]);
  });

  it('reports every problem at once, each at its file:line:column', () => {
    const text = restBindingText()
      .replace('promoproof.coupon.user.list:', 'promoproof.coupon.user.lists:')
      .replace('MIN_SPEND_NOT_MET: coupon.threshold.unmet', 'MIN_SPEND_NOT_MET: coupon.threshold.missed')
      .replace('statistics.used: /used', 'statistics.usage: /used')
      .replace('path: /activities/${params.batch_id}/claims', 'path: /activities/${params.batch}/claims')
      .replace('token: "${credentials.token}"', 'token: "${credentials.tokn}"')
      .replace('$convert: number }', '$convert: numeral }')
      .replace('$required: true }', '$required: yes }');
    const problems = loadProblems(text);
    const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(
            `rest-coupon\\.yaml:${lineOf('promoproof.coupon.user.lists:')}:\\d+: .*no operation 'promoproof\\.coupon\\.user\\.lists'`,
          ),
        ),
        expect.stringMatching(new RegExp(`:${lineOf('coupon.threshold.missed')}:\\d+: .*no error 'coupon\\.threshold\\.missed'`)),
        expect.stringMatching(new RegExp(`:${lineOf('statistics.usage')}:\\d+: .*no field 'statistics\\.usage'`)),
        expect.stringMatching(new RegExp(`:${lineOf('${params.batch}/claims')}:\\d+: .*no parameter 'batch'`)),
        expect.stringMatching(new RegExp(`:${lineOf('credentials.tokn')}:\\d+: .*credentials have no 'tokn'`)),
        expect.stringMatching(new RegExp(`:${lineOf('numeral')}:\\d+: .*no conversion 'numeral'`)),
        expect.stringMatching(new RegExp(`:${lineOf('$required: yes')}:\\d+: .*\\$required is true or false`)),
      ]),
    );
    expect(problems.every((p) => p.includes('PP_BINDING'))).toBe(true);
    // The auth is shared through a YAML alias: its problem is reported for each API that uses it.
    expect(problems.length).toBeGreaterThanOrEqual(6);
  });

  it('methods (the JOS renames) does not apply to a bound API', () => {
    const text = restBindingText().replace(
      '  jd-coupon:\n    url:',
      '  jd-coupon:\n    methods: { promoproof.coupon.claim: shop.take }\n    url:',
    );
    const problems = loadProblems(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      new RegExp(`:${text.split('\n').findIndex((l) => l.includes('shop.take')) + 1}:\\d+: .*methods does not apply .*PP_BINDING`),
    );
  });

  it('a shape the schema refuses is a PP_SCHEMA problem at its line', () => {
    const text = restBindingText().replace('method: GET\n            path: /users', 'method: FETCH\n            path: /users');
    const problems = loadProblems(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      new RegExp(`rest-coupon\\.yaml:${text.split('\n').findIndex((l) => l.includes('FETCH')) + 1}:\\d+: .*PP_SCHEMA`),
    );
  });
});

describe('prepare: the service request, exactly', () => {
  it('a claim: REST path with the service id of the batch, camelCase body, absent values left out, a bearer token', () => {
    const { at } = bound();
    const { endpoint, adapter } = at('jd-coupon');
    const wire = adapter.prepare(input(endpoint, 'promoproof.coupon.claim', { data_source_id: '101', batch_id: 'pp-a/b', uid: 42 }));
    expect(wire).toEqual({
      method: 'POST',
      url: 'http://127.0.0.1:8700/activities/pp-a%2Fb/claims',
      headers: { accept: 'application/json', 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: '{"userId":42}',
      timestampMs: NOW,
      operation: 'promoproof.coupon.claim',
      params: {},
    });
  });

  it('verify: order lines mapped one by one, fen to yuan exactly', () => {
    const { at } = bound();
    const { endpoint, adapter } = at('jd-coupon');
    const lines = [
      { sku_id: 'A', quantity: 2, price_fen: 1895 },
      { sku_id: 7, quantity: 1, price_fen: 10 },
    ];
    const wire = adapter.prepare(input(endpoint, 'promoproof.coupon.verify', { uid: 42, coupon_code: 'RC1', order_lines: lines }));
    expect(wire.url).toBe('http://127.0.0.1:8700/coupons/RC1/verify');
    expect(JSON.parse(wire.body ?? '')).toEqual({
      userId: 42,
      items: [
        { sku: 'A', qty: 2, unitPrice: '18.95' },
        { sku: 7, qty: 1, unitPrice: '0.10' },
      ],
    });
  });

  it('a list: query parameters from the operation, in the binding order, the status in the service words', () => {
    const { at } = bound();
    const { endpoint, adapter } = at('jd-coupon');
    const wire = adapter.prepare(input(endpoint, 'promoproof.coupon.user.list', { uid: 42, status: 'used', page_size: 5 }));
    expect(wire.method).toBe('GET');
    expect(wire.url).toBe('http://127.0.0.1:8700/users/42/coupons?status=USED&size=5');
    expect(wire.body).toBeUndefined();
    expect(wire.params).toEqual({ status: 'USED', size: '5' });
  });

  it('a parameter the binding neither reads nor ignores, an operation it lacks, a protocol deviation: not expressible', () => {
    const { at } = bound();
    const { endpoint, adapter } = at('jd-coupon');
    const lines = [{ sku_id: 'A', quantity: 1, price_fen: 100 }];
    expect(() =>
      adapter.prepare(input(endpoint, 'promoproof.coupon.verify', { uid: 1, coupon_code: 'c', order_lines: lines, stacked: 1 })),
    ).toThrow(/cannot express the parameter stacked/);
    expect(() => adapter.prepare(input(endpoint, 'promoproof.coupon.revoke', { coupon_code: 'c' }))).toThrow(UnsupportedCall);
    expect(() =>
      adapter.prepare({ ...input(endpoint, 'promoproof.coupon.claim', { batch_id: 'b', uid: 1 }), transport: { signature: 'stale' } }),
    ).toThrow(/signature, a deviation/);
  });

  it('an API key header', () => {
    const text = restBindingText().replace(
      'auth: &auth { kind: bearer, token: "${credentials.token}" }',
      'auth: &auth { kind: api-key, header: X-Shop-Key, value: "${credentials.token}" }',
    );
    const { endpoint, adapter } = bound(text).at('jd-coupon');
    const wire = adapter.prepare(input(endpoint, 'promoproof.coupon.claim', { batch_id: 'b', uid: 1 }));
    expect(wire.headers).toEqual({ accept: 'application/json', 'content-type': 'application/json', 'x-shop-key': TOKEN });
  });

  it('an HMAC-SHA256 signature over the declared parts, byte for byte, and the record shows no secret', () => {
    const auth =
      'auth: &auth { kind: hmac-sha256, header: X-Sign, prefix: "v1=", secret: "${credentials.token}", parts: [method, path, query, body, timestamp, nonce], separator: "|", encoding: base64, timestampHeader: X-Ts, nonceHeader: X-Nonce }';
    const text = restBindingText().replace('auth: &auth { kind: bearer, token: "${credentials.token}" }', auth);
    const { endpoint, adapter } = bound(text).at('jd-coupon');
    const wire = adapter.prepare(input(endpoint, 'promoproof.coupon.user.list', { uid: 7, status: 'unused' }));
    const ts = String(NOW / 1000);
    // Computed here from the request's own parts, independently of the adapter's code.
    const expected = createHmac('sha256', TOKEN).update(`GET|/users/7/coupons|status=AVAILABLE||${ts}|${NONCE}`, 'utf8').digest('base64');
    expect(wire.headers['x-sign']).toBe(`v1=${expected}`);
    expect(wire.headers['x-ts']).toBe(ts);
    expect(wire.headers['x-nonce']).toBe(NONCE);
    const claim = adapter.prepare(input(endpoint, 'promoproof.coupon.claim', { batch_id: 'b', uid: 1 }));
    const hex = createHmac('sha256', TOKEN).update(`POST|/activities/b/claims||{"userId":1}|${ts}|${NONCE}`, 'utf8').digest('base64');
    expect(claim.headers['x-sign']).toBe(`v1=${hex}`);
    const shown = adapter.record(claim, endpoint);
    expect(shown.curl).toContain("-H 'x-sign: ***'");
    expect(shown.curl).not.toContain(TOKEN);
    expect(shown.curl).not.toContain(hex);
  });

  it('the record: the service request in its own names, the token hidden', () => {
    const { endpoint, adapter } = bound().at('jd-coupon');
    const wire = adapter.prepare(input(endpoint, 'promoproof.coupon.claim', { batch_id: 'b', uid: 1, request_id: 'r1' }));
    const shown = adapter.record(wire, endpoint);
    expect(shown.request).toEqual({
      httpMethod: 'POST',
      url: 'http://127.0.0.1:8700/activities/b/claims',
      operation: 'promoproof.coupon.claim',
      params: {},
      body: '{"userId":1,"requestId":"r1"}',
    });
    expect(shown.curl).toContain("-H 'authorization: Bearer ***'");
    expect(shown.curl).not.toContain(TOKEN);
  });
});

describe('decode: the service answer read in the spec terms', () => {
  const api = SUITES.get('jd-coupon')?.compiled();
  const read = (adapter: ProtocolAdapter, endpoint: Endpoint, operation: string) =>
    readerFor({ adapter, ...(api ? { api } : {}), operation, endpoint, level: 'must', maxBodyBytes: 1 << 20 });

  it('a success rebuilt in the spec shape (yuan to fen, ms to UTC+8 time) that the documented answer schema accepts', () => {
    const { endpoint, adapter } = bound().at('jd-coupon');
    const coupon = {
      couponNo: 'RC00000002',
      couponId: 2,
      activityId: 'act_1',
      userId: 42,
      title: '满100减20',
      amount: '20.00',
      minSpend: '100.5',
      validFrom: NOW,
      validTo: NOW + 86_400_000,
      claimedAt: NOW,
      status: 'AVAILABLE',
    };
    const a = classify(answer(201, { coupon }), read(adapter, endpoint, 'promoproof.coupon.claim'));
    expect(a).toEqual({
      kind: 'success',
      body: {
        coupon: {
          coupon_code: 'RC00000002',
          coupon_id: 2,
          batch_id: 'act_1',
          uid: 42,
          name: '满100减20',
          sub_type: 1,
          amount_fen: 2000,
          minimum_fen: 10050,
          valid_from: '2026-12-07 18:00:00',
          valid_to: '2026-12-08 18:00:00',
          acquired_time: '2026-12-07 18:00:00',
          via: 'claim',
          status: 'unused',
        },
      },
    });
  });

  it('a mapped code is the spec error; an unmapped one is any error, never a specific one; a 5xx is a server error whatever its body', () => {
    const { endpoint, adapter } = bound().at('jd-coupon');
    const reader = read(adapter, endpoint, 'promoproof.coupon.claim');
    expect(classify(answer(409, { error: { code: 'SOLD_OUT', message: 'no stock left' } }), reader)).toMatchObject({
      kind: 'refusal',
      code: 'coupon.stock.empty',
      message: 'no stock left [service code SOLD_OUT]',
    });
    const unmapped = classify(answer(429, { error: { code: 'RATE_LIMITED', message: 'slow down' } }), reader);
    expect(unmapped).toMatchObject({ kind: 'refusal', code: 'service:RATE_LIMITED' });
    const noCode = classify(answer(404, { message: 'Not Found' }), reader);
    expect(noCode).toMatchObject({ kind: 'refusal', code: 'http:404' });
    expect(classify(answer(503, { error: { code: 'SOLD_OUT' } }), reader)).toMatchObject({ kind: 'server-error', status: 503 });
    // A 2xx is a success even with an error-looking body: the binding says success is told by status.
    expect(classify(answer(200, { error: { code: 'SOLD_OUT' } }), reader).kind).toBe('malformed');
  });

  it('an amount the binding cannot convert is a malformed answer, not a success', () => {
    const { endpoint, adapter } = bound().at('jd-coupon');
    const reader = read(adapter, endpoint, 'promoproof.coupon.verify');
    const a = classify(answer(200, { couponNo: 'c', orderTotal: '12.345', eligible: '1', discount: '1', payable: '1' }), reader);
    expect(a).toMatchObject({ kind: 'malformed', problem: 'envelope' });
    expect(a.kind === 'malformed' ? a.reason : '').toMatch(/"12\.345" is not an amount in yuan/);
  });
});

describe('ids the service assigns', () => {
  it('the upload learns each activity id; claims send it, and answers read it back as the suite id', async () => {
    const service = await startRestCouponService({ token: TOKEN });
    try {
      const { at } = bound(restBindingText(service.origin));
      const upload = at('tencent-coupon-batch');
      const coupon = {
        external_coupon_id: 'pp-one',
        coupon_name: '券',
        coupon_type: 1,
        coupon_sub_type: 1,
        amount_coupon: 10,
        store_count: 2,
      };
      const sent = await upload.adapter.send({
        endpoint: upload.endpoint,
        operation: 'order/add_coupon',
        app: { dataSourceId: '101', coupons: [coupon, { ...coupon, external_coupon_id: 'pp-two' }] },
        transport: {},
        clockOffsetMs: 0,
        timeoutMs: 5_000,
        maxBodyBytes: 1 << 20,
      });
      expect(sent.unsupported).toBeUndefined();
      // Two service requests, shown in the service's own names.
      expect(sent.curl.split('\n')).toHaveLength(2);
      expect(sent.request.body).toMatch(
        /^POST .*\/activities \{"externalId":"pp-one","title":"券","issuer":"MERCHANT","kind":"CASH","amount":"10.00","stock":2\}\nPOST /,
      );
      const tencent = SUITES.get('tencent-coupon-batch')?.compiled();
      const uploaded = classify(
        sent.outcome,
        readerFor({
          adapter: upload.adapter,
          ...(tencent ? { api: tencent } : {}),
          operation: 'order/add_coupon',
          endpoint: upload.endpoint,
          level: 'must',
          maxBodyBytes: 1 << 20,
        }),
      );
      expect(uploaded).toEqual({ kind: 'success', body: {} });

      const claims = at('jd-coupon');
      const wire = claims.adapter.prepare(input(claims.endpoint, 'promoproof.coupon.claim', { batch_id: 'pp-two', uid: 9 }));
      expect(wire.url).toBe(`${service.origin}/activities/act_2/claims`);
      const claimed = await claims.adapter.send({
        ...input(claims.endpoint, 'promoproof.coupon.claim', { batch_id: 'pp-two', uid: 9 }),
        timeoutMs: 5_000,
        maxBodyBytes: 1 << 20,
      });
      const api = SUITES.get('jd-coupon')?.compiled();
      const read = classify(
        claimed.outcome,
        readerFor({
          adapter: claims.adapter,
          ...(api ? { api } : {}),
          operation: 'promoproof.coupon.claim',
          endpoint: claims.endpoint,
          level: 'must',
          maxBodyBytes: 1 << 20,
        }),
      );
      expect(read.kind).toBe('success');
      expect(read.kind === 'success' ? (read.body as { coupon: { batch_id: string } }).coupon.batch_id : '').toBe('pp-two');
      // A batch the run never created goes out under the suite's own id, and the service says it does not know it.
      const unknown = await claims.adapter.send({
        ...input(claims.endpoint, 'promoproof.coupon.claim', { batch_id: 'pp-none', uid: 9 }),
        timeoutMs: 5_000,
        maxBodyBytes: 1 << 20,
      });
      expect(
        classify(
          unknown.outcome,
          readerFor({
            adapter: claims.adapter,
            operation: 'promoproof.coupon.claim',
            endpoint: claims.endpoint,
            level: 'none',
            maxBodyBytes: 1 << 20,
          }),
        ),
      ).toMatchObject({
        kind: 'refusal',
        code: 'coupon.batch.not.exist',
      });
    } finally {
      await service.close();
    }
  });

  it('a term the service cannot express is not uploaded: the call says why', async () => {
    const { at } = bound();
    const upload = at('tencent-coupon-batch');
    const coupon = {
      external_coupon_id: 'pp-x',
      coupon_name: '券',
      coupon_type: 1,
      coupon_sub_type: 1,
      amount_coupon: 10,
      store_count: 2,
      max_coupons_by_day: 3,
    };
    const sent = await upload.adapter.send({
      endpoint: upload.endpoint,
      operation: 'order/add_coupon',
      app: { dataSourceId: '101', coupons: [coupon] },
      transport: {},
      clockOffsetMs: 0,
      timeoutMs: 1_000,
      maxBodyBytes: 1 << 20,
    });
    expect(sent.unsupported).toMatch(/cannot express the parameter max_coupons_by_day/);
  });
});
