/**
 * The coupon batch upload behind the gateway: validate the whole body, then add or update every
 * coupon in order (TCC-02, TCC-03). The gateway has verified the query; this service sees the app_id
 * and the parsed JSON body only, and answers the envelope the gateway sends.
 */
import type { TencentEnvelope } from '../../protocols/tencent-data-api/envelope.js';
import { successEnvelope } from '../../protocols/tencent-data-api/envelope.js';
import { tencentError } from '../../protocols/tencent-data-api/retcodes.js';
import type { TencentBodyFault } from './faults.js';
import { loadTencentProtocol, type TencentProtocolSpec } from './spec.js';
import type { CouponBatchStore } from './store.js';
import { type BodyProblem, type CouponInput, validateCouponBatchBody } from './validate.js';

/** The envelope the gateway sends for a call (HTTP 200 always). */
export type ServiceAnswer = TencentEnvelope;

/** What the gateway calls: one operation, add_coupon. */
export interface CouponBatchService {
  /** `body` is any parsed JSON value; never throws for one. */
  addCoupons(appId: string, body: unknown): ServiceAnswer;
}

/** One entry of a success's `data.coupons` (TCC-REF-09). */
export interface CouponAction {
  readonly external_coupon_id: string;
  readonly action: 'added' | 'updated';
}

export interface CouponBatchServiceDeps {
  readonly store: CouponBatchStore;
  /** The protocol spec, for the retcodes' texts; the shipped one by default. */
  readonly protocol?: TencentProtocolSpec;
  /** A fault of TENCENT_FAULTS or a body mutation (`spec:tcc:…`). */
  readonly fault?: TencentBodyFault;
  /** Validate fields where they have no effect too (the reading coupon-no-effect-fields-validated); ignored by default (TCC-REF-16). */
  readonly noEffectValidated?: boolean;
}

/** Problems named in `errmsg`; `data.errors` holds up to MAX_LISTED (TCC-REF-06). */
export const MAX_IN_ERRMSG = 5;
export const MAX_LISTED = 100;

export function createCouponBatchService(deps: CouponBatchServiceDeps): CouponBatchService {
  const protocol = deps.protocol ?? loadTencentProtocol();
  const { store, fault } = deps;
  const refuse = (found: readonly BodyProblem[]): ServiceAnswer => {
    const problems = fault === 'tcc-errors-without-index' ? found.map(withoutCoupon) : found;
    const shown = problems.slice(0, MAX_IN_ERRMSG).map((p) => `${p.path}: ${p.message}`);
    const more = problems.length > MAX_IN_ERRMSG ? ` (and ${problems.length - MAX_IN_ERRMSG} more)` : '';
    return tencentError(protocol, 'bodyInvalid', shown.join('; ') + more, { errors: problems.slice(0, MAX_LISTED) });
  };
  return {
    addCoupons(appId, raw) {
      // The body as the reference takes it: a field with no effect for its coupon's sub type is left
      // out (TCC-REF-16), so it is neither refused nor stored.
      const checked = validateCouponBatchBody(raw, fault, { noEffectValidated: deps.noEffectValidated === true });
      if (!checked.ok) return refuse(checked.problems);
      // Under tcc-datasource-optional a body may come without one.
      const dataSourceId = checked.body.dataSourceId ?? '';
      const { coupons } = checked.body;
      if (fault === 'tcc-duplicate-id-refused') {
        const seen = new Set<string>();
        const dups = coupons.flatMap((c, index): BodyProblem[] => {
          const dup = seen.has(c.external_coupon_id) || store.has(dataSourceId, c.external_coupon_id);
          seen.add(c.external_coupon_id);
          return dup ? [{ index, path: `coupons[${index}].external_coupon_id`, message: 'already exists' }] : [];
        });
        if (dups.length > 0) return refuse(dups);
      }
      // Validated whole before anything is stored, so a refused call stores nothing (TCC-REF-06); in
      // order, so the later of the same id wins (TCC-REF-13).
      const applied = fault === 'tcc-first-of-twins-wins' ? firstOfEachId(coupons) : coupons;
      const actions: CouponAction[] = applied.map((coupon) => {
        const { action } = store.upsert({ appId, dataSourceId, coupon });
        // tcc-update-answered-added: the answer says added whatever the store did (TCC-REF-09 broken on purpose).
        return { external_coupon_id: coupon.external_coupon_id, action: fault === 'tcc-update-answered-added' ? 'added' : action };
      });
      return successEnvelope({ coupons: actions });
    },
  };
}

/** tcc-errors-without-index: a problem named by its field within the coupon, the coupon itself left out. */
function withoutCoupon(p: BodyProblem): BodyProblem {
  return { path: p.path.replace(/^coupons\[\d+\]\.?/, '') || '(coupon)', message: p.message };
}

/** tcc-first-of-twins-wins: the batch deduplicated by id, the first of each kept (the later dropped unseen). */
function firstOfEachId(coupons: readonly CouponInput[]): CouponInput[] {
  const seen = new Set<string>();
  return coupons.filter((c) => !seen.has(c.external_coupon_id) && seen.add(c.external_coupon_id));
}
