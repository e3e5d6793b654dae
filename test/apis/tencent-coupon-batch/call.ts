/** Test helpers: a bare fastify with the coupon batch face mounted, and signed add_coupon calls through inject(). */
import Fastify, { type FastifyInstance } from 'fastify';
import { addCouponOperation, type MountedCouponBatch, mountTencentCouponBatch } from '../../../src/apis/tencent-coupon-batch/index.js';
import { TENCENT_TEST_CREDENTIALS } from '../../../src/protocols/tencent-data-api/credentials.js';
import { ADD_COUPON_PATH, tencentSign } from '../../../src/protocols/tencent-data-api/sign.js';

export const T0 = Date.UTC(2025, 10, 11, 4, 0, 0, 250);

export interface Face {
  readonly app: FastifyInstance;
  readonly mounted: MountedCouponBatch;
  readonly clock: { nowMs: number };
}

export function buildFace(opts: { fault?: string; testControl?: boolean } = {}): Face {
  const clock = { nowMs: T0 };
  const app = Fastify();
  const mounted = mountTencentCouponBatch(app, { now: () => clock.nowMs, ...opts });
  return { app, mounted, clock };
}

let counter = 0;

export interface QueryOverrides {
  app_id?: string;
  nonce?: string;
  sign?: string;
  timestamp?: string;
  signature?: string;
  secret?: string;
}

/** A signed query (test credentials, a fresh nonce, the face's now) as a string, overrides signed as given. */
export function signedQuery(nowMs: number, o: QueryOverrides = {}): string {
  const fields = {
    app_id: o.app_id ?? TENCENT_TEST_CREDENTIALS.appId,
    nonce: o.nonce ?? `n${++counter}x${Math.random().toString(16).slice(2, 10)}`,
    sign: o.sign ?? 'sha256',
    timestamp: o.timestamp ?? String(Math.floor(nowMs / 1000)),
  };
  const signature = o.signature ?? tencentSign(fields, o.secret ?? TENCENT_TEST_CREDENTIALS.appSecret);
  return new URLSearchParams({ ...fields, signature }).toString();
}

export interface CallResult {
  readonly status: number;
  readonly json: { retcode: number; errmsg: string; data: Record<string, unknown> };
}

/** POSTs a JSON body (or raw text) to add_coupon, signed unless the query is given. */
export async function addCoupons(
  face: Face,
  body: unknown,
  opts: { query?: string; raw?: string; contentType?: string; overrides?: QueryOverrides } = {},
): Promise<CallResult> {
  const query = opts.query ?? signedQuery(face.clock.nowMs, opts.overrides);
  const res = await face.app.inject({
    method: 'POST',
    url: `${ADD_COUPON_PATH}?${query}`,
    headers: { 'content-type': opts.contentType ?? 'application/json' },
    payload: opts.raw ?? JSON.stringify(body),
  });
  return { status: res.statusCode, json: res.json() };
}

/** A valid coupon with the fields a test names replaced (undefined deletes). */
export function coupon(patch: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = {
    external_coupon_id: 'C-1',
    coupon_name: '满100减10',
    coupon_type: 1,
    coupon_sub_type: 1,
    amount_coupon: 10,
  };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete base[k];
    else base[k] = v;
  }
  return base;
}

export const body = (...coupons: Record<string, unknown>[]) => ({ dataSourceId: '101', coupons });

/** The spec's example body, a fresh copy. */
export const example = () => structuredClone(addCouponOperation().example) as { dataSourceId: string; coupons: Record<string, unknown>[] };
