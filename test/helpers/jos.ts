import type { FastifyInstance } from 'fastify';
import { buildJosParams, toFormBody, type JosRequestInput } from '../../src/protocols/jos/client.js';
import { decodeAnswer, type JosAnswer } from '../../src/protocols/jos/envelope.js';
import { formatJosTimestamp } from '../../src/protocols/jos/timestamp.js';
import { DEFAULT_CREDENTIALS } from '../../src/protocols/jos/credentials.js';
import { buildServer, type ServerOptions } from '../../src/reference/server.js';

export const P = 'jingdong.seller.promotion.';
export const CREDS = DEFAULT_CREDENTIALS;
export const DAY_MS = 86_400_000;

export type Answer = JosAnswer & { readonly status: number; readonly raw: string };

/** A reference server plus a signed-call helper for tests (inject, no sockets). */
export interface TestClient {
  readonly app: FastifyInstance;
  /** Calls `jingdong.seller.promotion.<short>` with application params; answers the decoded envelope. */
  call(short: string, app?: Record<string, unknown> | string, over?: Partial<JosRequestInput>): Promise<Answer>;
  /** Sends raw parameters as a form POST. */
  send(params: Record<string, string>, method?: 'GET' | 'POST'): Promise<Answer & { method: string }>;
  /** Test control: POST JSON to /__promoproof/<path>. */
  control(path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }>;
  /** Creates, fills and commits a promotion; answers its id. */
  promotion(kind?: PromotionKind, opts?: PromotionOptions): Promise<number>;
  /** Creates a draft (add only); answers its id. */
  draft(fields?: Record<string, unknown>): Promise<number>;
}

export type PromotionKind = 'single' | 'gift' | 'bundle' | 'total';

export interface PromotionOptions {
  readonly route?: 'auto' | 'manual' | 'pending';
  readonly fields?: Record<string, unknown>;
  readonly beginInMs?: number;
  readonly endInMs?: number;
}

export function ts(ms: number): string {
  return formatJosTimestamp(ms);
}

export function sku(i: number): number {
  return 10_000_001 + i;
}

export function createTestClient(options: ServerOptions = {}): TestClient {
  const app = buildServer({ testControl: true, ...options });
  const nowMs = () => (options.now ?? Date.now)();
  const send = async (params: Record<string, string>, method: 'GET' | 'POST' = 'POST') => {
    const res =
      method === 'POST'
        ? await app.inject({
            method: 'POST',
            url: '/routerjson',
            payload: toFormBody(params),
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          })
        : await app.inject({ method: 'GET', url: `/routerjson?${toFormBody(params)}` });
    let json: unknown;
    try {
      json = JSON.parse(res.body);
    } catch {
      json = undefined;
    }
    return { ...decodeAnswer(params['method'] ?? '', json), status: res.statusCode, raw: res.body, method: params['method'] ?? '' };
  };
  const call: TestClient['call'] = async (short, appParams = {}, over = {}) => {
    const params = buildJosParams({ method: P + short, app: appParams, credentials: CREDS, timestampMs: nowMs(), ...over });
    return send(params);
  };
  const control: TestClient['control'] = async (path, body) => {
    const res = await app.inject({
      method: body === undefined && path === 'info' ? 'GET' : 'POST',
      url: `/__promoproof/${path}`,
      payload: body as object,
    });
    return { status: res.statusCode, json: JSON.parse(res.body) as Record<string, unknown> };
  };
  const draft: TestClient['draft'] = async (fields = {}) => {
    const now = nowMs();
    const a = await call('add', { name: '测试促销', type: 1, begin_time: ts(now - 60_000), end_time: ts(now + 7 * DAY_MS), ...fields });
    if (a.kind !== 'success') throw new Error(`add failed: ${a.raw}`);
    return Number(a.body['promo_id']);
  };
  const must = (a: Answer, what: string) => {
    if (a.kind !== 'success') throw new Error(`${what} failed: ${a.raw}`);
  };
  const promotion: TestClient['promotion'] = async (kind = 'single', opts = {}) => {
    const now = nowMs();
    const type = { single: 1, gift: 4, bundle: 6, total: 10 }[kind];
    const id = await draft({
      type,
      begin_time: ts(now + (opts.beginInMs ?? -60_000)),
      end_time: ts(now + (opts.endInMs ?? 7 * DAY_MS)),
      ...(type === 10 ? { bound: 1 } : {}),
      ...opts.fields,
    });
    if (kind === 'single')
      must(
        await call('sku.add', { promo_id: id, sku_ids: [sku(0), sku(1)], jd_prices: ['10.0', '10.1'], promo_prices: ['9.0', '9.5'] }),
        'sku.add',
      );
    if (kind === 'gift') {
      must(await call('activitymode.add', { promo_id: id, per_min_num: 1 }), 'activitymode.add');
      must(
        await call('sku.add', {
          promo_id: id,
          sku_ids: [sku(40), sku(0)],
          jd_prices: ['50.0', '10.0'],
          promo_prices: ['45.0', '1.0'],
          num: [1, 2],
          bind_type: [1, 2],
        }),
        'sku.add',
      );
    }
    if (kind === 'bundle')
      must(
        await call('sku.add', {
          promo_id: id,
          sku_ids: [sku(0), sku(1), sku(4)],
          jd_prices: ['10.0', '10.1', '11.0'],
          promo_prices: ['9.0', '9.0', '10.0'],
          seq: [1, 1, 2],
        }),
        'sku.add',
      );
    if (kind === 'total') {
      must(await call('sku.add', { promo_id: id, sku_ids: [sku(0)], jd_prices: ['10.0'] }), 'sku.add');
      must(await call('ordermode.add', { promo_id: id, favor_mode: 16, quota: [100], minus: [10] }), 'ordermode.add');
    }
    if (opts.route && opts.route !== 'auto') {
      const r = await control(`promotions/${id}/review`, { route: opts.route });
      if (r.status !== 200) throw new Error(`review route failed: ${JSON.stringify(r.json)}`);
    }
    must(await call('commit', { promo_id: id }), 'commit');
    return id;
  };
  return { app, call, send, control, promotion, draft };
}

/** The error code of an answer, or 'success' / 'malformed'. */
export function outcome(a: JosAnswer): string {
  return a.kind === 'error' ? a.code : a.kind;
}
