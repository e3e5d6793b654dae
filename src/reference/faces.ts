/**
 * The reference's faces beside the JD promotion service (which owns the server's root: JOS routes,
 * parsers, the 404 and error envelopes): one entry per API, each mounting its gateway, service and
 * test control in its own fastify scope. Adding an API to the reference is one folder under
 * src/apis/ and one entry here; the harness's registry (src/apis/index.ts) stays free of fastify.
 */
import type { FastifyInstance } from 'fastify';
import { mountTencentCouponBatch } from '../apis/tencent-coupon-batch/index.js';

/** What every face is mounted with. */
export interface FaceContext {
  /** The real clock, epoch ms. */
  readonly now: () => number;
  /** The server's fault: a face ignores the faults of other APIs. */
  readonly fault?: string;
  readonly testControl: boolean;
}

export interface Face {
  /** The API's id (src/apis/index.ts). */
  readonly api: string;
  /** Mounts the face; the returned state is decorated on the server as `faces[api]`, for tests and other faces. */
  readonly mount: (app: FastifyInstance, ctx: FaceContext) => unknown;
}

export const FACES: readonly Face[] = [
  {
    api: 'tencent-coupon-batch',
    mount: (app, ctx) =>
      mountTencentCouponBatch(app, {
        now: ctx.now,
        ...(ctx.fault ? { fault: ctx.fault } : {}),
        ...(ctx.testControl ? { testControl: true } : {}),
      }),
  },
];
