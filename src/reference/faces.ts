/**
 * The reference's faces beside the JD promotion service (which owns the server's root: JOS routes,
 * parsers, the 404 and error envelopes): one entry per API, each mounting its gateway, service and
 * test control in its own fastify scope. Adding an API to the reference is one folder under
 * src/apis/ and one entry here; the harness's registry (src/apis/index.ts) stays free of fastify.
 */
import type { FastifyInstance } from 'fastify';
import { type MountedCouponPlatform, mountCouponPlatform } from '../apis/jd-coupon/index.js';
import { type MountedCouponBatch, mountTencentCouponBatch } from '../apis/tencent-coupon-batch/index.js';
import { mountUserCouponQueries } from '../apis/yoho-user-coupon/index.js';
import type { JosService } from '../protocols/jos/gateway.js';
import type { ReadingId } from '../apis/jd-promotion/readings.js';
import { tencentReshape, yohoReshape } from './answer-shapes.js';

/** What every face is mounted with. */
export interface FaceContext {
  /** The real clock, epoch ms. */
  readonly now: () => number;
  /** The server's fault: a face ignores the faults of other APIs. */
  readonly fault?: string;
  readonly testControl: boolean;
  /** The state of the faces mounted before this one, by API id (the coupon platform reads the Tencent face's batches). */
  readonly faces: Readonly<Record<string, unknown>>;
  /** The readings the server runs with (src/apis/jd-promotion/readings.ts): a face follows the ones of its API. */
  readonly readings: ReadonlySet<ReadingId>;
}

export interface Face {
  /** The API's id (src/apis/index.ts). */
  readonly api: string;
  /** Mounts the face; the returned state is decorated on the server as `faces[api]`, for tests and other faces. */
  readonly mount: (app: FastifyInstance, ctx: FaceContext) => unknown;
  /** A JOS API: its service, served by the reference's one JOS router beside the promotion service. */
  readonly josService?: (state: unknown) => JosService;
  /** Under this fault, the JOS router lets callers of this method through unchecked (a fault of the API, not of JOS). */
  readonly callerUnchecked?: (fault: string | undefined, method: string) => boolean;
}

export const FACES: readonly Face[] = [
  {
    api: 'tencent-coupon-batch',
    mount: (app, ctx) =>
      mountTencentCouponBatch(app, {
        now: ctx.now,
        ...(ctx.fault ? { fault: ctx.fault } : {}),
        ...(ctx.testControl ? { testControl: true } : {}),
        ...(ctx.readings.has('coupon-no-effect-fields-validated') ? { noEffectValidated: true } : {}),
        ...optional('reshapeSuccess', tencentReshape(ctx.readings)),
      }),
  },
  {
    api: 'jd-coupon',
    mount: (app, ctx) =>
      mountCouponPlatform(app, {
        batches: (ctx.faces['tencent-coupon-batch'] as MountedCouponBatch).store,
        now: ctx.now,
        ...(ctx.fault ? { fault: ctx.fault } : {}),
        testControl: ctx.testControl,
        readings: ctx.readings,
      }),
    josService: (state) => (state as MountedCouponPlatform).josService,
    callerUnchecked: (fault, method) => fault === 'cpn-caller-not-checked' && method.startsWith('promoproof.coupon.'),
  },
  {
    api: 'yoho-user-coupon',
    mount: (app, ctx) =>
      mountUserCouponQueries(app, {
        platform: (ctx.faces['jd-coupon'] as MountedCouponPlatform).platform,
        ...(ctx.fault ? { fault: ctx.fault } : {}),
        ...optional('reshapeSuccess', yohoReshape(ctx.readings)),
      }),
  },
];

/** `{ [key]: value }`, or nothing for an undefined value (an option left out, not set to undefined). */
function optional<K extends string, V>(key: K, value: V | undefined): { [k in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [k in K]: V });
}
