/**
 * A bound service's own authorisation cases (CPN-06: only authorised callers reach the coupon API). The
 * suite's deviations — a wrong signature, no access token, a wrong secret — are sent in the binding's
 * own auth terms: bearer and api-key send a wrong credential or none, hmac-sha256 a signature that is not
 * the request's, none, or one made with a wrong secret; a service with `auth: none` has nothing to test.
 * The service's refusal is read as one whatever its body (a bare 401 is a refusal `http:401`, not a
 * malformed answer); a 5xx is still a server error.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { classify, readerFor } from '../../../src/engine/answer.js';
import { loadTargetConfig } from '../../../src/engine/targets/config.js';
import { WRONG_CREDENTIAL } from '../../../src/protocols/http-json/auth.js';
import { adapterFor } from '../../../src/protocols/index.js';
import type { Endpoint, PrepareInput, ProtocolAdapter } from '../../../src/protocols/types.js';
import type { Transport } from '../../../src/scenario/types.js';
import { REST_BINDING_FILE, restBindingText } from '../../helpers/rest-binding.js';

const SECRET = 'auth-secret-5d0c';
const NOW = Date.UTC(2026, 11, 7, 10, 0, 0);
const NONCE = 'fedcba9876543210fedcba9876543210';
const BEARER = 'auth: &auth { kind: bearer, token: "${credentials.token}" }';

function bound(auth: string = BEARER): { endpoint: Endpoint; adapter: ProtocolAdapter } {
  const text = restBindingText().replace(BEARER, auth);
  const target = loadTargetConfig(REST_BINDING_FILE, { REST_COUPON_TOKEN: SECRET }, text);
  const endpoint = target.endpoints['jd-coupon'];
  if (endpoint === undefined) throw new Error('no jd-coupon endpoint');
  return { endpoint, adapter: adapterFor('jos', endpoint) };
}

/** The suite's list call (cpn-authorised-callers-*) with a deviation. */
function listCall(endpoint: Endpoint, transport: Transport): PrepareInput {
  return {
    endpoint,
    operation: 'promoproof.coupon.user.list',
    app: { uid: 7 },
    transport,
    clockOffsetMs: 0,
    nowMs: NOW,
    nonce: NONCE,
  };
}

const WRONG_SIGNATURE: Transport = { signature: 'wrong' };
const NO_TOKEN: Transport = { omit: ['access_token'] };
const WRONG_SECRET: Transport = { secret: 'wrong' };

describe('bearer and api-key: a wrong credential, or none', () => {
  it('bearer: a wrong token for a wrong signature or secret, no Authorization header without a token', () => {
    const { endpoint, adapter } = bound();
    const headers = (t: Transport) => adapter.prepare(listCall(endpoint, t)).headers;
    expect(headers({})['authorization']).toBe(`Bearer ${SECRET}`);
    expect(headers(WRONG_SIGNATURE)['authorization']).toBe(`Bearer ${WRONG_CREDENTIAL}`);
    expect(headers(WRONG_SECRET)['authorization']).toBe(`Bearer ${WRONG_CREDENTIAL}`);
    expect(headers(NO_TOKEN)).not.toHaveProperty('authorization');
    // The request itself is the right one: only its authorisation is wrong.
    expect(adapter.prepare(listCall(endpoint, NO_TOKEN)).url).toBe(adapter.prepare(listCall(endpoint, {})).url);
  });

  it('api-key: a wrong key, or no key header', () => {
    const { endpoint, adapter } = bound('auth: &auth { kind: api-key, header: X-Shop-Key, value: "${credentials.token}" }');
    const headers = (t: Transport) => adapter.prepare(listCall(endpoint, t)).headers;
    expect(headers({})['x-shop-key']).toBe(SECRET);
    expect(headers(WRONG_SIGNATURE)['x-shop-key']).toBe(WRONG_CREDENTIAL);
    expect(headers(WRONG_SECRET)['x-shop-key']).toBe(WRONG_CREDENTIAL);
    expect(headers(NO_TOKEN)).not.toHaveProperty('x-shop-key');
  });
});

describe('hmac-sha256: a signature that is not the request one, none, or one with a wrong secret', () => {
  const auth =
    'auth: &auth { kind: hmac-sha256, header: X-Sign, secret: "${credentials.token}", parts: [method, path, query, timestamp, nonce], timestampHeader: X-Ts, nonceHeader: X-Nonce }';
  const signed = `GET\n/users/7/coupons\n\n${NOW / 1000}\n${NONCE}`;
  const right = createHmac('sha256', SECRET).update(signed, 'utf8').digest('hex');

  it('the right signature without a deviation (computed here from the parts)', () => {
    const { endpoint, adapter } = bound(auth);
    expect(adapter.prepare(listCall(endpoint, {})).headers['x-sign']).toBe(right);
  });

  it('a wrong signature: as long as the right one, not it', () => {
    const { endpoint, adapter } = bound(auth);
    const sent = adapter.prepare(listCall(endpoint, WRONG_SIGNATURE)).headers;
    expect(sent['x-sign']).toMatch(/^[0-9a-f]{64}$/);
    expect(sent['x-sign']).not.toBe(right);
    expect(sent['x-sign']?.slice(2)).toBe(right.slice(2));
    expect(sent['x-ts']).toBe(String(NOW / 1000));
  });

  it('no signature header, the timestamp and nonce still sent', () => {
    const { endpoint, adapter } = bound(auth);
    const sent = adapter.prepare(listCall(endpoint, NO_TOKEN)).headers;
    expect(sent).not.toHaveProperty('x-sign');
    expect(sent['x-ts']).toBe(String(NOW / 1000));
    expect(sent['x-nonce']).toBe(NONCE);
  });

  it('signed with a wrong secret: the same parts under another key', () => {
    const { endpoint, adapter } = bound(auth);
    const sent = adapter.prepare(listCall(endpoint, WRONG_SECRET)).headers;
    expect(sent['x-sign']).toBe(createHmac('sha256', WRONG_CREDENTIAL).update(signed, 'utf8').digest('hex'));
  });
});

describe('what a bound service cannot be asked', () => {
  it('auth none: nothing to test, the call is not sent', () => {
    const { endpoint, adapter } = bound('auth: &auth { kind: none }');
    expect(() => adapter.prepare(listCall(endpoint, WRONG_SIGNATURE))).toThrow(/auth: none: the service has no authorisation to test/);
    expect(() => adapter.prepare(listCall(endpoint, NO_TOKEN))).toThrow(/no authorisation to test/);
  });

  it("another protocol's deviation (a stale signature, a JOS timestamp form, another omitted field) is not expressible", () => {
    const { endpoint, adapter } = bound();
    expect(() => adapter.prepare(listCall(endpoint, { signature: 'stale' }))).toThrow(/signature, a deviation of a protocol/);
    expect(() => adapter.prepare(listCall(endpoint, { timestampForm: 'iso' }))).toThrow(/timestampForm, a deviation/);
    expect(() => adapter.prepare(listCall(endpoint, { omit: ['app_key'] }))).toThrow(/omit, a deviation/);
    expect(() => adapter.prepare(listCall(endpoint, { signature: 'wrong', secret: 'wrong' }))).toThrow(/signature, secret, a deviation/);
  });
});

describe("the service's refusal, whatever its body", () => {
  const { endpoint, adapter } = bound();
  const reader = readerFor({ adapter, operation: 'promoproof.coupon.user.list', endpoint, level: 'none', maxBodyBytes: 1 << 20 });
  const http = (status: number, body: string, contentType = '') =>
    classify({ ok: true, status, contentType, body, truncated: false }, reader);

  it('a bare 401, an HTML 403: refusals http:<status>, not malformed answers', () => {
    expect(http(401, '')).toMatchObject({ kind: 'refusal', code: 'http:401' });
    expect(http(403, '<html>Forbidden</html>', 'text/html')).toMatchObject({ kind: 'refusal', code: 'http:403' });
  });

  it('a JSON refusal without the error code: http:<status> too; with its code, that code', () => {
    expect(http(401, '{"error":{"message":"no token"}}')).toMatchObject({
      kind: 'refusal',
      code: 'http:401',
      message: expect.stringMatching(/^no token/),
    });
    expect(http(401, '{"error":{"code":"UNAUTHENTICATED"}}')).toMatchObject({ kind: 'refusal', code: 'service:UNAUTHENTICATED' });
  });

  it('a 5xx is a server error, never a refusal; a success that is not JSON stays malformed', () => {
    expect(http(503, '')).toMatchObject({ kind: 'server-error', status: 503 });
    expect(http(200, 'OK')).toMatchObject({ kind: 'malformed', problem: 'not-json' });
  });

  it('a binding may map http:<status> onto a spec error like any code', () => {
    const text = restBindingText().replace(
      'INVALID_ARGUMENT: param.error',
      'INVALID_ARGUMENT: param.error\n          "http:400": param.error',
    );
    const target = loadTargetConfig(REST_BINDING_FILE, { REST_COUPON_TOKEN: SECRET }, text);
    const e = target.endpoints['jd-coupon'];
    if (e === undefined) throw new Error('no endpoint');
    const r = readerFor({
      adapter: adapterFor('jos', e),
      operation: 'promoproof.coupon.user.list',
      endpoint: e,
      level: 'none',
      maxBodyBytes: 1 << 20,
    });
    expect(classify({ ok: true, status: 400, contentType: '', body: '', truncated: false }, r)).toMatchObject({
      kind: 'refusal',
      code: 'param.error',
    });
  });
});
