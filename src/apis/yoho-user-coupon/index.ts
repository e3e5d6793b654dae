/**
 * The user coupon queries' reference face (yoho-user-coupon): the Yoho gateway at /gateway (and
 * /gateway/), GET or POST, over the coupon platform's store.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { YOHO_TEST_CREDENTIALS } from '../../protocols/yoho-gateway/credentials.js';
import { handleYoho, type YohoGatewayDeps } from '../../protocols/yoho-gateway/gateway.js';
import type { CouponPlatform } from '../coupon-platform/platform.js';
import { isUcpFault, UCP_FAULTS, type UserCouponServiceFaults } from './faults.js';
import { UserCouponService } from './service.js';
import { yohoUserCouponCompiledFor } from './spec-mutations.js';

export { isUcpFault, UCP_FAULTS, type UcpFaultId } from './faults.js';
export { loadYohoUserCouponSpec, yohoUserCouponApiCompiled } from './spec.js';
export { isUserCouponMutation, UCP_MUTATION_PREFIX, userCouponMutationsById } from './spec-mutations.js';

/** The client types of the gateway (PROTOCOLS.md §3a), each with its own test key; android's is the documented test key. */
export const YOHO_REFERENCE_KEYS: Readonly<Record<string, string>> = Object.freeze({
  iphone: 'promoproof-yoho-test-key-iphone',
  ipad: 'promoproof-yoho-test-key-ipad',
  android: YOHO_TEST_CREDENTIALS.privateKey,
  h5: 'promoproof-yoho-test-key-h5',
  wechat: 'promoproof-yoho-test-key-wechat',
  web: 'promoproof-yoho-test-key-web',
  yoho: 'promoproof-yoho-test-key-yoho',
});

export const YOHO_GATEWAY_PATHS = ['/gateway', '/gateway/'] as const;

export interface MountedUserCoupon {
  readonly service: UserCouponService;
}

export function mountUserCouponQueries(
  app: FastifyInstance,
  options: {
    readonly platform: CouponPlatform;
    readonly fault?: string;
    readonly privateKeys?: Readonly<Record<string, string>>;
    readonly salt?: string;
    /** Rewrites a success into another shape the documents allow (the answer-shape readings, src/reference/answer-shapes.ts). */
    readonly reshapeSuccess?: YohoGatewayDeps['reshapeSuccess'];
  },
): MountedUserCoupon {
  const f = options.fault;
  const faults: UserCouponServiceFaults = isUcpFault(f) ? ((UCP_FAULTS[f] as { service?: UserCouponServiceFaults }).service ?? {}) : {};
  const service = new UserCouponService(yohoUserCouponCompiledFor(f), options.platform, faults);
  const deps = {
    privateKeys: options.privateKeys ?? YOHO_REFERENCE_KEYS,
    salt: options.salt ?? YOHO_TEST_CREDENTIALS.salt,
    service,
    ...(f ? { fault: f } : {}),
    ...(options.reshapeSuccess ? { reshapeSuccess: options.reshapeSuccess } : {}),
  };
  const route = async (req: FastifyRequest, reply: FastifyReply) => {
    // A servlet's getParameter answers the query's value first: the query wins over the form body.
    const params = { ...objectOf(req.body), ...objectOf(req.query) };
    if (faults.badFilterCrashes && outsideItsSet(params)) return reply.code(500).type('text/plain').send('Internal Server Error');
    const a = handleYoho(deps, params, req.method === 'GET' ? 'GET' : 'POST');
    return reply.code(a.status).type(a.contentType).send(a.body);
  };
  for (const path of YOHO_GATEWAY_PATHS) {
    app.get(path, route);
    app.post(path, route);
  }
  return { service };
}

/** Parameters of a query or a parsed form; anything else (a JSON array, an unreadable body) gives none. */
function objectOf(v: unknown): Record<string, string | readonly string[]> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return {};
  const out: Record<string, string | readonly string[]> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (typeof x === 'string') out[k] = x;
    else if (typeof x === 'number' || typeof x === 'boolean') out[k] = String(x);
    else if (Array.isArray(x)) out[k] = x.map(String);
  }
  return out;
}

/** A `type` or `status` outside its set (what the `ucp-bad-filter-crashes` fault crashes on). */
function outsideItsSet(params: Readonly<Record<string, string | readonly string[]>>): boolean {
  const one = (k: string) => {
    const v = params[k];
    return typeof v === 'string' ? v : v?.[0];
  };
  const method = one('method');
  const type = one('type');
  const status = one('status');
  if ((method === 'app.coupons.lists' || method === 'app.coupons.total') && type !== undefined)
    return !['use', 'notuse', 'overtime'].includes(type);
  if (method === 'app.coupons.li' && status !== undefined) return !['0', '1'].includes(status);
  return false;
}
