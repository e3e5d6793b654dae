/** A tiny Yoho service and a node:http server that runs the reference gateway core over it, for the yoho-gateway tests. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { YOHO_TEST_CREDENTIALS } from '../../../src/protocols/yoho-gateway/credentials.js';
import { handleYoho, type YohoGatewayDeps, type YohoService } from '../../../src/protocols/yoho-gateway/gateway.js';
import { startHttpServer, type TestHttpServer } from '../../helpers/http-server.js';

/** The probe the tests call: the seed's app.coupons.total. */
export const PROBE = { operation: 'app.coupons.total', params: { uid: 7893817, type: 'use' } } as const;

/**
 * app.coupons.total answers `{total: uid mod 100}` for a numeric uid and a type of use/notuse/overtime,
 * else 400; app.promotion.queryBirthCoupon refuses with 411; app.fail throws; app.null answers no data.
 */
export const FAKE_SERVICE: YohoService = {
  has: (m) => ['app.coupons.total', 'app.promotion.queryBirthCoupon', 'app.fail', 'app.null'].includes(m),
  call: (m, p) => {
    if (m === 'app.fail') throw new Error('boom');
    if (m === 'app.null') return { ok: true, data: null };
    if (m === 'app.promotion.queryBirthCoupon') return { ok: false, code: 411, message: '您没有可领取的生日券哦' };
    const uid = p['uid'] ?? '';
    if (!/^[0-9]+$/.test(uid) || !['use', 'notuse', 'overtime'].includes(p['type'] ?? ''))
      return { ok: false, code: 400, message: 'bad request' };
    return { ok: true, data: { total: Number(uid) % 100, type: p['type'] }, message: 'coupons total' };
  },
};

/** The key of every client type but android (the test credentials' own) is another. */
export const KEYS = {
  android: YOHO_TEST_CREDENTIALS.privateKey,
  iphone: 'promoproof-yoho-iphone-key',
  yoho: 'promoproof-yoho-yoho-key',
};

export function deps(fault?: string): YohoGatewayDeps {
  return { privateKeys: KEYS, salt: YOHO_TEST_CREDENTIALS.salt, service: FAKE_SERVICE, ...(fault ? { fault } : {}) };
}

/** What the server saw of one request. */
export interface Seen {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface YohoTestServer extends TestHttpServer {
  /** The gateway's deps, replaceable between calls (a fault switched on). */
  deps: YohoGatewayDeps;
  /** Requests seen since the last reset. */
  seen: Seen[];
  /** When set, answered instead of the gateway's answer. */
  answer?: { status: number; body: string; contentType?: string };
}

/** A server on a free port answering `path` (default /gateway) with handleYoho over query and form merged (the query's value first). */
export async function startYohoServer(path = '/gateway'): Promise<YohoTestServer> {
  // The handler reads the state through the object returned, so that a test's assignments take effect.
  const state: Omit<YohoTestServer, keyof TestHttpServer> = { deps: deps(), seen: [] };
  const server = await startHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = Buffer.concat(chunks).toString('utf8');
      state.seen.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body });
      if (state.answer) {
        res.writeHead(state.answer.status, { 'content-type': state.answer.contentType ?? 'application/json' });
        res.end(state.answer.body);
        return;
      }
      if (url.pathname !== path) {
        res.writeHead(404, { 'content-type': 'text/html' });
        res.end('<html>not found</html>');
        return;
      }
      const params: Record<string, string> = {};
      const form = String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
        ? new URLSearchParams(body)
        : undefined;
      for (const source of [url.searchParams, form ?? new URLSearchParams()]) {
        for (const [k, v] of source) if (!Object.hasOwn(params, k)) Object.defineProperty(params, k, { value: v, enumerable: true });
      }
      const a = handleYoho(state.deps, params, req.method === 'GET' ? 'GET' : 'POST');
      res.writeHead(a.status, { 'content-type': a.contentType });
      res.end(a.body);
    });
  });
  return Object.assign(state, server);
}
