import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runConformance, TargetUnreachableError } from '../../src/engine/conformance.js';
import { targetFromUrl } from '../../src/engine/targets/config.js';
import { DEFAULT_CREDENTIALS } from '../../src/protocols/jos/credentials.js';
import type { CheckResult, RunReport } from '../../src/report/types.js';
import type { Expectation, PlannedCheck } from '../../src/scenario/types.js';
import { closedPort, startHttpServer, type TestHttpServer } from '../helpers/http-server.js';
import { listCheck as oneListCheck } from '../helpers/list-check.js';

/**
 * A target that misbehaves on purpose: every outcome must be a verdict on the check (failed, errored),
 * never a crash of the run and never a hang past the per-request timeout.
 */

const TIMEOUT_MS = 500;
const MAX_BODY = 64 * 1024;
/**
 * No single-check run may take longer than this, whatever the target does: below the default
 * per-request timeout (10 s), so a runner that ignored the 500 ms given here would be caught, and far
 * above what a loaded 2-core machine needs for the few 500 ms-bounded requests of a run (a load bound,
 * not a speed target: those live in npm run bench).
 */
const RUN_BOUND_MS = 8_000;

const LIST = 'jingdong.seller.promotion.list';
const LIST_OK = JSON.stringify({ jingdong_seller_promotion_list_response: { code: '0', total_count: '0', promotion_v_o_s: [] } });

/** What the server does with one JOS call (POST); the runner's reachability probe (GET) always gets a plain 200. */
type Behaviour = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const answer =
  (status: number, contentType: string, body: string): Behaviour =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': contentType });
    res.end(body);
  };

const json = (status: number, body: unknown): Behaviour => answer(status, 'application/json;charset=utf-8', JSON.stringify(body));

function listCheck(expectation?: Expectation, id = 'hostile-list', params: Record<string, number> = {}): PlannedCheck {
  return oneListCheck({
    id,
    title: `list against a hostile target (${id})`,
    file: 'test/engine/hostile-target.test.ts',
    expect: expectation,
    params,
  });
}

let server: TestHttpServer;
let behaviour: Behaviour;
let calls: number;

beforeEach(async () => {
  behaviour = json(200, JSON.parse(LIST_OK) as unknown);
  calls = 0;
  // A fresh server (and port) per test: no pooled keep-alive connection outlives the test that opened it.
  server = await startHttpServer((req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }
    calls++;
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => behaviour(req, res, body));
  });
});

afterEach(async () => {
  await server.close();
});

/** Credentials that are not the documented test ones: real secrets, which reports redact. */
const REAL_CREDENTIALS = { appKey: 'shop-app-key', appSecret: 'shop-app-secret-7c1e', accessToken: 'shop-access-token-9d2f' };

async function run(check: PlannedCheck = listCheck()): Promise<{ report: RunReport; result: CheckResult; ms: number }> {
  const t0 = performance.now();
  const report = await runConformance({
    target: targetFromUrl(`${server.origin}/routerjson`, REAL_CREDENTIALS),
    checks: [check],
    timeoutMs: TIMEOUT_MS,
    maxBodyBytes: MAX_BODY,
  });
  const ms = performance.now() - t0;
  expect(ms).toBeLessThan(RUN_BOUND_MS);
  expect(report.results).toHaveLength(1);
  // Secrets never reach the report, whatever went wrong.
  const text = JSON.stringify(report);
  expect(text).not.toContain(REAL_CREDENTIALS.appSecret);
  expect(text).not.toContain(REAL_CREDENTIALS.accessToken);
  return { report, result: report.results[0]!, ms };
}

describe('answers that are not a JOS envelope', () => {
  it('a non-JSON body is failed, "not JSON", with the body recorded', async () => {
    behaviour = answer(200, 'text/html', '<html>oops</html>');
    const { result, report } = await run();
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(/not JSON/);
    expect(result.message).toContain('text/html');
    expect(result.failure?.step).toBe('list');
    expect(result.failure?.response).toMatchObject({ status: 200, body: '<html>oops</html>' });
    expect(result.failure?.request?.operation).toBe(LIST);
    expect(result.failure?.request?.params['sign']).toBe('***');
    expect(result.failure?.request?.params['access_token']).toBe('***');
    expect(result.failure?.curl).toMatch(/^curl /);
    expect(report.verdict).toBe('fail');
    expect(calls).toBe(1);
  });

  it('JSON that is neither envelope is failed, "malformed", naming the keys found', async () => {
    behaviour = json(200, { hello: 1 });
    const { result } = await run();
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(/malformed/);
    expect(result.message).toContain('jingdong_seller_promotion_list_response');
    expect(result.message).toContain('[hello]');
  });

  it('a JSON array, null or a scalar is failed as malformed', async () => {
    for (const body of ['[]', 'null', '42', '"x"']) {
      behaviour = answer(200, 'application/json', body);
      const { result } = await run();
      expect(result.status, body).toBe('failed');
      expect(result.message, body).toMatch(/malformed/);
    }
  });

  it('a success envelope whose inner value is not an object is failed as malformed', async () => {
    behaviour = json(200, { jingdong_seller_promotion_list_response: 'yes' });
    const { result } = await run();
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(/malformed.*is not an object/);
  });

  it('an empty body is failed, "not JSON"', async () => {
    behaviour = answer(200, 'application/json', '');
    const { result } = await run();
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(/not JSON/);
  });
});

describe('answers judged on their content', () => {
  it('a valid list answer sent as text/plain passes: the content type is not judged', async () => {
    behaviour = answer(200, 'text/plain', LIST_OK);
    const { result, report } = await run();
    expect(result).toMatchObject({ status: 'passed', message: '' });
    expect(report.verdict).toBe('pass');
  });

  it('a valid list answer with no content type at all passes', async () => {
    behaviour = (_req, res) => {
      res.removeHeader('content-type');
      res.end(LIST_OK);
    };
    const { result } = await run();
    expect(result.status).toBe('passed');
  });

  it("JD's misspelt `_responce` key is accepted", async () => {
    behaviour = json(200, { jingdong_seller_promotion_list_responce: { code: '0', total_count: '0', promotion_v_o_s: [] } });
    const { result } = await run();
    expect(result.status).toBe('passed');
  });

  it('a success that breaks the spec answer schema is failed, naming the schema and the path', async () => {
    behaviour = json(200, { jingdong_seller_promotion_list_response: { code: '0', total_count: 'abc', promotion_v_o_s: [] } });
    const { result } = await run();
    expect(result.status).toBe('failed');
    expect(result.message).toContain(`spec schema of ${LIST}`);
    expect(result.message).toContain('/total_count');
    expect(result.failure?.expected).toContain('spec schema');
  });

  it('a success missing a required answer field is failed on the schema', async () => {
    behaviour = json(200, { jingdong_seller_promotion_list_response: { code: '0', total_count: 0 } });
    const { result } = await run();
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(/spec schema.*promotion_v_o_s/);
  });

  const vo = (asStrings: boolean) => ({
    promo_id: asStrings ? '23111' : 23111,
    name: '满减',
    type: asStrings ? '1' : 1,
    begin_time: '2026-11-23 10:00:00',
    end_time: '2026-11-30 10:00:00',
    status: asStrings ? '5' : 5,
    bound: asStrings ? '' : null,
    favor_mode: asStrings ? '16' : 16,
  });

  it.each([
    ['strings', true],
    ['numbers', false],
  ])('numbers sent as %s pass the schema check (JOS-10)', async (_name, asStrings) => {
    const count = asStrings ? '2' : 2;
    behaviour = json(200, {
      jingdong_seller_promotion_list_response: {
        code: asStrings ? '0' : 0,
        total_count: count,
        promotion_v_o_s: [vo(asStrings), { promotion_v_o: vo(asStrings) }],
      },
    });
    const { result } = await run();
    expect(result.message).toBe('');
    expect(result.status).toBe('passed');
  });

  it('a number-like string that is not an integer is still refused (JOS-10 is not "anything goes")', async () => {
    behaviour = json(200, { jingdong_seller_promotion_list_response: { code: '0', total_count: '1.5', promotion_v_o_s: [] } });
    const { result } = await run();
    expect(result.status).toBe('failed');
    expect(result.message).toContain('/total_count');
  });
});

describe('HTTP error statuses are judged on the envelope', () => {
  const err66 = { error_response: { code: '66', zh_desc: '平台连接后端服务不可用', en_desc: 'platform error' } };

  it('HTTP 500 with an error_response fails even when that error is expected: a crash is no refusal', async () => {
    behaviour = json(500, err66);
    const { result } = await run(listCheck({ error: '66' }));
    expect(result.status).toBe('failed');
    expect(result.message).toContain('HTTP 500 with error 66');
  });

  it('HTTP 500 with an error_response fails when any error is expected, or a refusal is allowed', async () => {
    behaviour = json(500, { error_response: { code: 'system.exception', zh_desc: '系统异常' } });
    for (const expectation of [{ error: 'any' }, { orRefused: 'any' }] as const) {
      const { result } = await run(listCheck(expectation));
      expect(result.status).toBe('failed');
      expect(result.message).toContain('server error is never a conformant answer');
    }
  });

  it('HTTP 503 with a well-formed success body fails too', async () => {
    behaviour = json(503, { jingdong_seller_promotion_list_response: { code: '0', total_count: '0', promotion_v_o_s: [] } });
    const { result } = await run();
    expect(result.status).toBe('failed');
    expect(result.message).toContain('HTTP 503 with a success body');
  });

  it('HTTP 500 with an error_response fails an expected success, naming the code', async () => {
    behaviour = json(500, err66);
    const { result } = await run();
    expect(result.status).toBe('failed');
    expect(result.message).toContain('expected success');
    expect(result.message).toContain('error 66');
    expect(result.failure?.response?.status).toBe(500);
  });

  it('httpStatus and error fields are checked when a step asks for them', async () => {
    behaviour = json(500, err66);
    const status = await run(listCheck({ error: '66', httpStatus: 200 }));
    expect(status.result.status).toBe('failed');
    expect(status.result.message).toContain('expected HTTP 200, got HTTP 500');
    behaviour = json(400, err66);
    const field = await run(listCheck({ error: '66', fields: { zh_desc: 'something else' } }));
    expect(field.result.status).toBe('failed');
    expect(field.result.message).toContain('zh_desc');
    behaviour = json(200, err66);
    const both = await run(listCheck({ error: '66', httpStatus: 200, fields: { code: 66 } }));
    expect(both.result.status).toBe('passed');
  });

  it('a different error than the expected one fails, naming both', async () => {
    behaviour = json(400, err66);
    const { result } = await run(listCheck({ error: ['8', '12'] }));
    expect(result.status).toBe('failed');
    expect(result.message).toContain('error 8 or 12');
    expect(result.message).toContain('error 66');
  });

  it('a success where an error is expected fails', async () => {
    const { result } = await run(listCheck({ error: '8' }));
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(/expected error 8, got success/);
  });

  it('HTTP 502 with an HTML page is failed, not errored, as a server error first: the status, then what the body was', async () => {
    behaviour = answer(502, 'text/html', '<h1>Bad Gateway</h1>');
    const { result } = await run();
    expect(result.status).toBe('failed');
    expect(result.failure?.actual).toBe(
      'HTTP 502 with a body that is not JSON (text/html): "<h1>Bad Gateway</h1>": a server error is never a conformant answer',
    );
    // Asked for another status, the status is what fails.
    const asked = await run(listCheck({ error: 'any', httpStatus: 200 }));
    expect(asked.result.failure?.actual).toBe('HTTP 502');
  });

  it('a cut-off 5xx is a server error too, not "larger than"', async () => {
    behaviour = answer(500, 'application/json', `{"error_response":{"code":"66","zh_desc":"${'x'.repeat(MAX_BODY)}"}}`);
    const { result } = await run();
    expect(result.status).toBe('failed');
    expect(result.failure?.actual).toBe(
      `HTTP 500 with an answer larger than ${MAX_BODY} bytes: a server error is never a conformant answer`,
    );
  });
});

describe('transport failures are errored, bounded in time', () => {
  it('a connection reset is errored as a transport failure', async () => {
    behaviour = (req) => {
      req.socket.destroy();
    };
    const { result } = await run();
    expect(result.status).toBe('errored');
    expect(result.message).toMatch(/transport failure/);
    expect(result.failure?.actual).toMatch(/transport failure \(.+\)/);
    expect(result.failure?.response).toBeUndefined();
  });

  it('a target that never answers is errored after the timeout, and the run ends about then', async () => {
    behaviour = () => undefined;
    const { result, ms } = await run();
    expect(result.status).toBe('errored');
    expect(result.message).toContain(`no complete answer within ${TIMEOUT_MS} ms`);
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(TIMEOUT_MS + 3_000);
  });

  it('headers followed by a body that never ends are errored after the timeout', async () => {
    behaviour = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"jingdong_seller_promotion_list_response":{"code":"0",');
    };
    const { result, ms } = await run();
    expect(result.status).toBe('errored');
    expect(result.message).toContain(`no complete answer within ${TIMEOUT_MS} ms`);
    expect(ms).toBeLessThan(TIMEOUT_MS + 3_000);
  });

  it('a body trickled slower than the timeout is errored: the timeout covers the whole answer', async () => {
    behaviour = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(timer));
    };
    const { result, ms } = await run();
    expect(result.status).toBe('errored');
    expect(result.message).toContain(`no complete answer within ${TIMEOUT_MS} ms`);
    expect(ms).toBeLessThan(TIMEOUT_MS + 3_000);
  });

  it('an abort while the target stalls ends the run at once, not at the timeout', async () => {
    behaviour = () => undefined;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const t0 = performance.now();
    const report = await runConformance({
      target: targetFromUrl(`${server.origin}/routerjson`, DEFAULT_CREDENTIALS),
      checks: [listCheck(undefined, 'a'), listCheck(undefined, 'b'), listCheck(undefined, 'c')],
      concurrency: 1,
      timeoutMs: 10_000,
      maxBodyBytes: MAX_BODY,
      signal: controller.signal,
    });
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(report.results.map((r) => r.status)).toEqual(['errored', 'errored', 'errored']);
    expect(report.results[0]!.message).toContain('transport failure (run stopped)');
    expect(report.results[1]!.message).toBe('run stopped');
    expect(calls).toBe(1);
  });

  it('a 10 MB body is cut at maxBodyBytes and failed, "larger than"; the recorded body stays small', async () => {
    const total = 10 * 1024 * 1024;
    let written = 0;
    behaviour = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = (): void => {
        while (written < total && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        if (!res.destroyed) res.end();
      };
      res.write('{"jingdong_seller_promotion_list_response":');
      pump();
    };
    const { result } = await run();
    expect(result.status).toBe('failed');
    expect(result.message).toContain(`larger than ${MAX_BODY} bytes`);
    expect(result.failure?.response?.truncated).toBe(true);
    expect(result.failure?.response?.body.length).toBeLessThanOrEqual(4096);
  });
});

describe('the whole target', () => {
  it('a closed port makes runConformance throw TargetUnreachableError', async () => {
    const port = await closedPort();
    const t0 = performance.now();
    const p = runConformance({
      target: targetFromUrl(`http://127.0.0.1:${port}/routerjson`, DEFAULT_CREDENTIALS),
      checks: [listCheck()],
      timeoutMs: TIMEOUT_MS,
      maxBodyBytes: MAX_BODY,
    });
    await expect(p).rejects.toBeInstanceOf(TargetUnreachableError);
    await expect(p).rejects.toThrow(/unreachable: .*ECONNREFUSED/);
    expect(performance.now() - t0).toBeLessThan(RUN_BOUND_MS);
  });

  it('a target whose reachability probe stalls is unreachable after the timeout, not a hang', async () => {
    const stalled = await startHttpServer(() => undefined);
    try {
      const t0 = performance.now();
      const p = runConformance({
        target: targetFromUrl(`${stalled.origin}/routerjson`, DEFAULT_CREDENTIALS),
        checks: [listCheck()],
        timeoutMs: TIMEOUT_MS,
        maxBodyBytes: MAX_BODY,
      });
      await expect(p).rejects.toThrow(TargetUnreachableError);
      await expect(p).rejects.toThrow(`no complete answer within ${TIMEOUT_MS} ms`);
      expect(performance.now() - t0).toBeLessThan(TIMEOUT_MS + 3_000);
    } finally {
      await stalled.close();
    }
  });

  it('one hostile check does not spoil the others: results keep plan order whatever finishes first', async () => {
    // The first check's answer is delayed, the second's is immediate; with two workers the second finishes first.
    behaviour = (req, res, body) => {
      const slow = new URLSearchParams(body).get('360buy_param_json')?.includes('"page":2') === true;
      setTimeout(() => json(200, JSON.parse(LIST_OK) as unknown)(req, res, body), slow ? 200 : 0);
    };
    const done: string[] = [];
    const checks = [listCheck(undefined, 'slow', { page: 2 }), listCheck(undefined, 'fast'), listCheck({ error: '8' }, 'wrong')];
    const report = await runConformance({
      target: targetFromUrl(`${server.origin}/routerjson`, DEFAULT_CREDENTIALS),
      checks,
      concurrency: 2,
      timeoutMs: TIMEOUT_MS,
      maxBodyBytes: MAX_BODY,
      onEvent: (e) => {
        if (e.type === 'check-done') done.push(e.result.id);
      },
    });
    expect(done[0]).not.toBe('slow');
    expect(report.results.map((r) => r.id)).toEqual(['slow', 'fast', 'wrong']);
    expect(report.results.map((r) => r.status)).toEqual(['passed', 'passed', 'failed']);
    expect(report.summary).toMatchObject({ total: 3, passed: 2, failed: 1 });
  });
});
