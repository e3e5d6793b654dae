/**
 * The API registry: one entry per documented API, each with its wire protocol, its compiled spec,
 * the rule ids it reports coverage of, and the harmless call its protocol's system cases make. A
 * suite is the API's folder under scenarios/. Adding an API is one folder (src/apis/<id>/ for the
 * reference, specs/<id>/spec.yaml, scenarios/<id>/) plus one entry here. Data only: the reference
 * services are mounted by src/reference/server.ts.
 */
import type { SystemProbe } from '../protocols/types.js';
import { type FreshPath, freshen } from '../scenario/freshen.js';
import type { Json } from '../scenario/types.js';
import { promotionApiCompiled, type CompiledApi } from '../spec/compile.js';
import { jdCouponApiCompiled } from './jd-coupon/spec.js';
import { couponBatchApiCompiled } from './tencent-coupon-batch/compiled.js';
import { yohoUserCouponApiCompiled } from './yoho-user-coupon/spec.js';
import { loadCouponBatchSpec } from './tencent-coupon-batch/spec.js';

export interface ApiDef {
  /** The API's id: its spec folder, its scenarios folder (the suite's name) and its key in a target. */
  readonly id: string;
  readonly title: string;
  /** The protocol its operations are called through (src/protocols/index.ts). */
  readonly protocol: string;
  readonly compiled: () => CompiledApi;
  /** The rule-id prefixes whose coverage its suite reports. */
  readonly rulePrefixes: readonly string[];
  /** The call the protocol's system cases make: harmless (read-only, or an idempotent update), valid. */
  readonly systemProbe: SystemProbe;
  /**
   * Values of the API a target config must give under `apis.<id>.options` (scenarios read them as
   * `${target.NAME}`), each with the value the embedded reference uses.
   */
  readonly options?: Readonly<Record<string, { readonly description: string; readonly embedded: string }>>;
  /**
   * Fields of a JSON body that identify a record the call creates or updates (`coupons[].external_coupon_id`):
   * generated cases and the system probe send fresh values there, so runs never overwrite each other's
   * records on a shared target, nor a real record with the document's example id.
   */
  readonly freshPaths?: readonly FreshPath[];
}

const COUPON_FRESH_PATHS: readonly FreshPath[] = [['coupons', '[]', 'external_coupon_id']];

/** The seed's example body, in the target's data source: an add-or-update of one coupon, so harmless to repeat. */
function couponBatchProbe(): SystemProbe {
  const op = loadCouponBatchSpec().operations['order/add_coupon'];
  const params = freshen({ ...(op.example as Record<string, Json>), dataSourceId: '${target.dataSourceId}' }, COUPON_FRESH_PATHS);
  return { operation: 'order/add_coupon', params: params as Record<string, Json> };
}

/**
 * The API a target config's short form describes (`url` + `credentials.<its protocol>`, without
 * `apis:`): the first API promoproof had, kept so that older configs keep working.
 */
export const SHORT_FORM_API = 'jd-promotion';

export const APIS: ReadonlyMap<string, ApiDef> = new Map<string, ApiDef>([
  [
    'jd-promotion',
    {
      id: 'jd-promotion',
      title: 'JD seller promotion service',
      protocol: 'jos',
      compiled: promotionApiCompiled,
      rulePrefixes: ['JOS-', 'JDP-'],
      systemProbe: { operation: 'jingdong.seller.promotion.list', params: {} },
    },
  ],
  [
    'tencent-coupon-batch',
    {
      id: 'tencent-coupon-batch',
      title: 'Tencent 有数 coupon batch upload',
      protocol: 'tencent-data-api',
      compiled: couponBatchApiCompiled,
      rulePrefixes: ['TCC-'],
      get systemProbe() {
        return couponBatchProbe();
      },
      freshPaths: COUPON_FRESH_PATHS,
      options: {
        dataSourceId: { description: 'the data source the coupons go to (数据源id, data.dataSource.id of create)', embedded: '101' },
      },
    },
  ],
  [
    'jd-coupon',
    {
      id: 'jd-coupon',
      title: 'Coupon life cycle (claim, verify, redeem, statistics)',
      protocol: 'jos',
      compiled: jdCouponApiCompiled,
      rulePrefixes: ['CPN-'],
      // A user's coupons: read-only.
      systemProbe: { operation: 'promoproof.coupon.user.list', params: { uid: 1 } },
    },
  ],
  [
    'yoho-user-coupon',
    {
      id: 'yoho-user-coupon',
      title: 'Yoho user coupon queries',
      protocol: 'yoho-gateway',
      compiled: yohoUserCouponApiCompiled,
      rulePrefixes: ['UCP-'],
      systemProbe: { operation: 'app.coupons.total', params: { uid: 1, type: 'notuse' } },
    },
  ],
]);
