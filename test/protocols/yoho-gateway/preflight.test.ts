import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { classify, readerFor } from '../../../src/engine/answer.js';
import { yohoAdapter } from '../../../src/protocols/yoho-gateway/adapter.js';
import { YOHO_TEST_CREDENTIALS } from '../../../src/protocols/yoho-gateway/credentials.js';
import { YOHO_DEV_SALT, YOHO_MASTER_SALT } from '../../../src/protocols/yoho-gateway/envelope.js';
import { yohoPreflight } from '../../../src/protocols/yoho-gateway/preflight.js';
import type { PreflightInput } from '../../../src/protocols/types.js';
import { closedPort } from '../../helpers/http-server.js';
import { deps, PROBE, startYohoServer, type YohoTestServer } from './fixtures.js';

let server: YohoTestServer;
let gateway: string;

beforeAll(async () => {
  server = await startYohoServer();
  gateway = `${server.origin}/gateway`;
});
afterAll(() => server.close());
beforeEach(() => {
  server.deps = deps();
  server.answer = undefined;
  server.seen = [];
});

function input(over: { url?: string; credentials?: Record<string, string>; operation?: string } = {}): PreflightInput {
  const endpoint = { url: over.url ?? gateway, credentials: over.credentials ?? { ...YOHO_TEST_CREDENTIALS } };
  const operation = over.operation ?? PROBE.operation;
  // As the engine's preflight binds it: the probe's operation at this endpoint, no schema.
  const reader = readerFor({ adapter: yohoAdapter, operation, endpoint, level: 'none', maxBodyBytes: 64 * 1024 });
  return {
    endpoint,
    classify: (outcome) => classify(outcome, reader),
    probe: { operation, params: { ...PROBE.params } },
    apiTitle: 'Yoho user coupon queries',
    clockKnown: false,
    timeoutMs: 5000,
  };
}

describe('yohoPreflight', () => {
  it('passes a gateway that verifies our call and whose md5 verifies with our salt, in one signed call', async () => {
    const p = await yohoPreflight(input());
    expect(p).toMatchObject({ ok: true, warnings: [] });
    expect(p.kind).toBeUndefined();
    expect(p.message).toMatch(
      new RegExp(`^${gateway} is a Yoho gateway: app.coupons.total answered code 200, md5 verified \\(HTTP 200, \\d+ ms\\)$`),
    );
    expect(p.details).toMatchObject({ url: gateway, operation: 'app.coupons.total', clientType: 'android', httpStatus: 200, code: 200 });
    expect(server.seen).toHaveLength(1);
    expect(server.seen[0]?.method).toBe('POST');
    expect(yohoAdapter.preflight).toBe(yohoPreflight);
  });

  it('names refused credentials (数据验证错误.), the client type, never the private key', async () => {
    const creds = { clientType: 'android', privateKey: 'shop-key-not-the-targets', salt: YOHO_MASTER_SALT };
    const p = await yohoPreflight(input({ credentials: creds }));
    expect(p.ok).toBe(false);
    expect(p.kind).toBe('credentials');
    expect(p.message).toBe(
      `${gateway} refused our credentials: code 500 "数据验证错误." (the client_secret does not verify) for client_type 'android'; the private key is not the target's key of that client type: set credentials.privateKey (and clientType) of the API in the target config`,
    );
    expect(p.details['code']).toBe('500');
    expect(JSON.stringify(p)).not.toContain(creds.privateKey);
    // A client type the target has no key for reads the same.
    expect((await yohoPreflight(input({ credentials: { ...YOHO_TEST_CREDENTIALS, clientType: 'web' } }))).kind).toBe('credentials');
  });

  it('stops at a success whose md5 does not verify with our salt, naming the salt tried and the public one that verifies', async () => {
    server.deps = { ...deps(), salt: YOHO_DEV_SALT };
    const p = await yohoPreflight(input());
    expect(p.kind).toBe('credentials');
    expect(p.message).toBe(
      `${gateway} answered a success whose md5 does not verify with the master-branch salt "${YOHO_MASTER_SALT}": it verifies with the dev-branch salt "${YOHO_DEV_SALT}": set credentials.salt of the API to it`,
    );
    expect(p.details['md5']).not.toBe(p.details['expectedMd5']);
    // And the other way round.
    server.deps = deps();
    const q = await yohoPreflight(input({ credentials: { ...YOHO_TEST_CREDENTIALS, salt: YOHO_DEV_SALT } }));
    expect(q.message).toContain(`with the dev-branch salt "${YOHO_DEV_SALT}": it verifies with the master-branch salt`);
    expect(JSON.stringify(q)).not.toContain(YOHO_TEST_CREDENTIALS.privateKey);
  });

  it('a salt neither public one verifies: says the target’s salt is another, or it hashes other bytes', async () => {
    server.deps = { ...deps(), salt: 'the-targets-own-salt' };
    const p = await yohoPreflight(input());
    expect(p.kind).toBe('credentials');
    expect(p.message).toContain(`does not verify with the master-branch salt "${YOHO_MASTER_SALT}": md5 "`);
    expect(p.message).toContain(
      "the target's salt is another (set credentials.salt of the API to it), or it hashes other bytes than it sends (UCP-01",
    );
    server.deps = deps('yoho-md5-reserialised');
    expect((await yohoPreflight(input())).kind).toBe('credentials');
  });

  it('a wrong path (a foreign page) is wrong-protocol, with the gateway path to try', async () => {
    const url = `${server.origin}/api`;
    const p = await yohoPreflight(input({ url }));
    expect(p.kind).toBe('wrong-protocol');
    expect(p.message).toBe(
      `${url} is not a Yoho gateway: HTTP 404, text/html, 22 B, not JSON; the URL of the API is the gateway's own (Yoho serves it at /gateway): try ${server.origin}/gateway`,
    );
  });

  it('JSON without a code, an empty body, a truncated or odd URL are wrong-protocol too', async () => {
    server.answer = { status: 200, body: '{"retcode":0,"errmsg":"","data":{}}' };
    const p = await yohoPreflight(input());
    expect(p.kind).toBe('wrong-protocol');
    expect(p.message).toContain(
      'HTTP 200, application/json, 35 B, JSON without the envelope (answer has no code); is this the Yoho gateway of the Yoho user coupon queries?',
    );
    server.answer = { status: 200, body: '', contentType: '' };
    expect((await yohoPreflight(input())).message).toContain('HTTP 200, no content type, 0 B, empty body');
    server.answer = { status: 200, body: '[1,2]' };
    expect((await yohoPreflight(input())).message).toContain('JSON without the envelope (answer is not a JSON object)');
    server.answer = { status: 200, body: `{"code":200,"data":"${'x'.repeat(300_000)}"}` };
    const big = await yohoPreflight(input());
    expect(big.kind).toBe('wrong-protocol');
    expect(big.details['truncated']).toBe(true);
    expect(big.message).toContain('more than');
  });

  it('an envelope that breaks UCP-01 passes with a warning (the checks will say so)', async () => {
    server.deps = deps('yoho-md5-missing');
    const p = await yohoPreflight(input());
    expect(p.ok).toBe(true);
    expect(p.warnings).toEqual([
      `${gateway} answered app.coupons.total with a malformed envelope: success answer (code 200) without alg SALT_MD5 (got none) (UCP-01)`,
    ]);
    expect(p.details['answer']).toBe('malformed');
  });

  it('another refusal passes with its code; an unknown method with a warning', async () => {
    const p = await yohoPreflight(input({ operation: 'app.promotion.queryBirthCoupon' }));
    expect(p.ok).toBe(true);
    expect(p.message).toContain('app.promotion.queryBirthCoupon answered code 411 "您没有可领取的生日券哦" (HTTP 200,');
    expect(p.warnings).toEqual([]);
    const q = await yohoPreflight(input({ operation: 'app.nope' }));
    expect(q.ok).toBe(true);
    expect(q.warnings).toEqual([
      `${gateway} does not know app.nope (code 404 "method not found: app.nope"): is it the Yoho user coupon queries?`,
    ]);
    server.deps = deps('yoho-error-code-200');
    // A refusal answered as code 200 without md5 is an envelope that breaks UCP-01: a warning.
    expect((await yohoPreflight(input({ credentials: { ...YOHO_TEST_CREDENTIALS, privateKey: 'x' } }))).warnings[0]).toContain(
      'malformed envelope',
    );
  });

  it('HTTP 5xx is a server error whatever its envelope says: wrong-protocol, but for the credentials code, named whatever the status', async () => {
    server.answer = { status: 503, body: '{"code":999,"message":"busy"}' };
    const p = await yohoPreflight(input());
    expect(p.kind).toBe('wrong-protocol');
    expect(p.message).toBe(
      `${gateway} is not a Yoho gateway: HTTP 503, application/json, 29 B, code 999 "busy"; is this the Yoho gateway of the Yoho user coupon queries?`,
    );
    server.answer = { status: 500, body: '<h1>Internal Server Error</h1>', contentType: 'text/html' };
    expect((await yohoPreflight(input())).message).toContain('HTTP 500, text/html, 30 B, not JSON;');
    server.answer = { status: 500, body: '{"code":500,"message":"数据验证错误."}' };
    expect((await yohoPreflight(input())).kind).toBe('credentials');
  });

  it('unreachable: a closed port', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/gateway`;
    const p = await yohoPreflight(input({ url }));
    expect(p.kind).toBe('unreachable');
    expect(p.message).toMatch(new RegExp(`^${url.replace(/[.]/g, '\\.')} is unreachable: `));
    expect(p.details['error']).toBe('network');
  });

  it('a foreign answer at the gateway path asks whether it is the API’s gateway', async () => {
    server.answer = { status: 200, body: 'x' };
    const p = await yohoPreflight(input({ url: `${gateway}?a=1` }));
    expect(p.message).toContain('is this the Yoho gateway of the Yoho user coupon queries?');
  });
});
