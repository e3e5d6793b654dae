import type { IncomingMessage, ServerResponse } from 'node:http';
import { targetUrl } from '../../src/engine/target.js';
import { withEndpoint } from '../helpers/reference-target.js';
import { afterEach, describe, expect, it } from 'vitest';
import { runConformance, TargetUnreachableError } from '../../src/engine/conformance.js';
import { httpExchange } from '../../src/core/http.js';
import { abortedReport, CLOCK_WARN_MS, formatBytes, preflight, PreflightError } from '../../src/engine/preflight.js';
import type { Target } from '../../src/engine/target.js';
import { targetFromUrl } from '../../src/engine/targets/config.js';
import { DEFAULT_CREDENTIALS } from '../../src/protocols/jos/credentials.js';
import type { PlannedCheck } from '../../src/scenario/types.js';
import { closedPort, startHttpServer, type TestHttpServer } from '../helpers/http-server.js';
import { referenceAsTarget } from '../helpers/reference-target.js';
import { listCheck as oneListCheck } from '../helpers/list-check.js';

const TIMEOUT_MS = 400;
const LIST_OK = { jingdong_seller_promotion_list_response: { code: '0', total_count: '0', promotion_v_o_s: [] } };

const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()!.close();
});

/** A fake target: `handler` answers every request; the requests it saw are kept. */
async function fake(
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void,
): Promise<TestHttpServer & { seen: string[] }> {
  const seen: string[] = [];
  const s = await startHttpServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url}`);
      handler(req, res, body);
    });
  });
  open.push(s);
  return Object.assign(s, { seen });
}

const json = (res: ServerResponse, body: unknown, status = 200, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
};

const urlTarget = (url: string, over: Partial<Target> = {}): Target => ({ ...targetFromUrl(url, DEFAULT_CREDENTIALS), ...over });
const run = (target: Target) => preflight(target, { timeoutMs: TIMEOUT_MS });

describe('preflight: a JOS router that takes our credentials', () => {
  it('passes with one signed list call, page 1 of size 1', async () => {
    let params: URLSearchParams | undefined;
    const s = await fake((_req, res, body) => {
      params = new URLSearchParams(body);
      json(res, LIST_OK);
    });
    const r = await run(urlTarget(`${s.origin}/routerjson`));
    expect(r).toMatchObject({ ok: true, warnings: [] });
    expect(r.kind).toBeUndefined();
    expect(r.message).toMatch(/is a JOS router: jingdong\.seller\.promotion\.list answered success \(HTTP 200, \d+ ms\)$/);
    expect(s.seen).toEqual(['POST /routerjson']);
    expect(params?.get('method')).toBe('jingdong.seller.promotion.list');
    expect(JSON.parse(params?.get('360buy_param_json') ?? '')).toEqual({ page: 1, size: 1 });
    expect(params?.get('sign')).toMatch(/^[0-9A-F]{32}$/);
    expect(r.details).toMatchObject({ httpStatus: 200, answer: 'success' });
  });

  it('a documented business error is a JOS router too', async () => {
    const s = await fake((_req, res) => json(res, { error_response: { code: 'promo.vender.invalid', zh_desc: '商家不存在' } }));
    const r = await run(urlTarget(`${s.origin}/routerjson`));
    expect(r.ok).toBe(true);
    expect(r.message).toContain('answered JOS error promo.vender.invalid 商家不存在');
  });

  it('an unknown method (error 15) passes with a warning', async () => {
    const s = await fake((_req, res) => json(res, { error_response: { code: '15', zh_desc: '不存在的方法名' } }));
    const r = await run(urlTarget(`${s.origin}/routerjson`));
    expect(r.ok).toBe(true);
    expect(r.warnings.join('\n')).toContain('does not know jingdong.seller.promotion.list');
  });

  it('the reference (test control claimed and present) passes', async () => {
    const { server, target } = await referenceAsTarget({}, ['test-control']);
    open.push(server);
    const r = await run({ ...target, clock: undefined });
    expect(r.ok, r.message).toBe(true);
    expect(r.details['testControl']).toBe(true);
    expect(r.details['clockOffsetMs']).toBeTypeOf('number');
    expect(Math.abs(Number(r.details['clockOffsetMs']))).toBeLessThanOrEqual(1_500);
  });

  it('the embedded reference: runConformance with preflight records it in the report', async () => {
    const report = await runConformance({ checks: [listCheck()], preflight: true });
    expect(report.preflight).toMatchObject({ ok: true, warnings: [] });
    expect(report.preflight?.message).toContain('is a JOS router');
    expect(report.results[0]?.status).toBe('passed');
    // Off unless asked for (the API runs what it is given).
    expect((await runConformance({ checks: [listCheck()] })).preflight).toBeUndefined();
  });
});

describe('preflight: not a JOS router', () => {
  it("a foreign server's 404 page: status, type and size, and the path to try", async () => {
    const page = `<html><body>${'x'.repeat(1_170)}</body></html>`;
    const s = await fake((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page);
    });
    const r = await run(urlTarget(`${s.origin}/`));
    expect(r).toMatchObject({ ok: false, kind: 'wrong-protocol' });
    expect(r.message).toBe(
      `${s.origin}/ is not a JOS router: HTTP 404, text/html, 1.2 kB, not JSON; the JOS router is usually at the path /routerjson: try ${s.origin}/routerjson`,
    );
    expect(r.message).not.toContain('\n');
    expect(r.details).toMatchObject({ httpStatus: 404, contentType: 'text/html; charset=utf-8', bytes: page.length });
  });

  it('JSON without a JOS envelope names the keys found', async () => {
    const s = await fake((_req, res) => json(res, { status: 'UP', version: 3 }));
    const r = await run(urlTarget(`${s.origin}/health`));
    expect(r.kind).toBe('wrong-protocol');
    expect(r.message).toContain('HTTP 200, application/json, 27 B, JSON without a JOS envelope (keys [status, version])');
  });

  it('at /routerjson already, it asks whether this is the promotion service', async () => {
    const s = await fake((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('');
    });
    const r = await run(urlTarget(`${s.origin}/routerjson`));
    expect(r.kind).toBe('wrong-protocol');
    expect(r.message).toContain('HTTP 200, text/plain, 0 B, empty body; is this the JOS router of the JD seller promotion service?');
  });

  it('a redirect is not followed: it says where to', async () => {
    const s = await fake((_req, res) => {
      res.writeHead(301, { location: 'https://promo.example/routerjson' });
      res.end();
    });
    const r = await run(urlTarget(`${s.origin}/routerjson`));
    expect(r.kind).toBe('wrong-protocol');
    expect(r.message).toContain('HTTP 301 to https://promo.example/routerjson');
  });

  it('the reference at a wrong path: its 404 holds a JOS error, still not a router at this URL', async () => {
    const { server, target } = await referenceAsTarget();
    open.push(server);
    const origin = new URL(targetUrl(target)).origin;
    const r = await run(withEndpoint(target, { url: `${origin}/` }));
    expect(r.kind).toBe('wrong-protocol');
    expect(r.message).toMatch(
      new RegExp(
        `^${origin}/ is not a JOS router: HTTP 404, application/json, \\d+ B, JOS error 1 .*; the JOS router is usually at the path /routerjson: try ${origin}/routerjson$`,
      ),
    );
  });

  it('runConformance with preflight throws PreflightError and sends nothing more', async () => {
    const s = await fake((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<h1>Not Found</h1>');
    });
    const p = runConformance({
      target: urlTarget(`${s.origin}/`),
      checks: [listCheck(), listCheck()],
      timeoutMs: TIMEOUT_MS,
      preflight: true,
    });
    await expect(p).rejects.toBeInstanceOf(PreflightError);
    await expect(p).rejects.toThrow(/^preflight: .* is not a JOS router: HTTP 404, text\/html, 18 B/);
    expect(s.seen).toEqual(['POST /']);
  });
});

describe('preflight: wrong credentials', () => {
  it('a fake that refuses the token: the code, its message and what to set', async () => {
    const s = await fake((_req, res) =>
      json(res, { error_response: { code: '19', zh_desc: '无效access_token', en_desc: 'Invalid access_token' } }),
    );
    const r = await run(urlTarget(`${s.origin}/routerjson`));
    expect(r).toMatchObject({ ok: false, kind: 'credentials' });
    expect(r.message).toContain(
      "refused our credentials: JOS error 19 无效access_token (Invalid access_token) for app_key 'promoproof-app-key'",
    );
    expect(r.message).toContain('PROMOPROOF_ACCESS_TOKEN');
  });

  it('a credentials code is named whatever the HTTP status', async () => {
    const s = await fake((_req, res) => json(res, { error_response: { code: '21', zh_desc: 'bad key' } }, 401));
    const r = await run(urlTarget(`${s.origin}/routerjson`));
    expect(r.kind).toBe('credentials');
    expect(r.message).toContain('JOS error 21 "bad key" (Invalid app_key)');
  });

  it('the reference: wrong app key (21), wrong token (19), wrong secret (12)', async () => {
    const { server, target } = await referenceAsTarget();
    open.push(server);
    const cases: [Record<string, string>, string, string][] = [
      [{ appKey: 'not-the-key' }, '21', 'PROMOPROOF_APP_KEY'],
      [{ accessToken: 'not-the-token' }, '19', 'PROMOPROOF_ACCESS_TOKEN'],
      [{ appSecret: 'not-the-secret' }, '12', 'PROMOPROOF_APP_SECRET'],
    ];
    for (const [jos, code, env] of cases) {
      const r = await run(withEndpoint(target, { credentials: { ...DEFAULT_CREDENTIALS, ...jos } }));
      expect(r.kind, code).toBe('credentials');
      expect(r.message).toContain(`JOS error ${code} `);
      expect(r.message).toContain(env);
      expect(r.details['code']).toBe(code);
      expect(r.message).not.toContain('not-the-secret');
      expect(r.message).not.toContain('not-the-token');
    }
  });
});

describe('preflight: the clock', () => {
  const dated =
    (offsetMs: number, body: unknown = LIST_OK) =>
    (_req: IncomingMessage, res: ServerResponse) =>
      json(res, body, 200, { date: new Date(Date.now() + offsetMs).toUTCString() });

  it('a Date header 10 minutes ahead: clock problem, off by about 600 s, beyond the ±360 s window', async () => {
    const s = await fake(dated(600_000));
    const r = await run(urlTarget(`${s.origin}/routerjson`));
    expect(r).toMatchObject({ ok: false, kind: 'clock' });
    expect(r.message).toMatch(
      /^the clock of http:\/\/127\.0\.0\.1:\d+\/routerjson is (599|600|601) s ahead of ours \(HTTP Date header, ±1 s\), beyond the JOS ±360 s window/,
    );
    expect(r.message).toContain('--no-preflight');
    expect(Number(r.details['clockOffsetMs'])).toBeGreaterThan(598_000);
  });

  it('a Date header 7 minutes behind, with error 8: clock problem naming the refusal', async () => {
    const s = await fake(dated(-420_000, { error_response: { code: '8', zh_desc: '非法的时间戳参数' } }));
    const r = await run(urlTarget(`${s.origin}/routerjson`));
    expect(r.kind).toBe('clock');
    expect(r.message).toMatch(
      /is 4(19|20|21) s behind ours .* it refused our timestamp with JOS error 8 非法的时间戳参数 \(Invalid Timestamp\)/,
    );
  });

  it('error 8 with a clock in step: another time zone, said so', async () => {
    const s = await fake(dated(0, { error_response: { code: '8', zh_desc: '非法的时间戳参数' } }));
    const r = await run(urlTarget(`${s.origin}/routerjson`));
    expect(r.kind).toBe('clock');
    expect(r.message).toContain('another time zone than UTC+8');
  });

  it('error 8 without a Date header: probably more than 360 s off', async () => {
    const s = await fake((_req, res) => {
      res.sendDate = false;
      json(res, { error_response: { code: '8', zh_desc: '非法的时间戳参数' } });
    });
    const r = await run(urlTarget(`${s.origin}/routerjson`));
    expect(r.kind).toBe('clock');
    expect(r.message).toContain('no Date header');
  });

  it('a clock some seconds off, inside the window: a warning, the run goes on', async () => {
    const s = await fake(dated(CLOCK_WARN_MS + 8_000));
    const r = await run(urlTarget(`${s.origin}/routerjson`));
    expect(r.ok).toBe(true);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/is (9|10|11) s ahead of ours .*inside the JOS ±360 s window/);
  });
});

describe('preflight: test-control claimed', () => {
  it('a fake without the routes: test-control problem naming the URL and the status', async () => {
    const s = await fake((req, res) => {
      if (req.url?.startsWith('/__promoproof')) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('no');
        return;
      }
      json(res, LIST_OK);
    });
    const r = await run(
      urlTarget(`${s.origin}/routerjson`, { capabilities: ['test-control'], testControlUrl: `${s.origin}/__promoproof` }),
    );
    expect(r).toMatchObject({ ok: false, kind: 'test-control' });
    expect(r.message).toBe(
      `the target claims test-control, but GET ${s.origin}/__promoproof/info answered HTTP 404 (text/plain, 2 B): the test-control routes are absent; start the target with its test control on (promoproof serve --test-control), or drop the capability (--capabilities, or capabilities: in the target config)`,
    );
    expect(s.seen).toEqual(['POST /routerjson', 'GET /__promoproof/info']);
  });

  it('the reference started without --test-control', async () => {
    const { server, target } = await referenceAsTarget();
    open.push(server);
    const origin = new URL(targetUrl(target)).origin;
    const r = await run({ ...target, capabilities: ['test-control'], testControlUrl: `${origin}/__promoproof` });
    expect(r.kind).toBe('test-control');
    expect(r.message).toContain(`GET ${origin}/__promoproof/info answered HTTP 404`);
  });

  it('not claimed: the routes are not asked for', async () => {
    const s = await fake((_req, res) => json(res, LIST_OK));
    expect((await run(urlTarget(`${s.origin}/routerjson`))).ok).toBe(true);
    expect(s.seen).toEqual(['POST /routerjson']);
  });
});

describe('unreachable: the address, the cause and how long it tried', () => {
  it('a closed loopback port: connection refused', async () => {
    const port = await closedPort();
    const r = await run(urlTarget(`http://127.0.0.1:${port}/routerjson`));
    expect(r).toMatchObject({ ok: false, kind: 'unreachable' });
    expect(r.message).toMatch(
      new RegExp(
        `^http://127\\.0\\.0\\.1:${port}/routerjson is unreachable: connection refused by 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\) after \\d+ ms$`,
      ),
    );
  });

  it('a .invalid host name: DNS lookup failed', async () => {
    const r = await run(urlTarget('http://promoproof-target.invalid/routerjson'));
    expect(r.kind).toBe('unreachable');
    expect(r.message).toMatch(
      /DNS lookup of promoproof-target\.invalid failed \((ENOTFOUND|EAI_AGAIN|EAI_FAIL|EAI_NONAME)\) after \d+ ms$/,
    );
  });

  it('a server that accepts and never answers: the timeout', async () => {
    const s = await startHttpServer(() => undefined);
    open.push(s);
    const t0 = performance.now();
    const r = await run(urlTarget(`${s.origin}/routerjson`));
    expect(performance.now() - t0).toBeLessThan(TIMEOUT_MS + 1_000);
    expect(r.kind).toBe('unreachable');
    expect(r.message).toBe(
      `${s.origin}/routerjson is unreachable: no complete answer within ${TIMEOUT_MS} ms from 127.0.0.1:${s.port} (timeout)`,
    );
  });

  it('TLS spoken to a plain HTTP port: a TLS error', async () => {
    const s = await fake((_req, res) => json(res, LIST_OK));
    const r = await run(urlTarget(`https://127.0.0.1:${s.port}/routerjson`));
    expect(r.kind).toBe('unreachable');
    expect(r.message).toMatch(new RegExp(`TLS error with 127\\.0\\.0\\.1:${s.port} \\((ERR_SSL_|ERR_TLS_|EPROTO).*\\) after \\d+ ms$`));
  });

  it('a port fetch refuses to use says so', async () => {
    const out = await httpExchange({ method: 'GET', url: 'http://127.0.0.1:1/', timeoutMs: TIMEOUT_MS, maxBodyBytes: 1024 });
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.reason).toContain('port 1 of 127.0.0.1:1 is blocked by fetch');
  });

  it('per-check errored reasons carry the same words (runConformance without preflight)', async () => {
    const port = await closedPort();
    const p = runConformance({ target: urlTarget(`http://127.0.0.1:${port}/routerjson`), checks: [listCheck()], timeoutMs: TIMEOUT_MS });
    await expect(p).rejects.toBeInstanceOf(TargetUnreachableError);
    await expect(p).rejects.toThrow(
      new RegExp(`unreachable: connection refused by 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\) after \\d+ ms`),
    );
    // A connection closed mid-check: the errored check names the address and the cause.
    const s = await fake((req, res) => {
      if (req.method === 'GET') return json(res, {});
      req.socket.destroy();
    });
    const report = await runConformance({ target: urlTarget(`${s.origin}/routerjson`), checks: [listCheck()], timeoutMs: TIMEOUT_MS });
    expect(report.results[0]?.status).toBe('errored');
    expect(report.results[0]?.message).toMatch(
      new RegExp(`transport failure \\(connection (closed|reset) by 127\\.0\\.0\\.1:${s.port} .*\\) after \\d+ ms\\)`),
    );
  });
});

describe('the report of a run that did not happen', () => {
  it('one errored must check named preflight, the reason in aborted and in the message', () => {
    const r = abortedReport({
      target: { url: 'http://127.0.0.1:9/', embedded: false },
      suites: ['jd-promotion'],
      startedAt: new Date(0),
      durationMs: 3,
      kind: 'wrong-protocol',
      message: 'preflight: http://127.0.0.1:9/ is not a JOS router: HTTP 404',
    });
    expect(r.verdict).toBe('fail');
    expect(r.summary).toMatchObject({ total: 1, errored: 1 });
    expect(r.results).toHaveLength(1);
    expect(r.results[0]).toMatchObject({ id: 'preflight', status: 'errored', level: 'must' });
    expect(r.results[0]!.message).toContain('run aborted (wrong-protocol): preflight: http://127.0.0.1:9/ is not a JOS router');
    expect(r.aborted).toEqual({ kind: 'wrong-protocol', message: 'preflight: http://127.0.0.1:9/ is not a JOS router: HTTP 404' });
  });

  it('sizes in decimal units', () => {
    expect([0, 999, 1_234, 2_500_000].map(formatBytes)).toEqual(['0 B', '999 B', '1.2 kB', '2.5 MB']);
  });
});

function listCheck(): PlannedCheck {
  return oneListCheck({ id: 'preflight-list', file: 'test/engine/preflight.test.ts' });
}
