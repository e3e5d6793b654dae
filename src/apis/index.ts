/**
 * The API registry: one module per documented API (src/apis/<id>/api.ts, the shape in types.ts). A suite
 * is the API's folder under scenarios/. The engine, the reference server (src/reference/server.ts), the
 * fault map (src/reference/faults.ts), the readings (readings.ts) and the default suites are built by
 * iterating this list: adding an API is its folder (src/apis/<id>/, specs/<id>/spec.yaml,
 * scenarios/<id>/) and its line below. The order matters to the reference: a face is mounted after the
 * faces whose state it reads (the coupon platform claims from the Tencent face's batches).
 */
import type { Json } from '../scenario/types.js';
import { jdCouponApi } from './jd-coupon/api.js';
import { jdPromotionApi } from './jd-promotion/api.js';
import { tencentCouponBatchApi } from './tencent-coupon-batch/api.js';
import type { ApiDef, ControlRequest, TargetFixtures } from './types.js';
import { yohoUserCouponApi } from './yoho-user-coupon/api.js';

export type { ApiDef } from './types.js';

const MODULES: readonly ApiDef[] = [jdPromotionApi, tencentCouponBatchApi, jdCouponApi, yohoUserCouponApi];

export const APIS: ReadonlyMap<string, ApiDef> = new Map(MODULES.map((api) => [api.id, api]));

/**
 * The API a target config's short form describes (`url` + `credentials.<its protocol>`, without
 * `apis:`): the first API promoproof had, kept so that older configs keep working.
 */
export const SHORT_FORM_API: string = jdPromotionApi.id;

/**
 * The request of a test-control step: the generic `{post, body}` (any 2xx is done), or a named action
 * of `api`'s module (of any API's, when `api` is not given: names are unique across the registry),
 * answered 200. Throws for an action no API declares (the scenario schema lists the known ones).
 */
export function controlAction(api: string | undefined, control: Readonly<Record<string, Json>>): ControlRequest {
  if ('post' in control) return { path: String(control['post']), body: control['body'] ?? {}, accepts: (s) => s >= 200 && s < 300 };
  const name = String(control['action']);
  const owners = api === undefined ? MODULES : MODULES.filter((m) => m.id === api);
  for (const m of owners) {
    const action = m.controlActions?.[name];
    if (action) return { ...action(control), accepts: (s) => s === 200 };
  }
  throw new Error(`no API${api === undefined ? '' : ` ${api}`} has the test-control action '${name}'`);
}

/** The catalogue fixtures the reference serves: those of every API that has any. */
export function referenceFixtures(): TargetFixtures {
  return mergeFixtures(MODULES.flatMap((m) => (m.fixtures ? [m.fixtures.reference()] : [])));
}

/** The catalogue fixtures a target config declares (`fixtures:`, schema-checked), read by every API that has any. */
export function configFixtures(fixtures: Readonly<Record<string, unknown>>): TargetFixtures {
  return mergeFixtures(MODULES.flatMap((m) => (m.fixtures ? [m.fixtures.fromConfig(fixtures)] : [])));
}

function mergeFixtures(all: readonly TargetFixtures[]): TargetFixtures {
  const skuPool = all.find((f) => f.skuPool !== undefined)?.skuPool;
  return { skus: all.flatMap((f) => f.skus), ...(skuPool ? { skuPool } : {}) };
}
